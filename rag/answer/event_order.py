"""Steps in date order, and what two steps' dates settle: dated events by their resolved dates;
the year-less dates of one article ("November 3rd", "November 8th") in its own calendar order;
the rest as the text has them."""

from __future__ import annotations

from rag.answer.event_match import Step, month_day_of
from rag.text.dates import spelled
from rag.text.when import month_day
from rag.types import Event


def calendar(steps: list[Step]) -> list[Step]:
    """Dated steps by date; then the undated, year-less dates of one article in its calendar
    order ("November 3rd" before "November 8th"), the rest in text order. One step per quote."""
    steps = list({(s.event.doc_id, s.start, s.end): s for s in steps}.values())
    dated = sorted((s for s in steps if s.event.first), key=lambda s: (s.event.first, s.event.last, s.start))
    rest = [s for s in steps if not s.event.first]
    return dated + (year_less_order(rest) or sorted(rest, key=lambda s: (s.event.doc_id, s.start)))


def year_less_order(steps: list[Step]) -> list[Step] | None:
    """Year-less dates of one article ("November 3rd", "November 8th"), in calendar order; None
    when they are in several articles, a date lacks a month, or two fall on the same day."""
    if len(steps) < 2 or len({s.event.doc_id for s in steps}) > 1:
        return None
    keys = [month_day_of(s.event) for s in steps]
    if None in keys or len(set(keys)) < len(keys):
        return None
    return [s for _, s in sorted(zip(keys, steps, strict=True), key=lambda pair: pair[0])]


def overlap(a: Event, b: Event) -> bool:
    return bool(a.first and b.first and a.last and b.last and a.first <= b.last and b.first <= a.last and
                (a.precision != "day" or b.precision != "day"))  # fmt: skip


def same_day(steps: list[Step]) -> str | None:
    """The day two year-less steps of one article share ("November 3rd" and "the same day")."""
    if len(steps) != 2 or steps[0].event.doc_id != steps[1].event.doc_id:
        return None
    days = [month_day_of(s.event) for s in steps]
    if days[0] is None or days[0] != days[1] or not days[0][1]:
        return None
    return next(s.event.expression for s in steps if month_day(s.event.expression))


def by_report(dated: list[Step], rest: list[Step]) -> tuple[list[Step], str] | None:
    """A dated step against one an article reports with no date of its own: reported before the
    other's date, it came first. Reported after it, it may have happened before or after, so the
    lead says only what the dates are (and the answer is a decline). None for anything else."""
    if len(dated) != 1 or len(rest) != 1 or rest[0].event.expression or not rest[0].event.published:
        return None
    d, r = dated[0], rest[0]
    reported = spelled(r.event.published or "")
    if (r.event.published or "") < (d.event.first or ""):
        return [r, d], f"{{0}} came first: an article of {reported} reports it, before {{1}}:"
    said = f"{{1}} is only reported, on {reported}, with no date of its own, so the articles can't order them"
    return [d, r], f"The articles date {{0}}; {said}:"
