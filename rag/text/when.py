"""Date expressions in a sentence, and the calendar dates they stand for.

``expressions(sentence)`` finds them as written ("Oct. 5", "in July", "on Thursday", "last
week", "since 2014", "the same day"); ``resolve`` turns one into a date range with its
precision, against the article's publication date where the text is relative, and says how.
A date the article doesn't give resolves to nothing, with the reason: "Nov. 3" in an article
without a publication date or a year for November stays undated, never takes a neighbour's year.
Relative phrases ("last week", "three years ago") are read by dateparser; the shapes with a
month or a weekday use the one month table (``rag.text.dates``).
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from functools import cache
from typing import Literal

from rag.text.dates import MONTH_PATTERN, MONTHS, WEEKDAYS

Precision = Literal["day", "month", "year", "range", "none"]
Shape = Literal["full", "month_year", "day_month", "month", "year", "since", "weekday", "relative", "anaphor"]

_M = rf"(?:{MONTH_PATTERN})\.?"
_D = r"\d{1,2}(?:st|nd|rd|th)?"
_Y = r"(?:19|20)\d\d"
_PATTERNS: list[tuple[Shape, re.Pattern[str]]] = [
    (
        "full",
        re.compile(
            rf"(?:\b(?:{'|'.join(WEEKDAYS)}),?\s+)?\b{_M}\s+{_D},?\s+{_Y}\b|\b{_D}\s+(?:of\s+)?{_M}\s+{_Y}\b",
            re.I,
        ),
    ),
    ("month_year", re.compile(rf"\b{_M}\s+(?:of\s+)?{_Y}\b", re.I)),
    (
        "day_month",
        re.compile(rf"\b{_M}\s+{_D}\b(?!\s*(?:%|percent|miles|km))|\b{_D}\s+(?:of\s+)?{_M}(?!\w)", re.I),
    ),
    ("since", re.compile(rf"\bsince\s+(?:(?:early|late|mid-?)\s*)?{_Y}\b", re.I)),
    ("year", re.compile(rf"(?<![\d,.$-])\b{_Y}\b(?![\d,]\d|%)")),
    (
        "month",
        re.compile(
            rf"\b(?:in|since|by|until|during|through|early|late|mid-?)\s*(?:{MONTH_PATTERN})\b(?!\.?\s*\d)",
            re.I,
        ),
    ),
    (
        "weekday",
        re.compile(rf"\b(?:{'|'.join(WEEKDAYS)})(?:\s+(?:morning|afternoon|evening|night))?\b", re.I),
    ),
    (
        "relative",
        re.compile(
            r"\b(?:yesterday|today|tonight|(?:earlier |later )?(?:this|last|next) (?:week|month|year)|"
            r"(?:\d+|one|two|three|four|five|six|seven|eight|nine|ten|a) "
            r"(?:days?|weeks?|months?|years?) ago|"
            r"in (?:\d+|one|two|three|four|five|six|seven|eight|nine|ten|a) (?:days?|weeks?|months?|years?)|"
            r"the end of the (?:week|month|year)|"
            r"(?:over |in |during )?the (?:last|past) (?:few|several|\d+|two|three|four|five|six) "
            r"(?:days|weeks|months|years))\b",
            re.I,
        ),
    ),
    (
        "anaphor",
        re.compile(
            r"\b(?:the same day|that day|the (?:day|night) before|a day (?:before|earlier)|"
            r"the previous day)\b",
            re.I,
        ),
    ),
]
_MONTH_WORD = re.compile(rf"\b({MONTH_PATTERN})\b", re.I)
_DAY = re.compile(r"\b(\d{1,2})(?:st|nd|rd|th)?\b")
_YEAR = re.compile(rf"\b({_Y})\b")
# "3 may" and "in may" are verbs as often as months: May counts only with a day or a year.
_MAY = re.compile(r"^(?:in|since|by|until|during|through|early|late|mid-?)\s*may$", re.I)


@dataclass(frozen=True)
class Expression:
    start: int  # offsets in the sentence
    end: int
    text: str
    shape: Shape


@dataclass(frozen=True)
class Resolved:
    first: date | None  # the range the expression stands for (one day for a day)
    last: date | None
    precision: Precision
    how: str  # how it was resolved, or why it wasn't


UNRESOLVED_NO_BASE = "the article has no publication date to resolve it against"


def expressions(sentence: str) -> list[Expression]:
    """The date expressions of a sentence, longest shapes first, never overlapping."""
    taken: list[Expression] = []
    for shape, pattern in _PATTERNS:
        for m in pattern.finditer(sentence):
            if any(m.start() < e.end and e.start < m.end() for e in taken):
                continue
            text = m.group(0)
            if shape == "month" and _MAY.match(text):
                continue
            taken.append(Expression(m.start(), m.end(), text, shape))
    return sorted(taken, key=lambda e: e.start)


def _month(text: str) -> int:
    m = _MONTH_WORD.search(text)
    assert m is not None
    return MONTHS[m.group(1).lower()]


def _month_range(year: int, month: int) -> tuple[date, date]:
    return date(year, month, 1), date(year, month, calendar.monthrange(year, month)[1])


def _year_for(
    month: int, day: int, published: date | None, years: dict[int, set[int]]
) -> tuple[int | None, str]:
    """The year of a day and month written without one."""
    if published is not None:
        year = published.year
        try:
            if date(year, month, day) > published + timedelta(days=31):
                return year - 1, f"the year before publication ({published.isoformat()})"
        except ValueError:
            return None, "not a calendar date"
        return year, f"the publication year ({published.isoformat()})"
    given = years.get(month, set())
    if len(given) == 1:
        return next(iter(given)), "the year the text gives for that month"
    return None, "no year given (nor a publication date)"


def _weekday(text: str, published: date | None) -> Resolved:
    if published is None:
        return Resolved(None, None, "none", UNRESOLVED_NO_BASE)
    i = next(n for n, w in enumerate(WEEKDAYS) if w in text.lower())
    d = published - timedelta(days=(published.weekday() - i) % 7)
    how = f"{WEEKDAYS[i].capitalize()}, in an article published {published:%b. %-d, %Y}"
    return Resolved(d, d, "day", how)


@cache
def _relative_parser(base: date):
    from dateparser.date import DateDataParser

    return DateDataParser(
        languages=["en"],
        settings={"RELATIVE_BASE": datetime(base.year, base.month, base.day), "PREFER_DATES_FROM": "past"},
    )


_VAGUE = re.compile(r"\b(?:few|several)\b", re.I)
_PAST_SPAN = re.compile(r"\bthe (?:last|past)\s+(\w+)\s+(day|week|month|year)s\b", re.I)


def _relative(text: str, published: date | None) -> Resolved:
    if published is None:
        return Resolved(None, None, "none", UNRESOLVED_NO_BASE)
    if _VAGUE.search(text):
        return Resolved(None, None, "none", f"“{text}”: a period without a length")
    if span := _PAST_SPAN.search(text):  # "the past three months": up to publication
        got = _relative_parser(published).get_date_data(f"{span.group(1)} {span.group(2)}s ago")
        if got.date_obj is None:
            return Resolved(None, None, "none", "not a date dateparser reads")
        how = f"“{text}”, to publication ({published.isoformat()})"
        return Resolved(got.date_obj.date(), published, "range", how)
    plain = re.sub(r"^(?:earlier|later)\s+", "", text, flags=re.I)
    plain = re.sub(r"^the end of the\b", "this", plain, flags=re.I)  # "by the end of the year"
    got = _relative_parser(published).get_date_data(plain)
    if got.date_obj is None:
        return Resolved(None, None, "none", "not a date dateparser reads")
    d, how = got.date_obj.date(), f"“{text}”, in an article published {published:%b. %-d, %Y}"
    if got.period == "week":
        monday = d - timedelta(days=d.weekday())
        return Resolved(monday, monday + timedelta(days=6), "range", how)
    if got.period == "month":
        return Resolved(*_month_range(d.year, d.month), "month", how)
    if got.period == "year":
        return Resolved(date(d.year, 1, 1), date(d.year, 12, 31), "year", how)
    return Resolved(d, d, "day", how)


def resolve(
    e: Expression,
    published: date | None,
    years: dict[int, set[int]] | None = None,
    previous: Resolved | None = None,
) -> Resolved:
    """The dates ``e`` stands for. ``years``: month -> the years the article gives for it;
    ``previous``: the date of the sentence before, for "the same day"."""
    years = years or {}
    text = e.text
    if e.shape == "full":
        y, d = (
            int(_YEAR.findall(text)[-1]),
            int(_DAY.search(text.replace(_YEAR.findall(text)[-1], "")).group(1)),
        )
        try:
            day = date(y, _month(text), d)
        except ValueError:
            return Resolved(None, None, "none", "not a calendar date")
        return Resolved(day, day, "day", "a full date")
    if e.shape == "month_year":
        return Resolved(
            *_month_range(int(_YEAR.search(text).group(1)), _month(text)), "month", "a month and year"
        )
    if e.shape in ("day_month", "month"):
        month = _month(text)
        day = int(_DAY.search(text).group(1)) if e.shape == "day_month" else 1
        year, why = _year_for(month, day, published, years)
        if year is None:
            return Resolved(None, None, "none", why)
        if e.shape == "month":
            return Resolved(*_month_range(year, month), "month", f"a month without a year: {why}")
        try:
            return Resolved(date(year, month, day), date(year, month, day), "day", f"no year written: {why}")
        except ValueError:
            return Resolved(None, None, "none", "not a calendar date")
    if e.shape == "year":
        y = int(text)
        return Resolved(date(y, 1, 1), date(y, 12, 31), "year", "a year")
    if e.shape == "since":
        y = int(_YEAR.search(text).group(1))
        if published is None or published.year <= y:
            return Resolved(
                date(y, 1, 1), date(y, 12, 31), "year", "since a year (no publication date to end it)"
            )
        return Resolved(
            date(y, 1, 1), published, "range", f"since {y}, to publication ({published.isoformat()})"
        )
    if e.shape == "weekday":
        return _weekday(text, published)
    if e.shape == "relative":
        return _relative(text, published)
    # "the same day", "a day before": the date of the sentence before, as the text says.
    if previous is None or previous.first is None:
        return Resolved(None, None, "none", "as the sentence before, which gives no date")
    shift = 0 if re.search(r"same|that", text, re.I) else -1
    d = previous.first + timedelta(days=shift)
    if previous.precision != "day":
        return Resolved(previous.first, previous.last, previous.precision, "as the sentence before")
    return Resolved(
        d,
        d,
        "day",
        "the same day as the sentence before" if shift == 0 else "the day before the sentence before",
    )


def years_by_month(text: str) -> dict[int, set[int]]:
    """Month -> the years a text gives for it ("in January 2015", "Oct. 17, 2016")."""
    out: dict[int, set[int]] = {}
    for sentence_expr in expressions(text):
        if sentence_expr.shape in ("full", "month_year"):
            out.setdefault(_month(sentence_expr.text), set()).add(int(_YEAR.findall(sentence_expr.text)[-1]))
    return out


def month_day(text: str) -> tuple[int, int] | None:
    """(month, day) of an expression with a month ("November 3rd" -> (11, 3); "in July" ->
    (7, 0)), or None."""
    if not _MONTH_WORD.search(text):
        return None
    day = _DAY.search(text)
    return _month(text), int(day.group(1)) if day else 0


def gives_day(text: str) -> bool:
    """Whether the text names a day ("Oct. 5", "November 3rd", "on Thursday"), not only a
    month or a year."""
    return any(e.shape in ("full", "day_month", "weekday") for e in expressions(text))
