"""All configuration, read from environment variables with documented defaults.

Every path the program writes to lives under ``data_dir``.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent

# Set before any model library is imported: without HF_HUB_OFFLINE a hub-name lookup
# spends about 70 s timing out on these machines.
OFFLINE_ENV = {
    "HF_HUB_OFFLINE": "1",
    "TRANSFORMERS_OFFLINE": "1",
    "HF_DATASETS_OFFLINE": "1",
    "HF_HUB_DISABLE_TELEMETRY": "1",
    "GRADIO_ANALYTICS_ENABLED": "False",
    "ANONYMIZED_TELEMETRY": "False",  # chromadb's posthog telemetry
    "TOKENIZERS_PARALLELISM": "false",
    # No third-party progress bars ("Loading weights") on the CLI's stderr.
    "HF_HUB_DISABLE_PROGRESS_BARS": "1",
}


def set_offline_env() -> None:
    """Force offline mode for every library that could reach a model hub."""
    for key, value in OFFLINE_ENV.items():
        os.environ[key] = value


@dataclass(frozen=True)
class Settings:
    """Runtime settings. Build with :func:`load_settings` to read the environment."""

    data_dir: Path = PROJECT_ROOT / ".rag"
    seeds_dir: Path = PROJECT_ROOT / "seeds"
    llm: str = "llamacpp:qwen2.5-coder-1.5b"
    embedding_model: str = "all-MiniLM-L6-v2"
    chroma_host: str | None = None
    chroma_port: int = 8000
    collection: str = "news_articles"
    ollama_host: str = "http://127.0.0.1:11434"
    n_threads: int = field(default_factory=lambda: max(1, os.cpu_count() or 1))
    n_ctx: int = 4096
    top_k: int = 6
    # Ingest limits (documented in the README): a file above either is refused with one line.
    max_file_mb: float = 10.0
    max_chunks_per_doc: int = 2000
    # Chunks embedded and written per batch (capped by the Chroma client's own maximum).
    ingest_batch: int = 512
    # Seconds a writer waits for another ingest on the same data folder.
    lock_timeout: float = 600.0

    @property
    def chroma_dir(self) -> Path:
        return self.data_dir / "chroma"

    @property
    def models_dir(self) -> Path:
        return self.data_dir / "models"

    @property
    def reports_dir(self) -> Path:
        return self.data_dir / "reports"

    @property
    def uploads_dir(self) -> Path:
        return self.data_dir / "uploads"

    @property
    def catalog_path(self) -> Path:
        """The document table and lexical index that belong to this collection."""
        where = f"{self.chroma_host}-{self.chroma_port}" if self.uses_chroma_server else "embedded"
        return self.data_dir / "catalog" / f"{where}-{self.collection}.sqlite3"

    @property
    def lexical_dir(self) -> Path:
        """The BM25 index (tantivy) that belongs to this collection."""
        where = f"{self.chroma_host}-{self.chroma_port}" if self.uses_chroma_server else "embedded"
        return self.data_dir / "lexical" / f"{where}-{self.collection}"

    @property
    def max_file_bytes(self) -> int:
        return int(self.max_file_mb * 1_000_000)

    @property
    def uses_chroma_server(self) -> bool:
        return bool(self.chroma_host)


class ConfigError(ValueError):
    """A configuration value is invalid; the message is shown to the user as one line."""


def _int_env(name: str, default: int) -> int:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    try:
        return int(raw)
    except ValueError as exc:
        raise ConfigError(f"{name} must be an integer, got {raw!r}") from exc


def _float_env(name: str, default: float, minimum: float) -> float:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    try:
        value = float(raw)
    except ValueError as exc:
        raise ConfigError(f"{name} must be a number, got {raw!r}") from exc
    if not value >= minimum:
        raise ConfigError(f"{name} must be at least {minimum:g}, got {raw!r}")
    return value


def load_settings() -> Settings:
    """Read settings from the environment (see the README's configuration table)."""
    env = os.environ
    defaults = Settings()
    data_dir = Path(env.get("RAG_DATA_DIR") or defaults.data_dir).expanduser().resolve()
    if data_dir.exists() and not data_dir.is_dir():
        raise ConfigError(f"RAG_DATA_DIR must be a folder, but {data_dir} is a file")
    host = env.get("RAG_CHROMA_HOST") or None
    ollama_host = env.get("OLLAMA_HOST") or defaults.ollama_host
    if not ollama_host.startswith(("http://", "https://")):
        ollama_host = "http://" + ollama_host
    llm = env.get("RAG_LLM") or defaults.llm
    if ":" not in llm:
        raise ConfigError(
            f"RAG_LLM must look like 'llamacpp:<name or .gguf path>' or 'ollama:<model>', got {llm!r}"
        )
    return Settings(
        data_dir=data_dir,
        seeds_dir=Path(env.get("RAG_SEEDS_DIR") or defaults.seeds_dir).expanduser().resolve(),
        llm=llm,
        embedding_model=env.get("RAG_EMBEDDING_MODEL") or defaults.embedding_model,
        chroma_host=host,
        chroma_port=_int_env("RAG_CHROMA_PORT", defaults.chroma_port),
        collection=env.get("RAG_COLLECTION") or defaults.collection,
        ollama_host=ollama_host.rstrip("/"),
        n_threads=_int_env("RAG_THREADS", defaults.n_threads),
        n_ctx=_int_env("RAG_N_CTX", defaults.n_ctx),
        top_k=_int_env("RAG_TOP_K", defaults.top_k),
        max_file_mb=_float_env("RAG_MAX_FILE_MB", defaults.max_file_mb, 0.001),
        max_chunks_per_doc=int(_float_env("RAG_MAX_CHUNKS_PER_DOC", defaults.max_chunks_per_doc, 1)),
        ingest_batch=int(_float_env("RAG_INGEST_BATCH", defaults.ingest_batch, 1)),
        lock_timeout=_float_env("RAG_LOCK_TIMEOUT", defaults.lock_timeout, 0),
    )
