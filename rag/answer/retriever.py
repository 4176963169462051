"""Hybrid retrieval: dense (Chroma) + lexical BM25 over the same chunks, fused by RRF.

Dense search finds paraphrases ("recaptured" for "retaken"); BM25 finds exact names and
numbers that a 384-d MiniLM vector blurs ("H-2 airbase", "850,000"). Reciprocal rank fusion
needs no score calibration between the two.
"""

from __future__ import annotations

from typing import Any, Literal

from rag.config import Settings
from rag.index.store import current_store, open_catalog, open_lexical
from rag.text.dates import date_num
from rag.text.tokens import tokenize
from rag.types import Event, Passage

Mode = Literal["hybrid", "dense", "bm25"]


def _passage(cid: str, row: dict[str, Any]) -> Passage:
    return Passage(
        chunk_id=cid,
        source=row["name"],
        title=row.get("title") or "",
        date=row.get("date") or None,
        text=row["text"],
        start=int(row["start"]),
        end=int(row["end"]),
        author=row.get("author") or None,
        doc_id=row["doc_id"],
        label=row.get("label") or row["name"],
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
        embeddings=None,
    ) -> None:
        self.settings = settings
        self.embeddings = embeddings
        self.candidates = candidates
        self.rrf_k = rrf_k
        self.duplicate_jaccard = duplicate_jaccard

    def events(self, **query: Any) -> list[Event]:
        """Dated events of the index (``rag.index.events.query_events``'s filters)."""
        return open_catalog(self.settings).events(**query)

    def by_ids(self, chunk_ids: list[str]) -> dict[str, Passage]:
        """Passages by chunk id, from the catalog."""
        return {
            cid: _passage(cid, row) for cid, row in open_catalog(self.settings).passages(chunk_ids).items()
        }

    @staticmethod
    def _where(doc_ids: list[str] | None, date_from: str | None, date_to: str | None):
        clauses: list[dict[str, Any]] = []
        if doc_ids is not None:
            clauses.append({"doc_id": {"$in": doc_ids}})
        if date_from:
            clauses.append({"date_num": {"$gte": date_num(date_from)}})
        if date_to:
            clauses.extend([{"date_num": {"$lte": date_num(date_to)}}, {"date_num": {"$gt": 0}}])
        if not clauses:
            return None
        return clauses[0] if len(clauses) == 1 else {"$and": clauses}

    def run(
        self,
        query: str,
        k: int = 5,
        mode: Mode = "hybrid",
        sources: list[str] | None = None,
        date_from: str | None = None,
        date_to: str | None = None,
    ) -> list[Passage]:
        """Top-k passages; ``sources`` are document ids, labels, file names or paths."""
        catalog = open_catalog(self.settings)
        doc_ids = catalog.resolve(sources) if sources else None
        if doc_ids == []:
            return []
        ranks: dict[str, dict[str, float]] = {}

        if mode in ("hybrid", "dense"):
            store = current_store(self.settings, self.embeddings)
            hits = store.similarity_search_with_score(
                query, k=self.candidates, filter=self._where(doc_ids, date_from, date_to)
            )
            for rank, (doc, distance) in enumerate(hits, start=1):
                ranks.setdefault(doc.id, {}).update(
                    dense_rank=rank, dense_score=round(1.0 - float(distance), 4)
                )

        if mode in ("hybrid", "bm25"):
            hits = open_lexical(self.settings).search(
                query,
                self.candidates,
                doc_ids=doc_ids,
                date_from=date_num(date_from) if date_from else None,
                date_to=date_num(date_to) if date_to else None,
            )
            for rank, (cid, score) in enumerate(hits, start=1):
                ranks.setdefault(cid, {}).update(bm25_rank=rank, bm25_score=round(score, 4))

        # Text and metadata come from the catalog; an id it doesn't hold (an orphan a crashed
        # writer left in Chroma, until the next ingest recovers) is skipped.
        rows = catalog.passages(ranks)
        found: list[Passage] = []
        for cid, r in ranks.items():
            if cid not in rows:
                continue
            p = _passage(cid, rows[cid])
            p.dense_rank, p.dense_score = r.get("dense_rank"), r.get("dense_score")
            p.bm25_rank, p.bm25_score = r.get("bm25_rank"), r.get("bm25_score")
            p.score = round(sum(1.0 / (self.rrf_k + x) for x in (p.dense_rank, p.bm25_rank) if x), 6)
            found.append(p)
        ranked = sorted(found, key=lambda p: -p.score)
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
