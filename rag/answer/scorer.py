"""How likely an extracted answer is right: the chat model's own probability of "yes" to "Does
the sentence state that this is the answer to the question?", read from its next-token logits.

One forward pass of a short prompt (about 40 new tokens once the shared prefix is cached):
about 0.5 s on two cores. Only llama.cpp exposes the logits in-process; other backends get
no score, and the lexical relevance check decides for them.
"""

from __future__ import annotations

import math

import numpy as np

from rag.models.logits import NextTokenLogits
from rag.models.prompts import load_prompt
from rag.text.sentences import split_sentences
from rag.types import EvidenceSentence


def _last_sentence(text: str) -> str:
    spans = split_sentences(text)
    return text[spans[-1][0] : spans[-1][1]] if spans else ""


class YesNoScorer:
    """``run(question, sentence, answer)`` -> P(yes) / (P(yes) + P(no)) that the sentence states
    the answer, judged with the sentence before it in its paragraph and its article's title."""

    def __init__(self, llama) -> None:  # a llama_cpp.Llama
        self.logits = NextTokenLogits(llama)
        self.llama = llama
        self._yes = [self.logits.token(w) for w in ("yes", "Yes")]
        self._no = [self.logits.token(w) for w in ("no", "No")]

    def run(self, question: str, ev: EvidenceSentence, answer: str) -> float:
        messages = load_prompt("relevance").format_messages(
            title=ev.passage.title,
            context=_last_sentence(ev.context),
            sentence=ev.text,
            question=question,
            answer=answer,
        )
        logits = self.logits.run(messages)
        yes = float(np.logaddexp.reduce(logits[self._yes]))
        no = float(np.logaddexp.reduce(logits[self._no]))
        return 1.0 / (1.0 + math.exp(no - yes))
