"""One file to one Article: load (with the size limit), clean, read title, date and author."""

from __future__ import annotations

from pathlib import Path

from rag.ingest.cleaner import clean_text
from rag.ingest.dating import date_note
from rag.ingest.loaders import LoadError, parse_bytes, read_checked
from rag.ingest.metadata import extract_metadata, parse_date
from rag.text import captions
from rag.types import Article


def _iso_or_none(value: str | None) -> str | None:
    if not value:
        return None
    return value[:10] if len(value) >= 10 and value[4] == "-" else parse_date(value)


def prepare_article(path: Path, data: bytes | None = None, max_bytes: int | None = None) -> Article:
    """Load and clean one file and read its metadata."""
    data = read_checked(path, max_bytes) if data is None else data
    raw = parse_bytes(path, data)
    cleaned = clean_text(raw.text)
    if not cleaned.text.strip():
        raise LoadError(f"{path.name}: nothing left after cleaning")
    meta = extract_metadata(cleaned.text, fallback_title=path.stem)
    raw_date = _iso_or_none(raw.date)
    published = raw_date or meta.date
    # Dated from the body alone: a caption's date is the photo's.
    note = date_note(cleaned.text, published, None if raw_date else meta.date_line)
    return Article(
        source=path.name,
        path=str(path.resolve()),
        title=raw.title or meta.title,
        text=cleaned.text + ("\n" + captions.section(cleaned.captions) if cleaned.captions else ""),
        date=published,
        author=raw.author or meta.author,
        content_hash=raw.content_hash,
        removed=cleaned.removed,
        date_derived=note.derived,
        date_note=note.note,
    )
