"""Load files into plain text, chosen by file type. Unsupported types are refused."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

SUPPORTED = (".txt", ".md", ".html", ".htm", ".pdf")

# Leading bytes of common binary formats, so a picture or an archive renamed .txt is refused.
MAGIC = {
    b"\x89PNG": "PNG image",
    b"\xff\xd8\xff": "JPEG image",
    b"GIF8": "GIF image",
    b"%PDF": "PDF",
    b"PK\x03\x04": "ZIP archive (or .docx/.xlsx)",
    b"\x1f\x8b": "gzip archive",
    b"\x7fELF": "program (ELF)",
    b"7z\xbc\xaf": "7-Zip archive",
    b"Rar!": "RAR archive",
    b"\xd0\xcf\x11\xe0": "Office document (OLE)",
    b"RIFF": "RIFF media file",
    b"\x00\x00\x01\x00": "icon",
}
# Text is mostly printable: more than this share of control characters means it is not.
MAX_CONTROL_SHARE = 0.01
_SNIFF_BYTES = 65536


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


def sniff_binary(data: bytes, suffix: str) -> str | None:
    """Why these bytes are not a readable file of this type, or None when they look fine."""
    head = data[:_SNIFF_BYTES]
    if suffix == ".pdf":
        return None if b"%PDF" in head[:1024] else "not a PDF (no %PDF header)"
    for magic, kind in MAGIC.items():
        if head.startswith(magic):
            return f"a {kind}, not text"
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        return None  # UTF-16 text carries NULs by design
    if b"\x00" in head:
        return "contains NUL bytes: a binary file, not text"
    text = head.decode("utf-8", errors="replace")
    control = sum(1 for ch in text if ord(ch) < 32 and ch not in "\t\n\r\f\v")
    if text and control / len(text) > MAX_CONTROL_SHARE:
        return f"{control / len(text):.0%} control characters: a binary file, not text"
    return None


def _decode(data: bytes, path: Path) -> str:
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError:
            pass
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


def read_checked(path: Path, max_bytes: int | None = None) -> bytes:
    """The bytes of a supported, not oversized, not binary file; LoadError (one line) otherwise."""
    if path.suffix.lower() not in _LOADERS:
        raise LoadError(
            f"{path.name}: unsupported file type {path.suffix or '(none)'!r}; "
            f"supported: {', '.join(SUPPORTED)}"
        )
    try:
        size = path.stat().st_size
        if max_bytes is not None and size > max_bytes:
            raise LoadError(
                f"{path.name}: {size / 1e6:.1f} MB is over the {max_bytes / 1e6:g} MB limit (RAG_MAX_FILE_MB)"
            )
        data = path.read_bytes()
    except OSError as exc:
        raise LoadError(f"{path}: cannot read ({exc.strerror})") from exc
    if not data.strip():
        raise LoadError(f"{path.name}: the file is empty")
    why = sniff_binary(data, path.suffix.lower())
    if why:
        raise LoadError(f"{path.name}: {why}")
    return data


def content_hash(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def parse_bytes(path: Path, data: bytes) -> RawDocument:
    """Turn checked bytes into text and declared metadata, by file type."""
    doc = _LOADERS[path.suffix.lower()](path, data)
    doc.content_hash = content_hash(data)
    return doc


def load_file(path: Path, max_bytes: int | None = None) -> RawDocument:
    """Read one supported file; raise LoadError with a one-line reason otherwise."""
    return parse_bytes(path, read_checked(path, max_bytes))


def collect_files(paths: list[Path]) -> list[Path]:
    """Expand folders into their supported files (sorted); keep explicit files as given."""
    files: list[Path] = []
    for p in paths:
        if p.is_dir():
            files.extend(
                sorted(
                    f
                    for f in p.rglob("*")
                    if f.suffix.lower() in SUPPORTED
                    and f.is_file()
                    # Hidden files and folders (.git, editor backups) are not articles.
                    and not any(part.startswith(".") for part in f.relative_to(p).parts)
                )
            )
        elif p.exists():
            files.append(p)
        else:
            raise LoadError(f"{p}: no such file or folder")
    return list({f.resolve(): f for f in files}.values())
