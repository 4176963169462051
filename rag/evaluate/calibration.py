"""How far to trust the judge: its accuracy on hand-labelled (claim, passage, supported?) pairs.

``eval/calibration.jsonl`` holds the pairs (format in eval/README.md), near misses included.
Three verdicts are scored for each pair: the model alone, the fact guard alone (every date,
number and name of the claim occurs in the passage), and the judge as configured.
"""

from __future__ import annotations

import json
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from rag.evaluate.grounding import missing_facts
from rag.evaluate.judge import SupportJudge, is_verbatim


@dataclass
class LabelledPair:
    id: str
    passage: str
    claim: str
    supported: bool
    kind: str
    source: str = ""
    note: str = ""


def load_pairs(path: Path) -> list[LabelledPair]:
    pairs = []
    for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        try:
            d = json.loads(line)
            if not isinstance(d["supported"], bool):
                raise TypeError("'supported' must be true or false")
            pairs.append(
                LabelledPair(
                    id=str(d["id"]),
                    passage=str(d["passage"]),
                    claim=str(d["claim"]),
                    supported=d["supported"],
                    kind=str(d.get("kind", "")),
                    source=str(d.get("source", "")),
                    note=str(d.get("note", "")),
                )
            )
        except (ValueError, KeyError, TypeError) as exc:
            raise ValueError(f"{path.name}:{n}: invalid calibration pair ({exc})") from exc
    if not pairs:
        raise ValueError(f"{path.name}: no calibration pairs")
    return pairs


def _accuracy(rows: list[dict[str, Any]], key: str) -> float:
    return round(sum(r[key] == r["label"] for r in rows) / len(rows), 4)


def calibrate(judge: SupportJudge, pairs: list[LabelledPair], progress: bool = True) -> dict[str, Any]:
    rows = []
    for n, pair in enumerate(pairs, start=1):
        passages = [pair.passage]
        verbatim = is_verbatim(pair.claim, passages)
        missing = missing_facts(pair.claim, pair.passage)
        model = judge.ask_model(pair.claim, passages)
        judged = judge.run(pair.claim, passages).supported
        rows.append(
            {
                "id": pair.id,
                "kind": pair.kind,
                "claim": pair.claim,
                "label": pair.supported,
                "model": model,
                "facts": not missing,
                "judge": judged,
                "verbatim": verbatim,
                "missing": missing,
            }
        )
        if progress:
            mark = "ok " if judged == pair.supported else "ERR"
            print(f"[{n}/{len(pairs)}] {mark} {pair.id} {pair.kind:<22} {pair.claim[:70]}", file=sys.stderr)
    by_kind: dict[str, dict[str, Any]] = {}
    for r in rows:
        k = by_kind.setdefault(r["kind"], {"n": 0, "model": 0, "facts": 0, "judge": 0})
        k["n"] += 1
        for key in ("model", "facts", "judge"):
            k[key] += r[key] == r["label"]
    pos = [r for r in rows if r["label"]]
    neg = [r for r in rows if not r["label"]]
    return {
        "judge": judge.label,
        "pairs": len(rows),
        "supported_pairs": len(pos),
        "accuracy": _accuracy(rows, "judge"),
        "accuracy_model_alone": _accuracy(rows, "model"),
        "accuracy_facts_alone": _accuracy(rows, "facts"),
        # Of the truly supported pairs, how many the judge accepts; of the unsupported, how
        # many it rejects. Faithfulness errs upward when the second is low.
        "true_positive_rate": round(sum(r["judge"] for r in pos) / len(pos), 4) if pos else None,
        "true_negative_rate": round(sum(not r["judge"] for r in neg) / len(neg), 4) if neg else None,
        "model_calls": judge.calls,
        "by_kind": by_kind,
        "errors": [r for r in rows if r["judge"] != r["label"]],
        "per_pair": rows,
    }


def format_calibration(result: dict[str, Any]) -> str:
    lines = [
        f"Judge calibration: {result['judge']} on {result['pairs']} labelled pairs "
        f"({result['supported_pairs']} supported)",
        f"  accuracy {result['accuracy']:.3f}  (model alone {result['accuracy_model_alone']:.3f}, "
        f"fact guard alone {result['accuracy_facts_alone']:.3f})",
        f"  accepts {result['true_positive_rate']:.3f} of supported claims, "
        f"rejects {result['true_negative_rate']:.3f} of unsupported ones",
        "",
        f"  {'kind':<24}{'n':>4}{'model':>8}{'facts':>8}{'judge':>8}",
    ]
    for kind, k in sorted(result["by_kind"].items()):
        lines.append(f"  {kind:<24}{k['n']:>4}{k['model']:>8}{k['facts']:>8}{k['judge']:>8}")
    if result["errors"]:
        lines.append("  judge errors:")
        for r in result["errors"]:
            lines.append(f"    {r['id']} ({r['kind']}, label {r['label']}): {r['claim'][:90]}")
    return "\n".join(lines)


def run_calibration(
    judge, path: Path, out_dir: Path | None, sample: int | None = None, progress: bool = True
) -> dict[str, Any]:
    pairs = load_pairs(path)
    if sample and sample < len(pairs):
        # Evenly spaced within each label, in the set's proportions, so every article and
        # kind of pair stays represented.
        pos = [p for p in pairs if p.supported]
        neg = [p for p in pairs if not p.supported]
        n_pos = round(sample * len(pos) / len(pairs))
        chosen = {id(g[i * len(g) // n]) for g, n in ((pos, n_pos), (neg, sample - n_pos)) for i in range(n)}
        pairs = [p for p in pairs if id(p) in chosen]
    result = calibrate(judge, pairs, progress=progress)
    if out_dir:
        out_dir.mkdir(parents=True, exist_ok=True)
        (out_dir / "calibration.json").write_text(json.dumps(result, indent=2, ensure_ascii=False))
    print(format_calibration(result), file=sys.stderr)
    return result
