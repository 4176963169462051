"""How much of a question is copied from its answer: the share of the question's content
words (tokens without stopwords) that occur in the sentence(s) that answer it. A set written in
the articles' words favours lexical checks; a paraphrased set keeps this low.

The answering sentences are an item's ``evidence`` when it has them, else the sentence of a gold
article that holds a key fact and shares the most words with the question.
"""

from __future__ import annotations

import statistics
from functools import cache
from pathlib import Path
from typing import Any

from rag.evaluate.items import EvalItem
from rag.ingest.article import prepare_article
from rag.text.normalise import fold
from rag.text.sentences import split_sentences
from rag.text.tokens import tokenize


@cache
def _sentences(path: Path) -> list[str]:
    text = prepare_article(path).text
    return [text[s:e] for s, e in split_sentences(text)]


def item_overlap(item: EvalItem, evidence: list[str] | None, sources_dir: Path) -> float | None:
    words = set(tokenize(item.question))
    if not item.answerable or not words:
        return None
    if not evidence:
        candidates = [
            s
            for src in item.sources
            for s in _sentences(sources_dir / src)
            if any(fold(alt) in fold(s) for fact in item.key_facts for alt in fact)
        ]
        if not candidates:
            return None
        evidence = [max(candidates, key=lambda s: len(words & set(tokenize(s))))]
    found = set(tokenize(" ".join(evidence)))
    return len(words & found) / len(words)


def set_overlap(items: list[EvalItem], raw: list[dict[str, Any]], sources_dir: Path) -> dict[str, Any]:
    """Mean and max overlap of a set's answerable items, and how many exceed one half."""
    evidence = {d["id"]: d.get("evidence") for d in raw}
    values = [v for i in items if (v := item_overlap(i, evidence.get(i.id), sources_dir)) is not None]
    return {
        "items": len(values),
        "mean": round(statistics.mean(values), 3) if values else None,
        "max": round(max(values), 3) if values else None,
        "over_half": sum(v > 0.5 for v in values),
    }
