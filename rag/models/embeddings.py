"""The sentence-transformers embedding model, loaded from disk (never downloaded).

A model folder made of a Transformer, mean or CLS pooling and (optionally) normalisation, as
all-MiniLM-L6-v2's is, is run with ``transformers`` directly: the same vectors as
sentence-transformers (tested), without importing sentence-transformers and scikit-learn,
which cost a new process about 3 s before its first search. Any other folder (a Dense layer,
another pooling) goes through LangChain's HuggingFaceEmbeddings, i.e. sentence-transformers.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from langchain_core.embeddings import Embeddings

from rag.config import Settings, set_offline_env
from rag.models.gguf import embedding_model_path

_EMBEDDINGS: dict[str, Any] = {}
_SIMPLE_MODULES = [
    "sentence_transformers.models.Transformer",
    "sentence_transformers.models.Pooling",
    "sentence_transformers.models.Normalize",
]


def _simple_pooling(folder: Path) -> tuple[str, bool, int] | None:
    """(pooling, normalise, max_seq_length) when the folder is Transformer + Pooling (+ Normalize)."""
    try:
        modules = [m["type"] for m in json.loads((folder / "modules.json").read_text())]
        pooling_dir = json.loads((folder / "modules.json").read_text())[1]["path"]
        pooling = json.loads((folder / pooling_dir / "config.json").read_text())
        max_len = json.loads((folder / "sentence_bert_config.json").read_text()).get("max_seq_length", 512)
    except (OSError, ValueError, KeyError, IndexError):
        return None
    if modules not in (_SIMPLE_MODULES, _SIMPLE_MODULES[:2]):
        return None
    modes = [k for k, v in pooling.items() if k.startswith("pooling_mode_") and v]
    if modes == ["pooling_mode_mean_tokens"]:
        return "mean", len(modules) == 3, int(max_len)
    if modes == ["pooling_mode_cls_token"]:
        return "cls", len(modules) == 3, int(max_len)
    return None


class TransformerEmbeddings(Embeddings):
    """A sentence-transformers folder of Transformer + Pooling (+ Normalize), run with transformers."""

    def __init__(self, folder: Path, pooling: str, normalise: bool, max_length: int, batch_size: int = 32):
        import torch
        from transformers import AutoModel, AutoTokenizer

        self._torch = torch
        self.tokenizer = AutoTokenizer.from_pretrained(str(folder))
        self.model = AutoModel.from_pretrained(str(folder)).eval()
        self.pooling, self.normalise, self.max_length, self.batch_size = (
            pooling,
            normalise,
            max_length,
            batch_size,
        )

    def _encode(self, texts: list[str]) -> list[list[float]]:
        torch = self._torch
        out: list[list[float]] = []
        with torch.inference_mode():
            for i in range(0, len(texts), self.batch_size):
                batch = self.tokenizer(
                    texts[i : i + self.batch_size],
                    padding=True,
                    truncation=True,
                    max_length=self.max_length,
                    return_tensors="pt",
                )
                hidden = self.model(**batch).last_hidden_state
                if self.pooling == "cls":
                    vectors = hidden[:, 0]
                else:
                    mask = batch["attention_mask"].unsqueeze(-1).to(hidden.dtype)
                    vectors = (hidden * mask).sum(1) / mask.sum(1).clamp(min=1e-9)
                if self.normalise:
                    vectors = torch.nn.functional.normalize(vectors, p=2, dim=1)
                out.extend(vectors.tolist())
        return out

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        return self._encode(list(texts))

    def embed_query(self, text: str) -> list[float]:
        return self._encode([text])[0]


def get_embeddings(settings: Settings) -> Embeddings:
    """One embedding model per process, shared by indexing, search and evidence selection."""
    set_offline_env()
    key = settings.embedding_model
    if key not in _EMBEDDINGS:
        folder = embedding_model_path(key)
        simple = _simple_pooling(folder)
        if simple is not None:
            _EMBEDDINGS[key] = TransformerEmbeddings(folder, *simple)
        else:
            from langchain_huggingface import HuggingFaceEmbeddings

            _EMBEDDINGS[key] = HuggingFaceEmbeddings(
                model_name=str(folder),
                model_kwargs={"device": "cpu"},
                encode_kwargs={"normalize_embeddings": True, "batch_size": 32},
            )
    return _EMBEDDINGS[key]
