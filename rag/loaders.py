"""Load files into plain text, chosen by file type. Unsupported types are refused."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

SUPPORTED = (".txt", ".md", ".html", ".htm", ".pdf")


class LoadError(ValueError):
    """A file can't be loaded; the message names it and says why, on one line."""


@dataclass
class RawDocument:
    path: Path
    text: str
    content_hash: str
    # Metadata a structured format declares (HTML meta tags, PDF info); text-derived otherwise.
    title: str | None = None
    date: str | None = None
    author: str | None = None


def _decode(data: bytes, path: Path) -> str:
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise LoadError(f"{path.name}: not a readable text file")


def _load_text(path: Path, data: bytes) -> RawDocument:
    return RawDocument(path, _decode(data, path), "")


def _load_html(path: Path, data: bytes) -> RawDocument:
    import trafilatura

    html = _decode(data, path)
    text = trafilatura.extract(html, include_comments=False, include_tables=True, favor_precision=True)
    if not text:
        raise LoadError(f"{path.name}: no article text found in the HTML")
    meta = trafilatura.extract_metadata(html)
    title = (meta.title if meta else None) or None
    date = (meta.date if meta else None) or None
    author = (meta.author if meta else None) or None
    if title and not text.lstrip().startswith(title):
        text = f"{title}\n\n{text}"
    return RawDocument(path, text, "", title=title, date=date, author=author)


def _load_pdf(path: Path, data: bytes) -> RawDocument:
    import io

    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    try:
        reader = PdfReader(io.BytesIO(data))
        pages = [page.extract_text() or "" for page in reader.pages]
        info = reader.metadata
    except (PdfReadError, ValueError, KeyError) as exc:
        raise LoadError(f"{path.name}: unreadable PDF ({exc})") from exc
    text = "\n\n".join(p.strip() for p in pages if p.strip())
    if not text:
        raise LoadError(f"{path.name}: the PDF has no extractable text (scanned images?)")
    title = (info.title if info else None) or None
    author = (info.author if info else None) or None
    return RawDocument(path, text, "", title=title, author=author)


_LOADERS = {
    ".txt": _load_text,
    ".md": _load_text,
    ".html": _load_html,
    ".htm": _load_html,
    ".pdf": _load_pdf,
}


def load_file(path: Path) -> RawDocument:
    """Read one supported file; raise LoadError with a one-line reason otherwise."""
    loader = _LOADERS.get(path.suffix.lower())
    if loader is None:
        raise LoadError(
            f"{path.name}: unsupported file type {path.suffix or '(none)'!r}; "
            f"supported: {', '.join(SUPPORTED)}"
        )
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise LoadError(f"{path}: cannot read ({exc.strerror})") from exc
    if not data.strip():
        raise LoadError(f"{path.name}: the file is empty")
    doc = loader(path, data)
    doc.content_hash = hashlib.sha256(data).hexdigest()
    return doc


def collect_files(paths: list[Path]) -> list[Path]:
    """Expand folders into their supported files (sorted); keep explicit files as given."""
    files: list[Path] = []
    for p in paths:
        if p.is_dir():
            files.extend(sorted(f for f in p.rglob("*") if f.suffix.lower() in SUPPORTED))
        elif p.exists():
            files.append(p)
        else:
            raise LoadError(f"{p}: no such file or folder")
    return files
