"""Dates, numbers and names stated in a sentence, normalised so that an answer's facts can be
compared with its evidence's ("Oct. 5" = "5 October", "fifteen" = "15", "Islamic State" = "ISIS").
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cache

from rag.text.dates import MONTH_PATTERN, MONTHS, WEEKDAYS
from rag.text.normalise import name_key
from rag.text.wordlists import word_list

_SCALE = {"thousand": 1_000, "million": 1_000_000, "billion": 1_000_000_000}


@cache
def number_words() -> dict[str, int]:
    return {word: int(value) for word, value in (line.split() for line in word_list("number_words"))}


@cache
def not_names() -> frozenset[str]:
    """Capitalised words that are not names."""
    return frozenset(word_list("not_names")) | set(WEEKDAYS) | set(MONTHS)


@cache
def aliases() -> list[frozenset[str]]:
    """Groups of spellings of one name."""
    return [frozenset(a.strip() for a in line.split(",")) for line in word_list("aliases")]


_DATE_MD = re.compile(
    rf"\b({MONTH_PATTERN})\.?\s+(\d{{1,2}})(?:st|nd|rd|th)?\b(?:,?\s+((?:19|20)\d\d))?", re.I
)
_DATE_DM = re.compile(
    rf"\b(\d{{1,2}})(?:st|nd|rd|th)?\s+(?:of\s+)?({MONTH_PATTERN})\b\.?(?:,?\s+((?:19|20)\d\d))?", re.I
)
_MONTH_YEAR = re.compile(rf"\b({MONTH_PATTERN})\.?(?:\s+((?:19|20)\d\d))?\b", re.I)
_YEAR = re.compile(r"\b(?:19|20)\d\d\b")
_ISO_DATE = re.compile(r"\b((?:19|20)\d\d)-(\d\d)-(\d\d)\b")
_NUMBER = re.compile(
    r"(?<![\w.])(\d{1,3}(?:,\d{3})+|\d+(?:\.\d+)?)(?:\s*(%|percent|thousand|million|billion))?", re.I
)
_NAME_WORD = r"(?:al-|el-|ad-|as-|ez-|ash-)?[A-Z][\w’'.-]*\w"
ENTITY = re.compile(rf"\b{_NAME_WORD}(?:\s+{_NAME_WORD})*")


@cache
def _number_word() -> re.Pattern[str]:
    return re.compile(r"\b(" + "|".join(number_words()) + r")(?:[\s-]+(thousand|million|billion))?\b", re.I)


@dataclass
class Facts:
    dates: set[tuple[int, int]] = field(default_factory=set)  # (month, day)
    months: set[int] = field(default_factory=set)
    years: set[int] = field(default_factory=set)
    numbers: set[float] = field(default_factory=set)
    names: list[str] = field(default_factory=list)
    initial_name: str | None = None  # a capitalised first word: a name, or just "Approximately"

    @property
    def anchored(self) -> bool:
        """Has a date or number, the kind of fact a small model borrows from a neighbour."""
        return bool(self.dates or self.numbers)


def _num(text: str, unit: str | None) -> float:
    return float(text.replace(",", "")) * _SCALE.get((unit or "").lower(), 1)


def extract_facts(text: str) -> Facts:
    """Dates, numbers and capitalised names in a sentence, normalised for comparison."""
    facts = Facts()
    rest = text
    for m in _ISO_DATE.finditer(rest):
        facts.dates.add((int(m.group(2)), int(m.group(3))))
        facts.years.add(int(m.group(1)))
    rest = _ISO_DATE.sub(" ", rest)
    for rx, mi, di, yi in ((_DATE_MD, 1, 2, 3), (_DATE_DM, 2, 1, 3)):
        for m in rx.finditer(rest):
            day = int(m.group(di))
            if 1 <= day <= 31:
                facts.dates.add((MONTHS[m.group(mi).lower()], day))
                if m.group(yi):
                    facts.years.add(int(m.group(yi)))
                rest = rest.replace(m.group(0), " ", 1)
    for m in _MONTH_YEAR.finditer(rest):
        word = m.group(1).lower()
        if word == "may" and not m.group(2):  # usually the verb; "May 2017" is the month
            continue
        facts.months.add(MONTHS[word])
        if m.group(2):
            facts.years.add(int(m.group(2)))
        rest = rest.replace(m.group(0), " ", 1)
    for m in _YEAR.finditer(rest):
        facts.years.add(int(m.group(0)))
    rest = _YEAR.sub(" ", rest)
    for m in _NUMBER.finditer(rest):
        facts.numbers.add(_num(m.group(1), m.group(2)))
    words = number_words()
    for m in _number_word().finditer(rest):
        facts.numbers.add(float(words[m.group(1).lower()]) * _SCALE.get((m.group(2) or "").lower(), 1))
    skip = not_names()
    for m in ENTITY.finditer(text):
        parts = name_key(m.group(0)).split()
        while parts and parts[0] in skip:  # "The U.S. Army" -> "us army"
            parts.pop(0)
        name = " ".join(parts)
        if name and name not in skip and not name.isdigit():
            facts.names.append(name)
            if m.start() == len(text) - len(text.lstrip()):
                facts.initial_name = name
    return facts


def expand_aliases(names: set[str], text_key: str) -> set[str]:
    """The names plus every spelling of any alias group named in them or in the text."""
    out = set(names)
    for group in aliases():
        if any(a in out or f" {a} " in f" {text_key} " for a in group):
            out |= group
    return out


def is_alias(name: str) -> bool:
    """Part of an alias group: a group name ("ISIS", "U.S."), not a subject of its own."""
    return any(name in g for g in aliases())


def name_in(name: str, names: set[str]) -> bool:
    """The name, or each of its words as a 4+ letter stem ("Iraqi" ~ "Iraq"), is among names."""
    if name in names:
        return True
    return all(
        any(
            p == n or (len(p) >= 4 and len(n) >= 4 and (p.startswith(n[:4]) and n.startswith(p[:4])))
            for n in names
        )
        for p in name.split()
    )
