"""A short evaluation, started from the chat's Evaluation tab: a few questions of a set, one of
each type first, answered by the pipeline and scored without a judge, written as a report like
``rag eval --judge none`` writes. It yields after every question, so the tab shows progress."""

from __future__ import annotations

import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from rag.config import Settings
from rag.evaluate.items import EvalItem, load_items
from rag.evaluate.runner import answer_all, write_json
from rag.evaluate.scoring import summarise


@dataclass
class ShortEvalStep:
    done: int
    total: int
    row: dict[str, Any] | None = None  # the scored answer just given
    report_dir: Path | None = None  # set on the last step


def sample(items: list[EvalItem], n: int) -> list[EvalItem]:
    """``n`` items, taken in turn from each type (so a few questions still cover unanswerable
    ones), in the set's order within a type."""
    by_type: dict[str, list[EvalItem]] = {}
    for item in items:
        by_type.setdefault(item.type, []).append(item)
    out: list[EvalItem] = []
    while len(out) < n and any(by_type.values()):
        for queue in by_type.values():
            if queue and len(out) < n:
                out.append(queue.pop(0))
    return out


def short_eval(settings: Settings, set_path: Path, n: int) -> Iterator[ShortEvalStep]:
    """Answer and score ``n`` questions of ``set_path``; the last step names the report folder."""
    from rag.evaluate.report import build_report, write_report

    items = sample(load_items(set_path), n)
    out_dir = settings.reports_dir / time.strftime(f"%Y%m%d-%H%M%S-short-{set_path.stem}")
    rows: list[dict[str, Any]] = []
    yield ShortEvalStep(0, len(items))
    started = time.perf_counter()
    for k, item in enumerate(items, start=1):
        rows += answer_all([item], settings, progress=False)
        write_json(
            out_dir / "answers.json", {"summary": summarise(rows), "per_question": rows, "complete": False}
        )
        if k < len(items):
            yield ShortEvalStep(k, len(items), rows[-1])
    systems = {"ours": {"summary": summarise(rows), "per_question": rows}}
    write_json(out_dir / "answers.json", systems["ours"])
    phases = {"answering (ours)": time.perf_counter() - started}
    write_report(build_report(set_path, items, settings, systems, None, phases), out_dir)
    yield ShortEvalStep(len(items), len(items), rows[-1] if rows else None, out_dir)
