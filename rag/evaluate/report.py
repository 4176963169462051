"""The eval report: a Markdown page and an HTML page (same content) with the headline table
(ours beside the baseline), the judge's calibration beside faithfulness, plots, and one row
per question."""

from __future__ import annotations

import html
import json
import time
from pathlib import Path
from typing import Any

from rag.config import Settings
from rag.evaluate.items import EvalItem
from rag.evaluate.stages import stage_lines, stages_for

HEADLINE = [
    ("answerable_correct", "answerable questions correct (key facts)"),
    ("answerable_too_long", "answers with every key fact but too long to count (passage dumps)"),
    ("answerable_judged_correct", "answerable questions correct (judged equivalence)"),
    ("unanswerable_abstained", "unanswerable questions declined (abstention recall)"),
    ("wrong_presented", "wrong answers presented as answers (answerable wrong + unanswerable answered)"),
    ("abstention_precision", "declines that were right to decline (abstention precision)"),
    ("answerable_abstained", "answerable questions declined"),
    ("faithfulness", "faithfulness (RAGAS: supported claims / claims, against cited passages)"),
    ("context_faithfulness", "faithfulness against everything retrieved (cited or not)"),
    ("citation_recall", "citation recall (ALCE)"),
    ("citation_precision", "citation precision (ALCE)"),
    ("grounding", "grounding (dates, numbers, names found in cited passages; no model)"),
    ("sentences_passing_verification", "draft sentences passing the verifier"),
    ("retrieval_recall@4", "retrieval recall@4 (answer-bearing passage of a gold article)"),
    ("retrieval_rr", "retrieval MRR"),
    ("retrieval_ndcg@4", "retrieval nDCG@4"),
    ("latency_p50_s", "latency p50 (s)"),
    ("latency_p95_s", "latency p95 (s)"),
    ("tokens_mean", "tokens per question, prompt + output (mean)"),
]


def _fmt(value: Any) -> str:
    if value is None:
        return "–"
    if isinstance(value, float):
        return f"{value:.3f}" if value <= 1 else f"{value:.1f}"
    return str(value)


def headline_rows(report: dict[str, Any]) -> list[tuple[str, list[str]]]:
    systems = report["systems"]
    return [
        (label, [_fmt(systems[name]["summary"].get(key)) for name in systems])
        for key, label in HEADLINE
        if any(systems[name]["summary"].get(key) is not None for name in systems)
    ]


def calibration_line(report: dict[str, Any]) -> str:
    cal = report.get("calibration")
    if not cal:
        return "No judge was used: faithfulness and citation scores were not computed."
    return (
        f"Judge: {cal['judge']}. On {cal['pairs']} hand-labelled (claim, passage) pairs it agrees "
        f"with the label {cal['accuracy']:.1%} of the time; it accepts {cal['true_positive_rate']:.1%} "
        f"of supported claims and rejects {cal['true_negative_rate']:.1%} of unsupported ones. "
        "Read faithfulness and citation scores with that error in mind."
    )


def phases_line(report: dict[str, Any]) -> str:
    """How long each step of the run took (steps resumed or re-judged from cache are cheap)."""
    phases = report.get("phases_s") or {}
    if not phases:
        return ""
    steps = ", ".join(f"{name} {sec / 60:.1f} min" for name, sec in phases.items())
    return f"Wall time on this machine: {steps}; {sum(phases.values()) / 60:.1f} min in all."


def _question_rows(report: dict[str, Any]) -> tuple[list[str], list[list[str]]]:
    systems = report["systems"]
    header = ["id", "type"]
    for name in systems:
        header += [f"{name}: answer", f"{name}: correct", f"{name}: faithful", f"{name}: cit. R/P"]
    by_id = {name: {r["id"]: r for r in s["per_question"]} for name, s in systems.items()}
    rows = []
    for r in next(iter(systems.values()))["per_question"]:
        row = [r["id"], r["type"]]
        for name in systems:
            q = by_id[name].get(r["id"])
            if q is None:
                row += ["", "", "", ""]
                continue
            correct = "declined" if q["abstained"] else _fmt(q["correct"])
            if q["type"] == "unanswerable":
                correct = "declined ✓" if q["abstained"] else "answered ✗"
            rp = f"{_fmt(q.get('citation_recall'))}/{_fmt(q.get('citation_precision'))}"
            row += [q["answer"], correct, _fmt(q.get("faithfulness")), rp]
        rows.append(row)
    return header, rows


def overlap_line(report: dict[str, Any]) -> str:
    o = report.get("overlap") or {}
    if not o.get("items"):
        return ""
    return (
        f"Question wording: on average {o['mean']:.0%} of an answerable question's content words occur "
        f"in its answer sentence (max {o['max']:.0%}; {o['over_half']} of {o['items']} over half)."
    )


def form_lines(report: dict[str, Any]) -> list[str]:
    """Answerable questions correct / declined by what they ask (who, why, ordering, …), where
    the set gives each item's form."""
    systems = report["systems"]
    names = list(systems)
    forms = sorted({f for s in systems.values() for f in s["summary"].get("by_form", {})})
    if not forms:
        return []
    lines = ["## Answerable questions by form (correct / declined of n)", ""]
    lines += ["| form | n | " + " | ".join(names) + " |", "|---|---|" + "---|" * len(names)]
    for f in forms:
        cells = []
        n = 0
        for name in names:
            bf = systems[name]["summary"].get("by_form", {}).get(f)
            n = max(n, bf["n"] if bf else 0)
            cells.append(f"{bf['correct']} / {bf['declined']}" if bf else "–")
        lines.append(f"| {f} | {n} | " + " | ".join(cells) + " |")
    return lines + [""]


def to_markdown(report: dict[str, Any], plots: list[Path]) -> str:
    names = list(report["systems"])
    lines = [
        f"# Evaluation report {report['created']}",
        "",
        f"Question set `{report['set']}` ({report['questions']} questions), model `{report['model']}`.",
        "",
        overlap_line(report),
        "",
        calibration_line(report),
        "",
        phases_line(report),
        "",
        "| metric | " + " | ".join(names) + " |",
        "|---|" + "---|" * len(names),
    ]
    lines += [f"| {label} | " + " | ".join(vals) + " |" for label, vals in headline_rows(report)]
    lines += (
        [""] + [f"![{p.stem}]({p.name})" for p in plots] + [""] + form_lines(report) + stage_lines(report)
    )
    lines += ["## Per question", ""]
    header, rows = _question_rows(report)
    lines += ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    for row in rows:
        lines.append("| " + " | ".join(c.replace("|", "\\|").replace("\n", " ") for c in row) + " |")
    return "\n".join(lines) + "\n"


def to_html(report: dict[str, Any], plots: list[Path]) -> str:
    e = html.escape
    names = list(report["systems"])
    head = "".join(f"<th>{e(n)}</th>" for n in names)
    body = "".join(
        f"<tr><td>{e(label)}</td>" + "".join(f"<td>{e(v)}</td>" for v in vals) + "</tr>"
        for label, vals in headline_rows(report)
    )
    header, rows = _question_rows(report)
    qhead = "".join(f"<th>{e(h)}</th>" for h in header)
    qbody = "".join("<tr>" + "".join(f"<td>{e(c)}</td>" for c in row) + "</tr>" for row in rows)
    imgs = "".join(f'<img src="{e(p.name)}" alt="{e(p.stem)}">' for p in plots)
    return f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Evaluation report {e(report["created"])}</title>
<style>
body {{ font: 14px/1.45 system-ui, sans-serif; margin: 2em; color: #222; }}
table {{ border-collapse: collapse; margin: 1em 0; }}
td, th {{ border: 1px solid #ccc; padding: 4px 8px; vertical-align: top; text-align: left; }}
th {{ background: #f3f3f3; }}
.note {{ background: #fff8e1; padding: .6em 1em; border-left: 4px solid #c90; max-width: 60em; }}
img {{ max-width: 48%; margin: .5em; border: 1px solid #eee; }}
</style></head><body>
<h1>Evaluation report {e(report["created"])}</h1>
<p>Question set <code>{e(report["set"])}</code> ({report["questions"]} questions),
model <code>{e(report["model"])}</code>.</p>
<p class="note">{e(calibration_line(report))}</p>
<p>{e(phases_line(report))}</p>
<table><tr><th>metric</th>{head}</tr>{body}</table>
<div>{imgs}</div>
<h2>Per question</h2>
<table><tr>{qhead}</tr>{qbody}</table>
</body></html>
"""


def plot(report: dict[str, Any], out_dir: Path) -> list[Path]:
    """Correctness by question type and the headline scores, each system side by side."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    import numpy as np

    systems = report["systems"]
    names = list(systems)
    colours = ["#2a7", "#888", "#c70"]
    width = 0.8 / len(names)
    paths = []

    types = sorted({t for s in systems.values() for t in s["summary"]["by_type"]})
    if types:
        fig, ax = plt.subplots(figsize=(8, 3.6))
        x = np.arange(len(types))
        for i, name in enumerate(names):
            bt = systems[name]["summary"]["by_type"]
            vals = [bt[t]["correct"] / bt[t]["n"] if t in bt else 0 for t in types]
            ax.bar(x + i * width, vals, width, label=name, color=colours[i % 3])
        ax.set_xticks(x + width * (len(names) - 1) / 2, types, rotation=20)
        ax.set_ylim(0, 1)
        ax.set_ylabel("share correct")
        ax.set_title("Answerable questions answered correctly, by type")
        ax.legend()
        fig.tight_layout()
        paths.append(out_dir / "correct_by_type.png")
        fig.savefig(paths[-1], dpi=110)
        plt.close(fig)

    keys = [
        ("answerable_correct", "correct"),
        ("unanswerable_abstained", "declined\nunanswerable"),
        ("abstention_precision", "abstention\nprecision"),
        ("faithfulness", "faithfulness\n(cited)"),
        ("context_faithfulness", "faithfulness\n(retrieved)"),
        ("citation_recall", "citation\nrecall"),
        ("citation_precision", "citation\nprecision"),
        ("grounding", "grounding"),
    ]
    keys = [(k, label) for k, label in keys if any(systems[n]["summary"].get(k) is not None for n in names)]
    fig, ax = plt.subplots(figsize=(9, 3.6))
    x = np.arange(len(keys))
    for i, name in enumerate(names):
        s = systems[name]["summary"]
        ax.bar(x + i * width, [s.get(k) or 0 for k, _ in keys], width, label=name, color=colours[i % 3])
    ax.set_xticks(x + width * (len(names) - 1) / 2, [label for _, label in keys])
    ax.set_ylim(0, 1)
    ax.set_title("Headline scores")
    ax.legend()
    fig.tight_layout()
    paths.append(out_dir / "headline.png")
    fig.savefig(paths[-1], dpi=110)
    plt.close(fig)
    return paths


def write_report(report: dict[str, Any], out_dir: Path) -> Path:
    """report.json, report.md, report.html and the plots; returns the Markdown path."""
    out_dir.mkdir(parents=True, exist_ok=True)
    (out_dir / "report.json").write_text(json.dumps(report, indent=2, ensure_ascii=False))
    plots = plot(report, out_dir)
    (out_dir / "report.html").write_text(to_html(report, plots))
    md = out_dir / "report.md"
    md.write_text(to_markdown(report, plots))
    return md


def build_report(
    path: Path,
    items: list[EvalItem],
    settings: Settings,
    systems: dict[str, dict[str, Any]],
    calibration: dict[str, Any] | None,
    phases: dict[str, float],
) -> dict[str, Any]:
    """What ``report.write_report`` renders: the run's set, model, judge and each system's rows."""
    return {
        "created": time.strftime("%Y-%m-%d %H:%M:%S"),
        "set": str(path),
        "questions": len(items),
        "model": settings.llm,
        "calibration": {k: v for k, v in calibration.items() if k not in ("per_pair", "errors")}
        if calibration
        else None,
        "overlap": _overlap(path, items, settings),
        "systems": systems,
        "phases_s": {k: round(v, 1) for k, v in phases.items()},
        "stages": stages_for(items, systems),
    }


def _overlap(path: Path, items: list[EvalItem], settings: Settings) -> dict[str, Any] | None:
    from rag.evaluate.overlap import set_overlap

    try:
        raw = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
        return set_overlap(items, raw, settings.seeds_dir)
    except (OSError, ValueError):  # sources outside seeds/: not measured
        return None
