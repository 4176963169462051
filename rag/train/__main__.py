"""``python -m rag.train`` (``make train-reader``): build the pairs from SQuAD 2.0, train the
reader, report it on the held-out SQuAD articles, and save it.

    python -m rag.train --kind cross --pairs 12000 --out .rag/readers/cross-12k
    python -m rag.train --kind span --pairs 12000 --out rag/models/reader_weights

The SQuAD file defaults to the project's copy, rag/train/data/train-v2.0-10-articles.json
(CC BY-SA 4.0, see the README beside it); the dev articles are never trained on.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

from rag.config import PROJECT_ROOT

DEFAULT_SQUAD = PROJECT_ROOT / "rag" / "train" / "data" / "train-v2.0-10-articles.json"
# Held out: one news-like article and one with SQuAD's adversarial unanswerable questions.
DEV_ARTICLES = ("2008_Sichuan_earthquake", "Spectre_(2015_film)")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m rag.train", description=__doc__.split("\n\n")[0])
    ap.add_argument("--kind", choices=("cross", "span"), default="cross")
    ap.add_argument("--squad", type=Path, default=DEFAULT_SQUAD)
    ap.add_argument("--pairs", type=int, default=0, help="at most this many pairs (0: all)")
    ap.add_argument("--epochs", type=float, default=1.0)
    ap.add_argument("--lr", type=float, default=5e-5)
    ap.add_argument("--no-swaps", action="store_true", help="without the swapped near-miss negatives")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--out", type=Path, required=True)
    ap.add_argument("--dev-limit", type=int, default=300)
    args = ap.parse_args(argv)
    if not args.squad.is_file():
        print(f"error: no SQuAD 2.0 file at {args.squad} (--squad FILE)", file=sys.stderr)
        return 1
    from rag.models.reader import SentenceReader
    from rag.train.dev import dev_report
    from rag.train.fit import train
    from rag.train.pairs import build_pairs
    from rag.train.squad import article_titles, load_questions

    titles = article_titles(args.squad)
    train_titles = {t for t in titles if t not in DEV_ARTICLES}
    pairs = build_pairs(load_questions(args.squad, train_titles), seed=args.seed, swaps=not args.no_swaps)
    if args.pairs:
        pairs = pairs[: args.pairs]
    print(
        f"{len(pairs)} pairs ({sum(p.label for p in pairs)} positive) from {len(train_titles)} articles",
        flush=True,
    )
    t0 = time.time()
    meta = train(
        pairs, args.kind, args.out, epochs=args.epochs, lr=args.lr, seed=args.seed, threads=args.threads
    )
    meta["train_articles"] = sorted(train_titles)
    meta["swaps"] = not args.no_swaps
    meta["dev_articles"] = list(DEV_ARTICLES)
    reader = SentenceReader(args.out, threads=args.threads)
    meta["dev"] = dev_report(reader, load_questions(args.squad, set(DEV_ARTICLES)), limit=args.dev_limit)
    meta["command"] = "python -m rag.train " + " ".join(argv if argv is not None else sys.argv[1:])
    (args.out / "reader.json").write_text(json.dumps(meta, indent=2) + "\n", encoding="utf-8")
    print(json.dumps(meta["dev"]), f"{time.time() - t0:.0f}s", flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
