"""The Chroma vector store: embedded (PersistentClient) by default, a server when configured.

Embeddings are computed by an explicit sentence-transformers model loaded from disk; Chroma's
own default embedding function would try to download an ONNX model and fail offline.
"""

from __future__ import annotations

from typing import Any

from rag.config import Settings, set_offline_env
from rag.models import embedding_model_path


class StoreError(RuntimeError):
    """The vector store can't be reached or opened; one line for the user."""


_EMBEDDINGS: dict[str, Any] = {}
_STORES: dict[tuple, Any] = {}
_CATALOGS: dict[str, Any] = {}
_LEXICAL: dict[str, Any] = {}


def get_embeddings(settings: Settings):  # -> HuggingFaceEmbeddings
    """One embedding model per process, shared by indexing, search and evidence selection."""
    set_offline_env()
    key = settings.embedding_model
    if key not in _EMBEDDINGS:
        from langchain_huggingface import HuggingFaceEmbeddings

        _EMBEDDINGS[key] = HuggingFaceEmbeddings(
            model_name=str(embedding_model_path(key)),
            model_kwargs={"device": "cpu"},
            encode_kwargs={"normalize_embeddings": True, "batch_size": 32},
        )
    return _EMBEDDINGS[key]


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
            embedding_function=embeddings if embeddings is not None else get_embeddings(settings),
            client=_client(settings),
            collection_metadata={"hnsw:space": "cosine", "embedding_model": settings.embedding_model},
        )
    return _STORES[key]


def open_catalog(settings: Settings):  # -> rag.catalog.Catalog
    """The collection's catalog (document table and lexical index), cached per process."""
    from rag.catalog import Catalog

    key = str(settings.catalog_path)
    if key not in _CATALOGS:
        _CATALOGS[key] = Catalog(settings.catalog_path)
    return _CATALOGS[key]


def open_lexical(settings: Settings):  # -> rag.lexical.LexicalIndex
    """The collection's BM25 index (tantivy), cached per process."""
    from rag.lexical import LexicalIndex

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
