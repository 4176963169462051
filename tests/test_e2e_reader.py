"""The multiple-choice reader with the real 1.5B model, one test per class of question issue 19
names: an answer in a sentence that leans on the one before it, a near-miss count, a follow-up
answered from the previous answer's sources, and a photo caption."""

from __future__ import annotations

import re

import pytest

from rag.factory import ask
from rag.types import Turn

pytestmark = pytest.mark.llm


@pytest.mark.xfail(
    strict=True,
    reason="still open (issue 19): offered November 3rd (the merged sentence) and November 8th (Abu "
    "Kamal, another Syrian Army advance), the 1.5B model picks November 8th (0.49 against 0.37)",
)
def test_an_anaphoric_sentence_is_read_with_the_sentence_it_leans_on(seeded_settings):
    # "On the same day, the Syrian Army … recaptured Deir ez-Zor": the day is in the sentence
    # before ("On November 3rd, Iraqi security forces retook al-Qaim").
    a = ask("On what date did Syrian government troops take back Deir ez-Zor?", settings=seeded_settings)
    assert a.answerable and re.search(r"November 3", a.text), a.text
    assert "Deir ez-Zor" in a.citations[0].quote and "November 3rd" in a.citations[0].quote


def test_a_near_miss_count_is_declined_not_answered_with_another_places_number(seeded_settings):
    # al-Miqdadiya is in the articles, its population is not; Mosul's 1.5 million is.
    a = ask("How many people live in al-Miqdadiya?", settings=seeded_settings)
    assert not a.answerable and a.kind in ("quote", "abstain"), a.text
    assert a.claims == []


def test_a_follow_up_is_answered_from_the_previous_answers_sources(seeded_settings):
    first = ask("When did Iraqi forces retake al-Qaim district?", settings=seeded_settings)
    assert first.answerable and "November 3" in first.text, first.text
    a = ask("What was it described as?", history=[Turn.of(first)], settings=seeded_settings)
    cited = {p.chunk_id for p in Turn.of(first).cited}
    assert cited <= {p.chunk_id for p in a.passages}  # the previous sources were read again
    assert a.answerable and re.search(r"last main stronghold", a.text, re.I), a.text


@pytest.mark.xfail(
    strict=True,
    reason="still open (issue 19): the caption offers October 6, 2017 and its relative 'a day "
    "before' (Hawija's retaking); the 1.5B model picks 'a day before'",
)
def test_a_caption_answers_a_question_about_the_photos(seeded_settings):
    a = ask("On what day were the photos of the advancing tanks taken?", settings=seeded_settings)
    assert a.answerable and "October 6, 2017" in a.text, a.text
    assert a.citations[0].quote.startswith("Photo caption")


def test_a_captions_date_is_not_the_date_of_the_articles_events(seeded_settings):
    a = ask("When did the advance towards the villages near Kirkuk begin?", settings=seeded_settings)
    assert "October 6" not in a.text or not a.answerable, a.text
    assert not any(c.quote.startswith("Photo caption") for c in a.citations if a.answerable)
