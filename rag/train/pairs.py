"""Labelled (question, sentence) pairs for answerability, not topic.

A sentence of the question's own paragraph is on topic; what the reader must learn is whether
it gives the asked value. So most negatives are on topic:
- ``paragraph``: another sentence of the answer's paragraph (the most word-sharing one first);
- ``adversarial``: SQuAD 2.0's unanswerable questions against the sentences of their paragraph
  (written to look answerable there);
- ``swapped``: the question with one of its names or numbers replaced by another of the same
  article, against the gold sentence, which now answers a different question (the near-miss:
  "When was Rawa retaken?" read against al-Qaim's date);
- ``article``: a sentence of another paragraph of the same article.
Positives are the gold sentences, with the answer's offset for the extractive reader.
"""

from __future__ import annotations

import random
import re
from dataclasses import dataclass

from rag.text.tokens import tokenize
from rag.train.squad import SquadQuestion

_NAME = re.compile(r"\b[A-Z][\w'’.-]*(?:\s+(?:of|the|de|and|von|van)?\s*[A-Z][\w'’.-]*)*")
_NUMBER = re.compile(r"\b\d[\d,.]*\b")


@dataclass(frozen=True)
class Pair:
    question: str
    sentence: str
    title: str
    label: int  # 1: the sentence gives the asked value
    kind: str  # gold | paragraph | adversarial | swapped | article
    answer_start: int = -1  # in the sentence, for positives
    answer: str = ""


def entities(text: str) -> list[str]:
    """Names (capitalised runs, not the first word) and numbers of a text."""
    names = [m.group().rstrip(".") for m in _NAME.finditer(text) if m.start() > 0 and len(m.group()) > 2]
    return names + _NUMBER.findall(text)


def _is_number(s: str) -> bool:
    return bool(_NUMBER.fullmatch(s))


def swap_entity(q: SquadQuestion, pool: list[str], rng: random.Random) -> str | None:
    """The question with one entity it shares with its gold sentence replaced by another of
    the same kind (name or number) that the gold sentence does not mention."""
    gold = q.sentences[q.gold].text.lower() if q.gold is not None else ""
    shared = [e for e in entities(q.question) if e.lower() in gold and e.lower() not in q.answer.lower()]
    if not shared:
        return None
    old = rng.choice(shared)
    options = [e for e in pool if _is_number(e) == _is_number(old) and e.lower() not in gold and e != old]
    if not options:
        return None
    return q.question.replace(old, rng.choice(options), 1)


def _overlap(question: str, sentence: str) -> int:
    return len(set(tokenize(question)) & set(tokenize(sentence)))


def build_pairs(
    questions: list[SquadQuestion],
    seed: int = 0,
    paragraph_negatives: int = 2,
    swaps: bool = True,
    adversarial_negatives: int = 3,
) -> list[Pair]:
    rng = random.Random(seed)
    by_article: dict[str, list[SquadQuestion]] = {}
    for q in questions:
        by_article.setdefault(q.title, []).append(q)
    pools = {
        t: sorted({e for q in qs for s in q.sentences for e in entities(s.text)})
        for t, qs in by_article.items()
    }
    out: list[Pair] = []
    for q in questions:
        ranked = sorted(range(len(q.sentences)), key=lambda i: -_overlap(q.question, q.sentences[i].text))
        if q.impossible:
            for i in ranked[:adversarial_negatives]:
                out.append(Pair(q.question, q.sentences[i].text, q.title, 0, "adversarial"))
            continue
        gold = q.sentences[q.gold]
        out.append(Pair(q.question, gold.text, q.title, 1, "gold", q.answer_start, q.answer))
        others = [i for i in ranked if i != q.gold]
        rest = others[1:]
        picked = others[:1] + rng.sample(rest, max(0, min(len(rest), paragraph_negatives - 1)))
        for i in picked[:paragraph_negatives]:
            out.append(Pair(q.question, q.sentences[i].text, q.title, 0, "paragraph"))
        if swaps and (swapped := swap_entity(q, pools[q.title], rng)):
            out.append(Pair(swapped, gold.text, q.title, 0, "swapped"))
        elsewhere = [x for x in by_article[q.title] if x.paragraph != q.paragraph]
        if elsewhere:
            other = rng.choice(elsewhere)
            out.append(Pair(q.question, rng.choice(other.sentences).text, q.title, 0, "article"))
    rng.shuffle(out)
    return out
