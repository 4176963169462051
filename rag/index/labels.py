"""Display labels for documents: the file name, with as many folders as it takes to tell apart
documents that share it ("a/report.txt", "b/report.txt")."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import PurePath


def _label(path: str, depth: int) -> str:
    parts = PurePath(path).parts
    return "/".join(parts[-depth:]) if depth < len(parts) else path


def distinct_labels(rows: Iterable[tuple[str, str, str]]) -> dict[str, str]:
    """(doc_id, name, path) rows -> doc_id -> label."""
    by_name: dict[str, list[tuple[str, str, str]]] = {}
    for row in rows:
        by_name.setdefault(row[1], []).append(row)
    out: dict[str, str] = {}
    for name, group in by_name.items():
        if len(group) == 1:
            out[group[0][0]] = name
            continue
        depth = 2
        while depth < 64 and len({_label(path, depth) for _, _, path in group}) < len(group):
            depth += 1
        for doc_id, _, path in group:
            out[doc_id] = _label(path, depth)
    return out
