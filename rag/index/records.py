"""The catalog's tables, and its rows: a document and one of its chunks."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS documents (
    doc_id TEXT PRIMARY KEY,
    path TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    title TEXT NOT NULL,
    date TEXT,
    date_num INTEGER NOT NULL DEFAULT 0,
    author TEXT,
    content_hash TEXT NOT NULL,
    size INTEGER NOT NULL DEFAULT 0,
    chunks INTEGER NOT NULL DEFAULT 0,
    indexed_at TEXT NOT NULL,
    date_derived TEXT,
    date_note TEXT
);
CREATE INDEX IF NOT EXISTS documents_name ON documents(name);
CREATE INDEX IF NOT EXISTS documents_hash ON documents(content_hash);
CREATE TABLE IF NOT EXISTS chunks (
    rowid INTEGER PRIMARY KEY,
    chunk_id TEXT NOT NULL UNIQUE,
    doc_id TEXT NOT NULL REFERENCES documents(doc_id),
    text TEXT NOT NULL,
    start INTEGER NOT NULL,
    end INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS chunks_doc ON chunks(doc_id);
CREATE TABLE IF NOT EXISTS pending (chunk_id TEXT PRIMARY KEY);
CREATE TABLE IF NOT EXISTS events (
    rowid INTEGER PRIMARY KEY,
    doc_id TEXT NOT NULL REFERENCES documents(doc_id),
    chunk_id TEXT NOT NULL,
    start INTEGER NOT NULL,
    end INTEGER NOT NULL,
    sentence TEXT NOT NULL,
    expression TEXT NOT NULL,
    expr_start INTEGER NOT NULL,
    expr_end INTEGER NOT NULL,
    kind TEXT NOT NULL,
    first TEXT,
    last TEXT,
    first_num INTEGER NOT NULL DEFAULT 0,
    last_num INTEGER NOT NULL DEFAULT 0,
    precision TEXT NOT NULL,
    how TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS events_doc ON events(doc_id);
-- A date range is read per precision, in date order, from one index (rag.index.events).
CREATE INDEX IF NOT EXISTS events_when ON events(precision, first_num, last_num, doc_id, start, expr_start);
CREATE TABLE IF NOT EXISTS event_terms (
    term TEXT NOT NULL,
    event INTEGER NOT NULL,
    PRIMARY KEY (term, event)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS event_terms_event ON event_terms(event);
"""
# Columns added after a catalog may have been made: (table, column, type), added when missing.
ADDED_COLUMNS = [
    ("documents", "date_derived", "TEXT"),
    ("documents", "date_note", "TEXT"),
    ("documents", "events_version", "TEXT"),  # NULL: the document's events were never extracted
]


@dataclass
class DocumentRecord:
    doc_id: str
    path: str
    name: str
    title: str
    date: str | None
    author: str | None
    content_hash: str
    size: int = 0
    chunks: int = 0
    indexed_at: str = ""
    date_derived: str | None = None  # a date the text gives for itself when none is stated
    date_note: str | None = None  # where the date comes from, or why there is none (None: older index)
    events_version: str | None = None  # the extractor version of its events (None: not extracted)
    label: str = ""  # the name, with its folder when another document has the same name

    def to_dict(self) -> dict[str, Any]:
        return {k: getattr(self, k) for k in self.__dataclass_fields__}


@dataclass
class ChunkRecord:
    chunk_id: str
    text: str
    start: int
    end: int
