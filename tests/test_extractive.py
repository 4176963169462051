"""The extract-and-verify answer with a fake chat model and a fake scorer: every check on the
model's choice is exact, and a failed check is a decline that shows what the articles say."""

from __future__ import annotations

import json

import pytest
from langchain_core.language_models.fake_chat_models import FakeListChatModel

from rag.answer.extractive import SpanAnswerer
from rag.answer.extractor import SpanExtractor, extraction_schema, parse_extraction
from rag.answer.relevance import RelevanceCheck
from rag.answer.span import contains_span, gives_wanted_value, locate
from rag.text.question import analyse, question_form
from rag.types import Answer
from tests.test_citations_and_verifier import _ev

RAWA = _ev(1, "Iraqi forces recaptured Rawa, the last town held by Islamic State in Iraq.", "rawa.txt")
ABADI = _ev(2, "Prime Minister Haider al-Abadi announced the recapture in a statement.", "rawa.txt")
QAIM = _ev(3, "On Nov. 3, Iraqi forces retook al-Qa’im, near the Syrian border.", "rawa.txt")
HOURS = _ev(4, "The operation to take back Rawa lasted five hours.", "rawa.txt")
EVIDENCE = [RAWA, ABADI, QAIM, HOURS]
for i, ev in enumerate(EVIDENCE):
    ev.score = 1.0 - i / 10


class TableScorer:
    """P(yes) looked up by sentence: a stand-in for the model's logits."""

    def __init__(self, scores: dict[int, float]) -> None:
        self.scores = scores
        self.calls = 0

    def run(self, question: str, ev, answer: str) -> float:
        self.calls += 1
        return self.scores.get(ev.number, 0.05)


def _answerer(reply: dict, scores: dict[int, float], schemas: list | None = None) -> SpanAnswerer:
    def constrained(schema):
        if schemas is not None:
            schemas.append(schema)
        return FakeListChatModel(responses=[json.dumps(reply)])

    return SpanAnswerer(SpanExtractor(constrained), TableScorer(scores), RelevanceCheck(), min_relevance=0.3)


def _run(answerer: SpanAnswerer, question: str) -> Answer:
    return answerer.run(Answer(question, "", False), analyse(question), EVIDENCE)


def test_question_forms():
    assert question_form("When was Rawa retaken?") == "when"
    assert question_form("How long did the operation last?") == "how_many"
    assert question_form("How did the coalition help?") == "how"
    assert question_form("Which two towns did ISIS still hold?") == "list"
    assert question_form("Did al-Abadi declare victory?") == "yes_no"
    assert question_form("Toward which part of Iraq was the offensive directed?") == "where"
    assert question_form("Whose spokesman announced it?") == "who"
    # A preposition before "when" still asks for a date.
    assert question_form("By when did he expect Iraq to be freed?") == "when"
    assert question_form("Until when did ISIS hold Mosul?") == "when"
    assert analyse("Since when has ISIS held Rawa?").wants == "date"
    assert question_form("On which day in July did Iraqi forces take back Mosul?") == "when"
    assert question_form("What was the calendar date when the compound was destroyed?") == "when"
    assert question_form("What was the date of the article?") == "when"
    assert question_form("What was the population of Mosul?") == "how_many"


def test_a_question_that_asks_for_the_day_and_a_text_that_gives_one():
    from rag.text.question import asks_for_day
    from rag.text.when import gives_day

    assert asks_for_day("On what exact date was Raqqa captured?")
    assert asks_for_day("On which day in July was Mosul retaken?")
    assert not asks_for_day("When was Raqqa captured?") and not asks_for_day("In what month did it fall?")
    assert gives_day("Oct. 5") and gives_day("on November 3rd") and gives_day("on Thursday")
    assert not gives_day("October") and not gives_day("in July 2017") and not gives_day("2016")


def test_a_span_must_be_in_a_sentence_after_normalising_quotes_and_spaces():
    assert contains_span(QAIM.text, "al-Qa'im")  # straight apostrophe, curly in the text
    assert contains_span(HOURS.text, "five  hours.")
    assert not contains_span(HOURS.text, "5 hours")
    # The model's neighbour is corrected to the sentence that holds the words.
    assert locate("five hours", 1, EVIDENCE) is HOURS
    assert locate("Canberra", 1, EVIDENCE) is None


def test_a_when_span_needs_a_date_and_a_how_many_span_a_number():
    assert gives_wanted_value("Nov. 3", analyse("When was al-Qaim retaken?"))
    assert not gives_wanted_value("Iraqi forces", analyse("When was al-Qaim retaken?"))
    assert gives_wanted_value("five hours", analyse("How long did it last?"))
    assert not gives_wanted_value("a statement", analyse("How many people died?"))


def test_the_model_can_only_point_at_sentences_it_was_given():
    schema = extraction_schema([2, 5])
    assert schema["properties"]["sentence"]["enum"] == [2, 5]
    assert list(schema["properties"]) == ["answerable", "sentence", "answer"]
    assert parse_extraction('{"answerable": true, "sentence": 2, "answer": "x"').sentence == 2
    assert parse_extraction("not json").answerable is False


def test_a_copied_span_is_the_answer_cited_to_its_sentence():
    schemas: list = []
    reply = {"answerable": True, "sentence": 1, "answer": "Haider al-Abadi"}
    a = _run(_answerer(reply, {2: 0.9, 1: 0.6}, schemas), "Who announced the recapture of Rawa?")
    assert a.kind == "answer" and a.answerable and a.text == "Haider al-Abadi [1]."
    assert [c.quote for c in a.citations] == [ABADI.text]  # re-cited from the model's sentence 1
    assert a.checks[0].status == "quoted" and "pointed at sentence 1" in a.checks[0].reason
    assert a.relevance == 0.9
    # The stage report's trace: the sentence it rests on, the span, and that the gate passed.
    assert a.trace == {
        "path": "extract",
        "chosen": [ABADI.text],
        "span": "Haider al-Abadi",
        "gate_passed": True,
    }
    # The model could only point at the evidence it was given.
    assert schemas[0]["properties"]["sentence"]["enum"] == [1, 2, 3, 4]


@pytest.mark.parametrize(
    "reply",
    [
        {"answerable": False, "sentence": 1, "answer": ""},
        {"answerable": True, "sentence": 1, "answer": "10,000 people"},  # in no sentence
    ],
)
def test_nothing_copied_from_the_evidence_is_left_to_the_written_answer(reply):
    answerer = _answerer(reply, {1: 0.8})
    assert answerer.run(Answer("q?", "", False), analyse("What is the population of Rawa?"), EVIDENCE) is None
    assert answerer.scorer.calls == 0


def test_a_span_whose_sentence_scores_low_is_declined():
    answerer = _answerer({"answerable": True, "sentence": 1, "answer": "Iraqi forces"}, {1: 0.2})
    a = _run(answerer, "Who announced the recapture of Rawa?")
    assert not a.answerable and a.kind == "quote" and "scores 0.20" in a.checks[0].reason
    assert answerer.scorer.calls == 1 and a.relevance == 0.2
    assert a.trace["span"] == "Iraqi forces" and a.trace["gate_passed"] is False
    assert a.text == f"The articles don't say. The closest passage: “{RAWA.text}” [1]."


def test_a_when_question_without_a_date_gets_the_event_and_a_dated_neighbour_marked_as_other():
    reply = {"answerable": True, "sentence": 1, "answer": "Iraqi forces"}
    a = _run(_answerer(reply, {1: 0.9, 3: 0.5}), "When was Rawa retaken?")
    assert a.kind == "quote" and not a.answerable
    assert a.text == (
        f"No article gives the date. The closest passage: “{RAWA.text}” [1]. A dated event nearby, "
        f"not necessarily the same one: “{QAIM.text}” [2]."
    )
    assert [c.status for c in a.checks] == ["dropped", "closest", "closest"]
    assert "Nov" not in a.text.split("“")[0]  # the date is never stated as Rawa's


@pytest.mark.parametrize(
    ("question", "sentence", "span", "counts"),
    [
        # Near misses: a true number about something else.
        (
            "How many people live in al-Miqdadiya?",
            "ISIS is thought to have 1500 remaining troops there.",
            "1500",
            False,
        ),
        (
            "How many fighters does the PMF have?",
            "The peshmerga fighters are 10 miles from Mosul.",
            "10 miles",
            False,
        ),
        (
            "How many fighters does the PMF have?",
            "The peshmerga fighters are 10 miles from Mosul.",
            "10",
            False,
        ),
        (
            "How many fighters does ISIS hold?",
            "ISIS has lost 20 percent to 25 percent of its land.",
            "20 percent",
            False,
        ),
        # The same kind of thing in other words, or the word itself.
        (
            "How many people were driven from their homes?",
            "It killed civilians and drove 850,000 from their homes.",
            "850,000",
            True,
        ),
        (
            "How many jihadists remain near al-Qaim?",
            "ISIS is thought to have 1500 remaining troops there.",
            "1500",
            True,
        ),
        (
            "How many fighters did air raids kill?",
            "Air raids have killed 30 Islamic State fighters.",
            "30",
            True,
        ),
        # Nothing named to count: a distance question is answered by a distance.
        (
            "How far were the fighters from Mosul?",
            "The peshmerga fighters are 10 miles from Mosul.",
            "10 miles",
            True,
        ),
    ],
)
def test_a_count_must_count_what_the_question_counts(question, sentence, span, counts):
    from rag.answer.span import counts_what_is_asked

    assert counts_what_is_asked(analyse(question), sentence, span) is counts


def test_a_number_about_something_else_is_declined():
    troops = _ev(1, "ISIS is thought to have 1500 remaining troops in the al-Qaim area.", "qaim.txt")
    troops.score = 1.0
    answerer = _answerer({"answerable": True, "sentence": 1, "answer": "1500"}, {1: 0.9})
    a = answerer.run(Answer("q", "", False), analyse("How many people live in al-Qaim?"), [troops])
    assert not a.answerable and "does not count what the question counts (live, peopl)" in a.checks[0].reason
    assert answerer.scorer.calls == 0  # decided before the model is asked again
