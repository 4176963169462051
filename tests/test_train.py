"""The reader's training, in small: the pairs are what answerability needs, and a few steps of
each kind train, save fp16 weights, and load back offline to score pairs (``make train-reader``
trains the shipped reader; this only proves the path works)."""

from __future__ import annotations

import json
import random
from pathlib import Path

import pytest

from rag.train.pairs import build_pairs, swap_entity
from rag.train.squad import load_questions

CONTEXT_A = (
    "William invaded Scotland in 1072 with a large army. Malcolm III met him at Abernethy. "
    "The two kings agreed a peace that lasted some years."
)
CONTEXT_B = "Edinburgh Castle stands on Castle Rock. It was besieged by Edward I in 1296."


def _squad(tmp_path: Path) -> Path:
    def qa(i, q, answer=None, impossible=False, ctx=CONTEXT_A):
        answers = [] if answer is None else [{"text": answer, "answer_start": ctx.index(answer)}]
        return {"id": f"q{i}", "question": q, "answers": answers, "is_impossible": impossible}

    data = {
        "version": "v2.0",
        "data": [
            {
                "title": "Scotland",
                "paragraphs": [
                    {
                        "context": CONTEXT_A,
                        "qas": [
                            qa(1, "When did William invade Scotland?", "1072"),
                            qa(2, "Where did Malcolm III meet William?", "Abernethy"),
                            qa(3, "When did Malcolm III invade England?", impossible=True),
                        ],
                    },
                    {
                        "context": CONTEXT_B,
                        "qas": [qa(4, "Who besieged Edinburgh Castle in 1296?", "Edward I", ctx=CONTEXT_B)],
                    },
                ],
            }
        ],
    }
    path = tmp_path / "squad.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    return path


def test_questions_align_to_the_sentence_holding_their_answer(tmp_path):
    qs = {q.id: q for q in load_questions(_squad(tmp_path))}
    q1 = qs["q1"]
    assert q1.sentences[q1.gold].text.startswith("William invaded Scotland in 1072")
    assert q1.sentences[q1.gold].text[q1.answer_start :].startswith("1072")
    assert qs["q3"].impossible and qs["q3"].gold is None


def test_pairs_are_mostly_on_topic_negatives_and_swapped_near_misses(tmp_path):
    qs = load_questions(_squad(tmp_path))
    pairs = build_pairs(qs, seed=0)
    kinds = {p.kind for p in pairs}
    assert {"gold", "paragraph", "adversarial"} <= kinds
    gold = [p for p in pairs if p.kind == "gold"]
    assert all(p.label == 1 and p.sentence[p.answer_start :].startswith(p.answer) for p in gold)
    assert all(p.label == 0 for p in pairs if p.kind != "gold")
    # The near-miss: the gold sentence against the question about something else it names.
    q = next(q for q in qs if q.id == "q4")
    gold_sentence = q.sentences[q.gold].text
    for seed in range(5):
        swapped = swap_entity(q, ["Malcolm III", "1072", "Abernethy", "1296"], random.Random(seed))
        assert swapped is not None and swapped != q.question
        new_words = set(swapped.rstrip("?").split()) - set(q.question.rstrip("?").split())
        assert new_words and all(w not in gold_sentence for w in new_words)
        assert any(e in swapped for e in ("Malcolm III", "1072", "Abernethy"))


@pytest.mark.parametrize("kind", ["cross", "span"])
def test_a_few_training_steps_save_weights_that_load_offline_and_score(tmp_path, kind):
    from rag.models.reader import SentenceReader
    from rag.train.fit import train

    pairs = build_pairs(load_questions(_squad(tmp_path)), seed=0)
    out = tmp_path / kind
    meta = train(pairs, kind, out, epochs=1.0, batch_size=4, threads=1, log=lambda _: None)
    assert meta["kind"] == kind and meta["pairs"] == len(pairs)
    assert (out / "model.safetensors").stat().st_size < 50_000_000  # fp16
    reader = SentenceReader(out, threads=1)
    scores = reader.run("When did William invade Scotland?", [CONTEXT_A.split(". ")[0] + "."], ["Scotland"])
    assert len(scores) == 1 and isinstance(scores[0].score, float)
    if kind == "span":
        assert scores[0].span and scores[0].span in CONTEXT_A  # a span of the sentence, not the title
