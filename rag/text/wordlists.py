"""Word lists and patterns kept as data files in ``rag/text/data/``: one reader for all of them."""

from __future__ import annotations

from functools import cache
from pathlib import Path

DATA_DIR = Path(__file__).resolve().parent / "data"


@cache
def word_list(name: str) -> tuple[str, ...]:
    """The non-blank, non-comment lines of ``data/<name>.txt``, stripped, in file order."""
    lines = (DATA_DIR / f"{name}.txt").read_text(encoding="utf-8").splitlines()
    return tuple(ln.strip() for ln in lines if ln.strip() and not ln.lstrip().startswith("#"))
