"""The one citation-marker pattern: ``[1]`` or ``[1, 2]`` in answers, drafts and reports."""

from __future__ import annotations

import re
from collections.abc import Callable

MARKER = re.compile(r"\[(\d+(?:\s*[,;]\s*\d+)*)\]")
_SPACED = re.compile(r"\s*" + MARKER.pattern)


def marker_numbers(text: str) -> list[int]:
    """Every citation number in the text, in order (``[1, 2]`` gives 1 and 2)."""
    return [int(n) for m in MARKER.finditer(text) for n in re.findall(r"\d+", m.group(1))]


def strip_markers(text: str) -> tuple[str, list[int]]:
    """Remove [n] / [n, m] markers from text; return the clean text and the numbers in order."""
    clean = _SPACED.sub("", text).strip()
    clean = re.sub(r"\s+([.,;:!?])", r"\1", clean)
    return clean, marker_numbers(text)


def with_markers(text: str, numbers: list[int]) -> str:
    """'Hawija fell on Oct. 5.' + [1] -> 'Hawija fell on Oct. 5 [1].'"""
    text = text.rstrip(" ,;:")
    if text and text[-1] not in '.!?"”’)':
        text += "."
    if not numbers:
        return text
    markers = "".join(f"[{n}]" for n in numbers)
    m = re.search(r"[.!?]+[\"”’)]*$", text)
    if m:
        return f"{text[: m.start()]} {markers}{text[m.start() :]}"
    return f"{text} {markers}"


def replace_markers(text: str, render: Callable[[int], str]) -> str:
    """Each number of each marker replaced by ``render(n)``: renumbering, or links in the UI."""
    return MARKER.sub(lambda m: "".join(render(int(n)) for n in re.findall(r"\d+", m.group(1))), text)


def renumber(text: str, mapping: dict[int, int]) -> str:
    return replace_markers(text, lambda n: f"[{mapping.get(n, n)}]")


def markers_before_stop(text: str) -> str:
    """'... Oct. 5. [1] Next' -> '... Oct. 5 [1]. Next': a marker written after a full stop
    belongs to the sentence before it."""
    return re.sub(rf"([.!?])\s*((?:{MARKER.pattern})+)", r" \2\1", text)
