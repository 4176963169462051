"""Local, offline question answering over news articles, with verified citations.

from rag import ask, search
answer = ask("When was Hawija taken from ISIS?")
print(answer.text, [c.quote for c in answer.citations])
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from rag.factory import ask, ask_stream, search
    from rag.types import Answer, Citation, Passage

__all__ = ["ask", "ask_stream", "search", "Answer", "Citation", "Passage"]


def __getattr__(name: str):
    # Lazy: `import rag` stays cheap; torch, chromadb and llama.cpp load on first use.
    if name in ("ask", "ask_stream"):
        from rag import factory

        return getattr(factory, name)
    if name == "search":
        from rag.factory import search

        return search
    if name in ("Answer", "Citation", "Passage"):
        from rag import types

        return getattr(types, name)
    raise AttributeError(f"module 'rag' has no attribute {name!r}")
