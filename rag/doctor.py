"""``rag doctor``: check each component and say plainly what is wrong."""

from __future__ import annotations

import importlib.metadata as md
import shutil
from collections.abc import Callable

from rag.config import Settings

OK, FAIL, SKIP = "ok", "FAIL", "skip"


def _check_packages(settings: Settings) -> str:
    missing = []
    for dist in (
        "chromadb",
        "langchain-core",
        "sentence-transformers",
        "llama-cpp-python",
        "gradio",
        "tantivy",
    ):
        try:
            md.version(dist)
        except md.PackageNotFoundError:
            missing.append(dist)
    if missing:
        raise RuntimeError(f"not installed: {', '.join(missing)}")
    return (
        f"chromadb {md.version('chromadb')}, langchain-core {md.version('langchain-core')}, "
        f"llama-cpp-python {md.version('llama-cpp-python')}"
    )


def _check_embeddings(settings: Settings) -> str:
    from rag.models.embeddings import get_embeddings

    vec = get_embeddings(settings).embed_query("health check")
    return f"{settings.embedding_model}, {len(vec)} dimensions"


def _check_llm(settings: Settings, full: bool) -> str:
    from rag.models.chat import check_ollama, parse_llm
    from rag.models.gguf import KNOWN_GGUF, ModelError, verify_gguf

    backend, name = parse_llm(settings.llm)
    if backend == "ollama":
        models = check_ollama(settings.ollama_host)
        if name not in models and f"{name}:latest" not in models:
            raise RuntimeError(f"Ollama at {settings.ollama_host} has no model {name!r}")
        return f"ollama {name} at {settings.ollama_host}"
    if name in KNOWN_GGUF:
        spec = KNOWN_GGUF[name]
        path = settings.models_dir / spec.filename
        if not path.exists():
            raise RuntimeError(f"{path} is missing; run `rag setup` (or `make models`)")
        if not verify_gguf(spec, path, full=full, progress=False):
            raise ModelError(
                f"{path.name} fails its sha256/size check (corrupt or partial); run `rag setup` to rebuild it"
            )
        return f"{path} ({path.stat().st_size:,} bytes, sha256 {'verified' if full else 'stamp ok'})"
    from rag.models.gguf import resolve_gguf

    return str(resolve_gguf(name, settings, progress=False))


def _check_index(settings: Settings) -> str:
    from rag.index.store import open_catalog, open_store

    store = open_store(settings)  # first: an unreachable server is the error to report
    catalog = open_catalog(settings)
    where = (
        f"server {settings.chroma_host}:{settings.chroma_port}"
        if settings.uses_chroma_server
        else str(settings.chroma_dir)
    )
    if catalog.get_meta("initialized") is None:
        return f"not yet created ({where}); the first question indexes seeds/"
    docs, chunks = catalog.document_count(), catalog.chunk_count()
    vectors = store._collection.count()
    if vectors != chunks:
        raise RuntimeError(
            f"the catalog lists {chunks} chunks but Chroma holds {vectors} ({where}); "
            "run `rag ingest --force` on your folders to re-index them"
        )
    return f"{docs} documents, {chunks} chunks, catalog {settings.catalog_path} ({where})"


def _check_browser(settings: Settings) -> str:
    found = [b for b in ("chromium", "chromedriver") if shutil.which(b)]
    if len(found) < 2:
        return "chromium/chromedriver not installed (needed only by the browser test)"
    return "chromium and chromedriver found"


def run_doctor(settings: Settings, full: bool = True) -> int:
    checks: list[tuple[str, Callable[[], str], bool]] = [
        ("packages", lambda: _check_packages(settings), True),
        ("embedding model", lambda: _check_embeddings(settings), True),
        ("chat model", lambda: _check_llm(settings, full), True),
        ("vector index", lambda: _check_index(settings), True),
        ("browser (tests)", lambda: _check_browser(settings), False),
    ]
    print(f"data dir: {settings.data_dir}")
    chroma = (
        f"server {settings.chroma_host}:{settings.chroma_port}" if settings.uses_chroma_server else "embedded"
    )
    print(f"LLM: {settings.llm}   Chroma: {chroma}")
    failed = 0
    for label, check, required in checks:
        try:
            detail, status = check(), OK
        except Exception as exc:  # each failure becomes one report line, never a traceback
            detail = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
            status = FAIL if required else SKIP
            failed += status == FAIL
        print(f"  [{status:>4}] {label:<16} {detail}")
    print("all checks passed" if not failed else f"{failed} check(s) failed")
    return 1 if failed else 0
