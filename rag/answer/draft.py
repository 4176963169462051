"""The model's draft: the JSON it is asked for, and a parser that reads it while it streams.

The model is asked for JSON ({"answerable", "sentences": [{"text", "cites"}]}); a backend
that ignores the format may return prose with inline [n] markers, which is parsed too.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass

from langchain_core.utils.json import parse_partial_json

from rag.text.markers import strip_markers
from rag.text.sentences import split_sentences
from rag.types import DraftSentence

# Field order matters to a 1.5B model: deciding "answerable" before writing sentences makes
# it refuse unanswerable questions instead of inventing an answer first.
DRAFT_SCHEMA = {
    "type": "object",
    "properties": {
        "answerable": {"type": "boolean"},
        "sentences": {
            "type": "array",
            "maxItems": 4,
            "items": {
                "type": "object",
                "properties": {
                    "text": {"type": "string"},
                    "cites": {"type": "array", "items": {"type": "integer"}, "maxItems": 3},
                },
                "required": ["text", "cites"],
            },
        },
    },
    "required": ["answerable", "sentences"],
}


@dataclass
class Draft:
    answerable: bool
    sentences: list[DraftSentence]
    complete: bool = True  # False while a stream is still producing it


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
