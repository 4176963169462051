"""Fit the trained reader's decision threshold on the development sets and store it beside the
weights (``reader.json``: ``threshold``, with how it was fitted). Never run on a held-out set.

    python -m bench.reader_threshold rag/models/reader_weights eval/questions.jsonl

For every question (follow-ups skipped) all candidate sentences of the retrieved passages are
scored; the threshold on the best sentence's probability is the one that maximises the mean of
the share of answerable questions kept and the share of unanswerable ones declined (Youden's
J), the lowest such when several tie.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from bench.reader_bakeoff import candidate_sets, sigmoid
from rag.models.reader import SentenceReader


def fit(pos: list[float], neg: list[float]) -> dict:
    best = {"threshold": 0.5, "j": -1.0}
    for t in sorted({0.0, *pos, *neg}):
        kept = sum(p >= t for p in pos) / max(1, len(pos))
        declined = sum(n < t for n in neg) / max(1, len(neg))
        j = kept + declined - 1
        if j > best["j"] + 1e-9:
            best = {
                "threshold": round(t, 4),
                "j": round(j, 3),
                "kept": round(kept, 3),
                "declined": round(declined, 3),
            }
    return best


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("weights", type=Path)
    ap.add_argument("sets", nargs="+", type=Path)
    args = ap.parse_args()
    reader = SentenceReader(args.weights, threads=2)
    pos, neg = [], []
    for path in args.sets:
        for item, cands in candidate_sets(path):
            res = reader.run(item.question, [c.text for c in cands], [c.passage.title for c in cands])
            (pos if item.answerable else neg).append(max(sigmoid(r.score) for r in res))
    result = fit(pos, neg)
    result.update(sets=[str(p) for p in args.sets], answerable=len(pos), unanswerable=len(neg))
    meta_path = args.weights / "reader.json"
    meta = json.loads(meta_path.read_text(encoding="utf-8"))
    meta["threshold"] = result["threshold"]
    meta["threshold_fit"] = result
    meta_path.write_text(json.dumps(meta, indent=2) + "\n", encoding="utf-8")
    print(json.dumps(result))


if __name__ == "__main__":
    main()
