"""Follow-up questions: rewrite into a standalone question before retrieval."""

from __future__ import annotations

from rag.models.prompts import load_prompt
from rag.types import Turn

MAX_TURNS = 3  # the last few exchanges carry the referents; more only costs prompt time


def format_history(history: list[Turn]) -> str:
    lines = []
    for turn in history[-MAX_TURNS:]:
        lines.append(f"User: {turn.question}")
        if turn.answer:
            lines.append(f"Assistant: {turn.answer}")
    return "\n".join(lines)


class QuestionRewriter:
    """``run(question, history)`` -> a question that stands on its own."""

    def __init__(self, chat_model) -> None:
        self.chat_model = chat_model

    def run(self, question: str, history: list[Turn] | None) -> str:
        if not history:
            return question
        messages = load_prompt("rewrite").format_messages(history=format_history(history), question=question)
        text = str(self.chat_model.invoke(messages).content).strip()
        line = next((ln.strip() for ln in text.splitlines() if ln.strip()), "")
        line = line.removeprefix("Rewritten question:").strip().strip('"')
        # A rewrite that lost the question (empty, or a rambling answer) is worse than none.
        if not line or len(line) > 3 * len(question) + 120:
            return question
        return line
