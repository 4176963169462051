"""Ask the chat model for a cited draft over numbered evidence sentences (JSON output)."""

from __future__ import annotations

from collections.abc import Iterator

from rag.answer.evidence import format_evidence
from rag.models.prompts import load_prompt
from rag.types import EvidenceSentence


class Answerer:
    """``stream(question, evidence)`` yields the model's raw output as it is generated."""

    def __init__(self, chat_model) -> None:
        self.chat_model = chat_model  # already constrained to rag.answer.draft.DRAFT_SCHEMA

    def messages(self, question: str, evidence: list[EvidenceSentence]):
        return load_prompt("answer").format_messages(evidence=format_evidence(evidence), question=question)

    def stream(self, question: str, evidence: list[EvidenceSentence]) -> Iterator[str]:
        for chunk in self.chat_model.stream(self.messages(question, evidence)):
            if chunk.content:
                yield str(chunk.content)
