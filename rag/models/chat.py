"""Chat models behind LangChain classes: llama.cpp in-process (default), an Ollama server, or
any OpenAI-compatible server (vLLM, llama.cpp's server, LM Studio).

``RAG_LLM`` picks one: ``llamacpp:qwen2.5-coder-1.5b`` (default), ``llamacpp:qwen2.5-coder-0.5b``,
``llamacpp:/path/to/model.gguf``, ``ollama:<model>`` or ``openai:<model>``
(``RAG_OPENAI_BASE_URL``). A llama.cpp model is loaded once per process and shared by every
question.
"""

from __future__ import annotations

import atexit
import threading
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # langchain_core costs 0.9 s to import; a command that only lists needs none
    from langchain_core.language_models import BaseChatModel

from rag.config import Settings, set_offline_env
from rag.models.gguf import resolve_gguf


class LLMError(RuntimeError):
    """The chat backend can't be used; one line for the user."""


_LLAMA: dict[tuple, BaseChatModel] = {}
# llama.cpp is not thread-safe: two questions decoding at once on one model crashed the process
# (a segfault in libggml). One question at a time per process; a plain Lock, not an RLock,
# because a streaming generator may be resumed on a different worker thread.
MODEL_LOCK = threading.Lock()


BACKENDS = ("llamacpp", "ollama", "openai")


def parse_llm(spec: str) -> tuple[str, str]:
    backend, _, name = spec.partition(":")
    if backend not in BACKENDS or not name:
        raise LLMError(
            f"unknown LLM {spec!r}: use llamacpp:<name or .gguf path>, ollama:<model> or openai:<model>"
        )
    return backend, name


def close_models() -> None:
    """Free every loaded llama.cpp model. Run at exit: left to the interpreter's shutdown,
    llama_cpp's __del__ finds its C bindings already gone and prints a traceback."""
    while _LLAMA:
        _, model = _LLAMA.popitem()
        model.client.close()


atexit.register(close_models)


def _llamacpp(settings: Settings, name: str) -> BaseChatModel:
    path = resolve_gguf(name, settings)
    key = (str(path), settings.n_ctx, settings.n_threads)
    if key not in _LLAMA:
        from langchain_community.chat_models import ChatLlamaCpp

        _LLAMA[key] = ChatLlamaCpp(
            model_path=str(path),
            n_ctx=settings.n_ctx,
            # ChatLlamaCpp defaults to n_batch=8, which halves prompt speed on CPU.
            n_batch=512,
            n_threads=settings.n_threads,
            temperature=0.0,
            top_p=1.0,
            max_tokens=384,
            seed=0,
            verbose=False,
        )
    return _LLAMA[key]


def check_ollama(host: str) -> list[str]:
    """Names of the models the Ollama server has; LLMError naming the host if unreachable."""
    import ollama

    try:
        listing = ollama.Client(host=host, timeout=5).list()
    except Exception as exc:  # httpx/ollama raise many types for "not there"
        raise LLMError(f"cannot reach Ollama at {host} ({type(exc).__name__})") from exc
    return [m.model for m in listing.models]


def _ollama(settings: Settings, name: str, json_schema: dict[str, Any] | None) -> BaseChatModel:
    from langchain_ollama import ChatOllama

    models = check_ollama(settings.ollama_host)
    if name not in models and f"{name}:latest" not in models:
        raise LLMError(
            f"Ollama at {settings.ollama_host} has no model {name!r} (has: {', '.join(models) or 'none'})"
        )
    return ChatOllama(
        model=name,
        base_url=settings.ollama_host,
        temperature=0.0,
        seed=0,
        num_predict=384,
        format=json_schema,
    )


def check_openai(base_url: str, api_key: str) -> list[str]:
    """Model ids an OpenAI-compatible server lists; LLMError naming the URL if unreachable."""
    import httpx

    try:
        got = httpx.get(
            f"{base_url}/models", headers={"Authorization": f"Bearer {api_key or 'none'}"}, timeout=5
        )
    except httpx.HTTPError as exc:
        raise LLMError(
            f"cannot reach an OpenAI-compatible server at {base_url} ({type(exc).__name__})"
        ) from exc
    if got.status_code in (401, 403):
        raise LLMError(f"the server at {base_url} refused the API key (RAG_OPENAI_API_KEY)")
    try:
        got.raise_for_status()
        return [m["id"] for m in got.json().get("data", [])]
    except (httpx.HTTPError, ValueError, KeyError) as exc:
        raise LLMError(
            f"cannot reach an OpenAI-compatible server at {base_url} ({type(exc).__name__})"
        ) from exc


def _openai(settings: Settings, name: str, json_schema: dict[str, Any] | None) -> BaseChatModel:
    from langchain_openai import ChatOpenAI

    models = check_openai(settings.openai_base_url, settings.openai_api_key)
    if models and name not in models:
        raise LLMError(f"{settings.openai_base_url} has no model {name!r} (has: {', '.join(models)})")
    model = ChatOpenAI(
        model=name,
        base_url=settings.openai_base_url,
        api_key=settings.openai_api_key or "none",  # local servers accept any key
        temperature=0.0,
        seed=0,
        max_tokens=384,
        timeout=300,
        max_retries=1,
    )
    if json_schema is None:
        return model
    if settings.openai_response_format == "json_schema":
        fmt = {
            "type": "json_schema",
            "json_schema": {"name": "answer", "schema": json_schema, "strict": True},
        }
    else:
        fmt = {"type": "json_object", "schema": json_schema}
    return model.bind(response_format=fmt)


def get_chat_model(settings: Settings, json_schema: dict[str, Any] | None = None, spec: str | None = None):
    """The configured chat model; with ``json_schema`` its output is constrained to it."""
    set_offline_env()
    backend, name = parse_llm(spec or settings.llm)
    if backend == "ollama":
        return _ollama(settings, name, json_schema)
    if backend == "openai":
        return _openai(settings, name, json_schema)
    model = _llamacpp(settings, name)
    if json_schema is None:
        return model
    # Grammar-constrained decoding in llama.cpp: the output always parses.
    return model.bind(response_format={"type": "json_object", "schema": json_schema})


def count_tokens(settings: Settings, texts: list[str], spec: str | None = None) -> int | None:
    """Tokens of ``texts`` in the llama.cpp model's vocabulary (None for Ollama, whose
    tokenizer isn't local). Chat-template tokens are not counted."""
    backend, name = parse_llm(spec or settings.llm)
    if backend != "llamacpp":
        return None
    client = _llamacpp(settings, name).client
    return sum(len(client.tokenize(t.encode("utf-8"), add_bos=False, special=True)) for t in texts)


def model_label(settings: Settings, spec: str | None = None) -> str:
    return spec or settings.llm
