"""Typed answer candidates in a sentence: the dates, counts and names a fact question could be
answered with, as exact spans, for the model to choose among (it chooses better than it copies).

A candidate is never the question's own words: "When was Rawa retaken?" offers no "Rawa".
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from rag.text.dates import MONTH_PATTERN, WEEKDAYS
from rag.text.facts import ENTITY, not_names, number_words
from rag.text.normalise import name_key
from rag.text.question import Question
from rag.text.tokens import mentions, stopwords
from rag.text.wordlists import word_list

_YEAR = r"(?:19|20)\d\d"
_DATE_SPANS = [
    re.compile(rf"\b(?:{MONTH_PATTERN})\.?\s+\d{{1,2}}(?:st|nd|rd|th)?\b(?:,?\s+{_YEAR}\b)?", re.I),
    re.compile(rf"\b\d{{1,2}}(?:st|nd|rd|th)?\s+(?:of\s+)?(?:{MONTH_PATTERN})\b\.?(?:,?\s+{_YEAR}\b)?", re.I),
    re.compile(rf"\b(?:early|mid|late|mid-)?[- ]?(?:{MONTH_PATTERN})\.?(?:,?\s+{_YEAR})?\b", re.I),
    re.compile(rf"\b(?:in |since |by )?{_YEAR}\b"),
    # Older years need a preposition or an era ("in 1072", "711 AD"): a bare "1500" is a count.
    re.compile(
        r"\b(?i:in|since|by|until|from|before|after|around|circa)\s+1?\d\d\d\b(?!,\d)|\b1?\d\d\d\s?(?:AD|BC|BCE|CE)\b"
    ),
    re.compile(r"\b(?:the\s+)?(?:early |late |mid-)?(?:1\d|20)\d0s\b"),
    re.compile(
        rf"\b(?:the\s+)?(?:early |late |mid-)?(?:\d{{1,2}}(?:st|nd|rd|th)|{'|'.join(word_list('ordinals'))})"
        r"[- ]centur(?:y|ies)\b",
        re.I,
    ),
    re.compile(r"\b(?:19|20)\d\d-\d\d-\d\d\b"),
    re.compile(rf"\b(?:last |on |this |next )?(?:{'|'.join(WEEKDAYS)})\b", re.I),
    re.compile(
        r"\b(?:today|yesterday|tonight|(?:last|this|next|earlier this|later this) (?:week|month|year)|"
        r"(?:\w+ )?(?:days?|weeks?|months?|years?) (?:later|earlier|ago|before|after))\b",
        re.I,
    ),
]
_NUMBER = re.compile(r"(?<![\w.])(?:\d{1,3}(?:,\d{3})+|\d+(?:\.\d+)?)(?:\s*%)?")
_QUANTITY = re.compile(r"\b(?:(?:tens|hundreds) of )?(?:dozens|hundreds|thousands|millions)\b", re.I)
# Where something is, goes or comes from: the preposition and the place after it, up to a
# clause boundary ("towards villages between the northern Iraqi cities of Hawija and Kirkuk").
_LOCATIVE = re.compile(
    r"\b(?:in|into|to|towards?|near|at|from|across|along|outside|inside|around|through|west of|east of|"
    r"north of|south of)\s+((?:[\w’'.-]+\s+){0,9}?[\w’'.-]*\w)(?=\s*(?:[,;:.!?()“”\"]|$|\s(?:that|which|who|"
    r"where|when|after|before|while|as|but|since|until|because|on|for|by|with)\b))",
    re.I,
)
_WORD = re.compile(r"\s*([\w’'-]+)")
_QUALIFIER = re.compile(
    r"(?:(?:about|around|nearly|almost|some|roughly|more than|less than|fewer than|"
    r"at least|up to|over|under|an estimated)\s+)$",
    re.I,
)


@dataclass(frozen=True)
class Candidate:
    text: str
    start: int  # offsets in the sentence
    end: int
    kind: str  # "date" | "number" | "name" | "place"


@cache
def _number_word() -> re.Pattern[str]:
    return re.compile(
        r"\b(?:" + "|".join(number_words()) + r")(?:[\s-]+(?:thousand|million|billion))?\b", re.I
    )


@cache
def _count_stops() -> frozenset[str]:
    """Words that end the noun a number counts ("5,000 fighters in five days" -> "5,000 fighters")."""
    return frozenset(word_list("count_stops"))


def _spans(patterns: list[re.Pattern[str]], text: str) -> list[tuple[int, int]]:
    """Non-overlapping matches, the longest first where they overlap."""
    found = sorted(
        ((m.start(), m.end()) for rx in patterns for m in rx.finditer(text) if m.group(0).strip()),
        key=lambda se: (se[0], -se[1]),
    )
    out: list[tuple[int, int]] = []
    for s, e in found:
        while s < e and text[s].isspace():
            s += 1
        if out and s < out[-1][1]:
            if e > out[-1][1]:
                out[-1] = (out[-1][0], e)
            continue
        out.append((s, e))
    return out


def _dates(sentence: str) -> list[Candidate]:
    """The sentence's dates; when it gives a calendar date, only those: "a day before" or "on
    Friday" beside "October 6, 2017" is relative to something, not the answer a reader wants."""
    out = []
    for s, e in _spans(_DATE_SPANS, sentence):
        text = sentence[s:e].strip(" -")
        if text.lower() == "may":  # usually the verb
            continue
        out.append(Candidate(text, s, s + len(sentence[s:e].rstrip(" -")), "date"))
    calendar = [c for c in out if re.search(r"\d", c.text)]
    return calendar or out


def _counts(sentence: str) -> list[Candidate]:
    """A number with the words it counts, up to three, and a qualifier before it ("about")."""
    out = []
    dates = _spans(_DATE_SPANS, sentence)
    for s, e in _spans([_NUMBER, _number_word(), _QUANTITY], sentence):
        if any(ds <= s < de for ds, de in dates):
            continue  # the day of a date or a year, not a count
        q = _QUALIFIER.search(sentence[:s])
        start = q.start() if q else s
        end = e
        for _ in range(3):
            m = _WORD.match(sentence, end)
            word = m.group(1).lower() if m else ""
            # A verb after the noun ends it: "1,500 residents returned".
            if not m or word in _count_stops() or word.endswith("ed"):
                break
            end = m.end()
        out.append(Candidate(sentence[start:end], start, end, "number"))
    return out


def _names(sentence: str, question: Question) -> list[Candidate]:
    asked = set(name_key(question.text).split()) | set(question.allowed)
    skip = not_names()
    out = []
    for m in ENTITY.finditer(sentence):
        words = m.group(0).split()
        start = m.start()
        while words and name_key(words[0]) in skip:  # "The U.S. Army" -> "U.S. Army"
            start += len(words[0]) + 1
            words.pop(0)
        text = " ".join(words).rstrip(".,")
        if re.search(r"-(?:led|backed|based|funded)$", text):  # "U.S.-led" -> "U.S.-led coalition"
            tail = re.match(r"\s+[a-z][\w-]*", sentence[start + len(text) :])
            text += tail.group(0) if tail else ""
        key = name_key(text)
        opens = not sentence[:start].strip(" “\"'(")
        if opens and len(words) == 1 and (key in stopwords() or key.endswith("ly")):
            continue  # "Shortly thereafter": a capital only because it starts the sentence
        if not key or key in skip or key.isdigit() or set(key.split()) <= asked:
            continue
        out.append(Candidate(text, start, start + len(text), "name"))
    return out


@cache
def _place_nouns() -> frozenset[str]:
    return frozenset(word_list("place_nouns"))


def _places(sentence: str, question: Question) -> list[Candidate]:
    """Locative phrases that hold a name or a place noun ("into the desert", "towards villages
    near Kirkuk"; not "to move fighters" or "in July"); names alone when there are none, and
    for "which city …?", which asks for a name."""
    if re.match(r"^\W*(which|what)\b", question.text, re.I):
        return _names(sentence, question)
    out = []
    for m in _LOCATIVE.finditer(sentence):
        text, rest = m.group(0), m.group(1)
        placed = re.search(r"(?<!^)\b[A-Z]|^[A-Z]", rest) or set(rest.lower().split()) & _place_nouns()
        if len(text.split()) > 1 and placed and not _dates(rest):
            out.append(Candidate(text, m.start(), m.end(), "place"))
    return out or _names(sentence, question)


def candidates(sentence: str, question: Question) -> list[Candidate]:
    """The spans of the kind the question asks for (a date for when, a count for how many, a
    name for who and where), without the question's own words; none for other forms."""
    if question.form == "when":
        found = _dates(sentence)
    elif question.form == "how_many":
        found = _counts(sentence)
    elif question.form == "who":
        found = _names(sentence, question)
    elif question.form == "where":
        found = _places(sentence, question)
    else:
        return []
    q_key = f" {name_key(question.text)} "
    # Not the question's own words, nor a name holding the question's subject ("Hisham
    # al-Hashimi" for "Who is Hashimi?", "Kurdish-led Syrian Democratic Forces" for "Who leads
    # the Syrian Democratic Forces?").
    return [
        c
        for c in found
        if name_key(c.text)
        and f" {name_key(c.text)} " not in q_key
        and not any(f" {s} " in f" {name_key(c.text)} " for s in question.subjects)
    ]


def asks_about_the_article(question: str) -> bool:
    """'When was the blog post published?', 'Who wrote the article?'"""
    return mentions(question, "publication_words")
