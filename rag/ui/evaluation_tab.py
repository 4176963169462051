"""The Evaluation tab: a report to read (the user's own runs, or the shipped ones), and a short
evaluation to start, with its progress shown question by question."""

from __future__ import annotations

from typing import Any

import gradio as gr

from rag.config import PROJECT_ROOT, Settings
from rag.evaluate.items import DEFAULT_SET
from rag.ui.reports import ReportRef, report_choices, show_report

SETS_DIR = PROJECT_ROOT / "eval"
SHORT_RANGE = (1, 20)


def _question_sets() -> list[str]:
    # Not question sets: the judge's labelled pairs and the date resolver's labelled sentences.
    names = sorted(
        p.name
        for p in SETS_DIR.glob("*.jsonl")
        if p.name != "calibration.jsonl" and not p.name.startswith("dated_")
    )
    return sorted(names, key=lambda n: n != DEFAULT_SET.name)  # the main set first


def _by_label(settings: Settings) -> dict[str, ReportRef]:
    return {r.label: r for r in report_choices(settings)}


def build_evaluation_tab(demo: gr.Blocks, settings: Settings, queue: dict[str, Any]) -> None:
    """Inside ``demo``: the tab's components and their events (the short run joins the chat
    model's ``queue``)."""
    refs = _by_label(settings)
    first = next(iter(refs), None)
    text, plots = show_report(refs.get(first) if first else None)
    with gr.Tab("Evaluation"):
        pick = gr.Dropdown(list(refs), value=first, label="Report", elem_id="report-pick")
        report = gr.Markdown(text, elem_id="report")
        gallery = gr.Gallery(
            plots, label="Plots", visible=bool(plots), columns=2, height=360, object_fit="contain"
        )
        with gr.Accordion("Run a short evaluation", open=True):
            gr.Markdown(
                "A few questions of a set, one of each type first, answered here and scored by "
                "key facts (no judge): about 10-20 s a question on 2 cores. `rag eval` runs the "
                "whole set with the judge and the plain-chain baseline."
            )
            with gr.Row():
                qset = gr.Dropdown(_question_sets(), value=DEFAULT_SET.name, label="Question set")
                count = gr.Slider(*SHORT_RANGE, value=5, step=1, label="Questions", elem_id="eval-count")
                run = gr.Button("Run", variant="primary", elem_id="run-eval")
            status = gr.Textbox(label="Progress", lines=6, interactive=False, elem_id="eval-progress")

    def choose(label: str | None):
        md, p = show_report(_by_label(settings).get(label or ""))
        return md, gr.update(value=p, visible=bool(p))

    def run_short(set_name: str, n: float, progress=gr.Progress()):  # noqa: B008 (Gradio idiom)
        from rag.evaluate.quick import short_eval

        path = SETS_DIR / set_name
        if set_name not in _question_sets():
            yield gr.update(), gr.update(), gr.update(), f"⚠️ no question set {set_name}"
            return
        lines: list[str] = []
        try:
            for step in short_eval(settings, path, int(n)):
                progress((step.done, step.total), desc=f"{step.done}/{step.total} questions answered")
                if step.row is not None:
                    mark = {True: "right", False: "wrong", None: "declined" if step.row["abstained"] else "-"}
                    lines.append(
                        f"[{step.done}/{step.total}] {mark[step.row['correct']]}: {step.row['question']} "
                        f"-> {step.row['answer'][:100]}"
                    )
                if step.report_dir is None:
                    yield gr.update(), gr.update(), gr.update(), "\n".join(lines) or "Starting…"
                    continue
                refs = _by_label(settings)
                label = next(k for k, r in refs.items() if r.folder == step.report_dir)
                md, p = show_report(refs[label])
                lines.append(f"Done: report in {step.report_dir}")
                yield (
                    gr.update(choices=list(refs), value=label),
                    md,
                    gr.update(value=p, visible=bool(p)),
                    ("\n".join(lines)),
                )
        except (OSError, ValueError, RuntimeError) as exc:
            lines.append(f"⚠️ {str(exc).splitlines()[0]}")
            yield gr.update(), gr.update(), gr.update(), "\n".join(lines)

    def current_reports(label: str | None):
        # At every page load: a `rag eval` in a terminal may have added a run.
        labels = list(_by_label(settings))
        return gr.update(choices=labels, value=label if label in labels else next(iter(labels), None))

    demo.load(current_reports, [pick], [pick], api_visibility="private")
    pick.change(choose, [pick], [report, gallery], api_visibility="private")
    run.click(run_short, [qset, count], [pick, report, gallery, status], api_name="short_eval", **queue)
