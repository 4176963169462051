"""Citation numbers as the reader sees them: 1..n in order of first use, one numbering even
when several answers are merged."""

from __future__ import annotations

from dataclasses import replace

from rag.types import Answer, Citation, EvidenceSentence


class CitationNumberer:
    """Renumber evidence citations 1..n in order of first use, building Citation records."""

    def __init__(self) -> None:
        self.citations: list[Citation] = []
        self._by_evidence: dict[int, int] = {}

    def number(self, ev: EvidenceSentence) -> int:
        if ev.number not in self._by_evidence:
            n = len(self.citations) + 1
            self._by_evidence[ev.number] = n
            p = ev.passage
            self.citations.append(
                Citation(
                    number=n,
                    source=p.source,
                    title=p.title,
                    date=p.date,
                    quote=ev.text,
                    chunk_id=p.chunk_id,
                    start=ev.start,
                    end=ev.end,
                    passage=p.text,
                    doc_id=p.doc_id,
                    label=p.label or p.source,
                )
            )
        return self._by_evidence[ev.number]


class CitationMerger:
    """One numbering for the citations of several answers: a sentence cited by two parts keeps
    one number."""

    def __init__(self) -> None:
        self.citations: list[Citation] = []
        self._numbers: dict[tuple[str, int, int], int] = {}

    def add(self, answer: Answer) -> dict[int, int]:
        """Map the answer's own citation numbers to the merged numbering."""
        mapping = {}
        for c in answer.citations:
            key = (c.doc_id or c.source, c.start, c.end)
            if key not in self._numbers:
                self._numbers[key] = len(self.citations) + 1
                self.citations.append(replace(c, number=self._numbers[key]))
            mapping[c.number] = self._numbers[key]
        return mapping
