"""Local, offline question answering over news articles, with verified citations.

from rag import ask, search, timeline
answer = ask("When was Hawija taken from ISIS?")
print(answer.text, [c.quote for c in answer.citations])
for event in timeline(about="Mosul"):
    print(event.shown_date, event.sentence)
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from rag.factory import ask, ask_stream, search
    from rag.ingest.documents import timeline
    from rag.types import Answer, Citation, Event, Passage

__all__ = ["ask", "ask_stream", "search", "timeline", "Answer", "Citation", "Event", "Passage"]


def __getattr__(name: str):
    # Lazy: `import rag` stays cheap; torch, chromadb and llama.cpp load on first use.
    if name in ("ask", "ask_stream"):
        from rag import factory

        return getattr(factory, name)
    if name == "search":
        from rag.factory import search

        return search
    if name == "timeline":
        from rag.ingest.documents import timeline

        return timeline
    if name in ("Answer", "Citation", "Event", "Passage"):
        from rag import types

        return getattr(types, name)
    raise AttributeError(f"module 'rag' has no attribute {name!r}")
