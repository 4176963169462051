"""Incremental ingestion: load -> clean -> metadata -> chunk -> embed -> Chroma.

A file whose content hash is already indexed is skipped; a changed file's new chunks are
added before its stale ones are deleted, so an interrupted ingest never leaves a document
with no chunks at all.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from rag.chunker import chunk_article
from rag.cleaner import clean_text
from rag.config import Settings
from rag.loaders import LoadError, collect_files, load_file
from rag.metadata import extract_metadata
from rag.models import embedding_model_path
from rag.store import all_chunks, open_store
from rag.types import Article, Chunk


@dataclass
class IngestReport:
    added: list[str] = field(default_factory=list)
    replaced: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    pruned: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    chunks_added: int = 0
    chunks_deleted: int = 0
    total_chunks: int = 0

    def summary(self) -> str:
        return (
            f"added {len(self.added)}, replaced {len(self.replaced)}, unchanged "
            f"{len(self.unchanged)}, pruned {len(self.pruned)} file(s); +{self.chunks_added} "
            f"-{self.chunks_deleted} chunks; {self.total_chunks} chunks in the index"
        )


def prepare_article(path: Path) -> Article:
    """Load and clean one file and read its metadata."""
    raw = load_file(path)
    cleaned = clean_text(raw.text)
    if not cleaned.text.strip():
        raise LoadError(f"{path.name}: nothing left after cleaning")
    meta = extract_metadata(cleaned.text, fallback_title=path.stem)
    return Article(
        source=path.name,
        path=str(path.resolve()),
        title=raw.title or meta.title,
        text=cleaned.text,
        date=_iso_or_none(raw.date) or meta.date,
        author=raw.author or meta.author,
        content_hash=raw.content_hash,
        removed=cleaned.removed,
    )


def _iso_or_none(value: str | None) -> str | None:
    from rag.metadata import parse_date

    if not value:
        return None
    return value[:10] if len(value) >= 10 and value[4] == "-" else parse_date(value)


def _indexed_by_source(store) -> dict[str, dict[str, Any]]:
    """source -> {"ids": [...], "hashes": {...}, "path": str, "title": ..., "date": ...}."""
    ids, _, metas = all_chunks(store)
    by_source: dict[str, dict[str, Any]] = defaultdict(lambda: {"ids": [], "hashes": set()})
    for cid, meta in zip(ids, metas, strict=True):
        entry = by_source[meta["source"]]
        entry["ids"].append(cid)
        entry["hashes"].add(meta.get("content_hash"))
        entry.update(path=meta.get("path", ""), title=meta.get("title", ""), date=meta.get("date"))
    return by_source


def _add_chunks(store, chunks: list[Chunk], path: str) -> None:
    metadatas = [{**c.metadata(), "path": path} for c in chunks]
    store.add_texts(texts=[c.text for c in chunks], metadatas=metadatas, ids=[c.chunk_id for c in chunks])


def ingest_paths(paths: list[Path], settings: Settings, prune: bool = False, progress=None) -> IngestReport:
    """Index files and folders; ``progress(done, total, name)`` is called per file."""
    report = IngestReport()
    store = open_store(settings)
    indexed = _indexed_by_source(store)
    model_path = str(embedding_model_path(settings.embedding_model))
    files: list[Path] = []
    for p in paths:
        try:
            files.extend(collect_files([p]))
        except LoadError as exc:
            report.errors.append(str(exc))
    for n, path in enumerate(files):
        if progress:
            progress(n, len(files), path.name)
        try:
            article = prepare_article(path)
        except LoadError as exc:
            report.errors.append(str(exc))
            continue
        existing = indexed.get(article.source)
        if existing and existing["hashes"] == {article.content_hash}:
            report.unchanged.append(article.source)
            continue
        chunks = chunk_article(article, model_path)
        new_ids = {c.chunk_id for c in chunks}
        _add_chunks(
            store, [c for c in chunks if not existing or c.chunk_id not in existing["ids"]], article.path
        )
        report.chunks_added += len(new_ids - set(existing["ids"] if existing else []))
        if existing:
            stale = [i for i in existing["ids"] if i not in new_ids]
            if stale:
                store.delete(ids=stale)
            report.chunks_deleted += len(stale)
            report.replaced.append(article.source)
        else:
            report.added.append(article.source)
    if progress:
        progress(len(files), len(files), "")
    if prune:
        for source, entry in indexed.items():
            if entry["path"] and not Path(entry["path"]).exists():
                store.delete(ids=entry["ids"])
                report.pruned.append(source)
                report.chunks_deleted += len(entry["ids"])
    report.total_chunks = len(store.get(include=[])["ids"])
    return report


def remove_source(source: str, settings: Settings) -> int:
    """Delete every chunk of one document; returns how many were removed."""
    store = open_store(settings)
    ids = store.get(where={"source": source}, include=[])["ids"]
    if ids:
        store.delete(ids=ids)
    return len(ids)


def list_documents(settings: Settings) -> list[dict[str, Any]]:
    """The indexed documents: source, title, date and chunk count, sorted by source."""
    docs = _indexed_by_source(open_store(settings))
    return [
        {
            "source": s,
            "title": e["title"],
            "date": e["date"] or None,
            "chunks": len(e["ids"]),
            "path": e["path"],
        }
        for s, e in sorted(docs.items())
    ]


def ensure_index(settings: Settings) -> None:
    """Index seeds/ when the collection is empty, so the first question just works."""
    store = open_store(settings)
    if not store.get(limit=1, include=[])["ids"] and settings.seeds_dir.is_dir():
        ingest_paths([settings.seeds_dir], settings)
