"""The sentence-reader bake-off: the evidence selector against each trained reader (and their
mix) on development sets, at the stage the reader decides: for every question, all candidate
sentences of the retrieved passages are scored; is the best one a gold sentence (@1, @3), and
does the best score tell answerable questions from unanswerable ones (AUC)? Also the scoring's
added time per question. Development and earlier held-out sets only.

    python -m bench.reader_bakeoff --reader cross=.rag/readers/cross --reader span=rag/models/reader_weights \
        eval/heldout3.jsonl eval/heldout4.jsonl [--json OUT]
"""

from __future__ import annotations

import argparse
import json
import statistics
import time
from pathlib import Path

from rag.answer.evidence import EvidenceSelector
from rag.answer.ranking import sigmoid
from rag.answer.retriever import HybridRetriever
from rag.config import load_settings
from rag.evaluate.items import load_items
from rag.evaluate.stages import matches
from rag.models.embeddings import get_embeddings
from rag.models.reader import SentenceReader
from rag.train.dev import auc


def candidate_sets(path: Path, k: int = 6):
    """(item, candidate sentences) for every item of a set without history: the pipeline's own
    retrieval and every sentence of its passages, with the selector's scores."""
    s = load_settings()
    emb = get_embeddings(s)
    retriever = HybridRetriever(s, embeddings=emb)
    selector = EvidenceSelector(emb, max_sentences=60, min_relative=0)
    for item in load_items(path):
        if item.history:
            continue
        cands = selector.run(item.question, retriever.run(item.question, k=k))
        if cands:
            yield item, cands


def probe(sets: list[Path], readers: dict[str, SentenceReader], k: int = 6, mix: float = 0.5) -> dict:
    out: dict = {}
    pooled: dict[str, dict[str, list]] = {}
    for path in sets:
        stats: dict[str, dict[str, list]] = {}
        n_gold = 0
        for item, cands in candidate_sets(path, k):
            scores = {"selector": [c.score for c in cands]}
            for name, reader in readers.items():
                t0 = time.perf_counter()
                res = reader.run(item.question, [c.text for c in cands], [c.passage.title for c in cands])
                ms = (time.perf_counter() - t0) * 1000
                scores[name] = [r.score for r in res]
                stats.setdefault(name, {}).setdefault("ms", []).append(ms)
                scores[f"{name}+sel"] = [
                    mix * c.score + (1 - mix) * sigmoid(r.score) for c, r in zip(cands, res, strict=True)
                ]
            gold = [i for i, c in enumerate(cands) if any(matches(e, c.text) for e in item.evidence or [])]
            if item.answerable and item.evidence:
                n_gold += 1
            for name, v in scores.items():
                st = stats.setdefault(name, {})
                order = sorted(range(len(v)), key=lambda i: -v[i])
                st.setdefault("neg" if not item.answerable else "pos", []).append(max(v))
                if item.answerable and item.evidence:
                    st.setdefault("at1", []).append(int(order[0] in gold))
                    st.setdefault("at3", []).append(int(any(i in gold for i in order[:3])))
        row = {}
        for name, st in stats.items():
            p = pooled.setdefault(name, {})
            for key, vals in st.items():
                p.setdefault(key, []).extend(vals)
            row[name] = _summary(st)
        row["answerable_with_evidence"] = n_gold
        out[path.stem] = row
        print(
            path.stem, n_gold, json.dumps({k: v for k, v in row.items() if isinstance(v, dict)}), flush=True
        )
    out["pooled"] = {name: _summary(st) for name, st in pooled.items()}
    print("pooled", json.dumps(out["pooled"]), flush=True)
    return out


def _summary(st: dict[str, list]) -> dict:
    res = {
        "at1": sum(st.get("at1", [])),
        "at3": sum(st.get("at3", [])),
        "auc": round(auc(st.get("pos", []), st.get("neg", [])), 3),
    }
    if st.get("ms"):
        res["ms_median"] = round(statistics.median(st["ms"]), 1)
    return res


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("sets", nargs="+", type=Path)
    ap.add_argument("--reader", action="append", default=[], help="NAME=FOLDER (repeatable)")
    ap.add_argument("--mix", type=float, default=0.5)
    ap.add_argument("--json", type=Path)
    args = ap.parse_args()
    readers = {}
    for spec in args.reader:
        name, _, folder = spec.partition("=")
        readers[name] = SentenceReader(Path(folder), threads=2)
    res = probe(args.sets, readers, mix=args.mix)
    if args.json:
        args.json.write_text(json.dumps(res, indent=2) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
