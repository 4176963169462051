"""What the chat's panels show besides answers: models offered, example questions, the
document table."""

from __future__ import annotations

from typing import Any

from rag.config import Settings
from rag.evaluate.items import DEFAULT_SET, load_items
from rag.ingest.documents import list_documents, shown_date
from rag.models.gguf import KNOWN_GGUF
from rag.text.quoting import quoted

EMPTY_SOURCES = (
    "<p class='meta'>Sources for each answer appear here, with the quoted sentence highlighted.</p>"
)


def available_models(settings: Settings) -> list[str]:
    """The configured model, installed GGUF models, and an Ollama server's models if reachable."""
    models = [settings.llm]
    for name, spec in KNOWN_GGUF.items():
        if (settings.models_dir / spec.filename).exists():
            models.append(f"llamacpp:{name}")
    try:
        from rag.models.chat import check_ollama

        models += [f"ollama:{m}" for m in check_ollama(settings.ollama_host)]
    except Exception:  # no Ollama server: simply not offered
        pass
    return list(dict.fromkeys(models))


def example_questions(settings: Settings, limit: int = 4) -> list[str]:
    """Starter questions the indexed articles are known to answer: answerable questions of the
    evaluation set whose source articles are all indexed, one of each kind first. An index of
    other documents gets questions about its titles instead."""
    docs = list_documents(settings)
    indexed = {d["source"] for d in docs}
    try:
        items = load_items(DEFAULT_SET)
    except (OSError, ValueError):
        items = []
    usable = [i for i in items if i.answerable and not i.history and set(i.sources) <= indexed]
    by_type: dict[str, list[str]] = {}
    for item in usable:
        by_type.setdefault(item.type, []).append(item.question)
    out: list[str] = []
    while len(out) < limit and any(by_type.values()):
        for questions in by_type.values():
            if questions and len(out) < limit:
                out.append(questions.pop(0))
    for d in docs:
        if len(out) >= limit:
            break
        out.append(f"What does the article {quoted(d['title'].rstrip(' …'))} report?")
    return out


DOCUMENT_HEADERS = ["file", "title", "date", "about the date", "chunks"]


def documents_table(settings: Settings, docs: list[dict] | None = None) -> list[list[Any]]:
    docs = list_documents(settings) if docs is None else docs
    return [
        [d["label"], d["title"], shown_date(d), d.get("date_note") or "not read yet", d["chunks"]]
        for d in docs
    ]


def document_labels(settings: Settings, docs: list[dict] | None = None) -> list[str]:
    return [d["label"] for d in (list_documents(settings) if docs is None else docs)]
