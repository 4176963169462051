"""Steps in date order: dated events by their resolved dates; the year-less dates of one article
("November 3rd", "November 8th") in its own calendar order; the rest as the text has them."""

from __future__ import annotations

import re

from rag.answer.event_match import Step
from rag.text.when import month_day
from rag.types import Event


def calendar(steps: list[Step]) -> list[Step]:
    """Dated steps by date; then the undated, year-less dates of one article in its calendar
    order ("November 3rd" before "November 8th"), the rest in text order. One step per quote."""
    steps = list({(s.event.doc_id, s.start, s.end): s for s in steps}.values())
    dated = sorted((s for s in steps if s.event.first), key=lambda s: (s.event.first, s.event.last, s.start))
    rest = [s for s in steps if not s.event.first]
    return dated + (year_less_order(rest) or sorted(rest, key=lambda s: (s.event.doc_id, s.start)))


def _month_day(e: Event) -> tuple[int, int] | None:
    """An undated event's month and day, its own or the date "the same day" stands for."""
    anchor = re.search(r"as “([^”]+)”", e.how)
    return month_day(e.expression) or (month_day(anchor.group(1)) if anchor else None)


def year_less_order(steps: list[Step]) -> list[Step] | None:
    """Year-less dates of one article ("November 3rd", "November 8th"), in calendar order; None
    when they are in several articles, a date lacks a month, or two fall on the same day."""
    if len(steps) < 2 or len({s.event.doc_id for s in steps}) > 1:
        return None
    keys = [_month_day(s.event) for s in steps]
    if None in keys or len(set(keys)) < len(keys):
        return None
    return [s for _, s in sorted(zip(keys, steps, strict=True), key=lambda pair: pair[0])]


def overlap(a: Event, b: Event) -> bool:
    return bool(a.first and b.first and a.last and b.last and a.first <= b.last and b.first <= a.last and
                (a.precision != "day" or b.precision != "day"))  # fmt: skip
