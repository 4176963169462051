"""What the answering flow streams (``StreamEvent``) and the clock of its steps."""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Literal

from rag.types import Answer


@dataclass
class StreamEvent:
    kind: Literal["status", "sentence", "answer"]
    text: str = ""
    answer: Answer | None = None


@dataclass
class _Clock:
    """Seconds spent in each step, for Answer.timings."""

    start: float = field(default_factory=time.perf_counter)
    last: float = 0.0
    timings: dict[str, float] = field(default_factory=dict)

    def lap(self, name: str, minus: float = 0.0) -> None:
        now = time.perf_counter()
        self.timings[name] = round(now - (self.last or self.start) - minus, 3)
        self.last = now

    def done(self, answer: Answer) -> StreamEvent:
        self.timings["total"] = round(time.perf_counter() - self.start, 3)
        answer.timings = self.timings
        return StreamEvent("answer", answer.text, answer)
