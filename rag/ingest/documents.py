"""The document operations the CLI and the app call: index paths, remove a document, list the
documents and their timeline, and seed a new data folder. Each write holds the data folder's lock."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from rag.config import Settings
from rag.index.lock import write_lock
from rag.index.records import DocumentRecord
from rag.index.store import batch_size, delete_ids, note_own_write, open_catalog, open_lexical, open_store
from rag.ingest.loaders import LoadError
from rag.ingest.report import IngestReport
from rag.types import Event

if TYPE_CHECKING:  # the indexer (text splitters) loads only for writes, not for a listing
    from rag.ingest.indexer import Progress


def ingest_paths(
    paths: list[Path],
    settings: Settings,
    prune: bool = False,
    progress: Progress | None = None,
    embeddings=None,
    on_wait: Callable[[str], None] | None = None,
    force: bool = False,
) -> IngestReport:
    """Index files and folders; ``progress(done, total, name)`` is called per file."""
    from rag.ingest.indexer import Indexer

    return Indexer(settings, embeddings, progress, on_wait, force).run(paths, prune=prune)


def _resolve_one(ref: str, settings: Settings) -> DocumentRecord:
    catalog = open_catalog(settings)
    ids = catalog.resolve([ref])
    if not ids:
        raise LoadError(f"{ref}: no such document in the index")
    if len(ids) > 1:
        labels = catalog.labels(ids)
        raise LoadError(
            f"{ref}: {len(ids)} documents have this name ({', '.join(sorted(labels.values()))}); "
            "name one by its folder"
        )
    record = catalog.by_id(ids[0])
    assert record is not None
    return record


def remove_document(ref: str, settings: Settings, embeddings=None) -> int:
    """Delete one document (by id, label, file name or path) and its chunks; an uploaded
    file's stored copy goes too. Returns how many chunks were removed."""
    with write_lock(settings.data_dir, settings.lock_timeout):
        record = _resolve_one(ref, settings)
        store = open_store(settings, embeddings)
        catalog = open_catalog(settings)
        ids = catalog.delete_document(record.doc_id)
        delete_ids(store, ids, batch_size(store, settings.ingest_batch))
        lexical = open_lexical(settings).writer()
        try:
            lexical.delete(ids)
            lexical.commit()
        finally:
            lexical.close()
        catalog.clear_journal()
        note_own_write(settings)
        stored = Path(record.path)
        if stored.is_relative_to(settings.uploads_dir.resolve()):
            stored.unlink(missing_ok=True)
    return len(ids)


remove_source = remove_document  # the 0.3 name


def list_documents(settings: Settings) -> list[dict[str, Any]]:
    """The indexed documents (from the catalog's document table, never from the chunks)."""
    return [
        {
            "doc_id": d.doc_id,
            "source": d.name,
            "label": d.label,
            "title": d.title,
            "date": d.date or None,
            "date_derived": d.date_derived or None,
            "date_note": d.date_note or "",
            "chunks": d.chunks,
            "path": d.path,
        }
        for d in open_catalog(settings).list_documents()
    ]


def timeline(
    about: str | None = None,
    since: str | None = None,
    until: str | None = None,
    settings: Settings | None = None,
    kinds: tuple[str, ...] = ("event",),
    documents: list[str] | None = None,
    limit: int = 1000,
) -> list[Event]:
    """The dated events of the indexed articles in date order (undated ones last): those whose
    sentence names ``about`` (every word of it) and whose dates overlap [since, until] (ISO).
    ``kinds`` may add "prediction", "photo" and "publication"; ``documents`` limits it to
    these documents (names, labels, paths or ids). A data folder never indexed gets its seeds
    first, as for a question."""
    from rag.config import load_settings

    settings = settings or load_settings()
    ensure_index(settings)
    catalog = open_catalog(settings)
    doc_ids = catalog.resolve(documents) if documents is not None else None
    about = about.strip() if about and about.strip() else None
    return catalog.events(about=about, since=since, until=until, kinds=kinds, doc_ids=doc_ids, limit=limit)


def shown_date(doc: dict[str, Any]) -> str:
    """A listed document's date: stated, derived from its text (marked so), or "not stated"."""
    if doc["date"]:
        return doc["date"]
    if doc.get("date_derived"):
        return f"{doc['date_derived']} (derived)"
    return "not stated"


def is_new(settings: Settings) -> bool:
    """Whether this data folder was never indexed (its first use will index the seeds)."""
    return open_catalog(settings).get_meta("initialized") is None


def ensure_index(settings: Settings, embeddings=None) -> None:
    """On the first run only (a data folder never indexed), index seeds/ so the first question
    just works. Afterwards an empty index stays empty: seeds are added only when asked
    (``rag ingest`` with no paths)."""
    if not is_new(settings):
        return
    from rag.ingest.indexer import Indexer

    Indexer(settings, embeddings).run([], seed_if_new=True)
