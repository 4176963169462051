"""The answering flow with fake components: langchain_core's fake chat models as the answerer
and the rewriter, a hashing encoder, passages held in memory. The real verifier, relevance
check and evidence selector run; the real model runs in test_e2e_llm.py. Milliseconds each."""

from __future__ import annotations

import json

import pytest
from langchain_core.language_models.fake_chat_models import FakeListChatModel, GenericFakeChatModel
from langchain_core.messages import AIMessage

from bench.encoders import HashingEmbeddings
from rag.answer.answerer import Answerer
from rag.answer.compose import abstain_text
from rag.answer.evidence import EvidenceSelector
from rag.answer.pipeline import QuestionError, RagPipeline, StreamEvent
from rag.answer.relevance import RelevanceCheck
from rag.answer.rewriter import QuestionRewriter
from rag.answer.verifier import Verifier
from rag.types import Answer, Citation, Passage, Turn

HAWIJA = (
    "Iraqi forces and allied militias announced on Oct. 5 that they had taken Hawija from ISIS. "
    "The battle for Hawija took 15 days of fighting.\n\n"
    "As of now, ISIS only holds two major towns in Iraq, Rawa and al-Qaim."
)
RAWA = (
    "Iraqi forces recaptured Rawa, the last town held by Islamic State in Iraq. "
    "Prime Minister Haider al-Abadi announced the recapture in a statement. "
    "The operation to take back Rawa lasted five hours."
)


def _passage(source: str, title: str, date: str, text: str) -> Passage:
    return Passage(
        chunk_id=f"{source}:0", source=source, title=title, date=date, text=text, start=0, end=len(text)
    )


PASSAGES = [
    _passage("hawija.txt", "ISIS is About to be Ousted from Iraq", "2017-10-10", HAWIJA),
    _passage("rawa.txt", "Iraqi forces retake Rawa", "2017-11-17", RAWA),
]


class ListRetriever:
    """Every passage, whatever the question; records the questions it was asked."""

    def __init__(self, passages: list[Passage]) -> None:
        self.passages = passages
        self.queries: list[str] = []

    def run(self, query: str, k: int = 5, **filters) -> list[Passage]:
        self.queries.append(query)
        return self.passages[:k]


def _draft(*sentences: tuple[str, list[int]], answerable: bool = True) -> AIMessage:
    body = {"answerable": answerable, "sentences": [{"text": t, "cites": c} for t, c in sentences]}
    return AIMessage(content=json.dumps(body))


def _pipeline(drafts: list[AIMessage], rewrites: list[str] | None = None, passages=PASSAGES) -> RagPipeline:
    embeddings = HashingEmbeddings()
    return RagPipeline(
        retriever=ListRetriever(passages),
        selector=EvidenceSelector(embeddings, max_sentences=8),
        answerer=Answerer(GenericFakeChatModel(messages=iter(drafts))),
        verifier=Verifier(),
        relevance=RelevanceCheck(),
        rewriter=QuestionRewriter(FakeListChatModel(responses=rewrites or ["(no rewrite expected)"])),
        model="fake",
    )


def _number(question: str, fragment: str) -> int:
    """The evidence number the model would see for the sentence containing ``fragment``."""
    evidence = EvidenceSelector(HashingEmbeddings(), max_sentences=8).run(question, PASSAGES)
    return next(ev.number for ev in evidence if fragment in ev.text)


def _run(pipeline: RagPipeline, question: str, history=None) -> tuple[list[StreamEvent], Answer]:
    events = list(pipeline.stream(question, history))
    assert events[-1].kind == "answer" and events[-1].answer is not None
    return events, events[-1].answer


def _recorded(pipeline: RagPipeline, question: str) -> tuple[list[StreamEvent], str | None]:
    """The events, and what the model had written when the first sentence was shown."""
    written: list[str] = []
    stream = pipeline.answerer.stream

    def recording(q, evidence):
        for piece in stream(q, evidence):
            written.append(piece)
            yield piece

    pipeline.answerer.stream = recording  # type: ignore[method-assign]
    events, at_first_sentence = [], None
    for event in pipeline.stream(question):
        events.append(event)
        if event.kind == "sentence" and at_first_sentence is None:
            at_first_sentence = "".join(written)
    return events, at_first_sentence


def test_a_verified_sentence_streams_while_the_model_is_still_writing():
    q = "When was Hawija taken from ISIS?"
    n = _number(q, "Oct. 5")
    draft = _draft(
        ("Hawija was taken from ISIS on Oct. 5.", [n]),
        ("Iraqi forces and allied militias announced it.", [n]),
    )
    events, at_first_sentence = _recorded(_pipeline([draft]), q)
    assert [e.kind for e in events] == ["status", "status", "sentence", "sentence", "answer"]
    # The first sentence was shown while the model was still writing the second.
    assert at_first_sentence is not None and '"Iraqi forces and allied' not in at_first_sentence
    answer = events[-1].answer
    assert answer.kind == "answer" and answer.answerable
    # The stage report's trace: what the reader was shown and what the answer rests on.
    assert answer.trace["path"] == "write" and answer.trace["gate_passed"] is True
    assert answer.trace["evidence"] and any("Oct. 5" in t for t in answer.trace["chosen"])
    shown = [e.text for e in events if e.kind == "sentence"]
    assert shown == [
        "Hawija was taken from ISIS on Oct. 5 [1].",
        "Iraqi forces and allied militias announced it [1].",
    ]
    assert answer.text == " ".join(shown)
    assert [c.status for c in answer.checks] == ["verified", "verified"]
    assert answer.citations[0].quote.startswith("Iraqi forces and allied militias announced on Oct. 5")
    assert set(answer.timings) >= {"retrieve", "evidence", "generate", "verify", "total"}


def test_kept_sentences_wait_until_together_they_answer_the_question():
    # The date alone doesn't say how many days: nothing is shown until the second sentence.
    q = "When was Hawija taken from ISIS, after how many days of fighting?"
    first = ("Hawija was taken from ISIS on Oct. 5.", [_number(q, "Oct. 5")])
    second = ("The battle for Hawija took 15 days.", [_number(q, "15 days")])
    draft = _draft(first, second)
    events, at_first_sentence = _recorded(_pipeline([draft]), q)
    assert at_first_sentence == draft.content  # held back to the end of the draft
    answer = events[-1].answer
    assert [e.kind for e in events].count("sentence") == 2 and answer.kind == "answer"
    assert answer.text == "Hawija was taken from ISIS on Oct. 5 [1]. The battle for Hawija took 15 days [2]."


def test_a_follow_up_is_rewritten_before_it_is_searched():
    standalone = "Who announced that Rawa was recaptured?"
    n = _number(standalone, "al-Abadi")
    pipeline = _pipeline(
        [_draft(("Prime Minister Haider al-Abadi announced the recapture.", [n]))], rewrites=[standalone]
    )
    events, answer = _run(pipeline, "Who announced it?", history=[("When was Rawa retaken?", "…")])
    assert events[0].text.startswith("Rewriting")
    # The standalone question is searched; a turn given as text has its sources found again.
    assert pipeline.retriever.queries == [standalone, "When was Rawa retaken?"]
    assert answer.standalone_question == standalone and answer.question == "Who announced it?"
    assert answer.kind == "answer" and "al-Abadi" in answer.text


def test_a_follow_up_also_reads_the_passages_the_previous_answer_cited():
    """'And how long did it take?' after an answer cited from a passage this question's own
    search does not find: that passage is read too (and not searched for again)."""
    only_hawija = ListRetriever([PASSAGES[0]])
    n = 1
    pipeline = _pipeline(
        [_draft(("The operation to take back Rawa lasted five hours.", [n]))],
        rewrites=["How long did the operation take?"],
    )
    pipeline.retriever = only_hawija
    previous = Turn("When was Rawa retaken?", "Rawa was recaptured [1].", cited=[PASSAGES[1]])
    events, answer = _run(pipeline, "And how long did it take?", history=[previous])
    assert only_hawija.queries == ["How long did the operation take?"]
    assert [p.source for p in answer.passages] == ["hawija.txt", "rawa.txt"]
    assert any("five hours" in e for e in answer.trace["evidence"])


def test_a_turn_made_from_an_answer_keeps_only_the_passages_it_cited():
    a = Answer("When was Rawa retaken?", "Friday [1].", True, passages=list(PASSAGES))
    a.citations = [Citation(1, "rawa.txt", "t", None, "q", PASSAGES[1].chunk_id, 0, 1, "p")]
    turn = Turn.of(a)
    assert turn.question == a.question and turn.answer == a.text and turn.cited == [PASSAGES[1]]
    assert Turn.of(("q", "a")) == Turn("q", "a")


def test_a_compound_question_answers_each_part_with_one_numbering():
    q = "When was Hawija taken from ISIS, and how long did the operation to take back Rawa last?"
    first, second = "When was Hawija taken from ISIS?", "How long did the operation to take back Rawa last?"
    drafts = [
        _draft(("Hawija was taken from ISIS on Oct. 5.", [_number(first, "Oct. 5")])),
        _draft(("The operation to take back Rawa lasted five hours.", [_number(second, "five hours")])),
    ]
    events, answer = _run(_pipeline(drafts), q)
    assert [e.text for e in events if e.kind == "status"][0].startswith("Part 1 of 2:")
    assert answer.text == (
        "Hawija was taken from ISIS on Oct. 5 [1]. The operation to take back Rawa lasted five hours [2]."
    )
    assert [c.number for c in answer.citations] == [1, 2]
    assert [c.source for c in answer.citations] == ["hawija.txt", "rawa.txt"]
    assert [c.citations for c in answer.claims] == [[1], [2]]
    assert answer.standalone_question == f"{first} | {second}"


def test_a_draft_whose_every_sentence_fails_falls_back_to_the_sentence_that_answers():
    q = "When was Hawija taken from ISIS?"
    # A date borrowed from nowhere: dropped, and no other evidence sentence holds it.
    pipeline = _pipeline([_draft(("Hawija was taken from ISIS on Oct. 9.", [_number(q, "Oct. 5")]))])
    events, answer = _run(pipeline, q)
    assert [c.status for c in answer.checks] == ["dropped", "quoted"]
    assert "date 10/9" in answer.checks[0].reason
    assert answer.kind == "quote" and answer.answerable
    assert answer.text.startswith("The articles say: “Iraqi forces and allied militias announced on Oct. 5")
    assert not [e for e in events if e.kind == "sentence"]  # nothing was shown before the end


def test_true_sentences_that_do_not_answer_are_held_back_and_not_presented_as_the_answer():
    q = "How many civilians were killed in Hawija?"
    draft = _draft(("Hawija was taken from ISIS on Oct. 5.", [_number(q, "Oct. 5")]))
    events, answer = _run(_pipeline([draft]), q)
    assert not [e for e in events if e.kind == "sentence"]
    assert answer.checks[0].status == "dropped" and "number" in answer.checks[0].reason
    assert not answer.answerable and answer.kind in ("quote", "abstain")
    assert all(c.status != "quoted" for c in answer.checks) and answer.claims == []


def test_the_model_declining_is_an_abstention():
    q = "What is the population of Rawa?"
    events, answer = _run(_pipeline([_draft(answerable=False)]), q)
    assert answer.kind == "abstain" and not answer.answerable
    assert answer.text == abstain_text(q) and answer.citations == []


def test_no_evidence_declines_without_asking_the_model():
    # The fake model has no reply to give: asking it would raise.
    events, answer = _run(_pipeline([], passages=[]), "When was Hawija taken from ISIS?")
    assert [e.kind for e in events] == ["status", "answer"]
    assert answer.kind == "abstain" and answer.text == abstain_text("When was Hawija taken from ISIS?")


@pytest.mark.parametrize("question, message", [("  ", "empty"), ("x" * 2001, "longer than 2000")])
def test_a_question_that_cannot_be_asked_is_one_error(question, message):
    with pytest.raises(QuestionError, match=message):
        list(_pipeline([]).stream(question))


def test_fact_questions_take_the_extractive_path_and_others_the_written_one():
    from rag.answer.extractive import SpanAnswerer
    from rag.answer.extractor import SpanExtractor

    class Always:
        def run(self, question, ev, answer):
            return 0.9

    reply = json.dumps({"answerable": True, "sentence": 1, "answer": "Haider al-Abadi"})
    extractor = SpanExtractor(lambda schema: FakeListChatModel(responses=[reply]))
    q = "Why did Prime Minister Haider al-Abadi make a statement about Rawa?"
    written = _draft(("Prime Minister Haider al-Abadi announced the recapture.", [_number(q, "al-Abadi")]))
    pipeline = _pipeline([written])
    pipeline.span_answerer = SpanAnswerer(extractor, Always(), RelevanceCheck())

    events, answer = _run(pipeline, "Who announced the recapture of Rawa?")
    assert [e.text for e in events if e.kind == "status"][-1].startswith("Finding the sentence")
    assert [e.text for e in events if e.kind == "sentence"] == ["Haider al-Abadi [1]."] == [answer.text]
    assert answer.kind == "answer" and answer.checks[0].status == "quoted"

    events, answer = _run(pipeline, q)  # a why-question: the written, verified draft
    assert [e.text for e in events if e.kind == "status"][-1].startswith("Writing a cited answer")
    assert answer.checks[0].status == "verified" and "al-Abadi" in answer.text


def test_a_fact_question_nothing_settled_is_written_not_quoted():
    """A how-many question with no count to choose must not get its best sentence quoted as
    the answer (the photo caption for "how many tanks"); what-questions are quoted."""
    from rag.answer.chooser import CoveredSentenceReader

    q = "How many days did the battle for Hawija take?"
    pipeline = _pipeline(
        [_draft(("The battle for Hawija took 15 days of fighting.", [_number(q, "15 days")]))]
    )
    pipeline.open_reader = CoveredSentenceReader()
    _, answer = _run(pipeline, q)
    assert answer.trace["path"] == "write"
    _, quoted = _run(pipeline, "What does ISIS still hold in Iraq besides Hawija?")
    assert quoted.trace["path"] == "choose" and quoted.kind == "quote"


def test_an_ordering_question_is_answered_from_the_timeline_not_split_or_drafted():
    from rag.answer.timeline import TimelineReader
    from tests.test_timeline import HAWIJA, MOSUL, FakeIndex

    pipe = _pipeline([])  # no draft: the model must not be asked
    index = FakeIndex([HAWIJA, MOSUL])
    pipe.timeline = TimelineReader(index.events, index.passages)
    # "…, or …" would be split into two questions; an ordering question is answered as one.
    _, answer = _run(pipe, "Which came first, the fall of Hawija, or the fall of Mosul?")
    assert answer.text.splitlines()[0] == "The fall of Mosul came first, then the fall of Hawija:"
    assert answer.trace["path"] == "timeline" and len(answer.citations) == 2


@pytest.mark.parametrize(
    ("question", "span", "declined"),
    [
        ("On what exact date did the militias take Hawija?", "Oct", True),  # a month: no answer
        ("On which day in October did the militias take Hawija?", "Oct", True),
        ("On what exact date did the militias take Hawija?", "Oct. 5", False),
        ("When did the militias take Hawija?", "Oct", False),  # a month answers a plain when
    ],
)
def test_a_month_is_no_answer_when_the_question_asks_for_the_day(question, span, declined):
    from rag.answer.extractive import SpanAnswerer
    from rag.answer.extractor import SpanExtractor

    class Always:
        def run(self, question, ev, answer):
            return 0.9

    reply = json.dumps({"answerable": True, "sentence": 1, "answer": span})
    pipeline = _pipeline([])
    extractor = SpanExtractor(lambda schema: FakeListChatModel(responses=[reply] * 3))
    pipeline.span_answerer = SpanAnswerer(extractor, Always(), RelevanceCheck())
    _, answer = _run(pipeline, question)
    assert answer.answerable is not declined
    if declined:  # the sentence is still shown, for what it does give
        assert answer.text.startswith("No article gives the exact date; the closest it comes: “")
        assert answer.kind == "quote" and [c.status for c in answer.checks] == ["dropped", "closest"]
        assert answer.citations[0].quote in answer.text
    else:
        assert answer.text == f"{span} [1]."


@pytest.mark.parametrize(
    ("question", "declined"),
    [
        ("When did the Normans conquer Sicily?", False),  # a year answers a plain when, as a year
        ("In what year did the Normans conquer Sicily?", False),
        ("On what exact day did the Normans conquer Sicily?", True),  # a day asked: a year is no answer
    ],
)
def test_a_year_answers_a_when_question_at_its_precision_but_not_an_exact_day(question, declined):
    from rag.answer.choice import ChoiceAnswerer, ChoiceReader
    from tests.test_candidates import FakeLogits

    text = "The Normans conquered Sicily in 1091 after thirty years of war."
    pipeline = _pipeline([], passages=[_passage("normans.txt", "The Normans", "", text)])
    pipeline.span_answerer = ChoiceAnswerer(ChoiceReader(FakeLogits("A")))
    _, answer = _run(pipeline, question)
    assert answer.answerable is not declined
    if declined:
        assert answer.text.startswith("No article gives the exact date; the closest it comes: “")
    else:
        assert answer.text == "In 1091 [1]."
