"""The extract-and-verify answer for fact questions (who / when / where / how many / what).

When the model finds no sentence or copies words that are in none, the question goes on to
the written answer (a when-question is declined instead, with the event and the dates near
it); a span that fails a check is a decline.

The model chooses an evidence sentence and copies the words that answer; then every check is
exact: the words must be in an evidence sentence (re-cited to the one that holds them), be the
kind of value asked for (a date for when, a number for how many), and the sentence must
answer the question by the relevance score. The answer is the span, cited to its sentence,
which the sources panel highlights. Anything that fails is a decline that shows what the
articles do say, never an answer.
"""

from __future__ import annotations

from rag.answer.citations import CitationNumberer
from rag.answer.compose import abstain_text, cited_answer, decline
from rag.answer.extractor import SpanExtractor
from rag.answer.quote import best_quote
from rag.answer.relevance import RelevanceCheck
from rag.answer.scorer import YesNoScorer
from rag.answer.span import count_mismatch, gives_wanted_value, locate, span_key
from rag.text.facts import extract_facts
from rag.text.question import Question
from rag.text.quoting import quoted
from rag.types import Answer, EvidenceSentence, SentenceCheck


class SpanAnswerer:
    """Configuration in ``__init__``; ``run(answer, question, evidence)`` fills the Answer."""

    def __init__(
        self,
        extractor: SpanExtractor,
        scorer: YesNoScorer | None,
        relevance: RelevanceCheck,
        min_relevance: float = 0.72,
    ) -> None:
        self.extractor = extractor
        self.scorer = scorer
        self.relevance = relevance  # decides when there is no scorer (Ollama, OpenAI servers)
        self.min_relevance = min_relevance

    def run(self, answer: Answer, question: Question, evidence: list[EvidenceSentence]) -> Answer | None:
        """The Answer filled in, or None when the model copied nothing from the evidence."""
        found = self.extractor.run(question.text, evidence)
        answer.raw_output = found.raw
        span = found.answer.strip().strip("“”\"'").rstrip(".").strip()
        ev = locate(span, found.sentence, evidence) if found.answerable and span_key(span) else None
        pointed = [e.text for e in evidence if e.number == found.sentence] if found.answerable else []
        answer.trace.update(path="extract", chosen=[ev.text] if ev else pointed, span=span, gate_passed=False)
        if ev is None and question.form == "when":
            # No date copied from the evidence: say so, with the event and the dates around it
            # (a written answer here is where a neighbour's date moved onto the wrong event).
            return closest_instead(answer, question, evidence, None, span, "no date copied from the evidence")
        if ev is None:
            # Nothing copied from the evidence: the written, verified answer gets its chance.
            return None
        if not gives_wanted_value(span, question):
            why = f"not the kind of value a {question.form} question asks for"
            return closest_instead(answer, question, evidence, ev, span, why)
        if why := count_mismatch(question, ev.text, span):
            return closest_instead(answer, question, evidence, ev, span, why)
        if self.scorer is not None:
            score = self.scorer.run(question.text, ev, span)
            answer.relevance = round(score, 4)
            if score < self.min_relevance:
                why = f"its sentence scores {score:.2f} for stating the answer"
                return closest_instead(answer, question, evidence, ev, span, why)
        else:
            ok, why = self.relevance.run(question, [ev], ev.text)
            if not ok:
                return closest_instead(answer, question, evidence, ev, span, why)
        moved = f"; the model pointed at sentence {found.sentence}" if found.sentence != ev.number else ""
        score_note = f" (relevance {answer.relevance:.2f})" if answer.relevance is not None else ""
        return span_answer(answer, ev, span, f"the answer “{span}” is copied from it{score_note}{moved}")


def span_answer(answer: Answer, ev: EvidenceSentence, span: str, note: str) -> Answer:
    """The span as the answer, cited to the sentence that holds it."""
    answer.trace["gate_passed"] = True
    return cited_answer(answer, ev, lambda n: f"{span[0].upper()}{span[1:]} [{n}].", "answer", note)


def closest_instead(
    answer: Answer,
    question: Question,
    evidence: list[EvidenceSentence],
    chosen: EvidenceSentence | None,
    said: str,
    why: str,
) -> Answer:
    """What the articles do say instead: the sentence closest to answering and, for a
    when-question, a dated event beside it, marked as another event."""
    answer.checks = [SentenceCheck(quoted(said) if said else "(no answer)", [], "dropped", why)]
    closest = chosen or best_quote(evidence, question)[0]
    if closest is None:
        return decline(answer, abstain_text(question.text))
    numberer = CitationNumberer()
    n = numberer.number(closest)
    answer.checks.append(SentenceCheck(closest.text, [n], "closest", "the closest passage; not an answer"))
    if question.form == "when":
        parts = [f"No article gives the date. The closest passage: {quoted(closest.text)} [{n}]"]
        dated = [
            ev for ev in sorted(evidence, key=lambda e: -e.score) if ev is not closest and _has_date(ev.text)
        ]
        for ev in dated[:1]:
            m = numberer.number(ev)
            parts.append(f"A dated event nearby, not necessarily the same one: {quoted(ev.text)} [{m}]")
            answer.checks.append(SentenceCheck(ev.text, [m], "closest", "another event, with its date"))
    else:
        parts = [f"The articles don't say. The closest passage: {quoted(closest.text)} [{n}]"]
    answer.citations = numberer.citations
    answer.text = ". ".join(parts) + "."
    answer.kind, answer.answerable = "quote", False
    return answer


def _has_date(text: str) -> bool:
    facts = extract_facts(text)
    return bool(facts.dates or facts.months)
