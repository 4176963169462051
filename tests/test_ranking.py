"""The trained reader's step (RAG_SENTENCE_READER=trained): it reorders the candidate sentences
by its own score and declines, before any model reads a value, when its best score is under the
threshold. A fake reader stands in for the weights; test_train.py trains and loads real ones."""

from __future__ import annotations

import math

from rag.answer.choice import ChoiceAnswerer, ChoiceReader
from rag.answer.evidence import EvidenceSelector
from rag.answer.ranking import SentenceRanker
from rag.models.reader import PairScore
from tests.test_candidates import FakeLogits
from tests.test_pipeline_flow import PASSAGES, HashingEmbeddings, _pipeline, _run


def _logit(p: float) -> float:
    return math.log(p / (1 - p))


class FragmentReader:
    """Scores a sentence by the first fragment of ``probs`` it contains (else 0.01)."""

    def __init__(self, probs: dict[str, float]) -> None:
        self.probs = probs
        self.calls: list[int] = []

    def run(self, question, sentences, titles=None):
        self.calls.append(len(sentences))
        return [
            PairScore(_logit(next((p for f, p in self.probs.items() if f in s), 0.01))) for s in sentences
        ]


def _candidates(question: str):
    return EvidenceSelector(HashingEmbeddings(), max_sentences=60, min_relative=0.0).run(question, PASSAGES)


def test_the_reader_reorders_the_candidates_and_its_best_probability_decides():
    question = "How long did the operation to take back Rawa last?"
    reader = FragmentReader({"lasted five hours": 0.9, "took 15 days": 0.6})
    ranking = SentenceRanker(reader, threshold=0.5, keep=2).run(question, _candidates(question))
    assert reader.calls == [len(_candidates(question))]  # every candidate, in one call
    assert "lasted five hours" in ranking.evidence[0].text and "took 15 days" in ranking.evidence[1].text
    assert len(ranking.evidence) == 2 and [e.number for e in ranking.evidence] == [1, 2]
    assert ranking.answerable and abs(ranking.top - 0.9) < 1e-3
    # The same scores under a stricter threshold: not answerable.
    assert not SentenceRanker(reader, threshold=0.95).run(question, _candidates(question)).answerable


def test_a_mix_keeps_some_of_the_selectors_order():
    question = "Who announced the recapture of Rawa?"
    cands = _candidates(question)
    selector_first = cands[0].text
    flat = FragmentReader({})  # every sentence alike: the mix leaves the selector's order
    assert SentenceRanker(flat, 0.5, mix=0.5).run(question, cands).evidence[0].text == selector_first


def test_the_pipeline_declines_when_no_sentence_clears_the_threshold():
    question = "How many civilians were killed in Rawa?"
    pipeline = _pipeline([])
    pipeline.span_answerer = ChoiceAnswerer(ChoiceReader(FakeLogits("A")))
    pipeline.ranker = SentenceRanker(FragmentReader({"Rawa": 0.2}), threshold=0.5)
    _, answer = _run(pipeline, question)
    assert not answer.answerable and answer.trace["path"] == "rank"
    assert answer.text.startswith("The articles don't say. The closest passage: “")
    assert answer.trace["reader_score"] < 0.5


def test_the_pipeline_reads_the_sentence_the_reader_ranks_first():
    question = "How long did the operation to take back Rawa last?"
    pipeline = _pipeline([])
    pipeline.span_answerer = ChoiceAnswerer(ChoiceReader(FakeLogits("A")))
    pipeline.ranker = SentenceRanker(FragmentReader({"lasted five hours": 0.9}), threshold=0.5)
    _, answer = _run(pipeline, question)
    assert answer.answerable and answer.trace.get("path") != "rank"
    assert answer.citations and "five hours" in answer.citations[0].quote
