"""The Chroma vector store: embedded (PersistentClient) by default, a server when configured.

Embeddings are computed by an explicit sentence-transformers model loaded from disk; Chroma's
own default embedding function would try to download an ONNX model and fail offline.
"""

from __future__ import annotations

from typing import Any

from rag.config import Settings


class StoreError(RuntimeError):
    """The vector store can't be reached or opened; one line for the user."""


_STORES: dict[tuple, Any] = {}
_CATALOGS: dict[str, Any] = {}
_LEXICAL: dict[str, Any] = {}
_SEEN_GENERATION: dict[str, int] = {}


def _client(settings: Settings):
    import chromadb
    from chromadb.config import Settings as ChromaSettings

    chroma_settings = ChromaSettings(anonymized_telemetry=False)
    if settings.uses_chroma_server:
        try:
            client = chromadb.HttpClient(
                host=settings.chroma_host, port=settings.chroma_port, settings=chroma_settings
            )
            client.heartbeat()
        except Exception as exc:  # chromadb raises several unrelated types for "unreachable"
            raise StoreError(
                f"cannot reach the Chroma server at {settings.chroma_host}:{settings.chroma_port} "
                f"({type(exc).__name__})"
            ) from exc
        return client
    settings.chroma_dir.mkdir(parents=True, exist_ok=True)
    return chromadb.PersistentClient(path=str(settings.chroma_dir), settings=chroma_settings)


def _default_embeddings(settings: Settings):
    # Imported on first use: a BM25 search or a listing never loads an embedding library.
    from rag.models.embeddings import get_embeddings

    return get_embeddings(settings)


def open_store(settings: Settings, embeddings=None):  # -> langchain_chroma.Chroma
    """The LangChain Chroma store for the configured collection (cached per process).

    ``embeddings`` stands in another encoder (the scale benchmark's tiny one); by default the
    configured sentence-transformers model.
    """
    key = (
        settings.chroma_host,
        settings.chroma_port,
        str(settings.chroma_dir),
        settings.collection,
        settings.embedding_model,
        id(embeddings) if embeddings is not None else None,
    )
    if key not in _STORES:
        from langchain_chroma import Chroma

        _STORES[key] = Chroma(
            collection_name=settings.collection,
            embedding_function=embeddings if embeddings is not None else _default_embeddings(settings),
            client=_client(settings),
            collection_metadata={"hnsw:space": "cosine", "embedding_model": settings.embedding_model},
        )
    return _STORES[key]


def note_own_write(settings: Settings) -> None:
    """This process wrote the index: its Chroma client is current at the new generation."""
    _SEEN_GENERATION[str(settings.chroma_dir)] = open_catalog(settings).bump_generation()


def current_store(settings: Settings, embeddings=None):  # -> langchain_chroma.Chroma
    """``open_store``, reopened first when another process wrote the index since this one
    opened it: embedded Chroma keeps its vector index in memory, so a long-running app would
    not find what a `rag ingest` in another terminal added (BM25 and the catalog would)."""
    if settings.uses_chroma_server:
        return open_store(settings, embeddings)
    key = str(settings.chroma_dir)
    generation = open_catalog(settings).generation()
    seen = _SEEN_GENERATION.setdefault(key, generation)
    if generation != seen and _reopen_embedded(settings):
        _SEEN_GENERATION[key] = generation
    return open_store(settings, embeddings)


def _reopen_embedded(settings: Settings) -> bool:
    """Drop this process's Chroma client for the data folder, unless a writer (here or in
    another process) holds the folder: then keep it and try again at the next search."""
    from chromadb.api.shared_system_client import SharedSystemClient

    from rag.index.lock import LockTimeout, write_lock

    try:
        with write_lock(settings.data_dir, timeout=0):
            for k in [k for k in _STORES if k[2] == str(settings.chroma_dir)]:
                del _STORES[k]
            system = SharedSystemClient._identifier_to_system.pop(str(settings.chroma_dir), None)
            if system is not None:
                system.stop()
            return True
    except LockTimeout:
        return False


def open_catalog(settings: Settings):  # -> rag.catalog.Catalog
    """The collection's catalog (document table and lexical index), cached per process."""
    from rag.index.catalog import Catalog

    key = str(settings.catalog_path)
    if key not in _CATALOGS:
        _CATALOGS[key] = Catalog(settings.catalog_path)
    return _CATALOGS[key]


def open_lexical(settings: Settings):  # -> rag.lexical.LexicalIndex
    """The collection's BM25 index (tantivy), cached per process."""
    from rag.index.lexical import LexicalIndex

    key = str(settings.lexical_dir)
    if key not in _LEXICAL:
        _LEXICAL[key] = LexicalIndex(settings.lexical_dir)
    return _LEXICAL[key]


def forget_store(settings: Settings) -> None:
    """Drop cached clients (tests open several data directories in one process)."""
    for key in [k for k in _STORES if k[2] == str(settings.chroma_dir)]:
        del _STORES[key]
    _LEXICAL.pop(str(settings.lexical_dir), None)
    catalog = _CATALOGS.pop(str(settings.catalog_path), None)
    if catalog is not None:
        catalog.close()


def batch_size(store, wanted: int) -> int:
    """Chunks per write: what we want, capped by the client's maximum batch."""
    return max(1, min(wanted, store._client.get_max_batch_size()))


def upsert(store, ids: list[str], vectors: list[list[float]], texts: list[str], metas: list[dict], size: int):
    for i in range(0, len(ids), size):
        store._collection.upsert(
            ids=ids[i : i + size],
            embeddings=vectors[i : i + size],
            documents=texts[i : i + size],
            metadatas=metas[i : i + size],
        )


def delete_ids(store, ids: list[str], size: int) -> None:
    for i in range(0, len(ids), size):
        store._collection.delete(ids=ids[i : i + size])


def all_chunks(store) -> tuple[list[str], list[str], list[dict[str, Any]]]:
    """Every chunk's id, text and metadata."""
    got = store.get(include=["documents", "metadatas"])
    return got["ids"], got["documents"], got["metadatas"]
