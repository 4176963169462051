"""All configuration, read from environment variables with documented defaults.

Every path the program writes to lives under ``data_dir``.
"""

from __future__ import annotations

import os
import re
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
}


def set_offline_env() -> None:
    """Force offline mode for every library that could reach a model hub."""
    for key, value in OFFLINE_ENV.items():
        os.environ[key] = value
    # No third-party progress bars ("Loading weights") unless asked for (rag -v sets it to 0).
    if not os.environ.get("HF_HUB_DISABLE_PROGRESS_BARS"):
        os.environ["HF_HUB_DISABLE_PROGRESS_BARS"] = "1"


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
    # An OpenAI-compatible server (vLLM, llama.cpp's server, LM Studio) for openai:<model>.
    openai_base_url: str = "http://127.0.0.1:8080/v1"
    openai_api_key: str = ""
    # How the server takes a JSON schema: "json_object" + schema (llama.cpp, llama-cpp-python)
    # or "json_schema" (OpenAI's structured outputs: vLLM, LM Studio).
    openai_response_format: str = "json_object"
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
    # Files one upload in the chat may carry (each also under max_file_mb).
    max_upload_files: int = 20
    # "auto": who/when/where/how-many/what questions are answered by a span the model copies
    # from one sentence (extract-and-verify), the others by a verified written answer;
    # "write": every question gets the written answer (0.4's path).
    answer_mode: str = "auto"
    why_reader: str = "top"
    # Who/when/where/how-many questions: "choice", the model picks among typed values from the
    # best sentences (or none), read from its logits; "extract", it copies a span (0.5).
    fact_reader: str = "choice"
    # What / list / yes-no questions no typed value answers: "quote", the best sentence when it
    # holds the question's names and dates; "write", 0.5's written, verified answer.
    open_reader: str = "quote"
    # Ordering / what-happened / as-of questions: "events", answered from the catalog's dated
    # events; "off", they go through the readers above like any question (0.5's behaviour).
    timeline_reader: str = "events"
    # How the timeline finds the sentence of an event a question describes: "embedding", by
    # similarity to the clause holding its date; "model", the chat model chooses among the
    # embedding's first four (or none, from its logits); "words", by shared words (0.5.1).
    timeline_match: str = "embedding"
    # The least share of a question's names and dates the chosen sentence's paragraph and
    # title must hold (the choice reader); chosen on the development sets.
    min_coverage: float = 0.5
    # The least relevance score (the model's P(yes) that the sentence answers) for a span to
    # be given as the answer; chosen on the development sets (docs/results.md).
    min_relevance: float = 0.72
    # The trained sentence reader (rag.train): "trained" ranks every candidate sentence by it
    # and declines when its best is under the threshold; "off" (default: no trained reader has
    # beaten the selector yet, docs/reader-bakeoff.md) keeps the selector alone.
    sentence_reader: str = "off"
    reader_weights: Path = PROJECT_ROOT / "rag" / "models" / "reader_weights"
    # None: the threshold fitted on the development sets, stored beside the weights.
    reader_threshold: float | None = None
    # The selector's weight in the ranking (0: the reader alone); chosen by the bake-off.
    reader_mix: float = 0.0

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


# Ranges a setting must fall in (the README's configuration table and docs/architecture.md state the same).
TOP_K_RANGE = (1, 12)  # the chat's slider offers the same range
N_CTX_RANGE = (2048, 32768)  # the longest prompt plus answer needs about 2,000 tokens
THREADS_RANGE = (1, 256)
PORT_RANGE = (1, 65535)
# Chroma's rule for collection names: 3-512 characters of [a-zA-Z0-9._-], alphanumeric at
# both ends.
_COLLECTION = re.compile(r"^[A-Za-z0-9](?:[A-Za-z0-9._-]{1,510})[A-Za-z0-9]$")


def _number_env(name: str, default, cast, low=None, high=None):
    """A numeric setting from the environment, checked against its range in one line."""
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    try:
        value = cast(raw)
    except ValueError as exc:
        kind = "an integer" if cast is int else "a number"
        raise ConfigError(f"{name} must be {kind}, got {raw!r}") from exc
    if high is not None and not low <= value <= high:
        raise ConfigError(f"{name} must be between {low} and {high}, got {raw!r}")
    if high is None and low is not None and not value >= low:
        raise ConfigError(f"{name} must be at least {low:g}, got {raw!r}")
    return value


def _int_env(name: str, default: int, bounds: tuple[int, int] | None = None) -> int:
    return _number_env(name, default, int, *(bounds or (None, None)))


def _float_env(name: str, default: float, minimum: float) -> float:
    return _number_env(name, default, float, minimum)


def check_collection(name: str) -> str:
    if not _COLLECTION.match(name) or ".." in name:
        raise ConfigError(
            f"RAG_COLLECTION must be 3-512 characters of letters, digits, '.', '_' or '-', "
            f"starting and ending with a letter or digit, got {name!r}"
        )
    return name


def load_settings() -> Settings:
    """Read settings from the environment (see the README's configuration table and docs/architecture.md)."""
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
    if ":" not in llm or not llm.partition(":")[2]:
        raise ConfigError(
            "RAG_LLM must look like 'llamacpp:<name or .gguf path>', 'ollama:<model>' or "
            f"'openai:<model>', got {llm!r}"
        )
    response_format = env.get("RAG_OPENAI_RESPONSE_FORMAT") or defaults.openai_response_format
    if response_format not in ("json_object", "json_schema"):
        raise ConfigError(
            f"RAG_OPENAI_RESPONSE_FORMAT must be json_object or json_schema, got {response_format!r}"
        )
    openai_url = (env.get("RAG_OPENAI_BASE_URL") or defaults.openai_base_url).rstrip("/")
    if not openai_url.startswith(("http://", "https://")):
        raise ConfigError(f"RAG_OPENAI_BASE_URL must start with http:// or https://, got {openai_url!r}")
    return Settings(
        data_dir=data_dir,
        seeds_dir=Path(env.get("RAG_SEEDS_DIR") or defaults.seeds_dir).expanduser().resolve(),
        llm=llm,
        embedding_model=env.get("RAG_EMBEDDING_MODEL") or defaults.embedding_model,
        chroma_host=host,
        chroma_port=_int_env("RAG_CHROMA_PORT", defaults.chroma_port, PORT_RANGE),
        collection=check_collection(env.get("RAG_COLLECTION") or defaults.collection),
        ollama_host=ollama_host.rstrip("/"),
        openai_base_url=openai_url,
        openai_api_key=env.get("RAG_OPENAI_API_KEY") or env.get("OPENAI_API_KEY") or "",
        openai_response_format=response_format,
        n_threads=_int_env("RAG_THREADS", defaults.n_threads, THREADS_RANGE),
        n_ctx=_int_env("RAG_N_CTX", defaults.n_ctx, N_CTX_RANGE),
        top_k=_int_env("RAG_TOP_K", defaults.top_k, TOP_K_RANGE),
        max_file_mb=_float_env("RAG_MAX_FILE_MB", defaults.max_file_mb, 0.001),
        max_chunks_per_doc=int(_float_env("RAG_MAX_CHUNKS_PER_DOC", defaults.max_chunks_per_doc, 1)),
        ingest_batch=int(_float_env("RAG_INGEST_BATCH", defaults.ingest_batch, 1)),
        lock_timeout=_float_env("RAG_LOCK_TIMEOUT", defaults.lock_timeout, 0),
        max_upload_files=_int_env("RAG_MAX_UPLOAD_FILES", defaults.max_upload_files, (1, 10_000)),
        answer_mode=_choice_env("RAG_ANSWER_MODE", defaults.answer_mode, ("auto", "write")),
        why_reader=_choice_env("RAG_WHY_READER", defaults.why_reader, ("choose", "top", "write")),
        fact_reader=_choice_env("RAG_FACT_READER", defaults.fact_reader, ("choice", "extract")),
        open_reader=_choice_env("RAG_OPEN_READER", defaults.open_reader, ("quote", "write")),
        timeline_reader=_choice_env("RAG_TIMELINE_READER", defaults.timeline_reader, ("events", "off")),
        timeline_match=_choice_env(
            "RAG_TIMELINE_MATCH", defaults.timeline_match, ("embedding", "model", "words")
        ),
        min_coverage=_number_env("RAG_MIN_COVERAGE", defaults.min_coverage, float, 0.0, 1.0),
        min_relevance=_number_env("RAG_MIN_RELEVANCE", defaults.min_relevance, float, 0.0, 1.0),
        sentence_reader=(
            reader := _choice_env("RAG_SENTENCE_READER", defaults.sentence_reader, ("trained", "off"))
        ),
        reader_weights=_reader_weights(env.get("RAG_READER_WEIGHTS"), defaults.reader_weights, reader),
        reader_threshold=(
            _number_env("RAG_READER_THRESHOLD", 0.0, float, 0.0, 1.0)
            if env.get("RAG_READER_THRESHOLD")
            else None
        ),
        reader_mix=_number_env("RAG_READER_MIX", defaults.reader_mix, float, 0.0, 1.0),
    )


def _reader_weights(value: str | None, default: Path, reader: str) -> Path:
    folder = Path(value).expanduser().resolve() if value else default
    if (value or reader == "trained") and not (folder / "reader.json").is_file():
        raise ConfigError(
            f"RAG_READER_WEIGHTS must be a folder made by 'make train-reader', got {str(folder)!r}"
            " (no reader weights ship yet; see docs/reader-bakeoff.md)"
        )
    return folder


def _choice_env(name: str, default: str, choices: tuple[str, ...]) -> str:
    value = os.environ.get(name) or default
    if value not in choices:
        raise ConfigError(f"{name} must be one of {', '.join(choices)}, got {value!r}")
    return value
