"""Evidence selection: from retrieved passages, the few sentences that bear on the question.

A 1.5B model given fifteen passages mixes their facts; given eight numbered sentences it
mostly cites the right one, and the prompt stays short (about 1 s per 140 prompt tokens on
two cores). Each sentence keeps its character offsets in the cleaned article, so a citation
can highlight exactly the sentence it quotes.
"""

from __future__ import annotations

import re
from functools import cache

import numpy as np

from rag.text.sentences import split_sentences
from rag.text.tokens import tokenize
from rag.text.wordlists import word_list
from rag.types import EvidenceSentence, Passage

# A sentence that leans on the one before it is shown with it: "On the same day, the Syrian
# Army recaptured Deir ez-Zor" means nothing without the sentence that names the day.
_ANAPHORIC = re.compile(
    r"^(It|Its|They|Their|This|That|These|Those|He|She|His|Her|There|The same|On the same day|"
    r"Shortly thereafter|Some of the|The group|The city|The town|The operation|Both)\b"
)


def _doc(p: Passage) -> str:
    """The document a passage belongs to (two files may share a name)."""
    return p.doc_id or p.source


@cache
def _instruction_patterns() -> re.Pattern[str]:
    rules = word_list("instruction_patterns")
    return re.compile("|".join(f"(?:{r})" for r in rules), re.IGNORECASE | re.MULTILINE)


def addresses_the_model(sentence: str) -> bool:
    """Whether a sentence of an article speaks to an AI model ("ignore previous
    instructions…") rather than reporting: such text is data, never given to the model."""
    return bool(_instruction_patterns().search(sentence))


class EvidenceSelector:
    """Score every sentence of the retrieved passages against the question; keep the best."""

    def __init__(self, embeddings, max_sentences: int = 6, min_relative: float = 0.5) -> None:
        self.embeddings = embeddings
        self.max_sentences = max_sentences
        self.min_relative = min_relative

    def run(self, question: str, passages: list[Passage]) -> list[EvidenceSentence]:
        # Overlapping chunks repeat sentences, sometimes cut at the front: keyed by where the
        # sentence ends, the longest copy wins.
        by_end: dict[tuple[str, int], EvidenceSentence] = {}
        for p in passages:
            spans = split_sentences(p.text)
            for i, (s, e) in enumerate(spans):
                if len(tokenize(p.text[s:e])) < 3 or addresses_the_model(p.text[s:e]):
                    continue
                if i > 0 and _ANAPHORIC.match(p.text[s:e]) and "\n" not in p.text[spans[i - 1][1] : s]:
                    s = spans[i - 1][0]
                key = (_doc(p), p.start + e)
                if key not in by_end or by_end[key].end - by_end[key].start < e - s:
                    ev = EvidenceSentence(0, p.text[s:e], p, p.start + s, p.start + e)
                    para_start = p.text.rfind("\n", 0, s) + 1
                    ev.context = p.text[para_start:s].strip()
                    if i + 1 < len(spans):
                        ev.following = p.text[spans[i + 1][0] : spans[i + 1][1]].strip()
                    by_end[key] = ev
        candidates = list(by_end.values())
        if not candidates:
            return []
        q_vec = np.asarray(self.embeddings.embed_query(question))
        s_vecs = np.asarray(self.embeddings.embed_documents([c.text for c in candidates]))
        cos = s_vecs @ q_vec
        q_toks = set(tokenize(question))
        rank_of = {p.chunk_id: i for i, p in enumerate(passages)}
        for c, sim in zip(candidates, cos, strict=True):
            overlap = len(q_toks & set(tokenize(c.text))) / max(1, len(q_toks))
            prior = 0.05 / (1 + rank_of[c.passage.chunk_id])
            c.score = float(0.6 * sim + 0.4 * overlap + prior)
        ranked = sorted(candidates, key=lambda c: -c.score)
        best = ranked[0].score
        return arrange([c for c in ranked[: self.max_sentences] if c.score >= self.min_relative * best])


def arrange(chosen: list[EvidenceSentence]) -> list[EvidenceSentence]:
    """Number the chosen sentences for the prompt, in place and returned.

    Grouped by article, the most relevant article first (a small model favours what it reads
    first); reading order inside an article, so neighbouring sentences read naturally."""
    best_of: dict[str, float] = {}
    for c in chosen:
        best_of[_doc(c.passage)] = max(best_of.get(_doc(c.passage), -1e9), c.score)
    chosen.sort(key=lambda c: (-best_of[_doc(c.passage)], _doc(c.passage), c.start))
    for i, c in enumerate(chosen, start=1):
        c.number = i
    return chosen


def format_evidence(evidence: list[EvidenceSentence]) -> str:
    """The evidence block of the prompt: an article header, then its numbered sentences."""
    lines: list[str] = []
    current = None
    for ev in evidence:
        p = ev.passage
        if _doc(p) != current:
            current = _doc(p)
            meta = [f"published {p.date}" if p.date else "publication date not given"]
            if p.author:
                meta.append(f"by {p.author}")
            lines.append(f'Source: "{p.title}" ({", ".join(meta)})')
        lines.append(f"[{ev.number}] {ev.text}")
    return "\n".join(lines)
