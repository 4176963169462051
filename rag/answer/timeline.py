"""Ordering, "what happened to X" and "had X happened yet" questions, answered from the dated
events the index keeps (``rag.ingest.events``), not by the model: each step is a sentence of
an article, quoted and cited, in date order, with its date as the article gives it and how it
was resolved. An event whose date no article gives is listed as undated, never placed by a
neighbour's date; a comparison with an undated side says the articles can't order it.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date

from rag.answer.citations import CitationNumberer
from rag.text.chronology import Chronology, chronology
from rag.text.question import Question, alias_tokens, analyse
from rag.text.sentences import split_sentences
from rag.text.tokens import tokenize
from rag.text.when import expressions, month_day, resolve
from rag.text.wordlists import word_list
from rag.types import Answer, Event, EvidenceSentence, Passage, SentenceCheck

EventSource = Callable[..., list[Event]]  # the catalog's events(about=, doc_ids=, kinds=)
PassageSource = Callable[[list[str]], dict[str, Passage]]  # chunk ids -> passages

_EXPLICIT = ("a full date", "a month and year", "a year")


def shown(e: Event, alone: bool = True) -> str:
    """The date, the expression as the article writes it, and how it was resolved."""
    if e.first is None:
        return f"undated (“{e.expression}”: {e.how})" if e.expression else f"undated ({e.how})"
    if e.how in _EXPLICIT:
        return e.shown_date if alone else f"{e.shown_date} (“{e.expression}”)"
    return f"{e.shown_date} (“{e.expression}”: {e.how})"


def _subject_terms(subject: str) -> set[str]:
    return {t for t in tokenize(subject) if len(t) >= 3} | alias_tokens(subject)


def _mentions(e: Event, terms: set[str]) -> bool:
    return _mentions_text(e.sentence, terms)


def _mentions_text(text: str, terms: set[str]) -> bool:
    return bool(terms) and terms <= set(tokenize(text)) | alias_tokens(text)


def named_subjects(q: Question) -> list[str]:
    """The question's subjects that name one thing ("Iraqi troops": Iraqi names no one thing)."""
    demonyms = set(word_list("demonyms"))
    return [s for s in q.subjects if _subject_terms(s) and s not in demonyms]


class TimelineReader:
    """Configuration in ``__init__``; ``run(answer, question, passages)`` fills the answer from
    the events, or returns None when the question is not about order or no event fits."""

    def __init__(self, events: EventSource, passages: PassageSource, limit: int = 8) -> None:
        self.events = events
        self.passages = passages
        self.limit = limit

    def run(self, answer: Answer, question: str, found: list[Passage]) -> Answer | None:
        kind = chronology(question)
        if kind is None or kind == "status":
            return None
        q = analyse(question)
        inside = self._inside(found)
        by_subject = {}
        undated: dict[str, Event] = {}
        for s in named_subjects(q):
            # Its paragraph names it ("the city"), or the sentence does.
            named = self.events(about=s) + [e for e in inside if _mentions(e, _subject_terms(s))]
            if named:  # "Walk me through" is no subject
                by_subject[s] = list({_key(e): e for e in named}.values())
            elif (said := _undated_sentence(found, q, _subject_terms(s))) is not None:
                undated[s] = said  # named by a retrieved sentence that gives no date
        if by_subject and undated and kind in ("order", "as_of"):
            # "Which came first, Rawa or Hawija?" with no date for Rawa: say so, don't drop it.
            by_subject.update({s: [e] for s, e in undated.items()})
        subjects = list(by_subject)
        if len(subjects) >= 2 and kind in ("order", "as_of"):
            return self._compare(answer, q, kind, by_subject)
        steps = [e for es in by_subject.values() for e in es]
        if kind == "order":  # what else the question describes ("the call for a push west")
            described = self._on_topic(inside, q)
            steps += described or ([] if steps else [e for e in inside if e.first])
        if not steps:
            return None
        steps = _ordered(list({_key(e): e for e in steps}.values()))[: self.limit]
        reference = _reference_date(question) if kind == "as_of" else None
        lead = "In date order, the articles say:"
        if reference is not None and (dated := [e for e in steps if e.last]):
            before = [e for e in dated if date.fromisoformat(e.last) < reference]
            lead = (
                f"Yes: the articles date it before {reference:%b. %-d, %Y}:"
                if before
                else f"No: the articles date it after {reference:%b. %-d, %Y}:"
            )
        return self._compose(answer, lead, steps)

    def _inside(self, found: list[Passage]) -> list[Event]:
        """The events of the retrieved passages."""
        spans = {(p.doc_id, p.start, p.end) for p in found}
        docs = sorted({p.doc_id for p in found})
        return [
            e
            for e in (self.events(doc_ids=docs) if docs else [])
            if any(d == e.doc_id and s <= e.start and e.end <= t for d, s, t in spans)
        ]

    def _on_topic(self, pool: list[Event], q: Question) -> list[Event]:
        """Events sharing two of the question's words (one, for a question of two or fewer)."""
        need = min(2, len(q.terms))
        return [e for e in pool if e.first and len(q.terms & set(tokenize(e.sentence))) >= need]

    def _compare(
        self, answer: Answer, q: Question, kind: Chronology, by_subject: dict[str, list[Event]]
    ) -> Answer:
        """Which of the named things came first: each one's best-matching event, in date order."""
        picked = {s: _best(es, q, _subject_terms(s)) for s, es in by_subject.items()}
        dated = {s: e for s, e in picked.items() if e.first}
        undated = [s for s in picked if s not in dated]
        order = sorted(dated, key=lambda s: (dated[s].first, dated[s].last))
        names = [_as_written(s, q.text) for s in order]
        if len(order) >= 2 and _overlap(dated[order[0]], dated[order[1]]):
            lead = f"The articles' dates don't tell {names[0]} and {names[1]} apart:"
        elif len(order) >= 2:
            lead = f"{names[0]} came first, then {', then '.join(names[1:])}:"
        elif order:
            missing = ", ".join(_as_written(s, q.text) for s in undated)
            lead = f"The articles date {names[0]}, but give no date for {missing} to order it by:"
        elif (within := _same_article_order([picked[s] for s in undated])) is not None:
            # One article, no year anywhere: its dates share the year it doesn't give.
            undated = [s for e in within for s in undated if picked[s] is e]
            names = [_as_written(s, q.text) for s in undated]
            then = ", then ".join(names[1:])
            lead = f"{names[0]} came first, then {then} (one article gives both dates, without a year):"
        else:
            lead = "The articles give no date for either, so they can't be put in order:"
        steps = [dated[s] for s in order] + [picked[s] for s in undated]
        return self._compose(answer, lead, steps)

    def _compose(self, answer: Answer, lead: str, steps: list[Event]) -> Answer:
        held = self.passages(sorted({e.chunk_id for e in steps}))
        numberer = CitationNumberer()
        lines, checks = [lead], []
        # One step per sentence: a sentence with two dates ("retook Mosul in July, which was
        # proclaimed the capital in 2014") is shown once, with both, where its first date sorts.
        by_sentence: dict[tuple[str, int], list[Event]] = {}
        for e in steps:
            by_sentence.setdefault((e.doc_id, e.start), []).append(e)
        for i, group in enumerate(by_sentence.values(), start=1):
            e = group[0]
            p = held.get(e.chunk_id)
            if p is None:  # the passage went away between the two reads: leave the step out
                continue
            n = numberer.number(EvidenceSentence(i, e.sentence, p, e.start, e.end))
            lines.append(f"{'; '.join(shown(g, len(group) == 1) for g in group)}: “{e.sentence}” [{n}]")
            checks.append(SentenceCheck(e.sentence, [n], "quoted", f"a dated event ({e.precision})"))
        if not checks:
            return None  # type: ignore[return-value]
        answer.text = "\n".join(lines)
        answer.citations = numberer.citations
        answer.checks = checks
        answer.kind, answer.answerable = "answer", True
        answer.trace.update(
            path="timeline", chosen=[c.text for c in checks], span=answer.text, gate_passed=True
        )
        return answer


def _undated_sentence(found: list[Passage], q: Question, subject: set[str]) -> Event | None:
    """The retrieved sentence that names the subject and shares most of the question's words,
    as an undated step: the articles tell of it without a date."""
    best: tuple[int, Event] | None = None
    for p in found:
        for a, b in split_sentences(p.text):
            text = p.text[a:b]
            if not _mentions_text(text, subject):
                continue
            score = len(q.terms & set(tokenize(text)))
            if best is None or score > best[0]:
                event = Event(p.doc_id, text, p.start + a, p.start + b, "", 0, 0, "event", None, None,
                              "none", "the articles give no date for it", chunk_id=p.chunk_id)  # fmt: skip
                best = (score, event)
    return best[1] if best else None


def _key(e: Event) -> tuple[str, int, int]:
    return (e.doc_id, e.start, e.expr_start)


def _ordered(events: list[Event]) -> list[Event]:
    """Dated events by date, then the undated ones in text order."""
    return sorted(events, key=lambda e: (e.first is None, e.first or "", e.last or "", e.doc_id, e.start))


def _best(events: list[Event], q: Question, subject: set[str]) -> Event:
    """The event that best fits the question: one whose sentence names the subject (not only
    its paragraph), dated, sharing most of the question's words, earliest."""
    return min(
        events,
        key=lambda e: (
            not _mentions(e, subject),
            e.first is None,
            -len(q.terms & set(tokenize(e.sentence))),
            e.first or "",
        ),
    )


def _same_article_order(events: list[Event]) -> list[Event] | None:
    """Year-less dates of one article ("November 3rd", "November 8th"), in calendar order; None
    when they are in several articles, a date lacks a month, or two fall on the same day."""
    if len(events) < 2 or len({e.doc_id for e in events}) > 1:
        return None
    keys = [month_day(e.expression) for e in events]
    if None in keys or len(set(keys)) < len(keys):
        return None
    return [e for _, e in sorted(zip(keys, events, strict=True), key=lambda pair: pair[0])]


def _overlap(a: Event, b: Event) -> bool:
    return bool(a.first and b.first and a.last and b.last and a.first <= b.last and b.first <= a.last and
                (a.precision != "day" or b.precision != "day"))  # fmt: skip


def _as_written(subject: str, question: str) -> str:
    """A subject as the question spells it ("al-Qaim" for the key "al qaim")."""
    m = re.search(r"[\W_]+".join(map(re.escape, subject.split())), question, re.I)
    return m.group(0) if m else subject


def _reference_date(question: str) -> date | None:  # the date has_reference_date finds
    """An explicit date in the question ("by October 2017"): the as-of date."""
    for e in expressions(question):
        r = resolve(e, None)
        if r.last is not None:
            return r.last
    return None
