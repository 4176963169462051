"""Compound questions: splitting, and merging the parts' answers under one numbering."""

from __future__ import annotations

from dataclasses import replace

import pytest

from rag.answer.citations import CitationMerger
from rag.answer.decomposer import merge_answers, refers_back, split_question
from rag.text.markers import renumber
from rag.types import Answer, Citation, SentenceCheck


@pytest.mark.parametrize(
    ("question", "parts"),
    [
        (
            "How many ISIS troops were in the al-Qaim area, and when was al-Qaim retaken?",
            ["How many ISIS troops were in the al-Qaim area?", "When was al-Qaim retaken?"],
        ),
        (
            "When was Hawija taken; how many days did it take?",
            ["When was Hawija taken?", "How many days did it take?"],
        ),
        ("Which city fell and who recaptured it?", ["Which city fell?", "Who recaptured it?"]),
        # One question: coordinated names, a relative clause, a bare "how and when".
        ("How long did the fights to retake Hawija and Rawa last?", None),
        ("When was Mosul, which was the IS capital, retaken?", None),
        ("How and when was Rawa retaken?", None),
        ("Rawa fell, and when did al-Qaim fall?", None),  # not a question word first
    ],
)
def test_split_question(question, parts):
    assert split_question(question) == (parts or [question])


def test_second_part_that_points_back_is_flagged():
    assert refers_back("Who recaptured it?") and not refers_back("When was al-Qaim retaken?")


def _cite(n: int, source: str, start: int) -> Citation:
    return Citation(
        n, source, "T", None, f"quote {source}:{start}", f"{source}:{start}", start, start + 10, "p"
    )


def test_merged_answer_has_one_numbering():
    a = Answer(
        "Q1?",
        "Troops: 1500 [1].",
        True,
        [_cite(1, "004", 50)],
        kind="answer",
        checks=[SentenceCheck("Troops: 1500.", [1], "verified")],
        timings={"total": 2.0},
        tokens={"prompt": 100, "output": 10},
    )
    # The second part cites the same sentence as the first, and one more.
    b = Answer(
        "Q2?",
        "It fell on Nov. 3 [1][2].",
        True,
        [_cite(1, "003", 900), _cite(2, "004", 50)],
        kind="answer",
        checks=[SentenceCheck("It fell on Nov. 3.", [1, 2], "verified")],
        timings={"total": 3.0},
        tokens={"prompt": 120, "output": 12},
        standalone_question="Q2 standalone?",
    )
    merger = CitationMerger()
    parts = [(a, merger.add(a)), (b, merger.add(b))]
    merged = merge_answers("Q1, and Q2?", parts, merger)
    assert merged.text == "Troops: 1500 [1]. It fell on Nov. 3 [2][1]."
    assert [(c.number, c.source) for c in merged.citations] == [(1, "004"), (2, "003")]
    assert merged.checks[1].citations == [2, 1]
    assert merged.kind == "answer" and merged.answerable
    assert merged.standalone_question == "Q1? | Q2 standalone?"
    assert merged.timings["total"] == 5.0 and merged.tokens == {"prompt": 220, "output": 22}
    assert renumber("x [2] y [9]", {2: 1}) == "x [1] y [9]"


def test_a_part_the_articles_do_not_answer_is_said_so():
    a = Answer("Q1?", "Troops: 1500 [1].", True, [_cite(1, "004", 50)], kind="answer")
    b = Answer("Q2?", "The articles don't say.", False, kind="abstain")
    merger = CitationMerger()
    merged = merge_answers("Q?", [(a, merger.add(a)), (b, merger.add(b))], merger)
    assert merged.kind == "answer" and merged.text.endswith("The articles don't say.")
    none = merge_answers("Q?", [(b, {}), (replace(b, kind="quote"), {})], CitationMerger())
    assert none.kind == "quote" and not none.answerable


def test_a_rewrite_that_loses_the_part_falls_back_to_naming_the_subject():
    from rag.answer.decomposer import keeps_its_words, with_subject

    part, before = "How many civilians remained there?", "How many ISIS troops were in the al-Qaim area?"
    # The 1.5B model once "rewrote" the part into a copy of the first part's question.
    assert not keeps_its_words(part, before)
    assert keeps_its_words(part, "How many civilians remained in the al-Qaim area?")
    assert with_subject(part, before) == "How many civilians remained there (ISIS, al-Qaim)?"
    assert with_subject("Who recaptured it?", "Which town fell first?") == "Who recaptured it?"
