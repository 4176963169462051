"""Why / how questions answered by quoting the sentence that says it.

The written answer declined most why/how questions asked in other words than the articles',
though the evidence selector ranked the answering sentence first for most of them (the
reading probe: 11 of 12 on heldout3). So the reader does not write here: it chooses. Readers
behind one interface (``run(question, evidence) -> EvidenceSentence | None``), kept side by
side for the bake-off (``RAG_WHY_READER``):

- ``ChoosingReader``: the model sees the selector's top few sentences, each after the sentence
  before it in its paragraph, and picks the one that says why/how, or none (a JSON schema
  whose choices are only the numbers shown; "answers" first, so it decides before it picks);
- ``TopSentenceReader``: the selector's first sentence, no model call.

The answer is the chosen sentence, quoted verbatim and cited, so it is verified by construction.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from rag.answer.constraints import constraint_coverage
from rag.answer.extractor import read_json_object
from rag.models.prompts import load_prompt
from rag.text.question import analyse
from rag.text.sentences import split_sentences
from rag.types import EvidenceSentence


def ranked(evidence: list[EvidenceSentence], k: int) -> list[EvidenceSentence]:
    return sorted(evidence, key=lambda e: -e.score)[:k]


def _lead_in(ev: EvidenceSentence) -> str:
    """The sentence before it in its paragraph: what "the operation" or "they" refers to."""
    spans = split_sentences(ev.context) if ev.context else []
    return ev.context[spans[-1][0] : spans[-1][1]] if spans else ""


def choice_schema(n: int) -> dict[str, Any]:
    return {
        "type": "object",
        "properties": {
            "answers": {"type": "boolean"},
            "choice": {"type": "integer", "enum": list(range(1, n + 1))},
        },
        "required": ["answers", "choice"],
    }


def parse_choice(raw: str, n: int) -> int | None:
    """The 1-based choice, or None when the model says no candidate answers."""
    data = read_json_object(raw)
    if data is None or data.get("answers") is not True:
        return None
    choice = data.get("choice")
    ok = isinstance(choice, int) and not isinstance(choice, bool) and 1 <= choice <= n
    return choice if ok else None


class ChoosingReader:
    """Configuration in ``__init__``; ``run(question, evidence)`` -> the sentence, or None."""

    def __init__(self, constrained_model: Callable[[dict[str, Any]], Any], candidates: int = 3) -> None:
        self.constrained_model = constrained_model  # schema -> a chat model bound to it
        self.candidates = candidates

    def messages(self, question: str, shown: list[EvidenceSentence]):
        blocks = []
        for i, ev in enumerate(shown, start=1):
            lead = _lead_in(ev)
            source = f'(from "{ev.passage.title}")'
            blocks.append(f"[{i}] {source} " + (f"{lead} >> {ev.text}" if lead else ev.text))
        return load_prompt("choose").format_messages(candidates="\n".join(blocks), question=question)

    def run(self, question: str, evidence: list[EvidenceSentence]) -> EvidenceSentence | None:
        shown = ranked(evidence, self.candidates)
        if not shown:
            return None
        model = self.constrained_model(choice_schema(len(shown)))
        choice = parse_choice(str(model.invoke(self.messages(question, shown)).content), len(shown))
        return shown[choice - 1] if choice else None


class TopSentenceReader:
    """The selector's best sentence, without asking the model."""

    def run(self, question: str, evidence: list[EvidenceSentence]) -> EvidenceSentence | None:
        top = ranked(evidence, 1)
        return top[0] if top else None


class CoveredSentenceReader:
    """For questions no typed value answers (what / which / list / yes-no): the selector's best
    sentence when its paragraph and title hold what the question pins down (its names and
    dates, ``constraints.py``), else None. The written answer declined most of these while
    quoting the answering sentence as "the closest passage"."""

    def __init__(self, min_coverage: float = 0.5) -> None:
        self.min_coverage = min_coverage

    def run(self, question: str, evidence: list[EvidenceSentence]) -> EvidenceSentence | None:
        top = ranked(evidence, 1)
        if top and constraint_coverage(analyse(question), top[0]) >= self.min_coverage:
            return top[0]
        return None
