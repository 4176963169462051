"""Verify a draft while the model is still writing it, and release the kept sentences.

A kept sentence is shown only once the kept sentences, together, speak to the question
(RelevanceCheck); until then they are held back, and if that never happens none is shown.
"""

from __future__ import annotations

import time
from collections.abc import Iterator

from rag.answer.citations import CitationNumberer
from rag.answer.relevance import RelevanceCheck
from rag.answer.verifier import Verdict, Verifier
from rag.text.markers import with_markers
from rag.text.question import Question
from rag.types import KEPT, DraftSentence, EvidenceSentence, SentenceCheck


class DraftVerification:
    """One per answer: ``add(sentences)`` verifies finished draft sentences and yields the ones
    it releases, with their final citation markers."""

    def __init__(
        self,
        verifier: Verifier,
        relevance: RelevanceCheck,
        evidence: list[EvidenceSentence],
        question: Question,
        numberer: CitationNumberer | None = None,
    ) -> None:
        self.verifier = verifier
        self.relevance = relevance
        self.evidence = evidence
        self.question = question
        self.numberer = numberer or CitationNumberer()
        self.verdicts: list[Verdict] = []
        self.released: dict[int, list[int]] = {}  # index in verdicts -> final citation numbers
        self.addressed = False
        self.why = ""  # why the kept sentences don't address the question, while they don't
        self.seconds = 0.0
        self._by_number = {ev.number: ev for ev in evidence}

    def _kept(self) -> list[int]:
        return [i for i, v in enumerate(self.verdicts) if v.status in KEPT]

    def add(self, sentences: list[DraftSentence]) -> Iterator[str]:
        for sentence in sentences:
            t0 = time.perf_counter()
            verdict = self.verifier.run(sentence, self.evidence, self.question)
            self.verdicts.append(verdict)
            kept = self._kept()
            if verdict.status in KEPT and not self.addressed:
                cited = [self._by_number[n] for i in kept for n in self.verdicts[i].cites]
                said = " ".join(self.verdicts[i].text for i in kept)
                self.addressed, self.why = self.relevance.run(self.question, cited, said)
            self.seconds += time.perf_counter() - t0
            if not self.addressed:
                continue
            for i in kept:
                if i not in self.released:
                    cites = self.verdicts[i].cites
                    self.released[i] = [self.numberer.number(self._by_number[n]) for n in cites]
                    yield with_markers(self.verdicts[i].text, self.released[i])

    def checks(self) -> list[SentenceCheck]:
        """Every verdict as the answer records it: released sentences with their final numbers;
        kept ones never released are dropped, with the reason they didn't answer."""
        out = []
        for i, v in enumerate(self.verdicts):
            if i in self.released:
                out.append(SentenceCheck(v.text, self.released[i], v.status, v.reason))
            elif v.status in KEPT:
                out.append(SentenceCheck(v.text, [], "dropped", self.why))
            elif v.status == "gap":
                out.append(SentenceCheck(v.text, [], "gap", v.reason))
            else:
                out.append(SentenceCheck(v.text, [], "dropped", f"{v.reason} (cited evidence {v.cites})"))
        return out

    def text(self) -> str:
        """The released sentences and the statements of what the articles don't say, in order."""
        parts = []
        for i, v in enumerate(self.verdicts):
            if i in self.released:
                parts.append(with_markers(v.text, self.released[i]))
            elif v.status == "gap":
                parts.append(v.text)
        return " ".join(parts)
