"""The sentence-transformers embedding model, loaded from disk (never downloaded)."""

from __future__ import annotations

from typing import Any

from rag.config import Settings, set_offline_env
from rag.models.gguf import embedding_model_path

_EMBEDDINGS: dict[str, Any] = {}


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
