"""Typed data passed between the pipeline steps. Everything serialises to JSON."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any


@dataclass
class Article:
    """A cleaned document with its metadata, ready to chunk."""

    source: str  # file name, e.g. 000_ca6adfa8eb41c077.txt
    path: str
    title: str
    text: str  # cleaned text; chunk offsets refer to it
    date: str | None  # ISO publication date when the text states one, else None
    author: str | None
    content_hash: str  # sha256 of the raw file bytes
    removed: dict[str, int] = field(default_factory=dict)  # cleaning counts by kind
    doc_id: str = ""  # the catalog's identity for the document (kept when the file moves)


@dataclass
class Chunk:
    chunk_id: str
    source: str
    title: str
    date: str | None
    author: str | None
    text: str
    start: int  # character offsets in Article.text
    end: int
    content_hash: str
    doc_id: str = ""

    def metadata(self) -> dict[str, Any]:
        """Chroma metadata: scalar values only, no None."""
        return {
            "doc_id": self.doc_id,
            "source": self.source,
            "title": self.title,
            "date": self.date or "",
            "date_num": int(self.date.replace("-", "")) if self.date else 0,
            "author": self.author or "",
            "start": self.start,
            "end": self.end,
            "content_hash": self.content_hash,
        }


@dataclass
class Passage:
    """A retrieved chunk with its scores."""

    chunk_id: str
    source: str
    title: str
    date: str | None
    text: str
    start: int
    end: int
    score: float = 0.0  # fused score used for ranking
    dense_score: float | None = None  # cosine similarity
    bm25_score: float | None = None
    dense_rank: int | None = None
    bm25_rank: int | None = None
    author: str | None = None
    doc_id: str = ""
    label: str = ""  # the file name, with its folder when two documents share the name

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass
class Citation:
    number: int
    source: str
    title: str
    date: str | None
    quote: str  # the sentence of the passage that supports the claim
    chunk_id: str
    start: int  # offsets of the quote in the cleaned article text
    end: int
    passage: str  # the whole passage, for the reader
    doc_id: str = ""
    label: str = ""


@dataclass
class SentenceCheck:
    """The verifier's verdict on one sentence of the model's draft."""

    text: str
    citations: list[int]
    status: str  # "verified" | "repaired" | "dropped"
    reason: str = ""


@dataclass
class Answer:
    question: str
    text: str
    answerable: bool
    citations: list[Citation] = field(default_factory=list)
    standalone_question: str | None = None
    kind: str = "answer"  # "answer" | "quote" | "abstain"
    checks: list[SentenceCheck] = field(default_factory=list)
    passages: list[Passage] = field(default_factory=list)
    timings: dict[str, float] = field(default_factory=dict)
    # Tokens of the answering call: {"prompt": n, "output": m} (llama.cpp backend only).
    tokens: dict[str, int] = field(default_factory=dict)
    model: str = ""
    raw_output: str = ""

    @property
    def dropped(self) -> list[SentenceCheck]:
        return [c for c in self.checks if c.status == "dropped"]

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)
