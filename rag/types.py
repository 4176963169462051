"""Typed data passed between the pipeline steps. Everything serialises to JSON."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import date
from typing import Any, Literal

# What the verifier decided about one sentence of the model's draft, and how a quoted sentence
# of the evidence was offered: as the answer ("quoted") or beside a decline ("closest").
CheckStatus = Literal["verified", "repaired", "dropped", "gap", "quoted", "closest"]
KEPT: tuple[CheckStatus, ...] = ("verified", "repaired")  # shown as the answer
DRAFTED: tuple[CheckStatus, ...] = ("verified", "repaired", "dropped", "gap")  # the model wrote it
AnswerKind = Literal["answer", "quote", "abstain"]


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
    date_derived: str | None = None  # a date the text gives for itself when none is stated
    date_note: str = ""  # where the date comes from, or why there is none


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
class EvidenceSentence:
    """A sentence of a retrieved passage, numbered as the model sees it."""

    number: int  # 1-based, as shown to the model
    text: str
    passage: Passage
    start: int  # offsets in the cleaned article text
    end: int
    score: float = 0.0
    # Its paragraph up to it: what "the two towns" or "the operation" refers to. Not the
    # paragraph before: a subject borrowed from there let "Rawa was ISIS's last holding in
    # Syria" pass on a sentence about Rawa that followed one about Syria (q48).
    context: str = ""
    # The sentence after it: a quote's speaker often comes after the quote.
    following: str = ""


@dataclass
class DraftSentence:
    """One sentence of the model's draft and the evidence numbers it cites."""

    text: str  # without markers
    cites: list[int] = field(default_factory=list)


@dataclass
class SentenceCheck:
    """What became of one sentence: a draft sentence's verdict, or a quoted evidence sentence."""

    text: str
    citations: list[int]
    status: CheckStatus
    reason: str = ""


@dataclass
class Answer:
    question: str
    text: str
    answerable: bool
    citations: list[Citation] = field(default_factory=list)
    standalone_question: str | None = None
    kind: AnswerKind = "answer"
    checks: list[SentenceCheck] = field(default_factory=list)
    passages: list[Passage] = field(default_factory=list)
    timings: dict[str, float] = field(default_factory=dict)
    # Tokens of the answering call: {"prompt": n, "output": m} (llama.cpp backend only).
    tokens: dict[str, int] = field(default_factory=dict)
    model: str = ""
    raw_output: str = ""
    # The model's P(yes) that the sentence an extracted answer rests on answers the question.
    relevance: float | None = None
    # What each step did, for the eval's stage report: "evidence" (the sentences the reader was
    # shown), "path" (extract / write), "chosen" (the sentence(s) it rests on), "span" (what
    # was chosen to say), "gate_passed" (the checks after the reader let it through).
    trace: dict[str, Any] = field(default_factory=dict)

    @property
    def dropped(self) -> list[SentenceCheck]:
        return [c for c in self.checks if c.status == "dropped"]

    @property
    def claims(self) -> list[SentenceCheck]:
        """The sentences offered as true, with their final citation numbers: the verified
        sentences, or the evidence sentence quoted as the answer."""
        return [c for c in self.checks if c.status in (*KEPT, "quoted")]

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass
class Turn:
    """One exchange of a conversation, as the pipeline receives it: the question, the answer's
    text with its [n] markers, and the passages the answer cited (a follow-up about "it" is
    often answered from the same passages)."""

    question: str
    answer: str = ""
    cited: list[Passage] = field(default_factory=list)

    @classmethod
    def of(cls, turn: Turn | tuple[str, str] | list[str] | Answer) -> Turn:
        """A Turn from a Turn, an Answer, or a (question, answer text) pair as scripts pass."""
        if isinstance(turn, Turn):
            return turn
        if isinstance(turn, Answer):
            ids = {c.chunk_id for c in turn.citations}
            return cls(turn.question, turn.text, [p for p in turn.passages if p.chunk_id in ids])
        question, answer = turn
        return cls(str(question), str(answer or ""))


History = list[Turn] | list[tuple[str, str]]


EventKind = Literal["event", "prediction", "photo", "publication"]


@dataclass
class Event:
    """A sentence that says when something happened (or is expected, or was photographed), with
    the date expression as written and the calendar dates it resolves to (ISO; None when the
    article doesn't give them). Offsets are in the article's text; ``expr_start``/``expr_end``
    in the sentence."""

    doc_id: str
    sentence: str
    start: int
    end: int
    expression: str
    expr_start: int
    expr_end: int
    kind: EventKind
    first: str | None  # the resolved range (equal for a day)
    last: str | None
    precision: str  # day / month / year / range / none
    how: str  # how the date was resolved, or why it wasn't
    chunk_id: str = ""  # the passage that holds the sentence, for opening it highlighted
    source: str = ""
    label: str = ""
    title: str = ""
    published: str | None = None
    # The sentence's paragraph, at extraction only: "the city" is found by the name it stands for.
    context: str = field(default="", repr=False, compare=False)

    @property
    def shown_date(self) -> str:
        """The date at its precision: 2017-10-05, Oct 2017, 2017, 2014 – 2017-10-26, undated."""
        if self.first is None:
            return "undated"
        if self.precision == "day":
            return self.first
        if self.precision == "month":
            return date.fromisoformat(self.first).strftime("%b %Y")
        if self.precision == "year":
            return self.first[:4]
        return f"{self.first} – {self.last}"

    def to_dict(self) -> dict[str, Any]:
        out = {**asdict(self), "shown_date": self.shown_date}
        out.pop("context")
        return out
