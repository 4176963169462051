"""Exact checks of an answer span the model copied: it must occur in an evidence sentence
(after normalising quotes, dashes and spaces) and be the kind of value the question asks for."""

from __future__ import annotations

import re
from functools import cache

from rag.text.facts import extract_facts
from rag.text.normalise import fold
from rag.text.question import Question
from rag.text.tokens import tokenize
from rag.text.wordlists import word_list
from rag.types import EvidenceSentence

_TEMPORAL = re.compile(
    r"\b(today|yesterday|tonight|this (week|month|year)|last (week|month|year)|"
    r"(mon|tues|wednes|thurs|fri|satur|sun)day|(early|late|mid)[- ]\w+|\d+ (days?|weeks?|months?|years?))\b",
    re.I,
)
_QUANTITY = re.compile(r"\b(dozens?|hundreds|thousands|millions|a few|several|half|most|all|none)\b", re.I)


def span_key(text: str) -> str:
    """Compare spans ignoring case, quote style, dashes, spacing and a final full stop."""
    text = fold(text).replace("“", '"').replace("”", '"').replace("–", "-").replace("—", "-")
    return re.sub(r"\s+", " ", text).strip(" .,;:\"'")


def contains_span(sentence: str, span: str) -> bool:
    key = span_key(span)
    return bool(key) and key in span_key(sentence)


def locate(span: str, chosen: int | None, evidence: list[EvidenceSentence]) -> EvidenceSentence | None:
    """The evidence sentence the span was copied from: the one the model chose, else the first
    other one that holds it (the model often names a neighbour of the right sentence)."""
    by_number = {ev.number: ev for ev in evidence}
    if chosen in by_number and contains_span(by_number[chosen].text, span):
        return by_number[chosen]
    return next((ev for ev in evidence if contains_span(ev.text, span)), None)


@cache
def _count_groups() -> list[frozenset[str]]:
    return [frozenset(tokenize(line.replace(",", " "))) for line in word_list("count_nouns")]


@cache
def _units() -> frozenset[str]:
    return frozenset(t for line in word_list("measure_units") for t in tokenize(line)) | {"%"}


def _with_synonyms(terms: frozenset[str]) -> set[str]:
    return set(terms).union(*(g for g in _count_groups() if g & terms))


def counts_what_is_asked(question: Question, sentence: str, span: str = "") -> bool:
    """A how-many answer's sentence counts what the question counts: it names it (or a word
    of its group: "people" and "civilians"), and the number copied is not a measure ("10 miles
    from Mosul" for "how many fighters"). A question that names nothing to count passes."""
    if not question.counted:
        return True
    if span and not question.counted & _units():
        at = fold(sentence).find(fold(span))
        # The word the number is of: the span's own last word, else the sentence's next one.
        words = [t for t in tokenize(span) if not t[:1].isdigit()]
        words = words[-1:] or (tokenize(sentence[at + len(span) :])[:1] if at >= 0 else [])
        if (words and words[0] in _units()) or span.rstrip().endswith("%"):
            return False
    return bool(_with_synonyms(question.counted) & set(tokenize(sentence)))


def count_mismatch(question: Question, sentence: str, span: str) -> str | None:
    """Why a how-many answer's sentence does not count what the question counts, or None."""
    if counts_what_is_asked(question, sentence, span):
        return None
    return f"its sentence does not count what the question counts ({', '.join(sorted(question.counted))})"


def gives_wanted_value(span: str, question: Question) -> bool:
    """A when-question's span holds a date or time, a how-many one a number or quantity."""
    if question.form == "when":
        facts = extract_facts(span)
        return bool(facts.dates or facts.months or facts.years or _TEMPORAL.search(span))
    if question.form == "how_many":
        return bool(extract_facts(span).numbers or _QUANTITY.search(span))
    return True
