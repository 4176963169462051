"""``rag eval``: retrieval metrics (no LLM) and answer metrics (the full pipeline).

Question sets are JSONL; see eval/README.md for the format. Reports are written as JSON and
Markdown to a timestamped folder under ``<data_dir>/reports`` (or ``--out``).
"""

from __future__ import annotations

import json
import math
import statistics
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from rag.config import PROJECT_ROOT, Settings, load_settings

DEFAULT_SET = PROJECT_ROOT / "eval" / "questions.jsonl"
DEFAULT_CALIBRATION_SET = PROJECT_ROOT / "eval" / "calibration.jsonl"


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


def _str_list(value: Any, field: str) -> list[str]:
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ValueError(f"'{field}' must be a list of strings")
    return value


def _item(d: Any) -> EvalItem:
    """One question item, its fields and their types checked (the message names the field)."""
    if not isinstance(d, dict):
        raise ValueError("an item must be a JSON object")
    for field in ("id", "question", "type"):
        if not isinstance(d.get(field), str) or not d[field].strip():
            raise ValueError(f"'{field}' must be a non-empty string")
    facts = d.get("key_facts", [])
    if not isinstance(facts, list) or not all(isinstance(f, list) for f in facts):
        raise ValueError("'key_facts' must be a list of lists of alternative strings")
    for f in facts:
        _str_list(f, "key_facts")
    history = d.get("history")
    pairs_ok = isinstance(history, list) and all(
        isinstance(h, list) and len(h) == 2 and all(isinstance(x, str) for x in h) for h in history
    )
    if history is not None and not pairs_ok:
        raise ValueError("'history' must be a list of [question, answer] pairs")
    if not isinstance(d.get("reference", ""), str):
        raise ValueError("'reference' must be a string")
    return EvalItem(
        id=d["id"],
        question=d["question"],
        type=d["type"],
        sources=_str_list(d.get("sources", []), "sources"),
        reference=d.get("reference", ""),
        key_facts=facts,
        history=[(h[0], h[1]) for h in history] if history else None,
    )


def load_items(path: Path) -> list[EvalItem]:
    """Question items from a JSONL file; ValueError naming the line of the first bad item."""
    items = []
    seen: set[str] = set()
    for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        try:
            item = _item(json.loads(line))
        except ValueError as exc:  # json.JSONDecodeError is a ValueError
            raise ValueError(f"{path.name}:{n}: invalid question item ({exc})") from exc
        if item.id in seen:
            raise ValueError(f"{path.name}:{n}: duplicate question id {item.id!r}")
        seen.add(item.id)
        items.append(item)
    if not items:
        raise ValueError(f"{path.name}: no question items")
    return items


# ---------------------------------------------------------------- retrieval metrics


def fold(text: str) -> str:
    """Case, curly apostrophes and no-break spaces (news HTML has them) don't decide a match."""
    return text.lower().replace("’", "'").replace("\u00a0", " ")


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
    """Without an LLM to rewrite follow-ups, prefix the previous question (stated in the README)."""
    if item.history:
        return f"{item.history[-1][0]} {item.question}"
    return item.question


def evaluate_retrieval(items: list[EvalItem], settings: Settings, k: int = 5) -> dict[str, Any]:
    from rag.answer.retriever import HybridRetriever
    from rag.ingest.indexer import ensure_index

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
    low = fold(text)
    found = sum(any(fold(alt) in low for alt in fact) for fact in key_facts)
    return found, len(key_facts)


def grounding_score(text: str, citations: list[dict[str, Any]]) -> float | None:
    """Deterministic, model-free: the share of dates, numbers and names in the answer that
    occur in the passages it cites. None when the answer states no such fact."""
    from rag.evaluate.grounding import fact_checks

    passages = " ".join(f"{c['passage']} {c['title']} {c['date'] or ''}" for c in citations)
    checks = [ok for _, ok in fact_checks(text, passages)]
    return round(sum(checks) / len(checks), 4) if checks else None


RETRIEVAL_K = 4  # the baseline stuffs 4 chunks; both systems are scored at the same depth


def retrieval_scores(passages, item: EvalItem, k: int = RETRIEVAL_K) -> dict[str, float] | None:
    if not item.sources:
        return None
    return {
        f"recall@{k}": recall_at(passages, item, k),
        "rr": reciprocal_rank(passages, item),
        f"ndcg@{k}": round(ndcg_at(passages, item, k), 4),
    }


def score_answer(item: EvalItem, answer) -> dict[str, Any]:
    found, total = facts_found(answer.text, item.key_facts)
    abstained = not answer.answerable  # abstentions and "closest passage" quotes
    kept = [c for c in answer.checks if c.status in ("verified", "repaired")]
    dropped = [c for c in answer.checks if c.status == "dropped"]
    cited_sources = sorted({c.source for c in answer.citations})
    # Kept so that a run can be judged again later without answering again.
    citations = [
        {k: getattr(c, k) for k in ("number", "source", "title", "date", "quote", "passage")}
        for c in answer.citations
    ]
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
        "tokens": sum(answer.tokens.values()) if answer.tokens else None,
        "grounding": grounding_score(answer.text, citations),
        "retrieval": retrieval_scores(answer.passages, item),
        "dropped": [f"{c.text} — {c.reason}" for c in dropped],
        "citations": citations,
        # What the system retrieved, so faithfulness can also be judged RAGAS's original way
        # (claims against the whole retrieved context), which a baseline that never cites needs.
        "context": [p.text for p in answer.passages],
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
        **{
            f"retrieval_{key}": round(statistics.mean(vals), 4)
            for key in (f"recall@{RETRIEVAL_K}", "rr", f"ndcg@{RETRIEVAL_K}")
            if (vals := [r["retrieval"][key] for r in rows if r.get("retrieval")])
        },
        "tokens_mean": round(statistics.mean(tok))
        if (tok := [r["tokens"] for r in rows if r.get("tokens")])
        else None,
        "latency_p95_s": round(lat[min(len(lat) - 1, int(0.95 * len(lat)))], 2) if lat else None,
        "by_type": by_type,
    }


def answer_all(
    items: list[EvalItem],
    settings: Settings,
    system: str = "ours",
    progress=True,
    done: dict[str, dict[str, Any]] | None = None,
    save: Callable[[list[dict[str, Any]]], None] | None = None,
):
    """Every question through ``ask()`` (or the baseline chain); one scored row each.

    Rows in ``done`` (by id, from an interrupted run) are kept without answering again, and
    ``save`` gets the rows after every question, so a run of an hour or more can be resumed.
    """
    done = done or {}
    if system == "baseline":
        from rag.evaluate.baseline import BaselineChain

        chain = BaselineChain(settings)

        def run(item: EvalItem):
            return chain.run(item.question, history=item.history)
    else:
        from rag.answer.pipeline import ask

        def run(item: EvalItem):
            return ask(item.question, history=item.history, settings=settings)

    rows = []
    for n, item in enumerate(items, start=1):
        if item.id in done:
            rows.append(done[item.id])
            if progress:
                print(f"[{system} {n}/{len(items)}] {item.id} answered in the earlier run", file=sys.stderr)
            continue
        t = time.perf_counter()
        row = score_answer(item, run(item))
        rows.append(row)
        if save:
            save(rows)
        if progress:
            mark = {True: "ok ", False: "BAD", None: "abs" if row["abstained"] else " - "}[row["correct"]]
            print(
                f"[{system} {n}/{len(items)}] {mark} {time.perf_counter() - t:5.1f}s {item.id} "
                f"{item.question[:60]} -> {row['answer'][:80]!r}",
                file=sys.stderr,
            )
    return rows


def judge_all(
    rows: list[dict[str, Any]], items: list[EvalItem], judge, equivalence: bool = True, progress=True
) -> None:
    """Add faithfulness, ALCE citation scores and judged correctness to each answered row."""
    from rag.evaluate.claims import judge_answer

    refs = {i.id: i.reference for i in items}
    for n, row in enumerate(rows, start=1):
        t = time.perf_counter()
        calls = judge.calls
        if row["abstained"]:
            row.update(
                faithfulness=None,
                context_faithfulness=None,
                citation_recall=None,
                citation_precision=None,
                judged=None,
            )
        else:
            passages = {c["number"]: c["passage"] for c in row["citations"]}
            row["judged"] = judge_answer(row["answer"], passages, judge, context=row.get("context"))
            for key in ("faithfulness", "context_faithfulness", "citation_recall", "citation_precision"):
                row[key] = row["judged"][key]
            if equivalence and row["type"] != "unanswerable" and refs.get(row["id"]):
                # Judged equivalence: does the answer state what the reference answer states?
                # The model alone: the guard would demand every incidental detail of the reference.
                row["judged_correct"] = judge.ask_model(refs[row["id"]], [row["answer"]])
        if progress:
            print(
                f"[judge {n}/{len(rows)}] {row['id']} faithfulness={row['faithfulness']} "
                f"recall={row['citation_recall']} precision={row['citation_precision']} "
                f"({judge.calls - calls} model calls, {time.perf_counter() - t:.1f}s)",
                file=sys.stderr,
            )


def judged_summary(rows: list[dict[str, Any]]) -> dict[str, Any]:
    def mean(key: str) -> float | None:
        vals = [r[key] for r in rows if r.get(key) is not None]
        return round(statistics.mean(vals), 4) if vals else None

    claims = [c for r in rows if r.get("judged") for c in r["judged"]["claims"]]
    answerable = [r for r in rows if r["type"] != "unanswerable"]
    judged_correct = sum(bool(r.get("judged_correct")) for r in answerable)
    equivalence_judged = any("judged_correct" in r for r in answerable)
    return {
        "faithfulness": mean("faithfulness"),
        "context_faithfulness": mean("context_faithfulness"),
        "claims_judged": len(claims),
        "claims_supported": sum(c["supported"] for c in claims),
        "citation_recall": mean("citation_recall"),
        "citation_precision": mean("citation_precision"),
        # Declined answers count as not correct, as in the key-fact score.
        "answerable_judged_correct": round(judged_correct / len(answerable), 4)
        if answerable and equivalence_judged
        else None,
    }


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


def _write_json(path: Path, data: dict[str, Any]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(data, indent=2, ensure_ascii=False))


def _error(message: str) -> int:
    print(f"error: {message}", file=sys.stderr)
    return 2


def _make_judge(args, settings: Settings):
    if (args.judge or "").lower() == "none":
        return None
    from rag.evaluate.judge import SupportJudge
    from rag.models.chat import parse_llm

    spec = None if args.judge in (None, "local") else args.judge
    if spec:
        parse_llm(spec)  # a bad spec fails here, before any answering, with one line
    return SupportJudge(spec, settings, mode=args.judge_mode)


def run_calibration(
    judge, path: Path, out_dir: Path | None, sample: int | None = None, progress: bool = True
) -> dict[str, Any]:
    from rag.evaluate.calibration import calibrate, format_calibration, load_pairs

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
        _write_json(out_dir / "calibration.json", result)
    print(format_calibration(result), file=sys.stderr)
    return result


def check_thresholds(report: dict[str, Any], path: Path) -> list[str]:
    """The headline figures of our pipeline that fell below the stated minimum."""
    minimums = json.loads(path.read_text())
    summary = report["systems"]["ours"]["summary"]
    cal = report.get("calibration") or {}
    failures = []
    for key, minimum in minimums.items():
        value = cal.get("accuracy") if key == "judge_calibration_accuracy" else summary.get(key)
        if value is None or value < minimum:
            failures.append(f"{key} = {value} is below {minimum}")
    return failures


def main(args) -> int:
    settings = load_settings()
    if args.compare:
        a, b = (Path(p) for p in args.compare)
        for p in (a, b):
            if not (p / "answers.json").is_file():
                return _error(f"no answers.json in {p}")
        print(compare(a, b))
        return 0
    if args.check and not Path(args.check).is_file():
        return _error(f"threshold file not found: {args.check}")
    out_dir = Path(args.out) if args.out else None
    judge = _make_judge(args, settings)
    cal_path = Path(args.calibration_set) if args.calibration_set else DEFAULT_CALIBRATION_SET
    if judge is not None and not cal_path.is_file():
        return _error(f"calibration set not found: {cal_path}")

    if args.calibrate:
        if judge is None:
            return _error("--calibrate needs a judge (not --judge none)")
        try:
            run_calibration(judge, cal_path, out_dir or _stamp(settings), args.calibration_sample)
        except ValueError as exc:
            return _error(str(exc))
        return 0

    path = Path(args.set) if args.set else DEFAULT_SET
    if not path.is_file():
        return _error(f"question set not found: {path}")
    try:
        items = load_items(path)
    except ValueError as exc:
        return _error(str(exc))
    if args.ids:
        wanted = [i.strip() for i in args.ids.split(",") if i.strip()]
        unknown = sorted(set(wanted) - {i.id for i in items})
        if unknown:
            return _error(f"no question with id {', '.join(unknown)} in {path.name}")
        items = [i for i in items if i.id in wanted]
    if args.limit:
        items = items[: args.limit]

    if args.retrieval:
        out_dir = out_dir or _stamp(settings)
        results = evaluate_retrieval(items, settings, k=args.k)
        text = format_retrieval(results)
        _write_json(out_dir / "retrieval.json", results)
        (out_dir / "retrieval.md").write_text(text + "\n")
        print(text)
        print(f"report written to {out_dir}", file=sys.stderr)
        return 0

    if args.resume and (args.rejudge or not Path(args.resume).is_dir()):
        return _error("--resume needs the folder of an earlier run, and not --rejudge")
    systems: dict[str, dict[str, Any]] = {}
    phases: dict[str, float] = {}  # wall time of each step of this invocation, for the report
    if args.rejudge:
        out_dir = Path(args.rejudge)
        for name, file in (("ours", "answers.json"), ("baseline", "baseline.json")):
            if (out_dir / file).is_file():
                systems[name] = json.loads((out_dir / file).read_text())
        if not systems:
            return _error(f"no answers.json in {out_dir}")
        wanted = {r["id"] for r in next(iter(systems.values()))["per_question"]}
        items = [i for i in items if i.id in wanted]
        _fill_retrieval(systems, items, settings)
        for system in systems.values():
            for row in system["per_question"]:  # with today's fact checks
                row["grounding"] = grounding_score(row["answer"], row["citations"])
            system["summary"] = summarise(system["per_question"])
    else:
        out_dir = Path(args.resume) if args.resume else out_dir or _stamp(settings)
        names = ["ours", "baseline"] if args.baseline else ["ours"]
        for name in names:
            file = out_dir / _answers_file(name)
            done = {}
            if args.resume and file.is_file():
                done = {r["id"]: r for r in json.loads(file.read_text())["per_question"]}

            def save(rows: list[dict[str, Any]], file: Path = file) -> None:
                _write_json(file, {"summary": summarise(rows), "per_question": rows, "complete": False})

            t = time.perf_counter()
            rows = answer_all(items, settings, system=name, done=done, save=save)
            phases[f"answering ({name})"] = time.perf_counter() - t
            systems[name] = {"summary": summarise(rows), "per_question": rows}
            _write_json(file, systems[name])

    calibration = None
    if judge is not None:
        t = time.perf_counter()
        calibration = run_calibration(judge, cal_path, out_dir, args.calibration_sample)
        phases["judge calibration"] = time.perf_counter() - t
        for name, system in systems.items():
            print(f">>> judging the answers of {name} with {judge.label}", file=sys.stderr)
            t = time.perf_counter()
            judge_all(system["per_question"], items, judge, equivalence=not args.no_equivalence)
            phases[f"judging ({name})"] = time.perf_counter() - t
            system["summary"].update(judged_summary(system["per_question"]))
            _write_json(out_dir / _answers_file(name), system)

    from rag.evaluate.report import headline_rows, write_report

    report = {
        "created": time.strftime("%Y-%m-%d %H:%M:%S"),
        "set": str(path),
        "questions": len(items),
        "model": settings.llm,
        "calibration": {k: v for k, v in calibration.items() if k not in ("per_pair", "errors")}
        if calibration
        else None,
        "systems": systems,
        "phases_s": {k: round(v, 1) for k, v in phases.items()},
    }
    md = write_report(report, out_dir)
    print(f"{'metric':<70}" + "".join(f"{n:>10}" for n in systems))
    for label, vals in headline_rows(report):
        print(f"{label:<70}" + "".join(f"{v:>10}" for v in vals))
    print(f"report written to {md} (and report.html)", file=sys.stderr)
    if args.check:
        failures = check_thresholds(report, Path(args.check))
        for f in failures:
            print(f"threshold failed: {f}", file=sys.stderr)
        if failures:
            return 1
    return 0


def _fill_retrieval(systems: dict[str, dict[str, Any]], items: list[EvalItem], settings: Settings) -> None:
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


def _answers_file(system: str) -> str:
    return "answers.json" if system == "ours" else f"{system}.json"


def _stamp(settings: Settings) -> Path:
    return settings.reports_dir / time.strftime("%Y%m%d-%H%M%S")
