"""Questions about the order of events, what became of something, or whether it had happened
yet: the timeline answers them (``rag.answer.timeline``), not a single sentence."""

from __future__ import annotations

import re
from datetime import date
from typing import Literal

from rag.text.dates import MONTH_PATTERN

Chronology = Literal["order", "since", "as_of", "status"]

_PATTERNS: list[tuple[Chronology, re.Pattern[str]]] = [
    (
        "as_of",
        re.compile(
            # "had" opens the main clause: first, or after a leading clause ("When the article
            # came out, had …"); "What gains had troops already made?" asks for the gains.
            r"(^\W*(had|has|have|was|were|did)\b|,\s*had\b).*"
            r"\b(yet|already|by then|by the time|at the time|as of|"
            r"when (the|this|that|these) articles? (was|were) (written|published)|"
            rf"by (the (end|start|middle) of )?((early|late|mid-?)\s*)?({MONTH_PATTERN}|(19|20)\d\d)\b)",
            re.I,
        ),
    ),
    (
        "order",
        re.compile(
            r"\b(which|what) (\w+ )?(came|happened|was|were|occurred|fell|started|began|ended) "
            r"(first|earlier|sooner|later|last|next|before|after)\b|"
            r"\b(which|what) (was|came|happened) (earlier|first|sooner)\b|"
            r"\bin (what|which|chronological|date|time) order\b|\bin order\b|\bchronolog|\btimelines?\b|"
            r"\bsequence of events\b|\border of events\b|\bwalk me through\b|\bstep by step\b|"
            r"\b(in|into) (a )?(sequence|order)\b|\bsequence\b|\border (them|these|those)\b|"
            # "Which town changed hands first, al-Qaim or Abu Kamal?"
            r"\b(which|what)\b[^?]{0,40}?\b(first|earlier|sooner)\b[^?]*\bor\b|"
            r"^\W*(did|was|were|had|has)\b.*\b(before|after|earlier than|later than|prior to)\b",
            re.I,
        ),
    ),
    ("since", re.compile(r"\bwhat (happened|became|has happened|has become) (to|of|after|since)\b", re.I)),
    # How things stand now: each article's answer, by its date.
    (
        "status",
        re.compile(
            r"^\W*(is|are|was|were|does|do|has|have)\b.*\b(still|now|currently|anymore|any longer)\b", re.I
        ),
    ),
]


def chronology(question: str) -> Chronology | None:
    """Which timeline question this is, or None."""
    return next((kind for kind, p in _PATTERNS if p.search(question)), None)


def has_reference_date(question: str) -> bool:
    """Whether the question names the date it asks "as of" ("by October 2017")."""
    return stated_date(question) is not None


def stated_span(question: str) -> tuple[str, str] | None:
    """The span of an explicit date in the question ("in the autumn of 2017": 2017), as ISO."""
    from rag.text.when import expressions, resolve

    for e in expressions(question):
        r = resolve(e, None)
        if r.first is not None and r.last is not None:
            return r.first.isoformat(), r.last.isoformat()
    return None


def stated_date(question: str) -> date | None:
    """An explicit date in the question ("by October 2017"): the as-of date."""
    from rag.text.when import expressions, resolve

    for e in expressions(question):
        r = resolve(e, None)
        if r.last is not None:
            return r.last
    return None
