"""What an ingest did, file by file, and its one-line summary."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class IngestReport:
    added: list[str] = field(default_factory=list)
    replaced: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    moved: list[str] = field(default_factory=list)
    pruned: list[str] = field(default_factory=list)
    failed: list[tuple[str, str]] = field(default_factory=list)  # (file, one-line reason)
    chunks_added: int = 0
    chunks_deleted: int = 0
    total_chunks: int = 0
    seconds: float = 0.0

    @property
    def errors(self) -> list[str]:
        return [reason if reason.startswith(name) else f"{name}: {reason}" for name, reason in self.failed]

    def summary(self) -> str:
        text = (
            f"added {len(self.added)}, replaced {len(self.replaced)}, unchanged {len(self.unchanged)}, "
            f"moved {len(self.moved)}, pruned {len(self.pruned)} file(s); +{self.chunks_added} "
            f"-{self.chunks_deleted} chunks; {self.total_chunks} chunks in the index"
        )
        if self.seconds:
            text += f"; {self.seconds:.1f} s"
        if self.chunks_added and self.seconds:
            text += f" ({self.chunks_added / self.seconds:.0f} chunks/s, model loading included)"
        if self.failed:
            text += f"; {len(self.failed)} file(s) failed"
        return text


def one_line(exc: BaseException) -> str:
    first = (str(exc).strip().splitlines() or [""])[0]
    return f"{type(exc).__name__}: {first}"[:300]
