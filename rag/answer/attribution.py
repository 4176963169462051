"""An allegation stays an allegation: a sentence citing hedged evidence ("reportedly",
"claimed", "according to") without saying who says so gets "According to <article>"."""

from __future__ import annotations

import re

from rag.text.facts import not_names
from rag.types import EvidenceSentence

_HEDGE = re.compile(
    r"\b(alleged(?:ly)?|claim(?:s|ed)?|reportedly|accus\w+|purported(?:ly)?|according to)\b", re.I
)
_ATTRIBUTED = re.compile(
    r"\b(according to|alleg\w*|claim\w*|report\w*|said|says|stated|accus\w*|purport\w*)\b", re.I
)


def attribute(text: str, cited: list[EvidenceSentence]) -> str:
    """Prefix 'According to "<title>"' when the cited evidence is an allegation."""
    hedged = [ev for ev in cited if _HEDGE.search(ev.text)]
    if not hedged or _ATTRIBUTED.search(text):
        return text
    title = hedged[0].passage.title
    first, _, rest = text.partition(" ")
    if first.lower() in not_names():
        first = first.lower()
    return f'According to "{title}", {first} {rest}'.rstrip()
