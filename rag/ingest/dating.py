"""Why an article has the date it has: the line that states it, a date derived from its text
(with the reason), or why none can be given. Never a silent guess.

A derived date is one the text gives for itself without a dateline: a full date in the first
paragraph ("On Jan. 21, 2015, ..."), or a day and month there whose year the text states for
that same month elsewhere ("On Jan. 21 ..." and later "in January 2015"). A year the text gives
for another month is not borrowed: "November 3rd" in an article that mentions 2014 only for an
earlier event stays undated.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from rag.text.dates import MONTH_PATTERN, MONTHS, WEEKDAYS, month_abbreviation

_YEAR = r"((?:19|20)\d\d)"
_DAY_MONTH = re.compile(
    rf"\b({MONTH_PATTERN})\.?\s+(\d{{1,2}})(?:st|nd|rd|th)?\b(?:,?\s+{_YEAR})?"
    rf"|\b(\d{{1,2}})(?:st|nd|rd|th)?\s+(?:of\s+)?({MONTH_PATTERN})\b\.?(?:,?\s+{_YEAR})?",
    re.I,
)
_MONTH_YEAR = re.compile(rf"\b({MONTH_PATTERN})\.?(?:\s+\d{{1,2}}(?:st|nd|rd|th)?,)?\s+{_YEAR}\b", re.I)
_ANY_YEAR = re.compile(rf"\b{_YEAR}\b")
_LEDE_CHARS = 600  # the first paragraph or two: where a news story dates itself


@dataclass(frozen=True)
class DateNote:
    derived: str | None  # ISO date derived from the text, when the head states none
    note: str  # shown beside the date: where it comes from, or why there is none


@dataclass(frozen=True)
class _Mention:
    month: int
    day: int
    year: int | None
    text: str


def _mentions(text: str) -> list[_Mention]:
    out = []
    for m in _DAY_MONTH.finditer(text):
        month_word, day, year = (
            (m.group(1), m.group(2), m.group(3))
            if m.group(1)
            else (
                m.group(5),
                m.group(4),
                m.group(6),
            )
        )
        if month_word.lower() == "may" and not year and not m.group(1):
            continue  # "3 may" is a verb more often than a month
        month, d = MONTHS[month_word.lower()], int(day)
        if 1 <= d <= 31:
            out.append(_Mention(month, d, int(year) if year else None, m.group(0).strip()))
    return out


def _iso(year: int, month: int, day: int) -> str | None:
    try:
        return date(year, month, day).isoformat()
    except ValueError:
        return None


def _first_paragraph(text: str) -> str:
    """The opening of the body: the first paragraph longer than a headline."""
    paragraphs = [p.strip() for p in text.split("\n") if p.strip()]
    body = [p for p in paragraphs if len(p) > 100 or (len(p) > 40 and p[-1] in '.!?”"')]
    return (body[0] if body else text)[:_LEDE_CHARS]


def date_note(text: str, stated: str | None, stated_line: str | None = None) -> DateNote:
    """The note for an article whose head states ``stated`` (from ``stated_line``), or the
    date its text gives for itself, or why there is none."""
    if stated:
        where = f"the line “{stated_line}”" if stated_line else "the document's metadata"
        return DateNote(None, f"stated: {where}")
    lede = _first_paragraph(text)
    year_of_month: dict[int, set[int]] = {}
    for m in _MONTH_YEAR.finditer(text):
        year_of_month.setdefault(MONTHS[m.group(1).lower()], set()).add(int(m.group(2)))
    for m in _mentions(lede):
        if m.year and (iso := _iso(m.year, m.month, m.day)):
            return DateNote(iso, f"derived: the first paragraph dates its events “{m.text}”")
        years = year_of_month.get(m.month, set())
        if len(years) == 1 and (iso := _iso(next(iter(years)), m.month, m.day)):
            year = next(iter(years))
            return DateNote(
                iso,
                f"derived: the first paragraph dates its events “{m.text}”, and the text gives "
                f"{month_abbreviation(m.month)} {year} as that month",
            )
    return DateNote(None, _why_not(text))


def _why_not(text: str) -> str:
    undated = list(dict.fromkeys(m.text for m in _mentions(text) if m.year is None))
    years = sorted({int(y) for y in _ANY_YEAR.findall(text)})
    weekdays = [w.capitalize() for w in WEEKDAYS if re.search(rf"\b{w}\b", text, re.I)]
    reason = "not stated: no dateline or “Published” line"
    if undated:
        shown = ", ".join(f"“{t}”" for t in undated[:3])
        reason += f"; the text dates events {shown} but gives no year for them"
        if years:
            reason += f" (it names {', '.join(map(str, years[:4]))} only for other events)"
    elif years or weekdays:
        named = [*(str(y) for y in years[:4]), *weekdays[:2]]
        reason += f"; the text gives no day and month, only {', '.join(named)}"
    return reason
