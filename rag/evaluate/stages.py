"""Where each answer was lost: for items with gold ``evidence`` sentences, the stage at which
the answer sentence dropped out of the pipeline.

Stages, in order (each counts only if every stage before it held):
1. ``retrieved``: a retrieved passage holds a gold sentence;
2. ``in_evidence``: a gold sentence is among the evidence sentences the reader was shown;
3. ``chosen``: the sentence the reader chose (the extracted answer's sentence, or the sentences
   a written answer cites) is a gold sentence;
4. ``span_right``: what was chosen to say holds every key fact;
5. ``gate_passed``: the checks after the reader let it through;
6. ``composed``: the final answer is correct (key facts, not a decline).

A gold sentence matches a candidate when the first 60 or the last 40 normalised characters of
one occur in the other (the method of ../shared/notes/reading-probe.md).
"""

from __future__ import annotations

from typing import Any

from rag.evaluate.items import EvalItem
from rag.text.normalise import fold

STAGES = ("retrieved", "in_evidence", "chosen", "span_right", "gate_passed", "composed")


def _norm(text: str) -> str:
    return " ".join(fold(text).split())


def matches(gold: str, candidate: str) -> bool:
    g, c = _norm(gold), _norm(candidate)
    if not g or not c:
        return False
    return any(part and (part in c) for part in (g[:60], g[-40:])) or any(
        part and (part in g) for part in (c[:60], c[-40:])
    )


def _any(golds: list[str], candidates: list[str]) -> bool:
    return any(matches(g, c) for g in golds for c in candidates)


def _facts_in(text: str, key_facts: list[list[str]]) -> bool:
    t = fold(text)
    return bool(key_facts) and all(any(fold(alt) in t for alt in fact) for fact in key_facts)


def stage_row(row: dict[str, Any], gold: list[str], key_facts: list[list[str]]) -> dict[str, bool]:
    """Each stage's outcome for one scored answer (``row`` from ``scoring.score_answer``)."""
    trace = row.get("trace") or {}
    passages = row.get("context") or []
    evidence = trace.get("evidence") or []
    chosen = trace.get("chosen") or [c["quote"] for c in row.get("citations", [])]
    said = trace.get("span") or row.get("answer", "")
    out = {
        "retrieved": _any(gold, passages),
        "in_evidence": _any(gold, evidence),
        "chosen": _any(gold, chosen),
        "span_right": _facts_in(said, key_facts),
        "gate_passed": bool(trace.get("gate_passed", not row.get("abstained"))),
        "composed": bool(row.get("correct")),
    }
    held = True
    for stage in STAGES:  # a stage holds only if every earlier one did
        held = held and out[stage]
        out[stage] = held
    return out


def lost_at(stages: dict[str, bool]) -> str:
    """The first stage that failed, or 'answered'."""
    return next((s for s in STAGES if not stages[s]), "answered")


def stage_summary(rows: list[dict[str, Any]], gold: dict[str, list[str]], facts: dict[str, list]) -> dict:
    """Per question and in sum: how many answerable items with gold sentences held at each stage."""
    per: dict[str, dict[str, Any]] = {}
    for row in rows:
        if row["type"] == "unanswerable" or not gold.get(row["id"]):
            continue
        stages = stage_row(row, gold[row["id"]], facts[row["id"]])
        per[row["id"]] = {**stages, "lost_at": lost_at(stages)}
    totals = {s: sum(p[s] for p in per.values()) for s in STAGES}
    lost = {s: sum(p["lost_at"] == s for p in per.values()) for s in (*STAGES, "answered")}
    return {"items": len(per), "held": totals, "lost_at": lost, "per_question": per}


def stages_for(items: list[EvalItem], systems: dict[str, dict[str, Any]]) -> dict[str, Any] | None:
    """The stage summary of our answers, when the set gives gold evidence sentences."""
    gold = {i.id: i.evidence for i in items if i.evidence}
    if not gold or "ours" not in systems:
        return None
    return stage_summary(systems["ours"]["per_question"], gold, {i.id: i.key_facts for i in items})


def stage_lines(report: dict[str, Any]) -> list[str]:
    """The report's "where answers were lost" section (Markdown lines), or nothing."""
    st = report.get("stages")
    if not st or not st["items"]:
        return []
    lines = [
        "## Where answers were lost",
        "",
        f"{st['items']} answerable questions with gold evidence sentences; a stage holds when every "
        "stage before it did.",
        "",
        "| stage | held | lost here | questions lost here |",
        "|---|---|---|---|",
    ]
    for stage in STAGES:
        ids = [q for q, p in st["per_question"].items() if p["lost_at"] == stage]
        lines.append(f"| {stage} | {st['held'][stage]} | {st['lost_at'][stage]} | {' '.join(ids)} |")
    return [*lines, ""]
