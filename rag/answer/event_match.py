"""Which sentence tells of an event the question describes ("IS losing Mosul"), among the dated
events and the retrieved sentences that name its subject. Two ways, behind one ``run``:
"embedding" ranks by the similarity of the description to the clause that holds the date (so
"retook Mosul in July" wins over "took Mosul in 2014" for a loss), "words" by the words they
share (0.5.1's way). The eval's stage report decides between them (docs/results.md)."""

from __future__ import annotations

import re
import string
from dataclasses import dataclass, replace
from functools import cache

import numpy as np
from langchain_core.embeddings import Embeddings

from rag.models.prompts import load_prompt
from rag.text.question import alias_tokens
from rag.text.sentences import split_sentences
from rag.text.tokens import tokenize
from rag.text.when import month_day
from rag.text.wordlists import word_list
from rag.types import Event, Passage

# Where a sentence's clauses meet: a date in "…, which was proclaimed the capital in 2014" dates
# the proclaiming, not the sentence's main verb.
# A sentence end the splitter missed ("… with the terrorist group. reports: Prime Minister …"):
# a quote starts after it.
_MISSED_END = re.compile(r"(?<=[a-z]{3}\.)\s+(?=[a-z])")
_CLAUSE_BREAK = re.compile(
    r",\s+(?=(?:which|who|whom|whose|but|while|whereas|although|though)\b)|;\s+|\s+[—–]\s+"
)
_NO_DATE = "the articles give no date for it"
# What a sentence without a date costs: the question is about when. A year-less month or day
# still orders within its article, so costs less.
_UNDATED_COST = {"embedding": (0.05, 0.02), "model": (0.05, 0.02), "words": (1.0, 0.5)}
_SAME_KIND = {
    "embedding": 0.1,
    "model": 0.1,
    "words": 1.0,
}  # the description and the clause tell one kind of event


@dataclass(frozen=True)
class Step:
    """An event as shown: the clause (or sentence) quoted, with its offsets in the article."""

    event: Event
    quote: str
    start: int
    end: int
    score: float = 0.0  # how well it fits, with what its lack of a date costs
    fit: float = 0.0  # how well its words fit the description


def clause(e: Event) -> tuple[int, int]:
    """The span, in the sentence, of the clause that holds the event's date expression (the whole
    sentence when it has one clause or the event has no expression)."""
    if not e.expression:
        return 0, len(e.sentence)
    a, b = 0, len(e.sentence)
    for m in _CLAUSE_BREAK.finditer(e.sentence):
        if m.end() <= e.expr_start:
            a = m.end()
        elif m.start() >= e.expr_end:
            b = m.start()
            break
    return a, b


def own_clauses(e: Event, dates: list[tuple[int, int]]) -> str:
    """The sentence without the clauses that hold its other dates: what this date dates
    ("Iraqi forces retook Mosul in July" for July; "which was proclaimed … in 2014" for 2014)."""
    text = e.sentence
    for other in sorted(set(dates) - {(e.expr_start, e.expr_end)}, reverse=True):
        probe = replace(e, expression="x", expr_start=other[0], expr_end=other[1])
        a, b = clause(probe)
        if not (a <= e.expr_start < b):  # the other date's clause is not this one's
            text = text[:a] + text[b:]
    return text.strip(" ,;")


def month_day_of(e: Event) -> tuple[int, int] | None:
    """An undated event's month and day, its own or the date "the same day" stands for."""
    anchor = re.search(r"as “([^”]+)”", e.how)
    return month_day(e.expression) or (month_day(anchor.group(1)) if anchor else None)


def as_step(e: Event, score: float = 0.0, fit: float = 0.0) -> Step:
    """The event's main clause when its date is there; the whole sentence when the date sits in a
    later clause ("which was proclaimed … in 2014" needs the sentence to say what "which" is)."""
    a, b = clause(e)
    if a > 0:
        a, b = 0, len(e.sentence)
    ends = [m.end() for m in _MISSED_END.finditer(e.sentence, 0, e.expr_start or len(e.sentence))]
    if ends and e.expression:
        a = ends[-1]
    quote = e.sentence[a:b].rstrip(" ,;")
    return Step(e, quote, e.start + a, e.start + a + len(quote), score, fit)


@cache
def _verb_classes() -> dict[str, str]:
    """Word -> the kind of event it tells (``data/event_verbs.txt``)."""
    out: dict[str, str] = {}
    for line in word_list("event_verbs"):
        name, _, words = line.partition(":")
        out.update({w: name.strip() for w in words.split()})
    return out


_OPPOSITES = {("regain", "seize"), ("seize", "regain")}
_OPPOSITE = 1.0  # enough to fall below any floor


def opposed(asked: set[str], told: set[str]) -> bool:
    """Whether a clause tells only the opposite of the asked event: "ISIS took Mosul" for "IS
    lost Mosul" (it may tell both: "retook the town it had seized" is not opposed)."""
    return bool(asked) and not asked & told and any((a, t) in _OPPOSITES for a in asked for t in told)


def event_words(text: str) -> list[str]:
    """The words of the text that tell what happened ("fall" in "the fall of Hawija")."""
    classes = _verb_classes()
    return [w for w in re.findall(r"[a-z]+", text.lower()) if w in classes]


def event_kinds(text: str) -> set[str]:
    """The kinds of event the text's words tell ("regain" for "retook", "seize" for "seized")."""
    classes = _verb_classes()
    return {classes[w] for w in event_words(text)}


def subject_terms(subject: str) -> set[str]:
    return {t for t in tokenize(subject) if len(t) >= 3} | alias_tokens(subject)


def mentions(text: str, terms: set[str]) -> bool:
    return bool(terms) and terms <= set(tokenize(text)) | alias_tokens(text)


def undated_sentences(found: list[Passage], dated: list[Event], terms: set[str]) -> list[Event]:
    """The retrieved sentences naming the subject that no event dates, as undated events."""
    seen = {(e.doc_id, e.start) for e in dated}
    out: list[Event] = []
    for p in found:
        for a, b in split_sentences(p.text):
            text = p.text[a:b]
            if (p.doc_id, p.start + a) in seen or text.startswith("Photo caption"):
                continue
            if not text.rstrip().endswith((".", "!", "?", '"', "”", "’", "'")):
                continue  # a headline or a label, not a sentence that tells of an event
            if terms and not mentions(text, terms):
                continue
            seen.add((p.doc_id, p.start + a))
            out.append(Event(p.doc_id, text, p.start + a, p.start + b, "", 0, 0, "event", None, None,
                             "none", _NO_DATE, chunk_id=p.chunk_id, published=p.date))  # fmt: skip
    return out


class EventMatcher:
    """``run(description, candidates)``: the candidates best fitting the description, best first.
    In "model" mode the embedding ranking's first few are shown to the chat model as lettered
    options with "none of these", and one forward pass's logits choose (no generation)."""

    def __init__(
        self, embeddings: Embeddings | None = None, mode: str = "embedding", logits=None, shown: int = 4
    ) -> None:
        self.embeddings = embeddings
        self.logits = logits  # rag.models.logits.NextTokenLogits, for "model"
        self.shown = shown
        self.mode = mode if embeddings is not None else "words"
        if self.mode == "model" and logits is None:
            self.mode = "embedding"
        # The least score of a match: a cosine a description's own sentence clears (0.5 and up
        # on the development sets) and an unrelated one doesn't; one shared word for "words".
        self.floor = 1.0 if self.mode == "words" else 0.3
        self.margin = 2.0 if self.mode == "words" else 0.15  # of the best, for a timeline's steps

    def run(
        self,
        description: str,
        candidates: list[Event],
        names: dict[int, str] | None = None,
        one: bool = False,
    ) -> list[Step]:
        """``names``: for an event whose sentence says "the city", the name its paragraph gives
        (by the event's index in ``candidates``), read as part of its clause. ``one``: the
        description is of one event (the "model" mode asks the model which)."""
        if not candidates:
            return []
        terms = set(tokenize(description))
        names = names or {}
        dates: dict[tuple[str, int], list[tuple[int, int]]] = {}  # each sentence's date expressions
        for e in candidates:
            if e.expression:
                dates.setdefault((e.doc_id, e.start), []).append((e.expr_start, e.expr_end))
        texts = [
            " ".join(filter(None, [names.get(i), own_clauses(e, dates.get((e.doc_id, e.start), []))]))
            for i, e in enumerate(candidates)
        ]
        overlap = np.array([len(terms & set(tokenize(t))) for t in texts], dtype=float)
        if self.mode in ("embedding", "model"):
            assert self.embeddings is not None
            vectors = np.array(self.embeddings.embed_documents([description, *texts]))
            # A shared word breaks near-ties ("Syrian capital" vs the Iraqi one), no more.
            scores = vectors[1:] @ vectors[0] + 0.03 * np.minimum(overlap, 3)
        else:
            scores = overlap
        kinds = event_kinds(description)
        fit = scores.copy()
        told = [event_kinds(t) for t in texts]
        # One kind in common is a fit; a kind the description doesn't ask ("began" for a recapture) is not.
        scores = scores + _SAME_KIND[self.mode] * np.array(
            [bool(kinds & k) - 0.5 * len(k - kinds) * bool(kinds) for k in told]
        )
        # A clause telling only the opposite event (a seizure for a recapture) is no match at all.
        fit = fit - np.array([_OPPOSITE * opposed(kinds, k) for k in told])
        scores = scores - np.array([_OPPOSITE * opposed(kinds, k) for k in told])
        # "the city" stands for the subject less surely than its name does.
        scores = scores - 0.5 * _SAME_KIND[self.mode] * np.array([i in names for i in range(len(candidates))])
        none, yearless = _UNDATED_COST[self.mode]
        # A sentence of a dated article is bounded by its report date: it costs as a year-less one.
        scores = scores - np.array(
            [0 if e.first else yearless if month_day_of(e) or (e.published and not e.expression)
             else none for e in candidates]
        )  # fmt: skip
        # Dated before undated, then the earlier, among equals.
        order = sorted(
            range(len(candidates)),
            key=lambda i: (
                -round(float(scores[i]), 6),
                candidates[i].first is None,
                candidates[i].first or "",
            ),
        )
        steps = [as_step(candidates[i], float(scores[i]), float(fit[i])) for i in order]
        return self._choose(description, steps) if one and self.mode == "model" and len(steps) > 1 else steps

    def _choose(self, description: str, steps: list[Step]) -> list[Step]:
        """The model's choice among the first few first; none at all when it likes "none of
        these" best (the articles don't tell of the event)."""
        top = steps[: self.shown]
        letters = string.ascii_uppercase[: len(top) + 1]
        options = [f"{c}. {s.quote}" for c, s in zip(letters, top, strict=False)] + [
            f"{letters[-1]}. none of these"
        ]
        messages = load_prompt("event").format_messages(options="\n".join(options), description=description)
        logits = self.logits.run(messages)
        best = int(np.argmax([logits[self.logits.token(c)] for c in letters]))
        if best == len(top):
            return []
        return [top[best]] + [s for s in steps if s is not top[best]]
