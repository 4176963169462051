"""Title, publication date and author from an article's opening lines.

Only what the text states is returned: a date is taken from a dateline or a "Published ..."
line near the top, never from an event mentioned in the body. No date stated -> None.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from rag.text.dates import MONTH_PATTERN, MONTHS

_MONTH_RE = r"(?P<month>" + MONTH_PATTERN + r")\.?"
_DAY_RE = r"(?P<day>\d{1,2})(?:st|nd|rd|th)?"
_YEAR_RE = r"(?P<year>(?:19|20)\d{2})"
_WEEKDAY_RE = r"(?:(?:mon|tues|wednes|thurs|fri|satur|sun)day,?\s+)?"

_DATE_PATTERNS = [
    re.compile(_WEEKDAY_RE + _MONTH_RE + r"\s+" + _DAY_RE + r",?\s+" + _YEAR_RE, re.I),
    re.compile(_WEEKDAY_RE + _DAY_RE + r"\s+" + _MONTH_RE + r",?\s+" + _YEAR_RE, re.I),
    re.compile(r"(?P<year>(?:19|20)\d{2})-(?P<monthnum>\d{2})-(?P<day>\d{2})"),
]
_AUTHOR = re.compile(r"^[Bb]y\s+(?P<name>[A-Z][\w.'-]+(?:\s+[A-Z][\w.'-]+){0,3})\s*$")

_HEAD_LINES = 12  # metadata lives above the fold; later dates are events, not publication


@dataclass
class ArticleMeta:
    title: str
    date: str | None
    author: str | None
    date_line: str | None = None  # the line the date was read from


def parse_date(text: str) -> str | None:
    """First full date (day, month and year) in ``text`` as ISO yyyy-mm-dd, else None."""
    for pattern in _DATE_PATTERNS:
        m = pattern.search(text)
        if not m:
            continue
        groups = m.groupdict()
        month = MONTHS[groups["month"].lower()] if groups.get("month") else int(groups["monthnum"])
        try:
            return date(int(groups["year"]), month, int(groups["day"])).isoformat()
        except ValueError:
            continue
    return None


def _is_date_line(line: str) -> bool:
    date_found = parse_date(line)
    if not date_found:
        return False
    # "Published October 10th, 2017 - 12:54 GMT" or a bare "Thursday, October 26, 2017".
    return bool(re.match(r"^(published|posted|updated|date)\b", line, re.I)) or len(line) <= 40


def extract_metadata(text: str, fallback_title: str) -> ArticleMeta:
    head = [ln.strip() for ln in text.split("\n") if ln.strip()][:_HEAD_LINES]
    date_line = next((ln for ln in head if _is_date_line(ln)), None)
    pub_date = parse_date(date_line) if date_line else None
    author = next((m.group("name") for ln in head if (m := _AUTHOR.match(ln))), None)
    title = fallback_title
    for ln in head:
        if _is_date_line(ln) or _AUTHOR.match(ln):
            continue
        # A lede sentence is not a headline: shorten it rather than present it as one.
        short = len(ln) <= 100
        title = ln.rstrip(".") if short else " ".join(ln.split()[:10]).rstrip(",;:") + " …"
        break
    return ArticleMeta(title=title, date=pub_date, author=author, date_line=date_line)
