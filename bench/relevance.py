"""How well the relevance score separates right extracted answers from wrong ones, read from a
finished development run (``rag eval --judge none --out RUN`` with ``RAG_MIN_RELEVANCE=0``, so
every verified span is kept and scored). Never point it at a held-out set's first run.

    python -m bench.relevance RUN [RUN ...]

Prints the AUC (right vs wrong answers and vs answers to unanswerable questions) and, per
threshold, what the extractive answers would keep and lose.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from rag.train.dev import auc


def main(runs: list[str]) -> None:
    rows = [r for run in runs for r in json.loads((Path(run) / "answers.json").read_text())["per_question"]]
    scored = [r for r in rows if r.get("relevance") is not None and r["kind"] == "answer"]
    right = [r["relevance"] for r in scored if r["correct"]]
    wrong = [r["relevance"] for r in scored if r["type"] != "unanswerable" and not r["correct"]]
    unans = [r["relevance"] for r in scored if r["type"] == "unanswerable"]
    print(
        f"{len(rows)} questions, {len(scored)} extracted answers scored: {len(right)} right, "
        f"{len(wrong)} wrong, {len(unans)} to unanswerable questions"
    )
    print(
        f"AUC right vs wrong {auc(right, wrong):.3f}; right vs unanswerable {auc(right, unans):.3f}; "
        f"right vs both {auc(right, wrong + unans):.3f}"
    )
    print("threshold   right kept   wrong kept   unanswerable answered")
    for t in (0.0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9):
        r, w, u = (sum(x >= t for x in xs) for xs in (right, wrong, unans))
        print(f"{t:9.1f}   {r:>4}/{len(right):<5}   {w:>4}/{len(wrong):<5}   {u:>4}/{len(unans)}")


if __name__ == "__main__":
    main(sys.argv[1:])
