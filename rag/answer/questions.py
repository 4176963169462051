"""A question (or search query) as given: checked before anything loads, so a bad one costs a
one-line error and no model start."""

from __future__ import annotations

MAX_QUESTION_CHARS = 2000


class QuestionError(ValueError):
    """The question can't be asked as given; one line for the user."""


def check_question(question: str, what: str = "question") -> str:
    question = (question or "").strip()
    if not question:
        raise QuestionError(f"the {what} is empty")
    if len(question) > MAX_QUESTION_CHARS:
        raise QuestionError(f"the {what} is longer than {MAX_QUESTION_CHARS} characters")
    return question
