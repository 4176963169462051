"""Ask the model to choose: which evidence sentence answers, and the exact words in it.

The output is constrained by a JSON schema whose sentence numbers are exactly those of the
evidence given, so the model can only point at a sentence it was shown.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from langchain_core.utils.json import parse_partial_json

from rag.answer.evidence import format_evidence
from rag.models.prompts import load_prompt
from rag.types import EvidenceSentence


@dataclass
class Extraction:
    answerable: bool
    sentence: int | None  # the evidence number the model chose
    answer: str  # the words it says it copied
    raw: str = ""


def extraction_schema(numbers: list[int]) -> dict[str, Any]:
    # "answerable" first: deciding before choosing makes a small model decline more often
    # when nothing answers (the same order as the written draft's schema).
    return {
        "type": "object",
        "properties": {
            "answerable": {"type": "boolean"},
            "sentence": {"type": "integer", "enum": numbers},
            "answer": {"type": "string", "maxLength": 120},
        },
        "required": ["answerable", "sentence", "answer"],
    }


def read_json_object(raw: str) -> dict[str, Any] | None:
    """The model's JSON object, also when its output was cut off; None if there is none."""
    try:
        data = json.loads(raw)
    except json.JSONDecodeError:
        try:
            data = parse_partial_json(raw)
        except json.JSONDecodeError:
            return None
    return data if isinstance(data, dict) else None


def parse_extraction(raw: str) -> Extraction:
    data = read_json_object(raw)
    if data is None:
        return Extraction(False, None, "", raw)
    number = data.get("sentence")
    return Extraction(
        answerable=data.get("answerable") is True,
        sentence=number if isinstance(number, int) and not isinstance(number, bool) else None,
        answer=str(data.get("answer") or "").strip(),
        raw=raw,
    )


class SpanExtractor:
    """``run(question, evidence)`` -> the model's choice of sentence and span."""

    def __init__(self, constrained_model: Callable[[dict[str, Any]], Any]) -> None:
        self.constrained_model = constrained_model  # schema -> a chat model bound to it

    def messages(self, question: str, evidence: list[EvidenceSentence]):
        return load_prompt("extract").format_messages(evidence=format_evidence(evidence), question=question)

    def run(self, question: str, evidence: list[EvidenceSentence]) -> Extraction:
        model = self.constrained_model(extraction_schema([ev.number for ev in evidence]))
        return parse_extraction(str(model.invoke(self.messages(question, evidence)).content))
