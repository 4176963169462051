"""Split a cleaned article into overlapping, sentence-aligned chunks with provenance.

Sizes are counted in tokens of the embedding model (MiniLM truncates at 256 word pieces and
was trained on 128), so a chunk is never silently cut off when embedded.
"""

from __future__ import annotations

import hashlib
from functools import lru_cache

from langchain_text_splitters import RecursiveCharacterTextSplitter

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


def chunk_id(source: str, text: str, ordinal: int) -> str:
    """Stable id from the source and the chunk's content (ordinal separates exact repeats)."""
    digest = hashlib.sha256(f"{source}\x00{ordinal}\x00{text}".encode()).hexdigest()
    return f"{source.rsplit('.', 1)[0]}:{digest[:16]}"


def chunk_article(article: Article, model_path: str) -> list[Chunk]:
    splitter = make_splitter(model_path)
    chunks: list[Chunk] = []
    seen: dict[str, int] = {}
    cursor = 0
    for piece in splitter.split_text(article.text):
        # Offsets by forward search: overlapping chunks start before the previous end.
        start = article.text.find(piece, max(0, cursor - len(piece)))
        if start < 0:
            start = article.text.find(piece)
        end = start + len(piece)
        cursor = max(cursor, start + 1)
        ordinal = seen.get(piece, 0)
        seen[piece] = ordinal + 1
        chunks.append(
            Chunk(
                chunk_id=chunk_id(article.source, piece, ordinal),
                source=article.source,
                title=article.title,
                date=article.date,
                author=article.author,
                text=piece,
                start=start,
                end=end,
                content_hash=article.content_hash,
            )
        )
    return chunks
