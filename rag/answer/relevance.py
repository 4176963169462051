"""Does the cited evidence, taken together, speak to what the question asks?

A true sentence about the right town can still leave the question unanswered ("How many
civilians died in Hawija?" -> "Hawija was taken on Oct. 5"). The answer must give the kind of
value asked for, the evidence must name the question's subjects and what a number counts, and
most of the question's content words must occur in the cited sentences, or one of them must be
very close to the question in embedding space (paraphrases: "retaken" / "recaptured").
"""

from __future__ import annotations

import re

import numpy as np

from rag.answer.span import counts_what_is_asked
from rag.text.facts import expand_aliases, name_in
from rag.text.normalise import name_key
from rag.text.question import Question, alias_tokens, analyse
from rag.text.tokens import tokenize
from rag.types import EvidenceSentence

_QUOTATION = re.compile(r"[“”\"]")


class RelevanceCheck:
    """Configuration in ``__init__``; ``run(question, cited, answer)`` -> (addresses it?, why not)."""

    def __init__(self, embeddings=None, min_coverage: float = 0.5, min_question_cosine: float = 0.7) -> None:
        self.embeddings = embeddings
        self.min_coverage = min_coverage
        self.min_question_cosine = min_question_cosine

    def run(
        self,
        question: Question | str,
        cited: list[EvidenceSentence],
        answer: str = "",
        allow_paraphrase: bool = True,
    ) -> tuple[bool, str]:
        question = analyse(question) if isinstance(question, str) else question
        if not cited:
            return False, "no cited evidence"
        if answer and not question.has_wanted_type(answer):
            return False, f"does not give the {question.wants} the question asks for"
        # The sentence before each cited one counts: "50,000 civilians remain in the two towns"
        # is about the towns its previous sentence names.
        ev_text = " ".join(f"{c.context} {c.text}" for c in cited)
        # The subject may be named earlier in the paragraph or, for a quotation, in the next
        # sentence (its speaker). Dates and numbers are held to the sentence itself elsewhere
        # (Verifier.run), so this doesn't let them drift.
        around = " ".join(
            f"{c.context} {c.text} {c.following if _QUOTATION.search(c.text) else ''}" for c in cited
        )
        ev_names = expand_aliases(set(name_key(around).split()), name_key(around))
        absent = [n for n in question.subjects if not name_in(n, ev_names)]
        if absent:
            return False, f"does not address the question: cited passages never mention {absent}"
        if not counts_what_is_asked(question, " ".join(c.text for c in cited)):
            return False, f"does not count what the question counts ({', '.join(sorted(question.counted))})"
        q = question.terms
        if not q:
            return True, ""
        ev = set(tokenize(ev_text)) | alias_tokens(ev_text)
        if not allow_paraphrase:
            # A verbatim quote offered as the answer must itself say what is asked; only the
            # subject's name (found above, perhaps a sentence away) may come from around it.
            own = " ".join(c.text for c in cited)
            ev = set(tokenize(own)) | alias_tokens(own) | set(tokenize(" ".join(question.subjects)))
        coverage = len(q & ev) / len(q)
        if coverage >= self.min_coverage:
            return True, ""
        if self.embeddings is not None and allow_paraphrase:
            vecs = np.asarray(self.embeddings.embed_documents([question.text] + [c.text for c in cited]))
            cos = float(max(vecs[1:] @ vecs[0]))
            if cos >= self.min_question_cosine:
                return True, ""
            return False, (
                f"does not address the question (covers {coverage:.0%} of its terms, "
                f"{sorted(q - ev)} missing; cosine {cos:.2f})"
            )
        return False, f"does not address the question (covers {coverage:.0%}; missing {sorted(q - ev)})"
