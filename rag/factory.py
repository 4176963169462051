"""Build the answering pipeline's components from Settings, and the entry points ``ask``,
``ask_stream`` and ``search``.

The one place that knows which store, embedder and chat model a Settings means; every
component below it takes them as arguments.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from functools import partial
from typing import TYPE_CHECKING

from rag.answer.questions import check_question
from rag.answer.retriever import HybridRetriever
from rag.config import Settings, load_settings
from rag.ingest.documents import ensure_index
from rag.models.chat import MODEL_LOCK, parse_llm
from rag.types import Answer, History, Passage

if TYPE_CHECKING:
    from rag.answer.pipeline import RagPipeline, StreamEvent
    from rag.answer.scorer import YesNoScorer


def build_pipeline(
    settings: Settings | None = None, top_k: int | None = None, max_evidence: int = 8, llm: str | None = None
) -> RagPipeline:
    """The pipeline for these settings (the index seeded on first use; models loaded once per
    process and shared)."""
    # The answering components (and LangChain's prompt machinery) load here, not at import:
    # a search from the shell needs none of them.
    from rag.answer.answerer import Answerer
    from rag.answer.draft import DRAFT_SCHEMA
    from rag.answer.evidence import EvidenceSelector
    from rag.answer.extractive import SpanAnswerer
    from rag.answer.extractor import SpanExtractor
    from rag.answer.pipeline import RagPipeline
    from rag.answer.relevance import RelevanceCheck
    from rag.answer.rewriter import QuestionRewriter
    from rag.answer.verifier import Verifier
    from rag.models.chat import count_tokens, get_chat_model, model_label
    from rag.models.embeddings import get_embeddings

    settings = settings or load_settings()
    ensure_index(settings)
    embeddings = get_embeddings(settings)
    span_answerer = None
    if settings.answer_mode == "auto":
        span_answerer = SpanAnswerer(
            SpanExtractor(partial(get_chat_model, settings, spec=llm)),
            yes_no_scorer(settings, llm),
            RelevanceCheck(embeddings),
            min_relevance=settings.min_relevance,
        )
        span_answerer = fact_reader(settings, span_answerer, llm)
    from rag.answer.event_match import EventMatcher
    from rag.answer.timeline import TimelineReader

    retriever = HybridRetriever(settings, embeddings=embeddings)
    ranker = sentence_ranker(settings, max_evidence)
    # With the trained reader, every sentence of the retrieved passages is a candidate.
    selector = (
        EvidenceSelector(embeddings, max_sentences=max_evidence)
        if ranker is None
        else EvidenceSelector(embeddings, max_sentences=CANDIDATES, min_relative=0.0)
    )
    return RagPipeline(
        retriever=retriever,
        selector=selector,
        ranker=ranker,
        answerer=Answerer(get_chat_model(settings, json_schema=DRAFT_SCHEMA, spec=llm)),
        verifier=Verifier(embeddings),
        relevance=RelevanceCheck(embeddings),
        rewriter=QuestionRewriter(get_chat_model(settings, spec=llm)),
        top_k=top_k or settings.top_k,
        model=model_label(settings, llm),
        count_tokens=partial(count_tokens, settings, spec=llm),
        span_answerer=span_answerer,
        why_reader=why_reader(settings, llm),
        open_reader=open_reader(settings),
        timeline=TimelineReader(
            retriever.events,
            retriever.by_ids,
            matcher=EventMatcher(embeddings, settings.timeline_match, _logits(settings, llm)),
            search=partial(retriever.run, k=top_k or settings.top_k),
        )
        if settings.timeline_reader == "events"
        else None,
    )


CANDIDATES = 60  # sentences the trained reader scores per question (6 passages hold ~40-60)
_READERS: dict[str, object] = {}


def sentence_ranker(settings: Settings, keep: int = 8):
    """The trained reader's ranker (RAG_SENTENCE_READER=trained), loaded once per process."""
    if settings.sentence_reader == "off":
        return None
    from rag.answer.ranking import SentenceRanker
    from rag.models.reader import SentenceReader, shipped_threshold

    folder = str(settings.reader_weights)
    if folder not in _READERS:
        _READERS[folder] = SentenceReader(settings.reader_weights, threads=settings.n_threads)
    reader = _READERS[folder]
    threshold = settings.reader_threshold
    if threshold is None:
        threshold = shipped_threshold(settings.reader_weights)
    return SentenceRanker(reader, threshold, keep=keep, mix=settings.reader_mix)


def _logits(settings: Settings, llm: str | None = None):
    """The chat model's next-token logits when it runs in-process, for the "model" matcher."""
    if settings.timeline_match != "model":
        return None
    scorer = yes_no_scorer(settings, llm)
    return scorer.logits if scorer is not None else None


def fact_reader(settings: Settings, extract, llm: str | None = None):
    """The who/when/where/how-many reader RAG_FACT_READER names; the choice reader needs the
    model's logits (llama.cpp in-process), so other backends extract."""
    from rag.answer.choice import ChoiceAnswerer, ChoiceReader

    scorer = yes_no_scorer(settings, llm)
    if settings.fact_reader != "choice" or scorer is None:
        return extract
    return ChoiceAnswerer(ChoiceReader(scorer.logits), extract, min_coverage=settings.min_coverage)


def open_reader(settings: Settings):
    """The reader of what / list / yes-no questions RAG_OPEN_READER names (None: written)."""
    from rag.answer.chooser import CoveredSentenceReader

    if settings.answer_mode == "write" or settings.open_reader == "write":
        return None
    return CoveredSentenceReader(settings.min_coverage)


def why_reader(settings: Settings, llm: str | None = None):
    """The why/how reader RAG_WHY_READER names (None: the written answer, as in 0.5)."""
    from rag.answer.chooser import ChoosingReader, TopSentenceReader
    from rag.models.chat import get_chat_model

    if settings.answer_mode == "write" or settings.why_reader == "write":
        return None
    if settings.why_reader == "top":
        return TopSentenceReader()
    return ChoosingReader(lambda schema: get_chat_model(settings, json_schema=schema, spec=llm))


_SCORERS: dict[int, YesNoScorer] = {}


def yes_no_scorer(settings: Settings, llm: str | None = None) -> YesNoScorer | None:
    """The relevance scorer when the chat model runs in-process (its logits are readable); one
    per loaded model, so its chat template is compiled once, not once per question."""
    from rag.answer.scorer import YesNoScorer
    from rag.models.chat import get_chat_model

    backend, _ = parse_llm(llm or settings.llm)
    if backend != "llamacpp":
        return None
    llama = get_chat_model(settings, spec=llm).client
    # Checked by identity too: a closed model's id may be reused by the next one loaded.
    if id(llama) not in _SCORERS or _SCORERS[id(llama)].llama is not llama:
        _SCORERS[id(llama)] = YesNoScorer(llama)
    return _SCORERS[id(llama)]


def search(query: str, k: int = 5, settings: Settings | None = None, **filters) -> list[Passage]:
    """Top-k passages for ``query`` (hybrid); filters: mode, sources, date_from, date_to."""
    query = check_question(query, "search query")
    settings = settings or load_settings()
    ensure_index(settings)
    return HybridRetriever(settings).run(query, k=k, **filters)


def ask_stream(question: str, history: History | None = None, **options) -> Iterator[StreamEvent]:
    """Stream an answer: status events, verified sentences, then the final Answer.

    Options: settings, top_k, max_evidence, llm (e.g. "ollama:qwen2.5:7b-instruct"),
    sources, date_from, date_to.
    """
    question = check_question(question)  # before any model loads
    filters = {k: options.pop(k) for k in ("sources", "date_from", "date_to") if k in options}
    with MODEL_LOCK:  # questions from several threads queue here
        t0 = time.perf_counter()
        pipeline = build_pipeline(**options)
        load = round(time.perf_counter() - t0, 3)
        for event in pipeline.stream(question, history, **filters):
            if event.answer is not None:
                timings = event.answer.timings
                event.answer.timings = {"load": load, **timings, "total": round(timings["total"] + load, 3)}
            yield event


def ask(question: str, history: History | None = None, **options) -> Answer:
    """Answer a question from the indexed articles, with verified citations."""
    answer = None
    for event in ask_stream(question, history, **options):
        if event.kind == "answer":
            answer = event.answer
    assert answer is not None
    return answer
