"""Question sets: JSONL items (see eval/README.md), each field checked with a one-line error."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from rag.config import PROJECT_ROOT

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
    evidence: list[str] | None = None  # the gold answer sentence(s), verbatim, where the set gives them
    form: str | None = None  # what the question asks for (who, why, ordering, …), where the set says

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
        evidence=_str_list(d["evidence"], "evidence") if d.get("evidence") is not None else None,
        form=d["form"] if isinstance(d.get("form"), str) and d["form"].strip() else None,
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
