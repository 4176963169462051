"""The Evaluation tab's reports: the held-out first runs that ship in docs/eval/ (newest first;
the honest figures), the user's own runs (newest first), then the shipped development reports."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from rag.config import PROJECT_ROOT, Settings

SHIPPED_MANIFEST = PROJECT_ROOT / "docs" / "eval" / "shipped.json"
_REPORT_FILES = ("report.md", "answers.md", "retrieval.md")


@dataclass(frozen=True)
class ReportRef:
    label: str  # what the dropdown shows
    folder: Path
    banner: str  # the line above the report: whose run it is
    kind: str = "your run"  # or a manifest kind: "held-out first run", "development"


def own_reports(settings: Settings) -> list[ReportRef]:
    """The user's runs under the data folder, newest first by time (a folder may be named
    with --out)."""
    root = settings.reports_dir
    runs = sorted((p for p in root.glob("*") if p.is_dir()), key=lambda p: p.stat().st_mtime, reverse=True)
    return [
        ReportRef(f"your run: {run.name}", run, f"Your run `{run.name}` (in {run.parent})")
        for run in runs
        if any((run / f).exists() for f in _REPORT_FILES)
    ]


HELD_OUT = "held-out first run"


def shipped_reports(manifest: Path = SHIPPED_MANIFEST) -> list[ReportRef]:
    """The reports committed in docs/eval/, in the manifest's order (held-out first runs newest
    first, then development reports)."""
    try:
        entries = json.loads(manifest.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return []
    refs = []
    for e in entries:
        folder = PROJECT_ROOT / e["folder"]
        if (folder / "report.md").exists():
            kind = e.get("kind", "development")
            banner = (
                f"**Shipped report, {kind}** (not run on this machine): {e['title']}. Run on "
                f"{e['run']} at commit `{e['commit']}`, set `{e['set']}`; {e['note']}."
            )
            label = f"{kind}: {e['title']} ({e['run']}, {e['commit']})"
            refs.append(ReportRef(label, folder, banner, kind))
    return refs


def report_choices(settings: Settings) -> list[ReportRef]:
    """What the tab lists, the first being what it opens on: the shipped held-out first runs
    (the latest first), the user's own runs, then the development reports, which flatter."""
    shipped = shipped_reports()
    held_out = [r for r in shipped if r.kind == HELD_OUT]
    return held_out + own_reports(settings) + [r for r in shipped if r.kind != HELD_OUT]


def show_report(ref: ReportRef | None) -> tuple[str, list[str]]:
    """Markdown of a report (with its banner) and its plots, or how to make one."""
    if ref is None:
        return (
            "No evaluation report yet. Run a short evaluation below, or `rag eval` (70 questions "
            "answered and judged: about 15 minutes on 2 cores) or `rag eval --retrieval` (under a minute).",
            [],
        )
    parts = [(ref.folder / f).read_text(encoding="utf-8") for f in _REPORT_FILES if (ref.folder / f).exists()]
    # The plots are shown in the gallery; relative image links don't resolve here.
    text = "\n".join(line for line in "\n\n".join(parts).splitlines() if not line.startswith("!["))
    return f"{ref.banner}\n\n{text}", sorted(str(p) for p in ref.folder.glob("*.png"))
