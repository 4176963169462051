"""Incremental ingestion: load -> clean -> metadata -> chunk -> embed -> Chroma + catalog.

A document is identified by its resolved path when first seen (``doc_id``), and keeps that
identity when its file moves (same bytes, old path gone). Per file, in order:

- same path, same bytes: unchanged, nothing is read beyond the hash;
- new path whose bytes match a document whose file is gone: a move, only the path changes;
- otherwise the file is parsed and chunked, and joins a batch. A batch is embedded in one call
  across files and written to Chroma in slices the client accepts; then each file's catalog
  row and chunks are replaced in one SQLite transaction, and the chunks it no longer has are
  deleted from Chroma.

Chroma, the lexical index (tantivy) and the catalog can't share a transaction, so every chunk
id is journalled in the catalog before the other two are written; after a crash the next writer
deletes from both every journalled id the catalog doesn't hold (``recover``). A SIGKILL at any
point, then another ingest, leaves exactly the chunks of a clean ingest.

One writer at a time per data folder (``rag.index.lock``); a failing file is reported in one line and
the run carries on.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from rag.config import Settings
from rag.index.lock import write_lock
from rag.index.records import ChunkRecord, DocumentRecord
from rag.index.store import (
    batch_size,
    delete_ids,
    note_own_write,
    open_catalog,
    open_lexical,
    open_store,
    upsert,
)
from rag.ingest.adopt import adopt_collection
from rag.ingest.article import prepare_article
from rag.ingest.chunker import CHUNK_TOKENS, chunk_article, chunk_metadata
from rag.ingest.events import EVENTS_VERSION, event_terms, extract_events
from rag.ingest.loaders import LoadError, collect_files, content_hash, read_checked
from rag.ingest.report import IngestReport, one_line
from rag.models.gguf import embedding_model_path
from rag.text.dates import date_num
from rag.text.tokens import TOKENIZER_VERSION
from rag.types import Article, Chunk, Event

Progress = Callable[[int, int, str], None]
# A chunk holds at most CHUNK_TOKENS tokens and a token rarely spans more than this many
# characters, so a text longer than limit * CHUNK_TOKENS * this is refused before chunking.
_MAX_CHARS_PER_TOKEN = 8


@dataclass
class _Prepared:
    """One parsed file waiting in a batch."""

    article: Article
    chunks: list[Chunk]
    size: int
    existed: bool
    events: list[Event]


class Indexer:
    """Configuration in ``__init__``; ``run(paths)`` indexes files and returns a report."""

    def __init__(
        self,
        settings: Settings,
        embeddings=None,
        progress: Progress | None = None,
        on_wait: Callable[[str], None] | None = None,
        force: bool = False,
    ) -> None:
        self.settings = settings
        self.embeddings = embeddings
        self.progress = progress
        self.on_wait = on_wait
        self.force = force  # re-index unchanged files too (repairs an index changed outside rag)

    def run(self, paths: list[Path], prune: bool = False, seed_if_new: bool = False) -> IngestReport:
        started = time.perf_counter()
        report = IngestReport()
        with write_lock(self.settings.data_dir, self.settings.lock_timeout, self.on_wait):
            self.store = open_store(self.settings, self.embeddings)
            self.catalog = open_catalog(self.settings)
            self.lexical_index = open_lexical(self.settings)
            self.lexical = self.lexical_index.writer()
            try:
                self.write_size = batch_size(self.store, self.settings.ingest_batch)
                self.recover()
                if self.catalog.get_meta("initialized") is None:
                    if self.store._collection.count() > 0:
                        adopt_collection(self.store, self.catalog, self.write_size)
                    elif seed_if_new and self.settings.seeds_dir.is_dir():
                        paths = [self.settings.seeds_dir]
                elif seed_if_new:
                    return report  # another process initialised the index while we waited
                # Marked before any write: after a crash the catalog is the truth, and the
                # collection is never mistaken for one to adopt.
                self.catalog.set_meta("initialized", time.strftime("%Y-%m-%dT%H:%M:%S"))
                self._sync_lexical()
                self._index(paths, report, prune)
            finally:
                self.lexical.close()
                note_own_write(self.settings)
            report.total_chunks = self.catalog.chunk_count()
        report.seconds = round(time.perf_counter() - started, 3)
        return report

    def recover(self) -> None:
        """Delete what an interrupted writer left uncommitted (journalled, not in the catalog)."""
        orphans = self.catalog.pending()
        if orphans:
            self._remove(orphans)
        self.catalog.clear_journal()

    def _remove(self, ids: list[str]) -> None:
        delete_ids(self.store, ids, self.write_size)
        self.lexical.delete(ids)
        self.lexical.commit()

    def _sync_lexical(self) -> None:
        """Rebuild the BM25 index from the catalog when it was made by another tokenizer or
        holds another number of chunks (deleted, or an index from before it existed)."""
        if (
            self.catalog.get_meta("lexical_tokenizer") == TOKENIZER_VERSION
            and self.lexical_index.count() == self.catalog.chunk_count()
        ):
            return
        self.lexical.delete_all()
        for page in self.catalog.iter_chunks():
            self.lexical.add(page)
        self.lexical.commit()
        self.catalog.set_meta("lexical_tokenizer", TOKENIZER_VERSION)

    # -- the run ---------------------------------------------------------------------------
    def _index(self, paths: list[Path], report: IngestReport, prune: bool) -> None:
        found: dict[Path, Path] = {}  # resolved -> as given: a file named twice is indexed once
        for p in paths:
            try:
                found.update((f.resolve(), f) for f in collect_files([p]) if f.resolve() not in found)
            except LoadError as exc:
                report.failed.append((str(p), str(exc)))
        files = list(found.values())
        model_path = str(embedding_model_path(self.settings.embedding_model))
        seen: set[str] = set()
        batch: list[_Prepared] = []
        for n, path in enumerate(files):
            if self.progress:
                self.progress(n, len(files), path.name)
            try:
                prepared = self._prepare(path, model_path, seen, report)
            except LoadError as exc:
                report.failed.append((path.name, str(exc)))
                continue
            except Exception as exc:  # a parser's own bug must not end the run
                report.failed.append((path.name, one_line(exc)))
                continue
            if prepared is None:
                continue
            batch.append(prepared)
            if sum(len(p.chunks) for p in batch) >= self.settings.ingest_batch:
                self._flush(batch, report)
                batch = []
        self._flush(batch, report)
        if self.progress:
            self.progress(len(files), len(files), "")
        if prune:
            self._prune(seen, report)

    def _prepare(self, path: Path, model_path: str, seen: set[str], report: IngestReport) -> _Prepared | None:
        resolved = str(path.resolve())
        data = read_checked(path, self.settings.max_file_bytes)
        digest = content_hash(data)
        doc = self.catalog.by_path(resolved)
        if doc is not None and doc.content_hash == digest and not self.force:
            seen.add(doc.doc_id)
            report.unchanged.append(path.name)
            if doc.date_note is None or doc.events_version != EVENTS_VERSION:
                self._backfill(doc, path, data)  # indexed by an older version: read, don't re-embed
            return None
        if doc is None:
            for candidate in self.catalog.by_hash(digest):
                if candidate.doc_id not in seen and not Path(candidate.path).exists():
                    self._move(candidate, resolved, path.name)
                    seen.add(candidate.doc_id)
                    report.moved.append(path.name)
                    return None
        article = prepare_article(path, data)
        limit = self.settings.max_chunks_per_doc
        if len(article.text) > limit * CHUNK_TOKENS * _MAX_CHARS_PER_TOKEN:
            raise LoadError(f"{path.name}: far more than {limit} chunks (RAG_MAX_CHUNKS_PER_DOC)")
        article.doc_id = doc.doc_id if doc is not None else self.catalog.new_doc_id(resolved)
        chunks = chunk_article(article, model_path)
        if len(chunks) > limit:
            raise LoadError(
                f"{path.name}: {len(chunks)} chunks, over the limit of {limit} (RAG_MAX_CHUNKS_PER_DOC)"
            )
        seen.add(article.doc_id)
        return _Prepared(article, chunks, len(data), doc is not None, extract_events(article, chunks))

    def _backfill(self, doc: DocumentRecord, path: Path, data: bytes) -> None:
        """The date note and events of a document indexed before they existed."""
        article = prepare_article(path, data)
        article.doc_id = doc.doc_id
        if doc.date_note is None:
            self.catalog.set_date_note(doc.doc_id, article.date_derived, article.date_note)
        held = self.catalog.passages(self.catalog.chunk_ids(doc.doc_id)).values()
        chunks = [Chunk(p["chunk_id"], "", "", None, None, p["text"], p["start"], p["end"], "") for p in held]
        self.catalog.set_events(doc.doc_id, extract_events(article, chunks), EVENTS_VERSION, event_terms)

    def _move(self, doc: DocumentRecord, path: str, name: str) -> None:
        self.catalog.move_document(doc.doc_id, path, name)
        if name != doc.name:  # keep Chroma's copy of the metadata self-describing
            ids = self.catalog.chunk_ids(doc.doc_id)
            got = self.store._collection.get(ids=ids, include=["metadatas"])
            metas = [{**m, "source": name} for m in got["metadatas"]]
            for i in range(0, len(ids), self.write_size):
                self.store._collection.update(
                    ids=got["ids"][i : i + self.write_size], metadatas=metas[i : i + self.write_size]
                )

    def _flush(self, batch: list[_Prepared], report: IngestReport) -> None:
        if not batch:
            return
        chunks = [c for p in batch for c in p.chunks]
        ids = [c.chunk_id for c in chunks]
        try:
            self.catalog.journal(ids)
            vectors = self.store.embeddings.embed_documents([c.text for c in chunks])
            upsert(
                self.store,
                ids,
                vectors,
                [c.text for c in chunks],
                [chunk_metadata(c) for c in chunks],
                self.write_size,
            )
            self.lexical.upsert((c.chunk_id, c.doc_id, date_num(c.date), c.text) for c in chunks)
            self.lexical.commit()
        except Exception as exc:  # embedding, Chroma or tantivy: the batch fails, the run goes on
            reason = one_line(exc)
            report.failed.extend((p.article.source, reason) for p in batch)
            self.recover()
            return
        stale: list[str] = []
        for p in batch:
            a = p.article
            record = DocumentRecord(
                doc_id=a.doc_id,
                path=a.path,
                name=a.source,
                title=a.title,
                date=a.date,
                author=a.author,
                content_hash=a.content_hash,
                size=p.size,
                date_derived=a.date_derived,
                date_note=a.date_note,
                events_version=EVENTS_VERSION,
            )
            gone = self.catalog.commit_document(
                record,
                [ChunkRecord(c.chunk_id, c.text, c.start, c.end) for c in p.chunks],
                p.events,
                event_terms,
            )
            stale += gone
            (report.replaced if p.existed else report.added).append(a.source)
            report.chunks_added += len(p.chunks)
        report.chunks_deleted += len(stale)
        if stale:
            self._remove(stale)
        self.catalog.clear_journal()

    def _prune(self, seen: set[str], report: IngestReport) -> None:
        gone: list[str] = []
        for doc in self.catalog.list_documents():
            if doc.doc_id in seen or Path(doc.path).exists():
                continue
            gone += self.catalog.delete_document(doc.doc_id)
            report.pruned.append(doc.label)
        if gone:
            self._remove(gone)
            report.chunks_deleted += len(gone)
        self.catalog.clear_journal()
