"""Retrieval metrics: recall@k, MRR and nDCG against answer-bearing passages (no LLM)."""

from __future__ import annotations

import math
import statistics
from typing import Any

from rag.config import Settings
from rag.evaluate.items import EvalItem
from rag.text.normalise import fold


def is_relevant(passage, item: EvalItem) -> bool:
    """An answer-bearing passage: from a gold article and containing a key fact (as DPR's
    "has answer"). Article-level relevance would be meaningless over five articles."""
    if passage.source not in item.sources:
        return False
    if not item.key_facts:
        return True
    low = fold(passage.text)
    return any(fold(alt) in low for fact in item.key_facts for alt in fact)


def recall_at(passages, item: EvalItem, k: int) -> float:
    """Share of the gold articles with an answer-bearing passage in the top k."""
    hit = {p.source for p in passages[:k] if is_relevant(p, item)}
    return len(hit) / len(item.sources)


def reciprocal_rank(passages, item: EvalItem) -> float:
    return next((1.0 / i for i, p in enumerate(passages, start=1) if is_relevant(p, item)), 0.0)


def ndcg_at(passages, item: EvalItem, k: int) -> float:
    dcg = sum(1.0 / math.log2(i + 1) for i, p in enumerate(passages[:k], start=1) if is_relevant(p, item))
    ideal = sum(1.0 / math.log2(i + 1) for i in range(1, min(k, len(item.sources)) + 1))
    return min(1.0, dcg / ideal) if ideal else 0.0


def retrieval_query(item: EvalItem) -> str:
    """Without an LLM to rewrite follow-ups, prefix the previous question (stated in eval/README.md)."""
    if item.history:
        return f"{item.history[-1][0]} {item.question}"
    return item.question


def evaluate_retrieval(items: list[EvalItem], settings: Settings, k: int = 5) -> dict[str, Any]:
    from rag.answer.retriever import HybridRetriever
    from rag.ingest.documents import ensure_index

    ensure_index(settings)
    retriever = HybridRetriever(settings)
    scored = [i for i in items if i.sources]
    results: dict[str, Any] = {"k": k, "questions": len(scored), "modes": {}, "per_question": []}
    for mode in ("dense", "bm25", "hybrid"):
        r1, rk, mrr, ndcg = [], [], [], []
        for item in scored:
            passages = retriever.run(retrieval_query(item), k=max(k, 10), mode=mode)
            r1.append(recall_at(passages, item, 1))
            rk.append(recall_at(passages, item, k))
            mrr.append(reciprocal_rank(passages, item))
            ndcg.append(ndcg_at(passages, item, k))
            if mode == "hybrid":
                results["per_question"].append(
                    {
                        "id": item.id,
                        "question": item.question,
                        "gold": item.sources,
                        "ranked": [p.chunk_id for p in passages[:k]],
                        f"recall@{k}": rk[-1],
                        "rr": mrr[-1],
                    }
                )
        results["modes"][mode] = {
            "recall@1": round(statistics.mean(r1), 4),
            f"recall@{k}": round(statistics.mean(rk), 4),
            "mrr": round(statistics.mean(mrr), 4),
            f"ndcg@{k}": round(statistics.mean(ndcg), 4),
        }
    return results


def format_retrieval(results: dict[str, Any]) -> str:
    k = results["k"]
    cols = ["recall@1", f"recall@{k}", "mrr", f"ndcg@{k}"]
    lines = [
        f"Retrieval over {results['questions']} questions (relevant = answer-bearing chunk "
        "of a gold article)",
        f"{'mode':<8}" + "".join(f"{c:>11}" for c in cols),
    ]
    for mode, m in results["modes"].items():
        lines.append(f"{mode:<8}" + "".join(f"{m[c]:>11.3f}" for c in cols))
    misses = [q for q in results["per_question"] if q[f"recall@{k}"] < 1]
    for q in misses:
        lines.append(f"  miss {q['id']}: {q['question']} gold={q['gold']} got={q['ranked']}")
    return "\n".join(lines)


RETRIEVAL_K = 4  # the baseline stuffs 4 chunks; both systems are scored at the same depth


def retrieval_scores(passages, item: EvalItem, k: int = RETRIEVAL_K) -> dict[str, float] | None:
    if not item.sources:
        return None
    return {
        f"recall@{k}": recall_at(passages, item, k),
        "rr": reciprocal_rank(passages, item),
        f"ndcg@{k}": round(ndcg_at(passages, item, k), 4),
    }


def fill_retrieval(systems: dict[str, dict[str, Any]], items: list[EvalItem], settings: Settings) -> None:
    """Runs saved before retrieval was scored per answer: search again. Exact for our
    retriever except on follow-ups, which are searched as previous question + question."""
    rows = [r for r in systems.get("ours", {}).get("per_question", []) if "retrieval" not in r]
    if not rows:
        return
    from rag.answer.retriever import HybridRetriever

    retriever = HybridRetriever(settings)
    by_id = {i.id: i for i in items}
    for r in rows:
        item = by_id[r["id"]]
        r["retrieval"] = retrieval_scores(retriever.run(retrieval_query(item), k=settings.top_k), item)
