"""``rag eval``: retrieval metrics (no LLM) and answer metrics (the full pipeline).

Question sets are JSONL; see eval/README.md for the format. Reports are written as JSON and
Markdown to a timestamped folder under ``<data_dir>/reports`` (or ``--out``).
"""

from __future__ import annotations

import json
import sys
import time
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import Any

from rag.config import Settings, load_settings
from rag.evaluate.calibration import run_calibration
from rag.evaluate.items import DEFAULT_CALIBRATION_SET, DEFAULT_SET, EvalItem, load_items
from rag.evaluate.retrieval import evaluate_retrieval, fill_retrieval, format_retrieval
from rag.evaluate.scoring import (
    check_thresholds,
    compare,
    grounding_score,
    judged_summary,
    score_answer,
    summarise,
)

SYSTEMS = ("ours", "v05", "extract", "written", "baseline")


def answer_all(
    items: list[EvalItem],
    settings: Settings,
    system: str = "ours",
    progress=True,
    done: dict[str, dict[str, Any]] | None = None,
    save: Callable[[list[dict[str, Any]]], None] | None = None,
):
    """Every question through ``ask()`` (``v05``: with 0.5.0's readers; ``extract``: with 0.5's
    span-copying fact reader;
    ``written``: with every answer written, as before the extractive path; ``baseline``: the
    plain LangChain chain); one scored row each.

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
        from rag.factory import ask

        mode = "write" if system == "written" else settings.answer_mode
        system_settings = replace(settings, answer_mode=mode)
        if system == "extract":  # 0.5's fact reader: the model copies a span, a P(yes) gate
            system_settings = replace(system_settings, fact_reader="extract")
        if system == "v05":  # 0.5.0's readers: span copy and gate, written answers, no timeline
            system_settings = replace(
                system_settings,
                fact_reader="extract",
                why_reader="write",
                open_reader="write",
                timeline_reader="off",
            )

        def run(item: EvalItem):
            return ask(item.question, history=item.history, settings=system_settings)

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
    from rag.evaluate.claims import CitedSentence, judge_answer

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
            # A run saved before claims were recorded is read from its text.
            claims = [CitedSentence(**c) for c in row["claims"]] if "claims" in row else row["answer"]
            row["judged"] = judge_answer(claims, passages, judge, context=row.get("context"))
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


def write_json(path: Path, data: dict[str, Any]) -> None:
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
        write_json(out_dir / "retrieval.json", results)
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
        for name in SYSTEMS:
            file = _answers_file(name)
            if (out_dir / file).is_file():
                systems[name] = json.loads((out_dir / file).read_text())
        if not systems:
            return _error(f"no answers.json in {out_dir}")
        wanted = {r["id"] for r in next(iter(systems.values()))["per_question"]}
        items = [i for i in items if i.id in wanted]
        fill_retrieval(systems, items, settings)
        for system in systems.values():
            for row in system["per_question"]:  # with today's fact checks
                row["grounding"] = grounding_score(row["answer"], row["citations"])
            system["summary"] = summarise(system["per_question"])
            if judge is None and any("judged" in r for r in system["per_question"]):
                # Reported again without a judge: the verdicts the rows already carry still count.
                system["summary"].update(judged_summary(system["per_question"]))
    else:
        out_dir = Path(args.resume) if args.resume else out_dir or _stamp(settings)
        extra = {"v05": args.v05, "extract": args.extract, "written": args.written, "baseline": args.baseline}
        names = ["ours", *(name for name, wanted in extra.items() if wanted)]
        for name in names:
            file = out_dir / _answers_file(name)
            done = {}
            if args.resume and file.is_file():
                done = {r["id"]: r for r in json.loads(file.read_text())["per_question"]}

            def save(rows: list[dict[str, Any]], file: Path = file) -> None:
                write_json(file, {"summary": summarise(rows), "per_question": rows, "complete": False})

            t = time.perf_counter()
            rows = answer_all(items, settings, system=name, done=done, save=save)
            phases[f"answering ({name})"] = time.perf_counter() - t
            systems[name] = {"summary": summarise(rows), "per_question": rows}
            write_json(file, systems[name])

    calibration = None
    if judge is None and args.rejudge and (out_dir / "calibration.json").is_file():
        # Reported again without a judge: the judge's calibration of that run still stands.
        calibration = json.loads((out_dir / "calibration.json").read_text())
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
            write_json(out_dir / _answers_file(name), system)

    from rag.evaluate.report import build_report, headline_rows, write_report

    report = build_report(path, items, settings, systems, calibration, phases)
    md = write_report(report, out_dir)
    print(f"{'metric':<70}" + "".join(f"{n:>10}" for n in systems))
    for label, vals in headline_rows(report):
        print(f"{label:<70}" + "".join(f"{v:>10}" for v in vals))
    from rag.evaluate.stages import stage_lines

    print("\n".join(stage_lines(report)))
    print(f"report written to {md} (and report.html)", file=sys.stderr)
    if args.check:
        failures = check_thresholds(report, Path(args.check))
        for f in failures:
            print(f"threshold failed: {f}", file=sys.stderr)
        if failures:
            return 1
    return 0


def _answers_file(system: str) -> str:
    return "answers.json" if system == "ours" else f"{system}.json"


def _stamp(settings: Settings) -> Path:
    return settings.reports_dir / time.strftime("%Y%m%d-%H%M%S")
