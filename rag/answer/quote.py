"""When every sentence of the model's draft failed verification, a verbatim sentence of the
evidence may still answer: shown as "The articles say: …" when it answers on its own, else as
the closest passage beside a decline."""

from __future__ import annotations

from rag.answer.relevance import RelevanceCheck
from rag.text.question import Question
from rag.text.tokens import tokenize
from rag.types import EvidenceSentence

# Stricter than for the model's sentences: a quote shown as the answer must itself contain
# most of the question's terms, with no allowance for paraphrase.
_STRICT = RelevanceCheck(embeddings=None, min_coverage=0.75)


def best_quote(evidence: list[EvidenceSentence], question: Question) -> tuple[EvidenceSentence | None, bool]:
    """The best evidence sentence that answers the question on its own (names its subject,
    covers its terms, gives the date or number asked for), else the best one that at least
    names what the question is about; and whether it answers."""
    ranked = sorted(evidence, key=lambda e: -e.score)
    for ev in ranked:
        if _STRICT.run(question, [ev], ev.text, allow_paraphrase=False)[0]:
            return ev, True
    names = [toks for n in question.names if (toks := set(tokenize(n)))]
    for ev in ranked:
        ev_toks = set(tokenize(ev.text))
        if names and any(toks <= ev_toks for toks in names):
            return ev, False
        if not names and len(question.tokens & ev_toks) >= max(2, len(question.tokens) // 2):
            return ev, False
    return None, False
