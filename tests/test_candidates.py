"""Typed answer candidates taken from sentences, and the multiple-choice reader's options and
decisions with a fake logits reader (the real model is exercised in test_e2e_llm)."""

from __future__ import annotations

import string

import numpy as np
import pytest

from rag.answer.choice import ChoiceAnswerer, ChoiceReader
from rag.answer.constraints import constraint_coverage
from rag.text.candidates import candidates
from rag.text.question import analyse
from rag.types import Answer, EvidenceSentence, Passage

PMF = (
    "Shortly thereafter, on Oct. 9, Javad Talibawi, the spokesperson for the Iran-backed Popular "
    "Mobilization Forces (PMF), announced a new campaign to remove ISIS from their last holdouts."
)
COUNTS = "Two days later, about 1,500 residents returned to Rawa, 10 miles from the border, in 2017."


def texts(sentence: str, question: str) -> list[str]:
    return [c.text for c in candidates(sentence, analyse(question))]


@pytest.mark.parametrize(
    ("question", "sentence", "expected"),
    [
        ("When did the PMF announce a campaign?", PMF, ["Oct. 9"]),
        ("When did people return?", COUNTS, ["in 2017"]),  # the calendar date, not "two days later"
        ("When was Rawa retaken?", "Iraqi forces retook Rawa on Friday.", ["on Friday"]),
        ("How many residents returned?", COUNTS, ["about 1,500 residents", "10 miles"]),
        (
            "Who announced a new campaign?",
            PMF,
            ["Javad Talibawi", "Iran-backed Popular Mobilization Forces", "ISIS"],
        ),
        ("Where did residents return to?", COUNTS, ["to Rawa", "from the border"]),
        ("What did the spokesperson announce?", PMF, []),  # no typed value for "what"
    ],
)
def test_candidates_of_the_asked_kind(question, sentence, expected):
    got = texts(sentence, question)
    assert all(e in got for e in expected), got


def test_candidates_are_never_the_questions_own_words():
    assert "Javad Talibawi" not in texts(PMF, "Who did Javad Talibawi speak for?")
    assert "Rawa" not in texts(COUNTS, "Where near Rawa did they go?")
    assert "Shortly" not in texts(PMF, "Who announced it?")  # a capital only because it starts
    near = "Near the border of Iraq, the Syrian Army pushed IS out of Abu Kamal on November 8th."
    assert "Near" not in texts(near, "Who pushed IS out?") and "Syrian Army" in texts(
        near, "Who pushed IS out?"
    )
    # A kept caption's label is no name; its credit is.
    caption = "Photo caption (Ronald Shaw): Kurdish fighters stand near the dam."
    assert texts(caption, "Who is credited for the image?")[:1] == ["Ronald Shaw"]


def _ev(
    text: str, n: int, score: float, title: str = "Iraq retakes Rawa", context: str = ""
) -> EvidenceSentence:
    p = Passage(f"c{n}", "a.txt", title, "2017-11-17", text, 0, len(text), doc_id="d1")
    ev = EvidenceSentence(n, text, p, 0, len(text), score=score)
    ev.context = context
    return ev


class FakeLogits:
    """Letters' logits as given: ``prefer`` is the letter the 'model' picks."""

    def __init__(self, prefer: str) -> None:
        self.prefer = prefer
        self.seen: list[str] = []

    def token(self, word: str) -> int:
        return string.ascii_uppercase.index(word)

    def run(self, messages) -> np.ndarray:
        self.seen.append(str(messages[-1].content))
        logits = np.zeros(26)
        logits[string.ascii_uppercase.index(self.prefer)] = 5.0
        return logits


def test_options_come_from_the_best_ranked_sentence_first_and_none_is_last():
    evidence = [_ev(COUNTS, 1, 0.4), _ev("Iraqi forces retook Rawa on Friday, Nov. 17.", 2, 0.9)]
    fake = FakeLogits("A")
    choice = ChoiceReader(fake).run(analyse("When was Rawa retaken?"), evidence)
    assert [o.candidate.text for o in choice.options] == ["Nov. 17", "in 2017"]
    assert choice.chosen.candidate.text == "Nov. 17"
    assert abs(sum(choice.probabilities) - 1) < 1e-3
    prompt = fake.seen[-1]
    assert "[1] " in prompt and prompt.index("Nov. 17.") < prompt.index("1,500")  # best first
    assert f"{string.ascii_uppercase[len(choice.options)]}. none of these" in prompt


def test_none_of_these_is_a_decline_that_shows_the_closest_passage():
    evidence = [_ev("Iraqi forces retook Rawa on Friday, Nov. 17.", 1, 0.9)]
    reader = ChoiceReader(FakeLogits("B"))  # option A (Nov. 17); B = none
    answer = Answer("When was Rawa retaken?", "", False)
    got = ChoiceAnswerer(reader).run(answer, analyse(answer.question), evidence)
    assert not got.answerable and got.kind == "quote" and "No article gives the date" in got.text


def test_an_answer_is_the_chosen_value_cited_to_its_sentence():
    evidence = [_ev("Iraqi forces retook Rawa on Friday, Nov. 17.", 1, 0.9)]
    answer = Answer("When was Rawa retaken?", "", False)
    got = ChoiceAnswerer(ChoiceReader(FakeLogits("A"))).run(answer, analyse(answer.question), evidence)
    assert got.answerable and got.text == "Nov. 17 [1]." and got.citations[0].quote == evidence[0].text


def test_a_sentence_about_another_place_is_declined_by_coverage():
    """The near-miss class: a true number about somewhere the question does not ask about."""
    ev = _ev("About 1,500 people live in the Mosul district.", 1, 0.9, title="Mosul battle")
    q = analyse("How many people live in al-Miqdadiya?")
    assert constraint_coverage(q, ev) == 0.0
    answer = Answer(q.text, "", False)
    got = ChoiceAnswerer(ChoiceReader(FakeLogits("A"))).run(answer, q, [ev])
    assert not got.answerable and "miqdadiya" in got.checks[0].reason


def test_coverage_reads_the_paragraph_and_the_title():
    ev = _ev("About 1,500 people live there.", 1, 0.9, title="Life in al-Miqdadiya", context="")
    assert constraint_coverage(analyse("How many people live in al-Miqdadiya?"), ev) == 1.0
    ev = _ev("About 1,500 people live there.", 1, 0.9, context="The town of Rawa sits on the Euphrates.")
    assert constraint_coverage(analyse("How many people live in Rawa?"), ev) == 1.0


def test_a_captions_date_does_not_answer_when_an_event_happened():
    cap = _ev("Photo caption (AFP): Tanks advance towards Hawija on October 6, 2017.", 1, 0.9)
    q = analyse("When did the tanks advance towards Hawija?")
    assert ChoiceReader(FakeLogits("A")).run(q, [cap]) is None
    photo = analyse("On what day were the photos of the tanks taken?")
    assert ChoiceReader(FakeLogits("A")).run(photo, [cap]).chosen.candidate.text == "October 6, 2017"


class EvenLogits(FakeLogits):
    """The chosen letter barely ahead of "none of these" (the last option)."""

    def __init__(self, prefer: str, none: str) -> None:
        super().__init__(prefer)
        self.none = none

    def run(self, messages) -> np.ndarray:
        logits = super().run(messages)
        logits[string.ascii_uppercase.index(self.none)] = 4.9
        return logits


def test_none_of_these_close_behind_the_choice_is_a_decline():
    evidence = [_ev("Iraqi forces retook Rawa on Friday, Nov. 17.", 1, 0.9)]
    answer = Answer("When was Rawa retaken?", "", False)
    got = ChoiceAnswerer(ChoiceReader(EvenLogits("A", "B"))).run(answer, analyse(answer.question), evidence)
    assert not got.answerable and "nearly as likely" in got.checks[0].reason
    sure = ChoiceAnswerer(ChoiceReader(FakeLogits("A"))).run(
        Answer(answer.question, "", False), analyse(answer.question), evidence
    )
    assert sure.answerable and sure.trace["margin"] > 0.5


def test_a_question_about_the_article_itself_is_offered_its_publication_date():
    evidence = [_ev("Iraqi forces retook Rawa on Friday.", 1, 0.9)]
    q = analyse("When was the blog post about Rawa published?")
    choice = ChoiceReader(FakeLogits("A")).run(q, evidence)
    assert choice.chosen.candidate.text == "2017-11-17 (the article's publication date)"
    # An event question is never offered the publication date (a borrowed date).
    event = ChoiceReader(FakeLogits("A")).run(analyse("When was Rawa retaken?"), evidence)
    assert all("publication" not in o.candidate.text for o in event.options)


@pytest.mark.parametrize(
    ("question", "form"),
    [
        ("Which armed group slipped into ISIS-held Miqdadiya?", "who"),
        ("Which outlet is cited for the claim?", "who"),
        ("What Iraqi force retook the town?", "who"),
        ("What is the name of the elite unit?", "who"),
        ("Which town did the army enter first?", "where"),
        ("What is the population of Abu Kamal?", "how_many"),
        ("Which cities were retaken?", "list"),  # plural: a list, not one name
        ("What did the spokesman announce?", "what"),
    ],
)
def test_which_noun_questions_take_the_form_of_their_noun(question, form):
    assert analyse(question).form == form


def test_a_population_question_counts_people():
    q = analyse("What is the population of Abu Kamal?")
    assert q.counted == {"population"} and q.wants == "number"


def test_a_name_holding_the_questions_subject_is_not_its_answer():
    s = "The Kurdish-led Syrian Democratic Forces are led by Mazloum Abdi."
    assert texts(s, "Who leads the Syrian Democratic Forces?") == ["Mazloum Abdi"]


def test_where_phrases_hold_a_place_and_which_city_asks_for_a_name():
    s = "Rawa was used to move fighters between countries in July, and they fled into the desert."
    assert texts(s, "Where did they flee?") == ["into the desert"]
    assert texts("Mosul was proclaimed the capital in 2014.", "Which city was proclaimed the capital?") == [
        "Mosul"
    ]


def test_coverage_reads_a_hyphenated_or_prefixed_name_by_its_capitalised_words():
    ev = _ev("The same day, Shiite militia infiltrated the town of al-Miqdadiya.", 1, 0.9, title="Iraq")
    assert constraint_coverage(analyse("Which armed group slipped into ISIS-held Miqdadiya?"), ev) == 1.0
    ev = _ev("The Iraqi Prime Minister Haider al-Abadi made a statement.", 1, 0.9)
    assert constraint_coverage(analyse("Who reported that al-Abadi ordered it?"), ev) == 1.0


@pytest.mark.parametrize(
    ("question", "sentence", "expected"),
    [
        # A "when" answered by a year, a decade or a century: not only the seeds' modern dates.
        ("When did William invade Scotland?", "In 1072, William invaded Scotland.", ["In 1072"]),
        (
            "When did the Normans reach Italy?",
            "They reached Italy in the 11th century.",
            ["the 11th century"],
        ),
        (
            "In which century did the Normans arrive?",
            "They came in the tenth century.",
            ["the tenth century"],
        ),
        ("When did the boom come?", "The boom came in the 1990s, after the war.", ["the 1990s"]),
        ("What year was the city founded?", "The city was founded in 711 AD by traders.", ["in 711"]),
    ],
)
def test_a_when_question_is_offered_the_year_decade_or_century_its_sentence_gives(
    question, sentence, expected
):
    assert analyse(question).form == "when"
    assert texts(sentence, question) == expected


def test_a_bare_old_number_stays_a_count_not_a_year():
    assert texts("ISIS is thought to have 1500 remaining troops.", "How many troops remain?") == [
        "1500 remaining troops"
    ]
    assert texts("ISIS is thought to have 1500 remaining troops.", "When did the troops arrive?") == []


def test_a_when_question_whose_sentence_gives_only_a_century_is_answered_with_it():
    evidence = [_ev("The Normans reached southern Italy in the 11th century.", 1, 0.9, title="Normans")]
    answer = Answer("When did the Normans reach southern Italy?", "", False)
    got = ChoiceAnswerer(ChoiceReader(FakeLogits("A"))).run(answer, analyse(answer.question), evidence)
    assert got.answerable and got.text == "The 11th century [1]."
