"""The one sentence splitter: character spans, so a quoted sentence can be highlighted exactly."""

from __future__ import annotations

import re

# Abbreviations that end in a period without ending a sentence.
_ABBREV = re.compile(
    r"\b(?:Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept?|Oct|Nov|Dec|Mr|Mrs|Ms|Dr|Lt|Gen|Col|Sgt|St|No|"
    r"Prof|Sen|Rep|Gov|vs|etc|U\.S|U\.N|U\.K|E\.U|[A-Z])\.$"
)
_SENT_END = re.compile(r"[.!?][\"”’)]?(?=\s+[\"“(]?[A-Z0-9])|\n+")


def split_sentences(text: str) -> list[tuple[int, int]]:
    """(start, end) spans of the sentences in ``text``, skipping abbreviations like 'Oct.'."""
    spans: list[tuple[int, int]] = []
    begin = 0
    for m in _SENT_END.finditer(text):
        end = m.end() if m.group().strip() else m.start()
        if m.group().startswith(".") and _ABBREV.search(text[begin : m.start() + 1]):
            continue
        if text[begin:end].strip():
            spans.append((begin, end))
        begin = m.end()
    if text[begin:].strip():
        spans.append((begin, len(text)))
    out = []
    for s, e in spans:
        seg = text[s:e]
        lead = len(seg) - len(seg.lstrip())
        out.append((s + lead, s + len(seg.rstrip())))
    return [(s, e) for s, e in out if e - s > 1]
