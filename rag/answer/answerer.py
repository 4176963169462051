"""Ask the chat model for a cited draft over numbered evidence sentences (JSON output)."""

from __future__ import annotations

from collections.abc import Iterator

from rag.answer.evidence import EvidenceSentence, format_evidence
from rag.models.prompts import load_prompt

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


class Answerer:
    """``stream(question, evidence)`` yields the model's raw output as it is generated."""

    def __init__(self, chat_model) -> None:
        self.chat_model = chat_model  # already constrained to DRAFT_SCHEMA

    def messages(self, question: str, evidence: list[EvidenceSentence]):
        return load_prompt("answer").format_messages(evidence=format_evidence(evidence), question=question)

    def stream(self, question: str, evidence: list[EvidenceSentence]) -> Iterator[str]:
        for chunk in self.chat_model.stream(self.messages(question, evidence)):
            if chunk.content:
                yield str(chunk.content)
