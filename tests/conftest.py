"""Shared fixtures: real embedding model, real Chroma (embedded and `chroma run`), seeds."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
from dataclasses import replace
from pathlib import Path

import pytest

from rag.config import PROJECT_ROOT, Settings, load_settings, set_offline_env

set_offline_env()
SEEDS = PROJECT_ROOT / "seeds"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for_port(port: int, timeout: float = 60.0, proc: subprocess.Popen | None = None) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc is not None and proc.poll() is not None:
            raise RuntimeError(f"server exited with code {proc.returncode}")
        with socket.socket() as s:
            if s.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.2)
    raise TimeoutError(f"nothing listening on port {port} after {timeout}s")


def stop_process(proc: subprocess.Popen, timeout: float = 20.0) -> None:
    proc.terminate()
    try:
        proc.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        proc.kill()


@pytest.fixture(scope="session", autouse=True)
def _close_models_at_the_end():
    """Free the llama.cpp models before interpreter shutdown (see rag.models.chat.close_models)."""
    yield
    from rag.models.chat import close_models

    close_models()


@pytest.fixture(scope="session")
def base_settings() -> Settings:
    """The environment's settings, with the models directory of the real installation."""
    return load_settings()


def _settings_for(base: Settings, data_dir: Path, **kw) -> Settings:
    """A throwaway data dir that reuses the real, already-assembled model files."""
    data_dir.mkdir(parents=True, exist_ok=True)
    models = data_dir / "models"
    if not models.exists() and base.models_dir.exists():
        models.symlink_to(base.models_dir, target_is_directory=True)
    return replace(base, data_dir=data_dir, **kw)


@pytest.fixture(scope="session")
def chroma_server(tmp_path_factory):
    """A real Chroma server (`chroma run`) on a free loopback port."""
    exe = shutil.which("chroma", path=str(Path(sys.executable).parent)) or shutil.which("chroma")
    if exe is None:
        pytest.fail("the `chroma` command is missing: chromadb is not installed properly")
    port = free_port()
    path = tmp_path_factory.mktemp("chroma-server")
    env = {**os.environ, "ANONYMIZED_TELEMETRY": "False"}
    proc = subprocess.Popen(
        [exe, "run", "--path", str(path), "--host", "127.0.0.1", "--port", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        env=env,
    )
    try:
        wait_for_port(port, proc=proc)
        yield ("127.0.0.1", port)
    finally:
        stop_process(proc)


@pytest.fixture(params=["embedded", "server"])
def store_settings(request, base_settings, tmp_path) -> Settings:
    """Fresh, empty index settings: once embedded, once against the real Chroma server."""
    from rag.index.store import forget_store

    if request.param == "server":
        host, port = request.getfixturevalue("chroma_server")
        # One collection per test: the server outlives the test.
        name = f"t{abs(hash(request.node.nodeid)) % 10**10}"
        s = _settings_for(
            base_settings, tmp_path / "data", chroma_host=host, chroma_port=port, collection=name
        )
    else:
        s = _settings_for(base_settings, tmp_path / "data")
    yield s
    forget_store(s)


@pytest.fixture(scope="session")
def seeded_settings(base_settings, tmp_path_factory) -> Settings:
    """An embedded index of seeds/, built once per session."""
    from rag.ingest.documents import ingest_paths

    s = _settings_for(base_settings, tmp_path_factory.mktemp("seeded") / "data")
    ingest_paths([SEEDS], s)
    return s


@pytest.fixture
def seeds_copy(tmp_path) -> Path:
    dst = tmp_path / "seeds"
    shutil.copytree(SEEDS, dst)
    return dst
