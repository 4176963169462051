"""Parse the model's draft into cited sentences, and render verified sentences with markers.

The model is asked for JSON ({"answerable", "sentences": [{"text", "cites"}]}); a backend
that ignores the format may return prose with inline [n] markers, which is parsed too.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field

from langchain_core.utils.json import parse_partial_json

from rag.answer.evidence import EvidenceSentence, split_sentences
from rag.types import Citation

_MARKER = re.compile(r"\s*\[(\d+(?:\s*[,;]\s*\d+)*)\]")


@dataclass
class DraftSentence:
    text: str  # without markers
    cites: list[int] = field(default_factory=list)


@dataclass
class Draft:
    answerable: bool
    sentences: list[DraftSentence]
    complete: bool = True  # False while a stream is still producing it


def strip_markers(text: str) -> tuple[str, list[int]]:
    """Remove [n] / [n, m] markers from text; return the clean text and the numbers in order."""
    nums: list[int] = []
    for m in _MARKER.finditer(text):
        nums.extend(int(x) for x in re.split(r"[,;]\s*", m.group(1)))
    clean = _MARKER.sub("", text).strip()
    clean = re.sub(r"\s+([.,;:!?])", r"\1", clean)
    return clean, nums


def _as_ints(value) -> list[int]:
    if isinstance(value, int | float) and not isinstance(value, bool):
        return [int(value)]
    if isinstance(value, str):
        return [int(x) for x in re.findall(r"\d+", value)]
    if isinstance(value, list):
        return [n for v in value for n in _as_ints(v)]
    return []


def _from_prose(text: str) -> Draft:
    sentences = []
    for s, e in split_sentences(text):
        clean, nums = strip_markers(text[s:e])
        if clean:
            sentences.append(DraftSentence(clean, nums))
    return Draft(answerable=bool(sentences), sentences=sentences)


def parse_draft(raw: str, partial: bool = False) -> Draft:
    """Read the model's output. With ``partial``, the last sentence may still be growing."""
    raw = raw.strip()
    raw = re.sub(r"^```(?:json)?\s*|\s*```$", "", raw)
    data = None
    if raw.startswith("{"):
        try:
            data = json.loads(raw)
        except json.JSONDecodeError:
            data = parse_partial_json(raw)
    if not isinstance(data, dict):
        return Draft(False, [], complete=not partial) if partial else _from_prose(raw)
    sentences: list[DraftSentence] = []
    for item in data.get("sentences") or []:
        if isinstance(item, dict):
            text, cites = str(item.get("text") or ""), _as_ints(item.get("cites"))
        else:
            text, cites = str(item), []
        clean, inline = strip_markers(text)
        if clean:
            sentences.append(DraftSentence(clean, list(dict.fromkeys(cites + inline))))
    answerable = data.get("answerable")
    if not isinstance(answerable, bool):
        answerable = bool(sentences)
    return Draft(answerable, sentences, complete=not partial)


def with_markers(text: str, numbers: list[int]) -> str:
    """'Hawija fell on Oct. 5.' + [1] -> 'Hawija fell on Oct. 5 [1].'"""
    text = text.rstrip(" ,;:")
    if text and text[-1] not in '.!?"”’)':
        text += "."
    if not numbers:
        return text
    markers = "".join(f"[{n}]" for n in numbers)
    m = re.search(r"[.!?]+[\"”’)]*$", text)
    if m:
        return f"{text[: m.start()]} {markers}{text[m.start() :]}"
    return f"{text} {markers}"


class CitationNumberer:
    """Renumber evidence citations 1..n in order of first use, building Citation records."""

    def __init__(self) -> None:
        self.citations: list[Citation] = []
        self._by_evidence: dict[int, int] = {}

    def number(self, ev: EvidenceSentence) -> int:
        if ev.number not in self._by_evidence:
            n = len(self.citations) + 1
            self._by_evidence[ev.number] = n
            p = ev.passage
            self.citations.append(
                Citation(
                    number=n,
                    source=p.source,
                    title=p.title,
                    date=p.date,
                    quote=ev.text,
                    chunk_id=p.chunk_id,
                    start=ev.start,
                    end=ev.end,
                    passage=p.text,
                    doc_id=p.doc_id,
                    label=p.label or p.source,
                )
            )
        return self._by_evidence[ev.number]
