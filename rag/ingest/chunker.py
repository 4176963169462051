"""Split a cleaned article into overlapping, sentence-aligned chunks with provenance.

Sizes are counted in tokens of the embedding model (MiniLM truncates at 256 word pieces and
was trained on 128), so a chunk is never silently cut off when embedded.
"""

from __future__ import annotations

import hashlib
import re
from functools import lru_cache
from typing import Any

from langchain_text_splitters import RecursiveCharacterTextSplitter

from rag.text.captions import section_start
from rag.text.dates import date_num
from rag.types import Article, Chunk

CHUNK_TOKENS = 160
OVERLAP_TOKENS = 32
# Paragraphs first, then sentences, then clauses: a chunk boundary falls between sentences
# whenever the sentence fits.
SEPARATORS = ["\n\n", "\n", r"(?<=[.!?\"”])\s+(?=[A-Z“\"])", r"(?<=;)\s+", r"(?<=,)\s+", " "]


@lru_cache(maxsize=4)
def _tokenizer(model_path: str):
    from transformers import AutoTokenizer

    return AutoTokenizer.from_pretrained(model_path)


@lru_cache(maxsize=4)
def make_splitter(model_path: str, chunk_tokens: int = CHUNK_TOKENS, overlap: int = OVERLAP_TOKENS):
    return RecursiveCharacterTextSplitter.from_huggingface_tokenizer(
        _tokenizer(model_path),
        chunk_size=chunk_tokens,
        chunk_overlap=overlap,
        separators=SEPARATORS,
        is_separator_regex=True,
        keep_separator="start",  # pieces stay exact substrings, so offsets hold
        strip_whitespace=True,
    )


def chunk_id(doc_id: str, text: str, ordinal: int) -> str:
    """Stable id from the document and the chunk's content (ordinal separates exact repeats)."""
    digest = hashlib.sha256(f"{doc_id}\x00{ordinal}\x00{text}".encode()).hexdigest()
    return f"{doc_id}:{digest[:16]}"


_NON_SPACE = re.compile(r"\S")


def locate(text: str, pieces: list[str]) -> list[tuple[int, int]]:
    """Character offsets of each piece in ``text``.

    The splitter returns pieces in order, each starting after the previous one's start and no
    later than the first non-space character after its end (pieces overlap or abut). The latest
    occurrence in that window is taken, so a sentence repeated earlier in the article is never
    mistaken for a later one and no stretch of text falls between two chunks.
    """
    spans: list[tuple[int, int]] = []
    prev_start, prev_end = -1, 0
    for piece in pieces:
        m = _NON_SPACE.search(text, prev_end)
        bound = m.start() if m else len(text)
        start = text.rfind(piece, prev_start + 1, bound + len(piece))
        if start < 0:
            start = text.find(piece, prev_start + 1)
        if start < 0:
            start = text.find(piece)
        if start < 0:
            raise ValueError("a chunk is not a substring of its article")
        spans.append((start, start + len(piece)))
        prev_start, prev_end = start, start + len(piece)
    return spans


def _pieces(text: str, model_path: str) -> list[tuple[str, int, int]]:
    """Chunks of the body, then of the captions block: no chunk holds both, so a caption is
    always retrieved, shown and dated as a caption."""
    splitter = make_splitter(model_path)
    cut = section_start(text)
    out = []
    for offset, part in ((0, text[:cut]), (cut, text[cut:])) if cut else ((0, text),):
        pieces = splitter.split_text(part)
        out += [(p, offset + s, offset + e) for p, (s, e) in zip(pieces, locate(part, pieces), strict=True)]
    return out


def chunk_article(article: Article, model_path: str) -> list[Chunk]:
    chunks: list[Chunk] = []
    seen: dict[str, int] = {}
    for piece, start, end in _pieces(article.text, model_path):
        ordinal = seen.get(piece, 0)
        seen[piece] = ordinal + 1
        chunks.append(
            Chunk(
                chunk_id=chunk_id(article.doc_id or article.source, piece, ordinal),
                source=article.source,
                title=article.title,
                date=article.date,
                author=article.author,
                text=piece,
                start=start,
                end=end,
                content_hash=article.content_hash,
                doc_id=article.doc_id,
            )
        )
    return chunks


def chunk_metadata(chunk: Chunk) -> dict[str, Any]:
    """Chroma metadata: scalar values only, no None."""
    return {
        "doc_id": chunk.doc_id,
        "source": chunk.source,
        "title": chunk.title,
        "date": chunk.date or "",
        "date_num": date_num(chunk.date),
        "author": chunk.author or "",
        "start": chunk.start,
        "end": chunk.end,
        "content_hash": chunk.content_hash,
    }
