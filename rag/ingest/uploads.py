"""Uploaded files are kept under ``RAG_DATA_DIR/uploads``, never in the web server's temp folder.

An upload never overwrites a different file: the same bytes under the same name are the same
document (nothing to do); different bytes under a taken name are stored as ``name (2).txt``
and the user is told.
"""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from pathlib import Path

from rag.ingest.loaders import content_hash


@dataclass
class StoredUpload:
    path: Path  # where the copy lives now
    original: str  # the name it was uploaded under
    note: str = ""  # said to the user when the name had to change


def _free_name(folder: Path, name: str, digest: str) -> tuple[Path, bool]:
    """A path in ``folder`` for these bytes: the same file if already there, else a free name."""
    stem, suffix = Path(name).stem, Path(name).suffix
    n = 1
    while True:
        candidate = folder / (name if n == 1 else f"{stem} ({n}){suffix}")
        if not candidate.exists():
            return candidate, False
        if content_hash(candidate.read_bytes()) == digest:
            return candidate, True
        n += 1


def store_uploads(files: list[Path], uploads_dir: Path, remove_originals: bool = True) -> list[StoredUpload]:
    """Copy uploads into ``uploads_dir`` (renaming on a clash) and delete the temp copies."""
    uploads_dir.mkdir(parents=True, exist_ok=True)
    stored: list[StoredUpload] = []
    for src in files:
        name = Path(src.name).name  # never a path from the client
        digest = content_hash(src.read_bytes())
        dest, exists = _free_name(uploads_dir, name, digest)
        if not exists:
            shutil.copyfile(src, dest)
        note = ""
        if dest.name != name:
            note = f"{name} was stored as {dest.name}: a different file named {name} is already there"
        stored.append(StoredUpload(dest, name, note))
        if remove_originals and src.resolve().parent != uploads_dir.resolve():
            src.unlink(missing_ok=True)
    return stored
