"""``rag eval``: retrieval metrics (no LLM) and answer metrics (the full pipeline).

Question sets are JSONL; see eval/README.md for the format. Reports are written as JSON and
Markdown to a timestamped folder under ``<data_dir>/reports`` (or ``--out``).
"""

from __future__ import annotations

import json
import math
import re
import statistics
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from rag.config import PROJECT_ROOT, Settings, load_settings

DEFAULT_SET = PROJECT_ROOT / "eval" / "questions.jsonl"


@dataclass
class EvalItem:
    id: str
    question: str
    type: str
    sources: list[str]
    reference: str
    key_facts: list[list[str]]
    history: list[tuple[str, str]] | None = None

    @property
    def answerable(self) -> bool:
        return self.type != "unanswerable"


def load_items(path: Path) -> list[EvalItem]:
    items = []
    for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        try:
            d = json.loads(line)
            items.append(
                EvalItem(
                    id=d["id"],
                    question=d["question"],
                    type=d["type"],
                    sources=d.get("sources", []),
                    reference=d.get("reference", ""),
                    key_facts=d.get("key_facts", []),
                    history=[tuple(h) for h in d["history"]] if d.get("history") else None,
                )
            )
        except (ValueError, KeyError, TypeError) as exc:
            raise ValueError(f"{path.name}:{n}: invalid question item ({exc})") from exc
    return items


# ---------------------------------------------------------------- retrieval metrics


def is_relevant(passage, item: EvalItem) -> bool:
    """An answer-bearing passage: from a gold article and containing a key fact (as DPR's
    "has answer"). Article-level relevance would be meaningless over five articles."""
    if passage.source not in item.sources:
        return False
    if not item.key_facts:
        return True
    low = passage.text.lower().replace("’", "'")
    return any(alt.lower().replace("’", "'") in low for fact in item.key_facts for alt in fact)


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
    """Without an LLM to rewrite follow-ups, prefix the previous question (stated in the README)."""
    if item.history:
        return f"{item.history[-1][0]} {item.question}"
    return item.question


def evaluate_retrieval(items: list[EvalItem], settings: Settings, k: int = 5) -> dict[str, Any]:
    from rag.ingest import ensure_index
    from rag.retriever import HybridRetriever

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


# ---------------------------------------------------------------- answer metrics


def facts_found(text: str, key_facts: list[list[str]]) -> tuple[int, int]:
    """How many key facts (each a list of accepted spellings) occur in the answer text."""
    low = text.lower().replace("’", "'")
    found = sum(any(alt.lower().replace("’", "'") in low for alt in fact) for fact in key_facts)
    return found, len(key_facts)


def grounding_score(answer) -> float | None:
    """Deterministic, model-free: the share of dates, numbers and names in the answer that
    occur in the passages it cites. None when the answer states no such fact."""
    from rag.verifier import extract_facts, normalise_numbers

    text = normalise_numbers(re.sub(r"\[\d+\]", "", answer.text))
    facts = extract_facts(text)
    passages = " ".join(f"{c.passage} {c.title} {c.date or ''}" for c in answer.citations)
    found = extract_facts(passages)
    low = passages.lower()
    checks = [d in found.dates for d in facts.dates]
    checks += [n in found.numbers for n in facts.numbers]
    checks += [y in found.years for y in facts.years]
    checks += [all(w in low for w in name.split()) for name in facts.names]
    return round(sum(checks) / len(checks), 4) if checks else None


def score_answer(item: EvalItem, answer) -> dict[str, Any]:
    found, total = facts_found(answer.text, item.key_facts)
    abstained = not answer.answerable  # abstentions and "closest passage" quotes
    kept = [c for c in answer.checks if c.status in ("verified", "repaired")]
    dropped = [c for c in answer.checks if c.status == "dropped"]
    cited_sources = sorted({c.source for c in answer.citations})
    return {
        "id": item.id,
        "type": item.type,
        "question": item.question,
        "answer": answer.text,
        "kind": answer.kind,
        "correct": (item.answerable and not abstained and found == total) if total else None,
        "key_facts_found": found,
        "key_facts_total": total,
        "abstained": abstained,
        "draft_sentences": len(answer.checks),
        "sentences_verified": len(kept),
        "sentences_dropped": len(dropped),
        "cited_sources": cited_sources,
        "cites_gold": bool(set(cited_sources) & set(item.sources)) if item.sources else None,
        "latency_s": answer.timings.get("total"),
        "grounding": grounding_score(answer),
        "dropped": [f"{c.text} — {c.reason}" for c in dropped],
    }


def summarise(rows: list[dict[str, Any]]) -> dict[str, Any]:
    answerable = [r for r in rows if r["type"] != "unanswerable"]
    unanswerable = [r for r in rows if r["type"] == "unanswerable"]
    drafts = sum(r["draft_sentences"] for r in rows)
    kept = sum(r["sentences_verified"] for r in rows)
    lat = sorted(r["latency_s"] for r in rows if r["latency_s"] is not None)
    abst = [r for r in rows if r["abstained"]]

    def share(n: int, d: int) -> float | None:
        return round(n / d, 4) if d else None

    by_type: dict[str, dict[str, Any]] = {}
    for r in answerable:
        t = by_type.setdefault(r["type"], {"n": 0, "correct": 0})
        t["n"] += 1
        t["correct"] += bool(r["correct"])
    return {
        "questions": len(rows),
        "answerable_correct": share(sum(bool(r["correct"]) for r in answerable), len(answerable)),
        "answerable_abstained": share(sum(r["abstained"] for r in answerable), len(answerable)),
        "unanswerable_abstained": share(sum(r["abstained"] for r in unanswerable), len(unanswerable)),
        "abstention_precision": share(sum(r["type"] == "unanswerable" for r in abst), len(abst)),
        "sentences_passing_verification": share(kept, drafts),
        "answers_by_kind": {k: sum(r["kind"] == k for r in rows) for k in ("answer", "quote", "abstain")},
        "grounding": round(statistics.mean(g), 4)
        if (g := [r["grounding"] for r in rows if r.get("grounding") is not None])
        else None,
        "latency_p50_s": round(statistics.median(lat), 2) if lat else None,
        "latency_p95_s": round(lat[min(len(lat) - 1, int(0.95 * len(lat)))], 2) if lat else None,
        "by_type": by_type,
    }


def evaluate_answers(items: list[EvalItem], settings: Settings, progress=True) -> dict[str, Any]:
    from rag.pipeline import ask

    rows = []
    for n, item in enumerate(items, start=1):
        t = time.perf_counter()
        answer = ask(item.question, history=item.history, settings=settings)
        row = score_answer(item, answer)
        rows.append(row)
        if progress:
            mark = {True: "ok ", False: "BAD", None: "abs" if row["abstained"] else " - "}[row["correct"]]
            print(
                f"[{n}/{len(items)}] {mark} {time.perf_counter() - t:5.1f}s {item.id} "
                f"{item.question[:60]} -> {answer.text[:80]!r}",
                file=sys.stderr,
            )
    return {"summary": summarise(rows), "per_question": rows}


def format_answers(report: dict[str, Any]) -> str:
    s = report["summary"]
    lines = ["| metric | value |", "|---|---|"]
    for key in (
        "questions",
        "answerable_correct",
        "answerable_abstained",
        "unanswerable_abstained",
        "abstention_precision",
        "sentences_passing_verification",
        "grounding",
        "answers_by_kind",
        "latency_p50_s",
        "latency_p95_s",
    ):
        lines.append(f"| {key} | {s[key]} |")
    lines += ["", "| type | n | correct |", "|---|---|---|"]
    for t, v in sorted(s["by_type"].items()):
        lines.append(f"| {t} | {v['n']} | {v['correct']} |")
    lines += ["", "| id | type | kind | correct | answer |", "|---|---|---|---|---|"]
    for r in report["per_question"]:
        ans = r["answer"].replace("|", "\\|").replace("\n", " ")
        lines.append(f"| {r['id']} | {r['type']} | {r['kind']} | {r['correct']} | {ans} |")
    return "\n".join(lines)


def plot_answers(report: dict[str, Any], out_dir: Path) -> list[Path]:
    """Bar charts: correctness by question type, and what became of each question."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    s = report["summary"]
    paths = []
    types = sorted(s["by_type"])
    if types:
        fig, ax = plt.subplots(figsize=(7, 3.5))
        ax.bar(types, [s["by_type"][t]["correct"] / s["by_type"][t]["n"] for t in types], color="#2a7")
        ax.set_ylim(0, 1)
        ax.set_ylabel("share correct")
        ax.set_title("Answerable questions answered correctly, by type")
        ax.tick_params(axis="x", labelrotation=20)
        fig.tight_layout()
        paths.append(out_dir / "correct_by_type.png")
        fig.savefig(paths[-1], dpi=110)
        plt.close(fig)
    kinds = s["answers_by_kind"]
    fig, ax = plt.subplots(figsize=(5, 3))
    ax.bar(list(kinds), list(kinds.values()), color=["#2a7", "#888", "#c70"])
    ax.set_title("Final answers by kind")
    fig.tight_layout()
    paths.append(out_dir / "answers_by_kind.png")
    fig.savefig(paths[-1], dpi=110)
    plt.close(fig)
    return paths


def compare(a: Path, b: Path) -> str:
    """What changed between two answer reports: headline metrics and per-question outcomes."""
    ra = json.loads((a / "answers.json").read_text())
    rb = json.loads((b / "answers.json").read_text())
    lines = [f"{'metric':<32}{a.name:>18}{b.name:>18}"]
    for key, va in ra["summary"].items():
        vb = rb["summary"].get(key)
        if isinstance(va, int | float) and isinstance(vb, int | float):
            lines.append(f"{key:<32}{va:>18}{vb:>18}")
    qa = {r["id"]: r for r in ra["per_question"]}
    for r in rb["per_question"]:
        old = qa.get(r["id"])
        if old and (old["correct"], old["kind"]) != (r["correct"], r["kind"]):
            lines.append(
                f"  {r['id']}: {old['kind']}/{old['correct']} -> {r['kind']}/{r['correct']}"
                f"  {r['question'][:70]}"
            )
    return "\n".join(lines)


def _write(out_dir: Path, name: str, data: dict[str, Any], text: str) -> None:
    out_dir.mkdir(parents=True, exist_ok=True)
    (out_dir / f"{name}.json").write_text(json.dumps(data, indent=2, ensure_ascii=False))
    (out_dir / f"{name}.md").write_text(text + "\n")


def main(args) -> int:
    settings = load_settings()
    path = Path(args.set) if args.set else DEFAULT_SET
    if not path.is_file():
        print(f"error: question set not found: {path}", file=sys.stderr)
        return 2
    try:
        items = load_items(path)
    except ValueError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    if args.compare:
        a, b = (Path(p) for p in args.compare)
        for p in (a, b):
            if not (p / "answers.json").is_file():
                print(f"error: no answers.json in {p}", file=sys.stderr)
                return 2
        print(compare(a, b))
        return 0
    if args.limit:
        items = items[: args.limit]
    out_dir = Path(args.out) if args.out else settings.reports_dir / time.strftime("%Y%m%d-%H%M%S")
    if args.retrieval:
        results = evaluate_retrieval(items, settings, k=args.k)
        text = format_retrieval(results)
        _write(out_dir, "retrieval", results, text)
        print(text)
    else:
        report = evaluate_answers(items, settings)
        text = format_answers(report)
        _write(out_dir, "answers", report, text)
        plot_answers(report, out_dir)
        print(text)
    print(f"report written to {out_dir}", file=sys.stderr)
    return 0
