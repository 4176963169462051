"""The reader on held-out SQuAD articles: is the gold sentence its paragraph's best (@1), and
does the paragraph's top score tell answerable questions from unanswerable ones (AUC), for
SQuAD's adversarial questions and for swapped near-misses."""

from __future__ import annotations

import bisect
import random

from rag.train.pairs import entities, swap_entity
from rag.train.squad import SquadQuestion


def auc(pos: list[float], neg: list[float]) -> float:
    """P(a positive's score > a negative's), ties half."""
    if not pos or not neg:
        return float("nan")
    neg_sorted = sorted(neg)
    total = 0.0
    for p in pos:
        lo = bisect.bisect_left(neg_sorted, p)
        hi = bisect.bisect_right(neg_sorted, p)
        total += lo + 0.5 * (hi - lo)
    return total / (len(pos) * len(neg))


def dev_report(reader, questions: list[SquadQuestion], seed: int = 0, limit: int = 400) -> dict:
    """``reader.run(question, sentences, titles)`` -> scores; at most ``limit`` of each kind."""
    rng = random.Random(seed)
    answerable = [q for q in questions if not q.impossible][:limit]
    impossible = [q for q in questions if q.impossible][:limit]
    pools: dict[str, list[str]] = {}
    for q in questions:
        pools.setdefault(q.title, []).extend(e for s in q.sentences for e in entities(s.text))
    top1 = 0
    pos: list[float] = []
    for q in answerable:
        scores = [
            s.score
            for s in reader.run(q.question, [s.text for s in q.sentences], [q.title] * len(q.sentences))
        ]
        best = max(range(len(scores)), key=scores.__getitem__)
        top1 += best == q.gold
        pos.append(max(scores))
    adv = [
        max(
            s.score
            for s in reader.run(q.question, [s.text for s in q.sentences], [q.title] * len(q.sentences))
        )
        for q in impossible
    ]
    swapped = []
    for q in answerable:
        if (sq := swap_entity(q, sorted(set(pools[q.title])), rng)) is not None:
            res = reader.run(sq, [s.text for s in q.sentences], [q.title] * len(q.sentences))
            swapped.append(max(s.score for s in res))
    return {
        "answerable": len(answerable),
        "gold_at_1": top1,
        "adversarial": len(adv),
        "auc_adversarial": round(auc(pos, adv), 3),
        "swapped": len(swapped),
        "auc_swapped": round(auc(pos, swapped), 3),
    }
