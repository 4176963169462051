"""The question-answering flow, one readable path:

question -> (rewrite follow-up) -> hybrid retrieval -> candidate sentences -> the trained
reader scores them (rank; decline when none answers) -> read the value (fact questions) or
quote the sentence (why/how) or a cited JSON draft, verified -> Answer (or a quote, or an
abstention).
A compound question ("..., and when ...?") runs this once per part and merges the answers.

Every step is a component passed in (built from Settings by ``rag.factory``), so the flow can
be tested with fakes. ``stream`` yields status events, each verified sentence as soon as the
model has finished writing it, then the Answer.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator

from rag.answer.answerer import Answerer
from rag.answer.as_of import AsOfReader
from rag.answer.citations import CitationMerger
from rag.answer.compose import (
    UNREADABLE,
    abstain_text,
    closest_decline,
    compose_answer,
    decline,
    inexact_decline,
    quote_answer,
)
from rag.answer.decomposer import keeps_its_words, merge_answers, refers_back, split_question, with_subject
from rag.answer.draft import parse_draft
from rag.answer.evidence import EvidenceSelector
from rag.answer.extractive import SpanAnswerer
from rag.answer.questions import MAX_QUESTION_CHARS, QuestionError, check_question  # noqa: F401 (re-exported)
from rag.answer.relevance import RelevanceCheck
from rag.answer.rewriter import QuestionRewriter
from rag.answer.steps import StreamEvent, _Clock  # noqa: F401 (StreamEvent re-exported)
from rag.answer.verification import DraftVerification
from rag.answer.verifier import Verifier
from rag.text.chronology import chronology, has_reference_date
from rag.text.markers import renumber
from rag.text.question import FACT_FORMS, SPAN_FORMS, analyse, asks_for_day
from rag.text.tokens import unreadable_reason
from rag.text.when import gives_day
from rag.types import Answer, EvidenceSentence, History, Passage, Turn


class RagPipeline:
    """The components are passed in; ``stream()`` answers one question."""

    def __init__(
        self,
        retriever,  # .run(question, k=, sources=, date_from=, date_to=) -> list[Passage]
        selector: EvidenceSelector,
        answerer: Answerer,
        verifier: Verifier,
        relevance: RelevanceCheck,
        rewriter: QuestionRewriter,
        top_k: int = 6,
        model: str = "",
        count_tokens: Callable[[list[str]], int | None] = lambda texts: None,
        span_answerer: SpanAnswerer | None = None,
        why_reader=None,  # .run(question, evidence) -> EvidenceSentence | None (rag.answer.chooser)
        carried_sources: int = 2,  # passages of the previous answer a follow-up also reads
        open_reader=None,  # the same, for what / list / yes-no questions (None: written answer)
        timeline=None,  # .run(answer, question, passages) -> Answer | None (rag.answer.timeline)
        ranker=None,  # .run(question, candidates) -> Ranking (rag.answer.ranking); None: selector only
    ) -> None:
        self.retriever = retriever
        self.selector = selector
        self.answerer = answerer
        self.verifier = verifier
        self.relevance = relevance
        self.rewriter = rewriter
        self.top_k = top_k
        self.model = model
        self.count_tokens = count_tokens
        self.span_answerer = span_answerer  # None: every question gets a written answer
        self.why_reader = why_reader  # None: why/how questions get a written answer
        self.carried = carried_sources
        self.open_reader = open_reader
        self.timeline = timeline
        self.as_of = AsOfReader()
        self.ranker = ranker

    def warm_up(self) -> None:
        """Load the embedding model and the vector index now, not on the first question."""
        self.retriever.run("warm up", k=1)

    def stream(
        self,
        question: str,
        history: History | None = None,
        sources: list[str] | None = None,
        date_from: str | None = None,
        date_to: str | None = None,
    ) -> Iterator[StreamEvent]:
        question = check_question(question)
        turns = [Turn.of(t) for t in history or []]
        # "Which came first, A, or B?" is one question; other compounds are split.
        parts = split_question(question) if not history and chronology(question) != "order" else [question]
        if len(parts) > 1:
            yield from self._compound(question, parts, sources, date_from, date_to)
            return
        clock = _Clock()
        standalone = question
        if history:
            yield StreamEvent("status", "Rewriting the follow-up question…")
            standalone = self.rewriter.run(question, turns)
            clock.lap("rewrite")
        answer = Answer(
            question=question,
            text="",
            answerable=False,
            standalone_question=standalone if standalone != question else None,
            model=self.model,
        )
        unreadable = unreadable_reason(standalone)
        if unreadable:
            # The articles, the embedding model and the checks are English: a question with no
            # English word to search for can't be answered or verified here, so say so.
            yield clock.done(decline(answer, UNREADABLE[unreadable]))
            return
        yield StreamEvent("status", "Searching the articles…")
        answer.passages = self._retrieve(standalone, sources, date_from, date_to)
        if turns:
            answer.passages += self._previous_sources(turns[-1], answer.passages, sources, date_from, date_to)
        clock.lap("retrieve")
        if self.timeline is not None and (kind := chronology(standalone)):
            yield StreamEvent("status", "Reading the timeline…")
            # How things stand, asked of articles of several dates: each one's answer, by date.
            as_of = kind == "status" or (kind == "as_of" and not has_reference_date(standalone))
            if (as_of and self.as_of.run(answer, standalone, answer.passages) is not None) or (
                self.timeline.run(answer, standalone, answer.passages) is not None
            ):
                clock.lap("timeline")
                yield StreamEvent("sentence", answer.text)
                yield clock.done(answer)
                return
        evidence = self.selector.run(standalone, answer.passages)
        clock.lap("evidence")
        ranking = None
        if self.ranker is not None:
            ranking = self.ranker.run(standalone, evidence)
            evidence = ranking.evidence
            answer.trace["reader_score"] = ranking.top
            clock.lap("rank")
        answer.trace["evidence"] = [e.text for e in evidence]
        if not evidence:
            yield clock.done(decline(answer, abstain_text(standalone)))
            return
        q = analyse(standalone)
        if ranking is not None and not ranking.answerable:
            # No sentence gives what is asked: decline, showing the closest passage as such.
            answer.trace.update(path="rank", chosen=[], span="", gate_passed=False)
            why = f"no sentence gives what is asked (reader p={ranking.top:.2f}"
            why += f" < {self.ranker.threshold:.2f})"
            yield clock.done(closest_decline(answer, q, evidence, why))
            return
        if self.span_answerer is not None and q.form in SPAN_FORMS:
            yield StreamEvent("status", "Finding the sentence that answers…")
            settled = self.span_answerer.run(answer, q, evidence)
            clock.lap("extract")
            day_asked = q.wants == "date" and asks_for_day(standalone)
            if settled is not None and answer.answerable and day_asked and not gives_day(answer.text):
                inexact_decline(answer)  # "July" for "on which day in July?": no answer
            if settled is not None:
                yield StreamEvent("sentence", answer.text)  # one piece: it is verified as a whole
                yield clock.done(answer)
                return
        # A fact question the fact reader could not settle goes to the written answer: a quote
        # of its best sentence would present a neighbouring fact ("tanks" -> a photo caption).
        reader = self.why_reader if q.form in ("why", "how") else self.open_reader
        if q.form in FACT_FORMS:
            reader = None
        if reader is not None:
            yield StreamEvent("status", "Finding the sentence that says it…")
            chosen = reader.run(standalone, evidence)
            clock.lap("choose")
            answer.trace.update(
                path="choose", chosen=[chosen.text] if chosen else [], gate_passed=bool(chosen)
            )
            answer.trace["span"] = chosen.text if chosen else ""
            if chosen is None:
                yield clock.done(closest_decline(answer, q, evidence, "no candidate sentence says it"))
                return
            quote_answer(answer, chosen, f"the sentence the reader chose for this {q.form}-question")
            yield StreamEvent("sentence", answer.text)
            yield clock.done(answer)
            return
        yield StreamEvent("status", "Writing a cited answer…")
        verification = DraftVerification(self.verifier, self.relevance, evidence, q)
        raw = yield from self._draft_and_verify(standalone, evidence, verification, clock)
        compose_answer(answer, parse_draft(raw).answerable, verification, q)
        answer.trace.update(
            path="write",
            chosen=[c.quote for c in answer.citations],
            span=answer.text,
            gate_passed=answer.answerable,
        )
        answer.raw_output = raw
        answer.tokens = self._tokens(standalone, evidence, raw)
        yield clock.done(answer)

    def _retrieve(self, question: str, sources, date_from, date_to) -> list[Passage]:
        return self.retriever.run(
            question, k=self.top_k, sources=sources, date_from=date_from, date_to=date_to
        )

    def _previous_sources(
        self, turn: Turn, found: list[Passage], sources, date_from, date_to
    ) -> list[Passage]:
        """The passages the previous answer cited, after this question's own: a follow-up about
        "it" is often answered where the last answer was. A turn passed as text only gets the
        passages its question retrieves."""
        cited = turn.cited or self._retrieve(turn.question, sources, date_from, date_to)[: self.carried]
        have = {p.chunk_id for p in found}
        return [p for p in cited[: self.carried] if p.chunk_id not in have]

    def _draft_and_verify(
        self, question: str, evidence: list[EvidenceSentence], verification: DraftVerification, clock: _Clock
    ) -> Iterator[StreamEvent]:
        """Stream the model's draft; verify each sentence once the model has moved past it.
        Returns the raw output."""
        raw, done = "", 0
        first_token = None
        for piece in self.answerer.stream(question, evidence):
            first_token = first_token or time.perf_counter()
            raw += piece
            draft = parse_draft(raw, partial=True)
            if not draft.answerable:
                continue
            # All but the last sentence are finished while the model is still writing.
            finished = draft.sentences[:-1]
            for text in verification.add(finished[done:]):
                yield StreamEvent("sentence", text)
            done = max(done, len(finished))
        clock.lap("generate", minus=verification.seconds)
        if first_token is not None:
            clock.timings["first_token"] = round(first_token - clock.start, 3)
        draft = parse_draft(raw)
        if draft.answerable:
            for text in verification.add(draft.sentences[done:]):
                yield StreamEvent("sentence", text)
        clock.timings["verify"] = round(verification.seconds, 3)
        return raw

    def _tokens(self, question: str, evidence: list[EvidenceSentence], raw: str) -> dict[str, int]:
        prompt = self.count_tokens([str(m.content) for m in self.answerer.messages(question, evidence)])
        if prompt is None:
            return {}
        return {"prompt": prompt, "output": self.count_tokens([raw]) or 0}

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
            label = f"Part {i + 1} of {len(parts)}"
            if i and refers_back(part):
                yield StreamEvent("status", f"{label}: rewriting it on its own…")
                rewritten = self.rewriter.run(part, [Turn(parts[i - 1], answered[-1][0].text)])
                part = rewritten if keeps_its_words(part, rewritten) else with_subject(part, parts[i - 1])
            sub = None
            for event in self.stream(part, None, sources, date_from, date_to):
                if event.kind == "status":
                    yield StreamEvent("status", f"{label}: {event.text}")
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
