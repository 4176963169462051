"""The final Answer from the verified draft: the verified sentences, or a verbatim quote that
answers, or an abstention that says what the articles don't say (with the closest passage)."""

from __future__ import annotations

from rag.answer.citations import CitationNumberer
from rag.answer.quote import best_quote
from rag.answer.verification import DraftVerification
from rag.text.question import Question
from rag.text.quoting import quoted
from rag.types import KEPT, Answer, AnswerKind, EvidenceSentence, SentenceCheck

UNREADABLE = {
    "script": "I can't answer this question: it has no English word to search the articles for, "
    "and the articles and the checks here are in English. Please ask in English.",
    "no_terms": "I can't answer this question: it has no word to search the articles for (only "
    "words like “what” or “is”). Please say what or whom it is about.",
}


def abstain_text(question: str) -> str:
    return f"The articles don't say. None of the indexed passages answers {quoted(question)}."


def decline(answer: Answer, text: str) -> Answer:
    answer.text, answer.kind, answer.answerable = text, "abstain", False
    return answer


def compose_answer(
    answer: Answer, answerable: bool, verification: DraftVerification, question: Question
) -> Answer:
    """Fill ``answer`` from the verification of a finished draft the model marked
    ``answerable`` or not."""
    answer.checks = verification.checks()
    answer.citations = verification.numberer.citations
    supported = any(c.status in KEPT for c in answer.checks)
    if answerable and supported:
        answer.text, answer.kind, answer.answerable = verification.text(), "answer", True
        return answer
    gaps = " ".join(c.text for c in answer.checks if c.status == "gap")
    if not answerable:
        return decline(answer, gaps or abstain_text(question.text))
    # The model's sentences failed; a verbatim sentence of the evidence may still answer.
    quote, answers_it = best_quote(verification.evidence, question)
    if quote is None:
        return decline(answer, gaps or abstain_text(question.text))
    n = verification.numberer.number(quote)
    answer.citations = verification.numberer.citations
    answer.kind, answer.answerable = "quote", answers_it
    if answers_it:
        answer.text = f"The articles say: {quoted(quote.text)} [{n}]"
        answer.checks.append(SentenceCheck(quote.text, [n], "quoted", "a verbatim sentence that answers"))
    else:
        lead = gaps or "The articles don't state this directly."
        answer.text = f"{lead} The closest passage says: {quoted(quote.text)} [{n}]"
        answer.checks.append(SentenceCheck(quote.text, [n], "closest", "the closest passage; not an answer"))
    return answer


def quote_answer(answer: Answer, ev: EvidenceSentence, why: str) -> Answer:
    """The answer is a sentence of the articles, quoted verbatim and cited."""
    return cited_answer(answer, ev, lambda n: f"The articles say: {quoted(ev.text)} [{n}]", "quote", why)


def cited_answer(answer: Answer, ev: EvidenceSentence, text, kind: AnswerKind, why: str) -> Answer:
    """An answer resting on one evidence sentence: ``text(n)`` is its wording with marker n."""
    numberer = CitationNumberer()
    n = numberer.number(ev)
    answer.citations = numberer.citations
    answer.text = text(n)
    answer.kind, answer.answerable = kind, True
    answer.checks = [SentenceCheck(ev.text, [n], "quoted", why)]
    return answer


def closest_decline(answer: Answer, question: Question, evidence: list[EvidenceSentence], why: str) -> Answer:
    """A decline that shows the passage closest to answering, marked as not an answer."""
    closest = best_quote(evidence, question)[0]
    answer.checks = [SentenceCheck("(no answer)", [], "dropped", why)]
    if closest is None:
        return decline(answer, abstain_text(question.text))
    numberer = CitationNumberer()
    n = numberer.number(closest)
    answer.citations = numberer.citations
    answer.text = f"The articles don't say. The closest passage: {quoted(closest.text)} [{n}]."
    answer.kind, answer.answerable = "quote", False
    answer.checks.append(SentenceCheck(closest.text, [n], "closest", "the closest passage; not an answer"))
    return answer


def inexact_decline(answer: Answer) -> Answer:
    """A day was asked for and the chosen sentence gives only a month or a year: not an answer,
    but the sentence is shown for what it does give."""
    if not answer.citations:
        return decline(answer, "No article gives the exact date.")
    c = answer.citations[0]
    answer.citations = answer.citations[:1]
    answer.text = f"No article gives the exact date; the closest it comes: {quoted(c.quote)} [{c.number}]."
    answer.kind, answer.answerable = "quote", False
    answer.checks = [
        SentenceCheck("(no answer)", [], "dropped", "a day was asked for; the sentence gives no day"),
        SentenceCheck(c.quote, [c.number], "closest", "the closest passage; not an answer"),
    ]
    return answer
