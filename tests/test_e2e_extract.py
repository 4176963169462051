"""The extract-and-verify answers with the real 1.5B model: the five classes of failure the
written answers showed (issue 14), each on a question phrased the way people ask."""

from __future__ import annotations

import re

import pytest

from rag.factory import ask
from rag.text.markers import strip_markers
from rag.text.normalise import fold

pytestmark = pytest.mark.llm


def _span(answer) -> str:
    return strip_markers(answer.text)[0].rstrip(".")


def _copied(answer) -> None:
    """An answer is words copied from the sentence it cites, nothing stitched around them."""
    assert answer.kind == "answer" and len(answer.citations) == 1
    assert fold(_span(answer)) in fold(answer.citations[0].quote)
    assert answer.checks[0].status == "quoted" and answer.checks[0].text == answer.citations[0].quote


@pytest.mark.xfail(
    strict=True,
    reason="still open: the model copies Mosul's population (1.5 million, relevance 0.80) instead of "
    "the 850,000 driven from their homes; the scorer does not tell the two apart",
)
def test_a_paraphrased_question_is_answered_from_the_sentence_that_says_it(seeded_settings):
    # Class 1: "displaced" is "driven from their homes" in the article; the lexical rules of
    # the written path declined such questions.
    a = ask("How many people were displaced by the battle for Mosul?", settings=seeded_settings)
    assert a.answerable and "850,000" in a.text, a.text
    _copied(a)


def test_a_follow_up_answer_states_what_was_asked_or_declines(seeded_settings):
    # Class 2: after "When was Rawa retaken?", "Who announced it?" got the five-hours sentence
    # presented as a verbatim answer.
    history = [("When was Rawa retaken?", "No article gives the date.")]
    a = ask("Who made a statement about it?", history=history, settings=seeded_settings)
    assert "five hours" not in a.text or not a.answerable, a.text
    if a.answerable:
        assert "Abadi" in a.text, a.text
        _copied(a)


@pytest.mark.parametrize(
    "question",
    [
        "Which city was the SDF about to capture?",
        "Where will Iraqi forces keep fighting after Rawa and al-Qaim?",
    ],
)
def test_an_answer_is_never_stitched_from_two_sentences(seeded_settings, question):
    # Class 3: "ISIS is about to be captured by the SDF" (it was Raqqa); "In July, Iraqi forces
    # will continue to fight in the desert" (July belongs to Mosul).
    a = ask(question, settings=seeded_settings)
    if a.kind == "answer":
        _copied(a)
    assert not re.search(r"\bISIS is about to be captured\b|\bIn July\b", a.text), a.text


def test_a_true_sentence_about_something_else_is_not_an_answer(seeded_settings):
    # Class 4: "What is the population of Rawa?" -> "Rawa sits on the Euphrates".
    a = ask("How many people live in Rawa?", settings=seeded_settings)
    assert not a.answerable and a.kind in ("quote", "abstain"), a.text
    assert a.claims == []


def test_the_signature_question_says_no_date_is_given_and_keeps_dates_with_their_events(seeded_settings):
    # Class 5: no article dates Rawa's recapture; the recapture is cited, and a dated event
    # nearby is shown as another event, its date not transferred to Rawa.
    a = ask("When was Rawa retaken?", settings=seeded_settings)
    assert not a.answerable and a.kind == "quote", a.text
    assert a.text.startswith("No article gives the date."), a.text
    first = a.citations[0].quote
    assert "Rawa" in first and not re.search(r"November|Nov\.|Oct", first), first
    if len(a.citations) > 1:
        assert "not necessarily the same one" in a.text
    assert not re.search(r"Rawa (was )?(retaken|recaptured) on", a.text)


def test_a_paraphrased_why_question_is_answered_by_the_sentence_that_says_it(seeded_settings):
    # 0.5's written path declined this ("the articles don't state this directly") while
    # quoting the very sentence as the closest passage.
    a = ask(
        "Why are the Iraqi forces free to use heavy airstrikes out in the desert?", settings=seeded_settings
    )
    assert a.answerable and a.kind == "quote" and len(a.citations) == 1, a.text
    assert "lack of civilians" in a.citations[0].quote and a.citations[0].quote in a.text
    assert a.trace["path"] == "choose" and a.trace["gate_passed"]


@pytest.mark.xfail(
    strict=True,
    reason="still open (issue 19): the why/how reader quotes the best-ranked sentence and has no "
    "signal yet that none of them says why; on eval/why_dev.jsonl it declines 0 of 7",
)
def test_a_why_question_the_articles_do_not_answer_is_declined(seeded_settings):
    a = ask("Why did Masrour Barzani call a press conference?", settings=seeded_settings)
    assert not a.answerable, a.text
