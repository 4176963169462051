"""Rank the candidate sentences with the trained reader and decide whether any answers.

The evidence selector's score is topical (embedding similarity and shared words): a near-miss
question ("When was Rawa retaken?" beside al-Qaim's date) scores as high as an answerable one.
The trained reader (``rag.models.reader``, trained by ``rag.train`` for answerability) scores
every candidate sentence of the retrieved passages in one batch; its best score is the
answerability signal, compared with a threshold fitted on the development sets
(``python -m bench.reader_threshold``), and the sentences it ranks first are the evidence the
fact readers read.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from rag.answer.evidence import arrange
from rag.types import EvidenceSentence


def sigmoid(x: float) -> float:
    return 1.0 / (1.0 + math.exp(-max(-30.0, min(30.0, x))))


@dataclass
class Ranking:
    evidence: list[EvidenceSentence]  # the kept sentences, numbered, best first by ``score``
    top: float  # the reader's probability for its best sentence: the answerability signal
    answerable: bool


class SentenceRanker:
    """``run(question, candidates)`` -> a Ranking. ``mix`` weighs the selector's score in the
    ranking (0: the reader alone); the decision is the reader's own top probability."""

    def __init__(self, reader, threshold: float, keep: int = 8, mix: float = 0.0) -> None:
        self.reader = reader  # .run(question, sentences, titles) -> [PairScore]
        self.threshold = threshold
        self.keep = keep
        self.mix = mix

    def run(self, question: str, candidates: list[EvidenceSentence]) -> Ranking:
        if not candidates:
            return Ranking([], 0.0, False)
        scored = self.reader.run(
            question, [c.text for c in candidates], [c.passage.title for c in candidates]
        )
        probs = [sigmoid(s.score) for s in scored]
        for c, p in zip(candidates, probs, strict=True):
            c.score = self.mix * c.score + (1 - self.mix) * p
        order = sorted(range(len(candidates)), key=lambda i: -candidates[i].score)
        kept = arrange([candidates[i] for i in order[: self.keep]])
        top = max(probs)
        return Ranking(kept, round(top, 4), top >= self.threshold)
