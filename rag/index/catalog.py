"""The catalog: a small SQLite file beside the vector index that knows every document.

It holds one row per document (identity, path, metadata, chunk count), one row per chunk (its
text and offsets), and a journal of chunk ids that may exist in Chroma or the lexical index
without being committed here. Nothing on the query path or in the document listing reads every
chunk: listing reads the document table and passages are fetched by id.

Chroma, tantivy and SQLite can't share a transaction, so writes follow one protocol (see
``rag.ingest.indexer``): ids are journalled first, Chroma and the lexical index are written, the catalog
commits, then what a document no longer has is deleted. After a crash the next writer deletes
every journalled id the catalog doesn't hold.
"""

from __future__ import annotations

import hashlib
import sqlite3
import threading
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from rag.index.events import as_events, delete_events, query_events, write_events
from rag.index.labels import distinct_labels
from rag.index.records import ADDED_COLUMNS, SCHEMA, ChunkRecord, DocumentRecord
from rag.text.dates import date_num
from rag.types import Event


class CatalogError(RuntimeError):
    """The catalog file can't be opened or is not ours; one line for the user."""


class Catalog:
    """One SQLite file per collection. Thread-safe: one connection behind a lock."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._lock = threading.RLock()
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            self._db = sqlite3.connect(str(path), check_same_thread=False, timeout=60, isolation_level=None)
            self._db.execute("PRAGMA journal_mode=WAL")
            self._db.execute("PRAGMA synchronous=NORMAL")
            self._db.executescript(SCHEMA)
            self._add_columns()
        except (OSError, sqlite3.DatabaseError) as exc:
            raise CatalogError(f"cannot open the catalog {path} ({exc})") from exc
        self._db.row_factory = sqlite3.Row

    def _add_columns(self) -> None:
        """Bring a catalog made by an earlier version up to the schema (new columns are NULL)."""
        for table, column, kind in ADDED_COLUMNS:
            have = {r[1] for r in self._db.execute(f"PRAGMA table_info({table})")}
            if column not in have:
                self._db.execute(f"ALTER TABLE {table} ADD COLUMN {column} {kind}")

    def close(self) -> None:
        with self._lock:
            self._db.close()

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        with self._lock:
            self._db.execute("BEGIN IMMEDIATE")
            try:
                yield self._db
            except BaseException:
                self._db.execute("ROLLBACK")
                raise
            self._db.execute("COMMIT")

    def _rows(self, sql: str, params: Iterable[Any] = ()) -> list[sqlite3.Row]:
        with self._lock:
            return self._db.execute(sql, tuple(params)).fetchall()

    # -- meta ------------------------------------------------------------------------------
    def get_meta(self, key: str) -> str | None:
        rows = self._rows("SELECT value FROM meta WHERE key = ?", (key,))
        return rows[0][0] if rows else None

    def set_meta(self, key: str, value: str) -> None:
        with self.transaction() as db:
            db.execute("INSERT OR REPLACE INTO meta(key, value) VALUES (?, ?)", (key, value))

    # -- documents -------------------------------------------------------------------------
    def document_count(self) -> int:
        return self._rows("SELECT count(*) FROM documents")[0][0]

    def chunk_count(self) -> int:
        return self._rows("SELECT coalesce(sum(chunks), 0) FROM documents")[0][0]

    def generation(self) -> int:
        """A counter every writer bumps: a reader compares it to see another process's writes."""
        return int(self.get_meta("generation") or 0)

    def bump_generation(self) -> int:
        with self.transaction() as db:
            db.execute(
                "INSERT INTO meta(key, value) VALUES ('generation', '1') "
                "ON CONFLICT(key) DO UPDATE SET value = CAST(value AS INTEGER) + 1"
            )
        return self.generation()

    def _record(self, row: sqlite3.Row) -> DocumentRecord:
        return DocumentRecord(**{k: row[k] for k in DocumentRecord.__dataclass_fields__ if k in row.keys()})  # noqa: SIM118

    def by_path(self, path: str) -> DocumentRecord | None:
        rows = self._rows("SELECT * FROM documents WHERE path = ?", (path,))
        return self._record(rows[0]) if rows else None

    def by_id(self, doc_id: str) -> DocumentRecord | None:
        rows = self._rows("SELECT * FROM documents WHERE doc_id = ?", (doc_id,))
        return self._record(rows[0]) if rows else None

    def by_hash(self, content_hash: str) -> list[DocumentRecord]:
        rows = self._rows("SELECT * FROM documents WHERE content_hash = ? ORDER BY doc_id", (content_hash,))
        return [self._record(r) for r in rows]

    def new_doc_id(self, path: str) -> str:
        """A stable id derived from the path first seen; kept when the file moves."""
        n = 0
        while True:
            seed = path if n == 0 else f"{path}\x00{n}"
            doc_id = hashlib.sha256(seed.encode()).hexdigest()[:16]
            if self.by_id(doc_id) is None:
                return doc_id
            n += 1

    def chunk_ids(self, doc_id: str) -> list[str]:
        return [r[0] for r in self._rows("SELECT chunk_id FROM chunks WHERE doc_id = ?", (doc_id,))]

    def labels(self, doc_ids: Iterable[str] | None = None) -> dict[str, str]:
        """doc_id -> display label: the file name, with as many folders as it takes to tell
        apart documents that share it."""
        ids = list(dict.fromkeys(doc_ids)) if doc_ids is not None else None
        if ids is None:
            rows = self._rows("SELECT doc_id, name, path FROM documents")
        elif not ids:
            return {}
        else:
            rows = self._rows(
                "SELECT d.doc_id, d.name, d.path FROM documents d WHERE d.name IN "
                f"(SELECT name FROM documents WHERE doc_id IN ({','.join('?' * len(ids))}))",
                ids,
            )
        out = distinct_labels((r["doc_id"], r["name"], r["path"]) for r in rows)
        return out if ids is None else {i: out[i] for i in ids if i in out}

    def list_documents(self) -> list[DocumentRecord]:
        docs = [self._record(r) for r in self._rows("SELECT * FROM documents ORDER BY name, path")]
        labels = self.labels()
        for d in docs:
            d.label = labels.get(d.doc_id, d.name)
        return docs

    def resolve(self, refs: Iterable[str]) -> list[str]:
        """Document ids for references given as doc ids, labels, file names or paths."""
        refs = [r for r in refs if r]
        if not refs:
            return []
        marks = ",".join("?" * len(refs))
        sql = f"SELECT doc_id FROM documents WHERE doc_id IN ({marks}) OR name IN ({marks})"
        sql += f" OR path IN ({marks})"
        rows = self._rows(sql, refs * 3)
        found = {r[0] for r in rows}
        wanted = set(refs)
        found |= (
            {i for i, label in self.labels().items() if label in wanted} if len(found) < len(refs) else set()
        )
        return sorted(found)

    # -- writes (called by the ingest protocol) ----------------------------------------------
    def journal(self, chunk_ids: Iterable[str]) -> None:
        with self.transaction() as db:
            db.executemany("INSERT OR IGNORE INTO pending(chunk_id) VALUES (?)", ((i,) for i in chunk_ids))

    def pending(self) -> list[str]:
        """Journalled ids the catalog does not hold: they must not stay in Chroma."""
        rows = self._rows(
            "SELECT p.chunk_id FROM pending p LEFT JOIN chunks c ON c.chunk_id = p.chunk_id "
            "WHERE c.chunk_id IS NULL"
        )
        return [r[0] for r in rows]

    def clear_journal(self) -> None:
        with self.transaction() as db:
            db.execute("DELETE FROM pending")

    def commit_document(
        self, doc: DocumentRecord, chunks: list[ChunkRecord], events: list[Event] | None = None, terms=None
    ) -> list[str]:
        """Replace a document's row, all its chunks and its events at once; returns the chunk
        ids it no longer has (journalled, for the caller to delete from Chroma)."""
        new_ids = {c.chunk_id for c in chunks}
        with self.transaction() as db:
            old = db.execute("SELECT chunk_id FROM chunks WHERE doc_id = ?", (doc.doc_id,)).fetchall()
            stale = [r[0] for r in old if r[0] not in new_ids]
            db.executemany("INSERT OR IGNORE INTO pending(chunk_id) VALUES (?)", ((i,) for i in stale))
            db.execute("DELETE FROM chunks WHERE doc_id = ?", (doc.doc_id,))
            db.execute(
                "INSERT OR REPLACE INTO documents(doc_id, path, name, title, date, date_num, author, "
                "content_hash, size, chunks, indexed_at, date_derived, date_note, events_version) "
                "VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
                (
                    doc.doc_id,
                    doc.path,
                    doc.name,
                    doc.title,
                    doc.date,
                    date_num(doc.date),
                    doc.author,
                    doc.content_hash,
                    doc.size,
                    len(chunks),
                    datetime.now(UTC).isoformat(timespec="seconds"),
                    doc.date_derived,
                    doc.date_note,
                    doc.events_version if events is not None else None,
                ),
            )
            db.executemany(
                "INSERT INTO chunks(chunk_id, doc_id, text, start, end) VALUES (?,?,?,?,?)",
                ((c.chunk_id, doc.doc_id, c.text, c.start, c.end) for c in chunks),
            )
            write_events(db, doc.doc_id, events or [], terms)
        return stale

    def set_events(self, doc_id: str, events: list[Event], version: str, terms) -> None:
        """Give an indexed document its events without touching its chunks (an older catalog)."""
        with self.transaction() as db:
            write_events(db, doc_id, events, terms)
            db.execute("UPDATE documents SET events_version = ? WHERE doc_id = ?", (version, doc_id))

    def set_date_note(self, doc_id: str, derived: str | None, note: str) -> None:
        with self.transaction() as db:
            sql = "UPDATE documents SET date_derived = ?, date_note = ? WHERE doc_id = ?"
            db.execute(sql, (derived, note, doc_id))

    def move_document(self, doc_id: str, path: str, name: str) -> None:
        with self.transaction() as db:
            db.execute("UPDATE documents SET path = ?, name = ? WHERE doc_id = ?", (path, name, doc_id))

    def delete_document(self, doc_id: str) -> list[str]:
        """Remove a document and its chunks; returns its chunk ids (journalled)."""
        with self.transaction() as db:
            rows = db.execute("SELECT chunk_id FROM chunks WHERE doc_id = ?", (doc_id,)).fetchall()
            db.executemany("INSERT OR IGNORE INTO pending(chunk_id) VALUES (?)", ((r[0],) for r in rows))
            db.execute("DELETE FROM chunks WHERE doc_id = ?", (doc_id,))
            delete_events(db, doc_id)
            db.execute("DELETE FROM documents WHERE doc_id = ?", (doc_id,))
        return [r[0] for r in rows]

    # -- reads on the query path --------------------------------------------------------------
    def passages(self, chunk_ids: Iterable[str]) -> dict[str, dict[str, Any]]:
        """Chunk text and document metadata for a few ids (one indexed query)."""
        ids = list(dict.fromkeys(chunk_ids))
        if not ids:
            return {}
        rows = self._rows(
            "SELECT c.chunk_id, c.text, c.start, c.end, d.doc_id, d.name, d.title, d.date, d.author "
            "FROM chunks c JOIN documents d ON d.doc_id = c.doc_id "
            f"WHERE c.chunk_id IN ({','.join('?' * len(ids))})",
            ids,
        )
        labels = self.labels(r["doc_id"] for r in rows)
        return {r["chunk_id"]: {**dict(r), "label": labels.get(r["doc_id"], r["name"])} for r in rows}

    def events(self, **query: Any) -> list[Event]:
        """Dated events (the filters of ``rag.index.events.query_events``), with their documents."""
        with self._lock:
            rows = query_events(self._db, **query)
        return as_events(rows, self.by_id, self.labels)

    def iter_chunks(self, page: int = 2000) -> Iterator[list[tuple[str, str, int, str]]]:
        """Every chunk as (chunk_id, doc_id, date_num, text), a page at a time: only for
        rebuilding the lexical index, never on the query path."""
        last = 0
        while True:
            rows = self._rows(
                "SELECT c.rowid, c.chunk_id, c.doc_id, d.date_num, c.text FROM chunks c "
                "JOIN documents d ON d.doc_id = c.doc_id WHERE c.rowid > ? ORDER BY c.rowid LIMIT ?",
                (last, page),
            )
            if not rows:
                return
            last = rows[-1][0]
            yield [(r[1], r[2], r[3], r[4]) for r in rows]

    def date_nums(self, doc_ids: Iterable[str]) -> dict[str, int]:
        ids = list(dict.fromkeys(doc_ids))
        if not ids:
            return {}
        rows = self._rows(
            f"SELECT doc_id, date_num FROM documents WHERE doc_id IN ({','.join('?' * len(ids))})", ids
        )
        return {r[0]: r[1] for r in rows}
