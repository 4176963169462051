"""The trained sentence reader: a small model that scores (question, sentence) pairs for
whether the sentence gives what the question asks, trained by ``rag.train`` on SQuAD 2.0.

Two kinds share this interface, so the bake-off can swap them:
- ``cross``: a cross-encoder with one logit per pair (answers / does not answer);
- ``span``: an extractive reader with start/end logits and a null ([CLS]) score, SQuAD 2.0
  style: the pair's score is the best span's logit sum minus the null's, and the span is a
  candidate value.

Weights are loaded from a folder on disk with the offline variables set; nothing is fetched.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from rag.config import PROJECT_ROOT, set_offline_env

# The shipped weights (fp16 safetensors; ``make train-reader`` writes them).
SHIPPED_READER = PROJECT_ROOT / "rag" / "models" / "reader_weights"
MAX_LENGTH = 128
MAX_SPAN_TOKENS = 30


def pair_inputs(question: str, sentence: str, title: str = "") -> tuple[str, str]:
    """The one encoding of a pair, at training and at reading time: the article's title in
    front of the sentence tells the model what "the city" or "it" is about."""
    text = f"{title.strip()} | {sentence.strip()}" if title.strip() else sentence.strip()
    return question.strip(), text


def shipped_threshold(folder: Path = SHIPPED_READER) -> float:
    """The decision threshold fitted on the development sets (``bench.reader_threshold``)."""
    meta = json.loads((Path(folder) / "reader.json").read_text(encoding="utf-8"))
    return float(meta.get("threshold", 0.5))


@dataclass
class PairScore:
    score: float  # higher: the sentence gives the asked value (a logit or a logit margin)
    span: str = ""  # the extractive reader's best span ("" for the cross-encoder)


class SentenceReader:
    """``run(question, sentences, titles)`` -> one PairScore per sentence, in one batch."""

    def __init__(
        self, folder: Path = SHIPPED_READER, threads: int | None = None, batch_size: int = 64
    ) -> None:
        set_offline_env()
        import torch
        from transformers import AutoTokenizer

        self._torch = torch
        if threads:
            torch.set_num_threads(threads)
        meta = json.loads((Path(folder) / "reader.json").read_text(encoding="utf-8"))
        self.kind: str = meta["kind"]
        self.meta = meta
        self.tokenizer = AutoTokenizer.from_pretrained(str(folder))
        if self.kind == "span":
            from transformers import AutoModelForQuestionAnswering as Auto
        else:
            from transformers import AutoModelForSequenceClassification as Auto
        self.model = Auto.from_pretrained(str(folder), dtype=torch.float32).eval()
        self.batch_size = batch_size

    def run(self, question: str, sentences: list[str], titles: list[str] | None = None) -> list[PairScore]:
        titles = titles or [""] * len(sentences)
        out: list[PairScore] = []
        for i in range(0, len(sentences), self.batch_size):
            out += self._batch(question, sentences[i : i + self.batch_size], titles[i : i + self.batch_size])
        return out

    def _batch(self, question: str, sentences: list[str], titles: list[str]) -> list[PairScore]:
        if not sentences:
            return []
        pairs = [pair_inputs(question, s, t) for s, t in zip(sentences, titles, strict=True)]
        enc = self.tokenizer(
            [q for q, _ in pairs],
            [s for _, s in pairs],
            truncation="only_second",
            max_length=MAX_LENGTH,
            padding=True,
            return_tensors="pt",
            return_offsets_mapping=self.kind == "span",
        )
        offsets = enc.pop("offset_mapping", None)
        with self._torch.inference_mode():
            res = self.model(**enc)
        if self.kind != "span":
            return [PairScore(float(x)) for x in res.logits.squeeze(-1).tolist()]
        seq_ids = [enc.sequence_ids(i) for i in range(len(pairs))]
        return [
            _best_span(
                res.start_logits[i].tolist(),
                res.end_logits[i].tolist(),
                seq_ids[i],
                offsets[i].tolist(),
                pairs[i][1],
            )
            for i in range(len(pairs))
        ]


def _best_span(start: list[float], end: list[float], seq: list, offsets: list, text: str) -> PairScore:
    """The best span inside the sentence (the title is not an answer) against the null score."""
    body = text.rfind(" | ") + 3 if " | " in text else 0
    idx = [i for i, s in enumerate(seq) if s == 1 and offsets[i][0] >= body]
    null = start[0] + end[0]
    if not idx:
        return PairScore(-1e4)
    best, where = -1e9, (idx[0], idx[0])
    top_starts = sorted(idx, key=lambda i: -start[i])[:8]
    top_ends = sorted(idx, key=lambda i: -end[i])[:8]
    for s in top_starts:
        for e in top_ends:
            if s <= e < s + MAX_SPAN_TOKENS and start[s] + end[e] > best:
                best, where = start[s] + end[e], (s, e)
    span = text[offsets[where[0]][0] : offsets[where[1]][1]]
    return PairScore(best - null, span)
