"""One writer at a time per data folder: an advisory file lock (``flock``) on ``.write.lock``.

The CLI's ingest, the app's uploads and removals all take it, so a second writer waits its
turn (and says so) instead of racing the first. The kernel drops the lock when its process dies,
so a killed ingest never leaves the folder locked.
"""

from __future__ import annotations

import fcntl
import os
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path


class LockTimeout(RuntimeError):
    """Another writer held the data folder for longer than we were willing to wait."""


def _holder(path: Path) -> str:
    try:
        pid = path.read_text(encoding="utf-8").strip()
    except OSError:
        return "another process"
    return f"process {pid}" if pid else "another process"


@contextmanager
def write_lock(
    data_dir: Path, timeout: float, on_wait: Callable[[str], None] | None = None
) -> Iterator[None]:
    """Hold the data folder's write lock; wait up to ``timeout`` seconds for it."""
    data_dir.mkdir(parents=True, exist_ok=True)
    path = data_dir / ".write.lock"
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        deadline = time.monotonic() + timeout
        told = False
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    raise LockTimeout(
                        f"another ingest is running on {data_dir} ({_holder(path)}); "
                        f"gave up after {timeout:g} s (RAG_LOCK_TIMEOUT)"
                    ) from None
                if not told and on_wait:
                    on_wait(f"waiting for another ingest on {data_dir} ({_holder(path)}) to finish…")
                    told = True
                time.sleep(0.2)
        os.ftruncate(fd, 0)
        os.write(fd, str(os.getpid()).encode())
        try:
            yield
        finally:
            os.ftruncate(fd, 0)
            fcntl.flock(fd, fcntl.LOCK_UN)
    finally:
        os.close(fd)
