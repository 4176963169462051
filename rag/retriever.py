"""Hybrid retrieval: dense (Chroma) + lexical BM25 over the same chunks, fused by RRF.

Dense search finds paraphrases ("recaptured" for "retaken"); BM25 finds exact names and
numbers that a 384-d MiniLM vector blurs ("H-2 airbase", "850,000"). Reciprocal rank fusion
needs no score calibration between the two.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from typing import Any, Literal

from rank_bm25 import BM25Okapi

from rag.config import Settings
from rag.store import all_chunks, open_store
from rag.types import Passage

Mode = Literal["hybrid", "dense", "bm25"]

STOPWORDS = frozenset(
    [
        "a",
        "an",
        "and",
        "are",
        "as",
        "at",
        "be",
        "been",
        "but",
        "by",
        "did",
        "do",
        "does",
        "for",
        "from",
        "had",
        "has",
        "have",
        "how",
        "in",
        "into",
        "is",
        "it",
        "its",
        "of",
        "on",
        "or",
        "that",
        "the",
        "their",
        "them",
        "they",
        "this",
        "to",
        "was",
        "were",
        "what",
        "when",
        "where",
        "which",
        "who",
        "whom",
        "why",
        "will",
        "with",
        "would",
        "after",
        "before",
        "about",
        "than",
        "then",
        "there",
        "these",
        "those",
        "s",
    ]
)
_TOKEN = re.compile(r"[a-z0-9]+")


def tokenize(text: str) -> list[str]:
    """Lowercase word tokens without stopwords, lightly stemmed, for BM25 and overlap checks."""
    text = re.sub(r"[’'`]", "", text.lower())
    out = []
    for tok in _TOKEN.findall(text):
        if tok in STOPWORDS:
            continue
        if len(tok) > 5 and tok.endswith("ing"):
            tok = tok[:-3]
        elif len(tok) > 4 and tok.endswith("ed"):
            tok = tok[:-2]
        elif len(tok) > 3 and tok.endswith("s") and not tok.endswith("ss"):
            tok = tok[:-1]
        if len(tok) > 4 and tok.endswith("e"):  # "announce" and "announced" -> "announc"
            tok = tok[:-1]
        out.append(tok)
    return out


def date_num(iso: str | None) -> int:
    """2017-10-10 -> 20171010 (Chroma's range filters take numbers only); unknown -> 0."""
    return int(iso.replace("-", "")) if iso else 0


@dataclass
class _Bm25Index:
    fingerprint: str
    ids: list[str]
    texts: list[str]
    metas: list[dict[str, Any]]
    bm25: BM25Okapi


_BM25_CACHE: dict[str, _Bm25Index] = {}


def _passage(cid: str, text: str, meta: dict[str, Any]) -> Passage:
    return Passage(
        chunk_id=cid,
        source=meta["source"],
        title=meta.get("title", ""),
        date=meta.get("date") or None,
        text=text,
        start=int(meta.get("start", 0)),
        end=int(meta.get("end", 0)),
        author=meta.get("author") or None,
    )


def _jaccard(a: set[str], b: set[str]) -> float:
    return len(a & b) / max(1, len(a | b))


class HybridRetriever:
    """Configuration in ``__init__``; ``run(query)`` returns ranked passages."""

    def __init__(
        self,
        settings: Settings,
        candidates: int = 20,
        rrf_k: int = 60,
        duplicate_jaccard: float = 0.8,
    ) -> None:
        self.settings = settings
        self.candidates = candidates
        self.rrf_k = rrf_k
        self.duplicate_jaccard = duplicate_jaccard

    def _bm25(self, store) -> _Bm25Index:
        ids = store.get(include=[])["ids"]
        fingerprint = hashlib.sha256("\n".join(sorted(ids)).encode()).hexdigest()
        key = f"{id(store)}"
        cached = _BM25_CACHE.get(key)
        if cached is None or cached.fingerprint != fingerprint:
            ids, texts, metas = all_chunks(store)
            bm25 = BM25Okapi([tokenize(t) or ["_"] for t in texts]) if texts else None
            cached = _Bm25Index(fingerprint, ids, texts, metas, bm25)
            _BM25_CACHE[key] = cached
        return cached

    @staticmethod
    def _where(sources: list[str] | None, date_from: str | None, date_to: str | None):
        clauses: list[dict[str, Any]] = []
        if sources:
            clauses.append({"source": {"$in": list(sources)}})
        if date_from:
            clauses.append({"date_num": {"$gte": date_num(date_from)}})
        if date_to:
            clauses.append({"date_num": {"$lte": date_num(date_to)}})
        if not clauses:
            return None
        return clauses[0] if len(clauses) == 1 else {"$and": clauses}

    @staticmethod
    def _matches(meta: dict[str, Any], sources, date_from, date_to) -> bool:
        if sources and meta["source"] not in sources:
            return False
        d = int(meta.get("date_num", 0))
        if date_from and d < date_num(date_from):
            return False
        return not (date_to and (d == 0 or d > date_num(date_to)))

    def run(
        self,
        query: str,
        k: int = 5,
        mode: Mode = "hybrid",
        sources: list[str] | None = None,
        date_from: str | None = None,
        date_to: str | None = None,
    ) -> list[Passage]:
        store = open_store(self.settings)
        found: dict[str, Passage] = {}

        if mode in ("hybrid", "dense"):
            hits = store.similarity_search_with_score(
                query, k=self.candidates, filter=self._where(sources, date_from, date_to)
            )
            for rank, (doc, distance) in enumerate(hits, start=1):
                p = found.setdefault(doc.id, _passage(doc.id, doc.page_content, doc.metadata))
                p.dense_score, p.dense_rank = round(1.0 - float(distance), 4), rank

        if mode in ("hybrid", "bm25"):
            index = self._bm25(store)
            q = tokenize(query)
            if index.bm25 is not None and q:
                scores = index.bm25.get_scores(q)
                order = sorted(range(len(scores)), key=lambda i: -scores[i])
                rank = 0
                for i in order:
                    if scores[i] <= 0 or rank >= self.candidates:
                        break
                    if not self._matches(index.metas[i], sources, date_from, date_to):
                        continue
                    rank += 1
                    cid = index.ids[i]
                    p = found.setdefault(cid, _passage(cid, index.texts[i], index.metas[i]))
                    p.bm25_score, p.bm25_rank = round(float(scores[i]), 4), rank

        for p in found.values():
            p.score = round(sum(1.0 / (self.rrf_k + r) for r in (p.dense_rank, p.bm25_rank) if r), 6)
        ranked = sorted(found.values(), key=lambda p: -p.score)
        return self._collapse_duplicates(ranked)[:k]

    def _collapse_duplicates(self, ranked: list[Passage]) -> list[Passage]:
        """Drop a passage nearly identical to a better-ranked one (syndicated copies)."""
        kept: list[Passage] = []
        kept_tokens: list[set[str]] = []
        for p in ranked:
            toks = set(tokenize(p.text))
            if any(_jaccard(toks, t) >= self.duplicate_jaccard for t in kept_tokens):
                continue
            kept.append(p)
            kept_tokens.append(toks)
        return kept


def search(query: str, k: int = 5, settings: Settings | None = None, **filters) -> list[Passage]:
    """Top-k passages for ``query`` (hybrid); filters: mode, sources, date_from, date_to."""
    from rag.config import load_settings
    from rag.ingest import ensure_index

    settings = settings or load_settings()
    ensure_index(settings)
    return HybridRetriever(settings).run(query, k=k, **filters)
