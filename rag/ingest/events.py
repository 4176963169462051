"""Dated events of an article: every sentence that says when, one event per date expression.

Each event keeps the sentence's offsets (to highlight it), the expression as written, the dates
it resolves to (``rag.text.when``) and its kind: an ``event``; a ``prediction`` (a forecast or
deadline: a cue just before the expression, or a date after publication); a ``photo`` date (a
caption's); the article's ``publication`` line. Only events of kind "event" date what happened.
"""

from __future__ import annotations

import re
from datetime import date
from functools import cache

from rag.text import captions
from rag.text.sentences import split_sentences
from rag.text.tokens import tokenize
from rag.text.when import Expression, Resolved, expressions, resolve, years_by_month
from rag.text.wordlists import word_list
from rag.types import Article, Chunk, Event, EventKind

# Bump when extraction or resolution changes: indexed documents get their events again.
EVENTS_VERSION = "4"
_CUE_WINDOW = 40  # characters before an expression where a prediction cue counts
# What a publication line holds besides its date: "Published October 10th, 2017 - 12:54 GMT".
_DATELINE_REST = re.compile(
    r"\b(?:published|updated|posted|last|modified|on|at|gmt|utc|[ap]\.?m\.?|"
    r"monday|tuesday|wednesday|thursday|friday|saturday|sunday)\b|[\W\d_]",
    re.I,
)


def _cue(before: str) -> bool:
    window = before[-_CUE_WINDOW:].lower()
    return any(re.search(rf"\b{re.escape(c)}\b", window) for c in word_list("prediction_cues"))


def _paragraph(text: str, start: int, end: int) -> str:
    a = text.rfind("\n", 0, start) + 1
    b = text.find("\n", end)
    return text[a : b if b >= 0 else len(text)]


def _kind(text: str, start: int, end: int, e: Expression, r: Resolved, published: date | None) -> EventKind:
    sentence = text[start:end]
    caption_at = captions.section_start(text)
    if caption_at is not None and start >= caption_at:
        # A caption's date is the photo's; "a day before" it dates something else, an event.
        return "event" if e.shape == "anaphor" else "photo"
    paragraph = _paragraph(text, start, end)
    if len(paragraph) < 90 and not _DATELINE_REST.sub("", paragraph.replace(e.text, "")).strip():
        return "publication"
    if _cue(sentence[: e.start]) or (published and r.first and r.first > published):
        return "prediction"
    return "event"


def _holding_chunk(chunks: list[Chunk], start: int, end: int) -> str:
    """The first chunk that holds the whole sentence, else the one overlapping it most."""
    best, overlap = "", 0
    for c in chunks:
        if c.start <= start and end <= c.end:
            return c.chunk_id
        o = min(end, c.end) - max(start, c.start)
        if o > overlap:
            best, overlap = c.chunk_id, o
    return best


def published_date(article: Article) -> date | None:
    """The date relative expressions resolve against: stated, or derived from the text."""
    iso = article.date or article.date_derived
    return date.fromisoformat(iso) if iso else None


def extract_events(article: Article, chunks: list[Chunk]) -> list[Event]:
    """The article's dated sentences, in text order."""
    text, published = article.text, published_date(article)
    years = years_by_month(text)
    out: list[Event] = []
    previous: tuple[Expression, Resolved] | None = None
    for start, end in split_sentences(text):
        sentence = text[start:end]
        for e in expressions(sentence):
            r = resolve(e, published, years, previous[1] if previous else None)
            if e.shape == "anaphor" and previous is not None:
                r = Resolved(
                    r.first,
                    r.last,
                    r.precision,
                    r.how.replace("the sentence before", f"“{previous[0].text}”"),
                )
            out.append(
                Event(
                    doc_id=article.doc_id,
                    sentence=sentence,
                    start=start,
                    end=end,
                    expression=e.text,
                    expr_start=e.start,
                    expr_end=e.end,
                    kind=_kind(text, start, end, e, r, published),
                    first=r.first.isoformat() if r.first else None,
                    last=r.last.isoformat() if r.last else None,
                    precision=r.precision,
                    how=r.how,
                    chunk_id=_holding_chunk(chunks, start, end),
                    source=article.source,
                    title=article.title,
                    published=article.date or article.date_derived,
                    context=_paragraph(text, start, end),
                )
            )
            previous = (e, r)
    return out


@cache
def _refers_back() -> re.Pattern[str]:
    # Singular: "the city" is one place; "the cities and towns" are any.
    nouns = "|".join(re.escape(n) for n in word_list("place_nouns") if not n.endswith("s"))
    return re.compile(rf"\b(?:the|this|that) (?:{nouns})\b", re.I)


def event_terms(event: Event) -> set[str]:
    """The terms an event is found by, as the lexical index has them: its sentence's, and its
    paragraph's when the sentence says "the city" for a place the paragraph names."""
    text = event.context if event.context and _refers_back().search(event.sentence) else event.sentence
    return set(tokenize(text))
