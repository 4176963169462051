"""The one month table and the date helpers built on it."""

from __future__ import annotations

import re
from datetime import date, timedelta

_MONTH_SPELLINGS = [
    ("january", "jan"),
    ("february", "feb"),
    ("march", "mar"),
    ("april", "apr"),
    ("may",),
    ("june", "jun"),
    ("july", "jul"),
    ("august", "aug"),
    ("september", "sep", "sept"),
    ("october", "oct"),
    ("november", "nov"),
    ("december", "dec"),
]
# Every spelling, lower case -> month number.
MONTHS = {name: i for i, names in enumerate(_MONTH_SPELLINGS, start=1) for name in names}
# An alternation of the spellings, longest first, for regular expressions.
MONTH_PATTERN = "|".join(sorted(MONTHS, key=len, reverse=True))
WEEKDAYS = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]


def month_abbreviation(month: int) -> str:
    """3 -> 'Mar'."""
    return _MONTH_SPELLINGS[month - 1][-1][:3].capitalize()


def spelled(iso: str, precision: str = "day") -> str:
    """An ISO date as a reader writes it: "October 26, 2017", "October 2017", "2017"."""
    d = date.fromisoformat(iso)
    month = _MONTH_SPELLINGS[d.month - 1][0].capitalize()
    if precision == "year":
        return str(d.year)
    return f"{month} {d.year}" if precision == "month" else f"{month} {d.day}, {d.year}"


def weekday_dates(text: str, published: str | None) -> set[tuple[int, int]]:
    """(month, day) of each weekday the text names ('on Thursday'), resolved as the latest such
    day on or before the publication date."""
    if not published:
        return set()
    pub = date.fromisoformat(published)
    out = set()
    for i, name in enumerate(WEEKDAYS):
        if re.search(rf"\b{name}\b", text, re.I):
            d = pub - timedelta(days=(pub.weekday() - i) % 7)
            out.add((d.month, d.day))
    return out


def date_num(iso: str | None) -> int:
    """2017-10-10 -> 20171010 (Chroma's range filters take numbers only); unknown -> 0."""
    return int(iso.replace("-", "")) if iso else 0
