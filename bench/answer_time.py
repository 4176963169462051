"""Benchmark: our median answer time against the plain LangChain chain's, in one run.

    python -m bench.answer_time [--set eval/heldout3.jsonl] [--questions 24]

Both systems answer the same questions, interleaved (ours, then the chain, question by
question) so that a noisy machine slows both alike; the chain is the eval's baseline
(`rag/evaluate/baseline.py`: top-4 chunks of 1,000 characters, same model, n_batch 512).
Questions are taken round-robin over the set's types, so the mix holds fact, why/how,
multi-article, follow-up and unanswerable questions. Prints both medians and their ratio, and
our median by path (choice, extract, choose, write). Development sets only.
"""

from __future__ import annotations

import argparse
import statistics
import time
from collections import defaultdict
from pathlib import Path

from rag.config import load_settings
from rag.evaluate.baseline import BaselineChain
from rag.evaluate.items import load_items
from rag.evaluate.quick import sample
from rag.factory import ask


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--set", default="eval/heldout3.jsonl")
    parser.add_argument("--questions", type=int, default=24)
    args = parser.parse_args()
    settings = load_settings()
    items = sample(load_items(Path(args.set)), args.questions)
    chain = BaselineChain(settings)
    ask("warm up: when was Hawija retaken?", settings=settings)  # load both models' state once
    chain.run("warm up: when was Hawija retaken?")
    ours: list[float] = []
    plain: list[float] = []
    by_path: dict[str, list[float]] = defaultdict(list)
    for item in items:
        t = time.perf_counter()
        a = ask(item.question, history=item.history, settings=settings)
        ours.append(time.perf_counter() - t)
        by_path[a.trace.get("path", "none")].append(ours[-1])
        t = time.perf_counter()
        chain.run(item.question, history=item.history)
        plain.append(time.perf_counter() - t)
        print(f"{item.id:>5} {item.type:<14} ours {ours[-1]:5.1f} s  chain {plain[-1]:5.1f} s", flush=True)
    mo, mp = statistics.median(ours), statistics.median(plain)
    print(f"\n{len(items)} questions of {len({i.type for i in items})} types from {args.set}")
    print(f"median answer time: ours {mo:.1f} s, plain chain {mp:.1f} s, ratio {mo / mp:.2f}")
    for path, times in sorted(by_path.items()):
        print(f"  ours by path: {path:<8} {len(times):>3} questions, median {statistics.median(times):.1f} s")


if __name__ == "__main__":
    main()
