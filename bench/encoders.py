"""A tiny stand-in encoder, so an index of 100,000 chunks builds in minutes.

Hashes each token into one of ``dim`` buckets (signed) and normalises: deterministic, no
model, about a thousand times faster than MiniLM. Its vectors are meaningless for recall; it
exists to measure the index (ingest overhead, Chroma, the catalog), not the model.
"""

from __future__ import annotations

import hashlib

import numpy as np
from langchain_core.embeddings import Embeddings

from rag.text.tokens import tokenize


class HashingEmbeddings(Embeddings):
    def __init__(self, dim: int = 384) -> None:
        self.dim = dim

    def _one(self, text: str) -> list[float]:
        v = np.zeros(self.dim, dtype=np.float32)
        for tok in tokenize(text) or ["_"]:
            h = int.from_bytes(hashlib.blake2b(tok.encode(), digest_size=8).digest(), "little")
            v[h % self.dim] += 1.0 if (h >> 32) & 1 else -1.0
        n = float(np.linalg.norm(v)) or 1.0
        return (v / n).tolist()

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        return [self._one(t) for t in texts]

    def embed_query(self, text: str) -> list[float]:
        return self._one(text)
