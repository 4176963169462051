"""SQuAD 2.0 questions, each aligned to the sentences of its paragraph.

The project's own sentence splitter cuts the paragraph, so what the reader learns on is cut
the way the articles are cut when it reads them.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from rag.text.sentences import split_sentences


@dataclass(frozen=True)
class Sentence:
    text: str
    start: int  # offset in the paragraph


@dataclass(frozen=True)
class SquadQuestion:
    id: str
    title: str
    question: str
    sentences: tuple[Sentence, ...]  # of its paragraph
    gold: int | None  # the sentence holding the answer; None: unanswerable (or not aligned)
    answer: str  # "" when unanswerable
    answer_start: int  # offset in the gold sentence, -1 when unanswerable
    impossible: bool
    paragraph: int  # index of the paragraph in its article


def _title(raw: str) -> str:
    return raw.replace("_", " ")


def load_questions(path: Path, articles: set[str] | None = None) -> list[SquadQuestion]:
    """Every question of the file's articles (all, or those named); an answer that crosses a
    sentence boundary has no gold sentence and is skipped."""
    data = json.loads(Path(path).read_text(encoding="utf-8"))["data"]
    out: list[SquadQuestion] = []
    for article in data:
        if articles is not None and article["title"] not in articles:
            continue
        title = _title(article["title"])
        for pi, para in enumerate(article["paragraphs"]):
            ctx = para["context"]
            sents = tuple(Sentence(ctx[s:e], s) for s, e in split_sentences(ctx))
            for qa in para["qas"]:
                if qa.get("is_impossible") or not qa["answers"]:
                    out.append(SquadQuestion(qa["id"], title, qa["question"], sents, None, "", -1, True, pi))
                    continue
                ans = qa["answers"][0]
                a0, a1 = ans["answer_start"], ans["answer_start"] + len(ans["text"])
                gold = next(
                    (i for i, s in enumerate(sents) if s.start <= a0 and a1 <= s.start + len(s.text)), None
                )
                if gold is None:
                    continue
                out.append(
                    SquadQuestion(
                        qa["id"],
                        title,
                        qa["question"],
                        sents,
                        gold,
                        ans["text"],
                        a0 - sents[gold].start,
                        False,
                        pi,
                    )
                )
    return out


def article_titles(path: Path) -> list[str]:
    return [a["title"] for a in json.loads(Path(path).read_text(encoding="utf-8"))["data"]]
