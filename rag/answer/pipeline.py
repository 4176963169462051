"""The question-answering flow, one readable path:

question -> (rewrite follow-up) -> hybrid retrieval -> evidence sentences -> cited JSON draft
-> verify each sentence against its citations -> Answer (or a quote, or an abstention).
A compound question ("..., and when ...?") runs this once per part and merges the answers.

``ask`` returns the final Answer; ``ask_stream`` yields each verified sentence as soon as the
model has finished writing it, then the Answer.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from dataclasses import dataclass

from rag.answer.answerer import DRAFT_SCHEMA, Answerer
from rag.answer.citations import CitationNumberer, DraftSentence, parse_draft, with_markers
from rag.answer.decomposer import (
    CitationMerger,
    keeps_its_words,
    merge_answers,
    refers_back,
    renumber,
    split_question,
    with_subject,
)
from rag.answer.evidence import EvidenceSelector, EvidenceSentence
from rag.answer.retriever import HybridRetriever
from rag.answer.verifier import Verdict, Verifier, extract_facts
from rag.config import Settings, load_settings
from rag.index.store import get_embeddings
from rag.ingest.indexer import ensure_index
from rag.models.chat import MODEL_LOCK, count_tokens, get_chat_model, model_label
from rag.text.tokens import tokenize, unreadable_reason
from rag.types import Answer, SentenceCheck

MAX_QUESTION_CHARS = 2000


class QuestionError(ValueError):
    """The question can't be asked as given; one line for the user."""


@dataclass
class StreamEvent:
    kind: str  # "status" | "sentence" | "answer"
    text: str = ""
    answer: Answer | None = None


UNREADABLE = {
    "script": "I can't answer this question: it has no English word to search the articles for, "
    "and the articles and the checks here are in English. Please ask in English.",
    "no_terms": "I can't answer this question: it has no word to search the articles for (only "
    "words like “what” or “is”). Please say what or whom it is about.",
}


def abstain_text(question: str) -> str:
    return f"The articles don't say. None of the indexed passages answers “{question.strip()}”."


class RagPipeline:
    """Configuration in ``__init__``; ``stream()`` runs one question."""

    def __init__(
        self,
        settings: Settings | None = None,
        top_k: int | None = None,
        max_evidence: int = 8,
        llm: str | None = None,
    ) -> None:
        self.settings = settings or load_settings()
        self.top_k = top_k or self.settings.top_k
        self.max_evidence = max_evidence
        self.llm = llm

    def stream(
        self,
        question: str,
        history: list[tuple[str, str]] | None = None,
        sources: list[str] | None = None,
        date_from: str | None = None,
        date_to: str | None = None,
    ) -> Iterator[StreamEvent]:
        question = (question or "").strip()
        if not question:
            raise QuestionError("the question is empty")
        if len(question) > MAX_QUESTION_CHARS:
            raise QuestionError(f"the question is longer than {MAX_QUESTION_CHARS} characters")
        parts = split_question(question) if not history else [question]
        if len(parts) > 1:
            yield from self._compound(question, parts, sources, date_from, date_to)
            return
        timings: dict[str, float] = {}
        t0 = time.perf_counter()

        def lap(name: str, since: float) -> float:
            now = time.perf_counter()
            timings[name] = round(now - since, 3)
            return now

        settings = self.settings
        ensure_index(settings)
        chat = get_chat_model(settings, spec=self.llm)
        t = lap("load", t0)
        standalone = question
        if history:
            yield StreamEvent("status", "Rewriting the follow-up question…")
            from rag.answer.rewriter import QuestionRewriter

            standalone = QuestionRewriter(chat).run(question, history)
            t = lap("rewrite", t)

        unreadable = unreadable_reason(standalone)
        if unreadable:
            # The articles, the embedding model and the checks are English: a question with no
            # English word to search for can't be answered or verified here, so say so.
            answer = Answer(
                question=question,
                text=UNREADABLE[unreadable],
                answerable=False,
                kind="abstain",
                standalone_question=standalone if standalone != question else None,
                model=model_label(settings, self.llm),
            )
            timings["total"] = round(time.perf_counter() - t0, 3)
            answer.timings = timings
            yield StreamEvent("answer", answer.text, answer)
            return

        yield StreamEvent("status", "Searching the articles…")
        passages = HybridRetriever(settings).run(
            standalone, k=self.top_k, sources=sources, date_from=date_from, date_to=date_to
        )
        t = lap("retrieve", t)
        embeddings = get_embeddings(settings)
        evidence = EvidenceSelector(embeddings, max_sentences=self.max_evidence).run(standalone, passages)
        t = lap("evidence", t)
        answer = Answer(
            question=question,
            text="",
            answerable=False,
            passages=passages,
            standalone_question=standalone if standalone != question else None,
            model=model_label(settings, self.llm),
        )
        if not evidence:
            answer.text, answer.kind = abstain_text(standalone), "abstain"
            timings["total"] = round(time.perf_counter() - t0, 3)
            answer.timings = timings
            yield StreamEvent("answer", answer.text, answer)
            return

        yield StreamEvent("status", "Writing a cited answer…")
        answerer = Answerer(get_chat_model(settings, json_schema=DRAFT_SCHEMA, spec=self.llm))
        verifier = Verifier(embeddings)
        numberer = CitationNumberer()
        by_number = {ev.number: ev for ev in evidence}
        verdicts: list[Verdict] = []
        numbers: dict[int, list[int]] = {}  # id(verdict) -> final citation numbers, once shown
        state = {"addressed": False, "why": ""}
        raw = ""
        verify_time = 0.0
        first_token = None

        def judge(sentences: list[DraftSentence]) -> Iterator[StreamEvent]:
            """Verify each finished sentence; stream the kept ones once, together, they speak
            to the question (until then they are held back)."""
            nonlocal verify_time
            for s in sentences:
                v0 = time.perf_counter()
                verdict = verifier.run(s, evidence, standalone)
                verdicts.append(verdict)
                kept = [v for v in verdicts if v.status in ("verified", "repaired")]
                if verdict.status in ("verified", "repaired") and not state["addressed"]:
                    cited = [by_number[n] for v in kept for n in v.cites]
                    said = " ".join(v.text for v in kept)
                    state["addressed"], state["why"] = verifier.addresses(standalone, cited, said)
                verify_time += time.perf_counter() - v0
                if state["addressed"]:
                    for v in kept:
                        if id(v) not in numbers:
                            numbers[id(v)] = [numberer.number(by_number[n]) for n in v.cites]
                            yield StreamEvent("sentence", with_markers(v.text, numbers[id(v)]))

        done = 0
        for piece in answerer.stream(standalone, evidence):
            if first_token is None:
                first_token = time.perf_counter()
            raw += piece
            draft = parse_draft(raw, partial=True)
            if not draft.answerable:
                continue
            # All but the last sentence are finished while the model is still writing.
            finished = draft.sentences[:-1]
            if len(finished) > done:
                yield from judge(finished[done:])
                done = len(finished)
        t_gen_end = time.perf_counter()
        timings["generate"] = round(t_gen_end - t - verify_time, 3)
        if first_token is not None:
            timings["first_token"] = round(first_token - t0, 3)
        draft = parse_draft(raw)
        if draft.answerable:
            yield from judge(draft.sentences[done:])
        timings["verify"] = round(verify_time, 3)

        answer.raw_output = raw
        prompt_tokens = count_tokens(
            settings, [str(m.content) for m in answerer.messages(standalone, evidence)], spec=self.llm
        )
        if prompt_tokens is not None:
            answer.tokens = {
                "prompt": prompt_tokens,
                "output": count_tokens(settings, [raw], spec=self.llm) or 0,
            }
        answer.citations = numberer.citations
        self._finish(answer, draft.answerable, state, verdicts, numbers, evidence, standalone, numberer)
        timings["total"] = round(time.perf_counter() - t0, 3)
        answer.timings = timings
        yield StreamEvent("answer", answer.text, answer)

    def _compound(
        self,
        question: str,
        parts: list[str],
        sources: list[str] | None,
        date_from: str | None,
        date_to: str | None,
    ) -> Iterator[StreamEvent]:
        """Answer each part of a compound question on its own, then as one answer. A part
        that points back ("who recaptured it?") is rewritten with the part before as history."""
        t0 = time.perf_counter()
        merger = CitationMerger()
        answered: list[tuple[Answer, dict[int, int]]] = []
        for i, part in enumerate(parts):
            if i and refers_back(part):
                from rag.answer.rewriter import QuestionRewriter

                yield StreamEvent("status", f"Part {i + 1} of {len(parts)}: rewriting it on its own…")
                chat = get_chat_model(self.settings, spec=self.llm)
                rewritten = QuestionRewriter(chat).run(part, [(parts[i - 1], answered[-1][0].text)])
                part = rewritten if keeps_its_words(part, rewritten) else with_subject(part, parts[i - 1])
            sub = None
            for event in self.stream(part, None, sources, date_from, date_to):
                if event.kind == "status":
                    yield StreamEvent("status", f"Part {i + 1} of {len(parts)}: {event.text}")
                elif event.kind == "answer":
                    sub = event.answer
            assert sub is not None
            mapping = merger.add(sub)
            answered.append((sub, mapping))
            # Each part is shown once it is verified: its markers are final only then.
            yield StreamEvent("sentence", renumber(sub.text, mapping))
        answer = merge_answers(question, answered, merger)
        answer.timings["total"] = round(time.perf_counter() - t0, 3)
        yield StreamEvent("answer", answer.text, answer)

    @staticmethod
    def _finish(
        answer: Answer,
        answerable: bool,
        state: dict,
        verdicts: list[Verdict],
        numbers: dict[int, list[int]],
        evidence: list[EvidenceSentence],
        question: str,
        numberer: CitationNumberer,
    ) -> None:
        parts: list[str] = []
        for v in verdicts:
            if v.status in ("verified", "repaired") and state["addressed"]:
                parts.append(with_markers(v.text, numbers[id(v)]))
                answer.checks.append(SentenceCheck(v.text, numbers[id(v)], v.status, v.reason))
            elif v.status in ("verified", "repaired"):
                answer.checks.append(SentenceCheck(v.text, [], "dropped", state["why"]))
            elif v.status == "gap":
                parts.append(v.text)
                answer.checks.append(SentenceCheck(v.text, [], "gap", v.reason))
            else:
                answer.checks.append(
                    SentenceCheck(v.text, [], "dropped", f"{v.reason} (cited evidence {v.cites})")
                )
        supported = any(c.status in ("verified", "repaired") for c in answer.checks)
        if answerable and supported:
            answer.text, answer.kind, answer.answerable = " ".join(parts), "answer", True
            return
        gaps = " ".join(c.text for c in answer.checks if c.status == "gap")
        if not answerable:
            answer.text, answer.kind, answer.answerable = gaps or abstain_text(question), "abstain", False
            return
        # The model's sentences failed; a verbatim sentence of the evidence may still answer.
        quote, answers_it = _best_quote(evidence, question)
        if quote is None:
            answer.text, answer.kind, answer.answerable = gaps or abstain_text(question), "abstain", False
            return
        n = numberer.number(quote)
        answer.citations = numberer.citations
        answer.kind, answer.answerable = "quote", answers_it
        if answers_it:
            answer.text = f"The articles say: “{quote.text}” [{n}]"
        else:
            lead = gaps or "The articles don't state this directly."
            answer.text = f"{lead} The closest passage says: “{quote.text}” [{n}]"


def _best_quote(evidence: list[EvidenceSentence], question: str) -> tuple[EvidenceSentence | None, bool]:
    """The best evidence sentence that answers the question on its own (names its subject,
    covers its terms, gives the date or number asked for), else the best one that at least
    names what the question is about."""
    ranked = sorted(evidence, key=lambda e: -e.score)
    strict = Verifier(min_coverage=0.75)
    for ev in ranked:
        # Stricter than for the model's sentences: a quote shown as the answer must itself
        # contain most of the question's terms, with no allowance for paraphrase.
        if strict.addresses(question, [ev], ev.text, allow_paraphrase=False)[0]:
            return ev, True
    names = set(extract_facts(question).names)
    q_toks = set(tokenize(question))
    for ev in ranked:
        ev_toks = set(tokenize(ev.text))
        if names and any(set(n.split()) <= ev_toks for n in names):
            return ev, False
        if not names and len(q_toks & ev_toks) >= max(2, len(q_toks) // 2):
            return ev, False
    return None, False


_PIPELINES: dict[tuple, RagPipeline] = {}


def ask_stream(
    question: str, history: list[tuple[str, str]] | None = None, **options
) -> Iterator[StreamEvent]:
    """Stream an answer: status events, verified sentences, then the final Answer.

    Options: settings, top_k, max_evidence, llm (e.g. "ollama:qwen2.5:7b-instruct"),
    sources, date_from, date_to.
    """
    filters = {k: options.pop(k) for k in ("sources", "date_from", "date_to") if k in options}
    pipeline = RagPipeline(**options)
    with MODEL_LOCK:  # questions from several threads queue here
        yield from pipeline.stream(question, history, **filters)


def ask(question: str, history: list[tuple[str, str]] | None = None, **options) -> Answer:
    """Answer a question from the indexed articles, with verified citations."""
    answer = None
    for event in ask_stream(question, history, **options):
        if event.kind == "answer":
            answer = event.answer
    assert answer is not None
    return answer
