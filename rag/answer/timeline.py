"""Ordering, "what happened to X" and "had X happened yet" questions, answered from the dated
events the index keeps (``rag.ingest.events``), not by the model: each step is a clause of an
article, quoted and cited, in date order, with its date as the article gives it and how it was
resolved. Each event the question names is matched by what happened (``EventMatcher``), not
only by the place it mentions. An event whose date no article gives is listed as undated, never
placed by a neighbour's date; a comparison with an undated side says the articles can't order it.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date

from rag.answer.citations import CitationNumberer
from rag.answer.event_match import EventMatcher, Step, event_words, mentions, subject_terms, undated_sentences
from rag.answer.event_order import by_report, calendar, overlap, same_day, year_less_order
from rag.text.captions import asks_about_photos
from rag.text.chronology import chronology, stated_date, stated_span
from rag.text.dates import spelled
from rag.text.event_parts import event_parts
from rag.text.question import Question, analyse
from rag.text.quoting import quoted
from rag.text.wordlists import word_list
from rag.types import Answer, Event, EvidenceSentence, Passage, SentenceCheck

EventSource = Callable[..., list[Event]]  # the catalog's events(about=, doc_ids=, kinds=)
PassageSource = Callable[[list[str]], dict[str, Passage]]  # chunk ids -> passages
Search = Callable[[str], list[Passage]]  # a description -> the passages retrieved for it

_KINDS = ("event", "prediction", "photo")  # what the timeline reads; publication lines are not events
_EXPLICIT = ("a full date", "a month and year", "a year")
_ANAPHOR = re.compile(rf"\bthe ({'|'.join(word_list('anaphors'))})\b", re.I)  # "the city"
_SHORT_NAME = 6  # words: a longer description is not repeated in the lead
# "Which fell first", "before or after": asks which came first, not for a timeline.
_ASKS_FIRST = re.compile(r"\b(first|earlier|sooner|later|before|after|prior to)\b", re.I)


def shown(e: Event) -> str:
    """The date as the article gives it, and how it was resolved when the text doesn't say; a
    sentence with no date at all gives its article's publication date, as that, not as its own."""
    if e.first is None:
        if not e.expression:
            return f"undated; reported {spelled(e.published)}" if e.published else "undated"
        why = "no publication date" if "no publication date" in e.how else e.how.split(" (")[0]
        return f"{e.expression} ({why})"
    if e.how in _EXPLICIT:
        return e.expression
    if e.how.startswith("no year written"):
        return f"{e.expression} ({e.first[:4]}, the article's year)"
    if e.precision in ("day", "month", "year"):
        return f"{spelled(e.first, e.precision)} ({e.how})"
    return f"{e.shown_date} ({e.how})"


def named_subjects(q: Question) -> list[str]:
    """The question's subjects that name one thing ("Iraqi troops": Iraqi names no one thing)."""
    demonyms = set(word_list("demonyms"))
    return [s for s in q.subjects if subject_terms(s) and s not in demonyms]


class TimelineReader:
    """Configuration in ``__init__``; ``run(answer, question, passages)`` fills the answer from
    the events, or returns None when the question is not about order or no event fits."""

    def __init__(
        self,
        events: EventSource,
        passages: PassageSource,
        limit: int = 5,
        matcher: EventMatcher | None = None,
        search: Search | None = None,
    ) -> None:
        self.events = events
        self.passages = passages
        self.limit = limit
        self.matcher = matcher or EventMatcher()
        self.search = search  # each described event is also searched for on its own

    def run(self, answer: Answer, question: str, found: list[Passage]) -> Answer | None:
        kind = chronology(question)
        if kind is None or kind == "status":
            return None
        q = analyse(question)
        inside = self._inside(found)
        parts = event_parts(question) if kind in ("order", "as_of") else None
        subjects = named_subjects(q)
        first = bool(_ASKS_FIRST.search(question))
        if parts is not None:
            taken: set[tuple[str, int]] = set()  # two parts are two events: each its own sentence
            sides = [
                (p, self._pick(d, inside, found, taken=taken))
                for p, d in zip(parts.parts, parts.queries(), strict=True)
            ]
            return self._compare(answer, sides, before_after=parts.paired, asks_first=first)
        if len(subjects) >= 2 and kind in ("order", "as_of"):  # "Put Hawija, al-Qaim and Rawa in order"
            taken: set[tuple[str, int]] = set()
            told = " ".join(event_words(question))  # "fall" of "the fall of Hawija, al-Qaim and Rawa"
            names = [_as_written(s, q.text) for s in subjects]
            sides = [
                (n, self._pick(f"{told} {n}", inside, found, [s], taken))
                for n, s in zip(names, subjects, strict=True)
            ]
            return self._compare(answer, sides, before_after=False, asks_first=first)
        if kind == "since":  # "What became of Rawa, one of the last towns in Iraq?" is about Rawa
            subjects = subjects[:1]
        pool = self._pool(subjects, inside, found, undated=kind == "since", told=question)
        if (span := stated_span(question)) is not None and kind != "as_of":  # "in the autumn of 2017"
            pool = [e for e in pool if not e.first or (span[0] <= e.first and (e.last or "") <= span[1])]
        pool = [e for e in pool if e.kind != "prediction"]  # a timeline tells what happened
        if not subjects and kind == "order":  # "walk me through the campaign": what was found
            pool = [e for e in inside if e.first]
        ranked = self.matcher.run(q.text, pool)
        if not ranked or (kind == "since" and not ranked[0].event.first):
            return None  # what became of it is told by no date: the sentence readers quote it
        # The events that fit the question about as well as the best, not every one naming it.
        steps = calendar(
            [s for s in ranked[: self.limit] if s.score >= ranked[0].score - self.matcher.margin]
        )
        reference = stated_date(question) if kind == "as_of" else None
        lead = "In date order, the articles say:"
        if reference is not None and (dated := [s.event for s in steps if s.event.last]):
            before = [e for e in dated if date.fromisoformat(e.last or "") < reference]
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
            for e in (self.events(doc_ids=docs, kinds=_KINDS) if docs else [])
            if any(d == e.doc_id and s <= e.start and e.end <= t for d, s, t in spans)
        ]

    def _pool(
        self, subjects: list[str], inside: list[Event], found: list[Passage], undated: bool, told: str = ""
    ) -> list[Event]:
        """The events naming any of the subjects (by their sentence or, for "the city", their
        paragraph), and with ``undated`` the retrieved sentences naming them that no date dates.
        A photo's date is an event only when ``told`` (the description) is about photos."""
        terms = [subject_terms(s) for s in subjects]
        kinds = ("event", "prediction", "photo") if asks_about_photos(told) else ("event", "prediction")
        pool = [e for s in subjects for e in self.events(about=s, kinds=_KINDS)]
        pool += inside
        # Its sentence names a subject, or says "the city" in a paragraph that does.
        pool = [
            e
            for e in pool
            if not terms
            or any(mentions(e.sentence, t) for t in terms)
            or (_ANAPHOR.search(e.sentence) and e in pool[: len(pool) - len(inside)])
        ]
        pool = [e for e in {_key(e): e for e in pool}.values() if e.kind in kinds]
        if undated:
            for t in terms or [set()]:
                pool += undated_sentences(found, pool, t)
        return pool

    def _pick(
        self,
        description: str,
        inside: list[Event],
        found: list[Passage],
        subjects: list[str] | None = None,
        taken: set[tuple[str, int]] | None = None,
    ) -> Step | None:
        """The sentence that best tells of the described event, or None when nothing does."""
        if subjects is None:  # "Iraq's commandos" name who acted, not where: no subject to filter by
            subjects = [
                s for s in named_subjects(analyse(description)) if not _only_possessive(s, description)
            ]
        if self.search is not None:
            own = self.search(description)
            found = found + [p for p in own if p.chunk_id not in {f.chunk_id for f in found}]
            inside = self._inside(found)
        pool = self._pool(subjects, inside, found, undated=True, told=description)
        terms = {s: subject_terms(s) for s in subjects}
        names = {  # "the city" of a sentence whose paragraph names the subject
            i: next((s for s, t in terms.items() if not mentions(e.sentence, t)), "")
            for i, e in enumerate(pool)
            if subjects
            and _ANAPHOR.search(e.sentence)
            and not any(mentions(e.sentence, t) for t in terms.values())
        }
        ranked = self.matcher.run(description, pool, names, one=True)
        taken = taken if taken is not None else set()
        best = next((s for s in ranked if (s.event.doc_id, s.start) not in taken), None)
        if best is None or best.fit < self.matcher.floor:
            return None
        taken.add((best.event.doc_id, best.start))
        return best

    def _compare(
        self, answer: Answer, sides: list[tuple[str, Step | None]], before_after: bool, asks_first: bool
    ) -> Answer | None:
        """Which of the described events came first: each one's sentence, in date order (a
        timeline of them when the question asks for no first)."""
        got = {n: s for n, s in sides if s is not None}
        if not got:
            return None
        named = {id(s): n for n, s in got.items()}
        steps = calendar(list({(s.event.doc_id, s.start): s for s in got.values()}.values()))
        dated = [s for s in steps if s.event.first]
        rest = [s for s in steps if not s.event.first]
        yearless = len(rest) >= 2 and year_less_order(rest) is not None
        names = [_short(named.get(id(s), "")) for s in steps]
        missing = [n for n, s in sides if s is None]
        settled = not missing  # whether the lead answers which came first
        if not asks_first:
            lead, settled = "In date order, the articles say:", True
        elif len(steps) == 1:
            lead = f"The articles tell only of {names[0]}:"
        elif len(dated) >= 2 and not rest and overlap(dated[0].event, dated[1].event):
            lead, settled = f"The articles' dates don't tell {names[0]} and {names[1]} apart:", False
        elif (len(dated) >= 2 and not rest) or (not dated and yearless):
            first = sides[0][1]
            note = " (one article gives these dates, without a year)" if not dated else ""
            if before_after and first is not None and len(steps) == 2:
                lead = ("Before" if steps[0] is first else "After") + f"{note}:"
            else:
                lead = f"{names[0]} came first, then {', then '.join(names[1:])}{note}:"
        elif not dated and (day := same_day(rest)) is not None:
            lead = f"The articles put {_join(names)} on the same day ({day}, no year given):"
        elif (reported := by_report(dated, rest)) is not None:
            steps = reported[0]
            lead = reported[1].format(*[_short(named.get(id(s), "")) for s in steps])
            settled = steps[0] is rest[0]  # reported before the other's date: it came first
        elif dated:
            later = _join(names[len(dated) :])
            lead = f"The articles date {_join(names[: len(dated)])}, but give no date for {later}"
            lead += " to order it by:" if not yearless else f" (one article puts {names[len(dated)]} first):"
            settled = False
        else:
            lead, settled = "The articles give no date for either, so they can't be put in order:", False
        lead = re.sub(r"^the\b", "The", lead)  # not "Al-Qaim"
        if missing:
            lead += f"\nThe articles don't tell of {_join([_short(m) for m in missing])}."
        return self._compose(answer, lead, steps, settled)

    def _compose(self, answer: Answer, lead: str, steps: list[Step], settled: bool = True) -> Answer | None:
        """The lead and one cited line per step; ``settled`` False when the lead says the articles
        can't answer (a decline that shows what they do say)."""
        held = self.passages(sorted({s.event.chunk_id for s in steps}))
        numberer = CitationNumberer()
        lines, checks = [lead], []
        for i, s in enumerate(steps, start=1):
            p = held.get(s.event.chunk_id)
            if p is None:  # the passage went away between the two reads: leave the step out
                continue
            n = numberer.number(EvidenceSentence(i, s.quote, p, s.start, s.end))
            lines.append(f"{shown(s.event)}: {quoted(s.quote)} [{n}]")
            checks.append(SentenceCheck(s.quote, [n], "quoted", f"a dated event ({s.event.precision})"))
        if not checks:
            return None
        answer.text = "\n".join(lines)
        answer.citations = numberer.citations
        answer.checks = checks
        answer.kind, answer.answerable = ("answer", True) if settled else ("abstain", False)
        answer.trace.update(
            path="timeline", chosen=[c.text for c in checks], span=answer.text, gate_passed=True,
            evidence=[c.text for c in checks],
        )  # fmt: skip
        return answer


def _key(e: Event) -> tuple[str, int, int]:
    return (e.doc_id, e.start, e.expr_start)


def _only_possessive(subject: str, text: str) -> bool:
    """Whether the text names the subject only as an owner ("Iraq's commandos", "Baghdad's assault")."""
    spelled_as = _as_written(subject, text)
    uses = re.findall(rf"\b{re.escape(spelled_as)}(['’]s)?", text, re.I)
    return bool(uses) and all(uses)


def _short(name: str) -> str:
    return name if len(name.split()) <= _SHORT_NAME else "“" + " ".join(name.split()[:_SHORT_NAME]) + " …”"


def _join(names: list[str]) -> str:
    if not names:
        return ""
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


def _as_written(subject: str, question: str) -> str:
    """A subject as the question spells it ("al-Qaim" for the key "al qaim")."""
    m = re.search(r"[\W_]+".join(map(re.escape, subject.split())), question, re.I)
    return m.group(0) if m else subject
