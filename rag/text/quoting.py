"""Quoting a passage's words inside an answer: once, in curly double quotes, with the quotes
the passage itself holds turned into single ones (English nesting), so a sentence that opens
with a quotation shows “‘…,’ he said.” and never ““…”.”."""

from __future__ import annotations

_NESTED = str.maketrans({"“": "‘", "”": "’"})


def quoted(text: str) -> str:
    """``text`` in “…”; its own double quotes become the inner single ones."""
    text = text.strip()
    if text.count('"') % 2 == 0 and '"' in text:
        # Straight quotes pair up in order: opening, closing, opening, …
        parts = text.split('"')
        text = "".join(p + ("‘" if i % 2 == 0 else "’") for i, p in enumerate(parts[:-1])) + parts[-1]
    return f"“{text.translate(_NESTED)}”"
