"""Compound questions: "How many troops were in al-Qaim, and when was it retaken?" asks two
things that are often answered by two articles. Each part is answered (and verified) on its own;
``merge_answers`` joins the parts into one answer with one citation numbering.

Only an explicit join of two questions is split: "and" (or a semicolon) followed by a question
word. "How long did the fights for Hawija and Rawa last?" stays whole, since the
articles may state a fact of two towns together ("50,000 civilians remain in the two towns").
"""

from __future__ import annotations

import re

from rag.answer.citations import CitationMerger
from rag.text.facts import ENTITY
from rag.text.markers import renumber
from rag.text.normalise import name_key
from rag.text.question import analyse
from rag.text.tokens import tokenize
from rag.types import Answer, SentenceCheck

_WH = r"(?:when|where|who|whom|whose|what|which|how|why)\b"
# ", and when ...", " and when ...", "; when ...". A bare comma is not a join: "When was
# Mosul, which was the IS capital, retaken?" is one question.
_JOIN = re.compile(rf"(?:\s*,\s*and\s+|\s*;\s*(?:and\s+)?|\s+and\s+)(?={_WH})", re.I)
# A second part that points back at the first: its referent comes from the first part's answer.
_REFERS_BACK = re.compile(
    r"\b(it|its|them|they|their|he|him|his|she|her|this|that|these|those|there)\b", re.I
)


def split_question(question: str) -> list[str]:
    """The questions a compound question joins, each ending in "?"; one item when it isn't."""
    q = question.strip()
    if not re.match(_WH, q, re.I):
        return [q]
    parts = [p.strip(" ,;") for p in _JOIN.split(q.rstrip("?").strip())]
    # Each part must be a question of its own (a question word and at least two more words).
    if len(parts) < 2 or any(len(p.split()) < 3 for p in parts):
        return [q]
    return [p[0].upper() + p[1:] + "?" for p in parts]


def refers_back(part: str) -> bool:
    return bool(_REFERS_BACK.search(part))


def keeps_its_words(part: str, rewritten: str) -> bool:
    """A rewrite of a part must keep what the part asks: asked "how many civilians remained
    there?", the 1.5B model has answered with a copy of the first part's question."""
    own = set(tokenize(_REFERS_BACK.sub(" ", part)))
    return own <= set(tokenize(rewritten))


def with_subject(part: str, previous: str) -> str:
    """The part with the names of the part before it: "How many civilians remained there
    (al-Qaim)?". Used when the model's rewrite lost the part's own words."""
    wanted = set(analyse(previous).names)
    names = [m.group(0) for m in ENTITY.finditer(previous) if name_key(m.group(0)) in wanted]
    if not names:
        return part
    return f"{part.rstrip('?').rstrip()} ({', '.join(dict.fromkeys(names))})?"


def merge_answers(
    question: str, parts: list[tuple[Answer, dict[int, int]]], merger: CitationMerger
) -> Answer:
    """One Answer from the answers to each part, each with its mapping from ``merger.add``."""
    answers = [a for a, _ in parts]
    kinds = [a.kind for a in answers]
    checks = [
        SentenceCheck(c.text, [mapping.get(n, n) for n in c.citations], c.status, c.reason)
        for a, mapping in parts
        for c in a.checks
    ]
    passages, seen = [], set()
    for p in (p for a in answers for p in a.passages):
        if p.chunk_id not in seen:
            seen.add(p.chunk_id)
            passages.append(p)
    timings: dict[str, float] = {}
    tokens: dict[str, int] = {}
    for a in answers:
        for k, v in a.timings.items():
            timings[k] = round(timings.get(k, 0.0) + v, 3)
        for k, n in a.tokens.items():
            tokens[k] = tokens.get(k, 0) + n
    return Answer(
        question=question,
        text=" ".join(renumber(a.text, mapping) for a, mapping in parts),
        answerable=any(a.answerable for a in answers),
        citations=merger.citations,
        standalone_question=" | ".join(a.standalone_question or a.question for a in answers),
        kind="answer" if "answer" in kinds else "quote" if "quote" in kinds else "abstain",
        checks=checks,
        passages=passages,
        timings=timings,
        tokens=tokens,
        model=answers[0].model,
        raw_output="\n".join(a.raw_output for a in answers),
    )
