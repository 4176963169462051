"""The baseline the eval compares against: the plain LangChain retrieval chain.

It is the tutorial recipe with nothing of this project's: raw files (no cleaning, no
metadata), 1,000-character chunks with 200 overlap, the same MiniLM embeddings in a Chroma
collection of its own, the top 4 chunks stuffed into one prompt (LangChain's standard
"rlm/rag-prompt", plus one line asking for [n] citations so that citation quality can be
scored), and the same chat model as free text. No evidence selection, no verification.
"""

from __future__ import annotations

import dataclasses
import hashlib
import time

from langchain_core.documents import Document
from langchain_core.output_parsers import StrOutputParser
from langchain_text_splitters import RecursiveCharacterTextSplitter

from rag.config import Settings, load_settings
from rag.index.store import open_store
from rag.ingest.loaders import collect_files, load_file
from rag.models.chat import count_tokens, get_chat_model, model_label
from rag.models.prompts import load_prompt
from rag.text.absence import states_absence
from rag.text.markers import marker_numbers
from rag.types import Answer, Citation, Passage


def baseline_settings(settings: Settings) -> Settings:
    return dataclasses.replace(settings, collection=f"{settings.collection}_baseline")


def build_index(settings: Settings, chunk_size: int = 1000, chunk_overlap: int = 200) -> int:
    """Index the raw seed files into the baseline collection (rebuilt when they change)."""
    files = collect_files([settings.seeds_dir])
    splitter = RecursiveCharacterTextSplitter(
        chunk_size=chunk_size, chunk_overlap=chunk_overlap, add_start_index=True
    )
    docs: list[Document] = []
    for path in files:
        raw = load_file(path)
        docs += splitter.create_documents([raw.text], metadatas=[{"source": path.name, "title": path.stem}])
    ids = [
        hashlib.sha1(
            f"{d.metadata['source']}:{d.metadata['start_index']}:{d.page_content}".encode()
        ).hexdigest()
        for d in docs
    ]
    store = open_store(baseline_settings(settings))
    have = set(store.get(include=[])["ids"])
    if have != set(ids):
        if have:
            store.delete(ids=list(have))
        store.add_documents(docs, ids=ids)
    return len(ids)


class BaselineChain:
    """Configuration in ``__init__``; ``run(question, history)`` returns an Answer."""

    def __init__(self, settings: Settings | None = None, k: int = 4, llm: str | None = None) -> None:
        self.settings = settings or load_settings()
        self.k = k
        self.llm = llm
        self._indexed = False

    def run(self, question: str, history: list[tuple[str, str]] | None = None) -> Answer:
        t0 = time.perf_counter()
        if not self._indexed:
            build_index(self.settings)
            self._indexed = True
        retriever = open_store(baseline_settings(self.settings)).as_retriever(search_kwargs={"k": self.k})
        # A plain chain has no rewriting: a follow-up is searched together with the turn before.
        query = f"{history[-1][0]} {question}" if history else question
        docs = retriever.invoke(query)
        context = "\n\n".join(f"[{i}] {d.page_content}" for i, d in enumerate(docs, start=1))
        inputs = {"question": question, "context": context, "history": history or []}
        chain = load_prompt("baseline") | get_chat_model(self.settings, spec=self.llm) | StrOutputParser()
        text = chain.invoke(inputs).strip()
        prompt = [str(m.content) for m in load_prompt("baseline").format_messages(**inputs)]
        prompt_tokens = count_tokens(self.settings, prompt, spec=self.llm)
        used = set(marker_numbers(text))
        citations = [
            Citation(
                number=i,
                source=d.metadata["source"],
                title=d.metadata.get("title", d.metadata["source"]),
                date=None,
                quote=d.page_content,
                chunk_id=str(d.id or ""),
                start=d.metadata.get("start_index", 0),
                end=d.metadata.get("start_index", 0) + len(d.page_content),
                passage=d.page_content,
            )
            for i, d in enumerate(docs, start=1)
            if i in used
        ]
        passages = [
            Passage(
                chunk_id=str(d.id or ""),
                source=d.metadata["source"],
                title=d.metadata.get("title", d.metadata["source"]),
                date=None,
                text=d.page_content,
                start=d.metadata.get("start_index", 0),
                end=d.metadata.get("start_index", 0) + len(d.page_content),
            )
            for d in docs
        ]
        declined = not text or states_absence(text)  # the tutorial's "I don't know" and its kin
        return Answer(
            question=question,
            text=text,
            answerable=not declined,
            citations=citations,
            passages=passages,
            kind="abstain" if declined else "answer",
            model=model_label(self.settings, self.llm),
            timings={"total": round(time.perf_counter() - t0, 3)},
            tokens={
                "prompt": prompt_tokens,
                "output": count_tokens(self.settings, [text], spec=self.llm) or 0,
            }
            if prompt_tokens is not None
            else {},
        )
