"""A fact question answered by choosing among typed candidates, scored from the logits.

The text layer takes the values of the asked kind (dates for when, counts for how many, names
for who and where) from the selector's top sentences; the model sees those sentences and the
values as lettered options, with "none of these" last, and one forward pass gives the
probability of every letter. No generation, no JSON: the model cannot copy a value wrongly
or stitch one from two sentences, and "none" is a probability, not a refusal it rarely makes.
"""

from __future__ import annotations

import json
import math
import string
from dataclasses import dataclass

import numpy as np

from rag.answer.chooser import ranked
from rag.answer.constraints import constraint_coverage
from rag.answer.extractive import closest_instead, span_answer
from rag.answer.span import count_mismatch
from rag.models.prompts import load_prompt
from rag.text.candidates import Candidate, asks_about_the_article, candidates
from rag.text.captions import asks_about_photos, is_caption
from rag.text.normalise import name_key
from rag.text.question import FACT_FORMS, Question
from rag.types import Answer, EvidenceSentence


@dataclass(frozen=True)
class Option:
    candidate: Candidate
    sentence: EvidenceSentence
    shown: int  # the sentence's number in the prompt


@dataclass
class Choice:
    options: list[Option]
    probabilities: list[float]  # one per option, then "none of these"
    chosen: Option | None = None  # None: "none of these" is the likeliest

    @property
    def p_none(self) -> float:
        return self.probabilities[-1]


def options_for(
    question: Question, evidence: list[EvidenceSentence], sentences: int, limit: int
) -> list[Option]:
    """The typed candidates of the top sentences, the best-ranked sentence's first; one option
    per distinct value (its first, best-ranked occurrence). A question about an article itself
    ("when was it published?", "who wrote it?") also gets the shown articles' dates or authors."""
    out: list[Option] = []
    seen: set[str] = set()
    shown = ranked(evidence, sentences)

    def add(c: Candidate, ev: EvidenceSentence, i: int) -> None:
        key = name_key(c.text)
        if key and key not in seen and len(out) < limit:
            seen.add(key)
            out.append(Option(c, ev, i))

    if asks_about_the_article(question.text) and question.form in ("when", "who"):
        for i, ev in enumerate(shown, start=1):
            value = ev.passage.date if question.form == "when" else ev.passage.author
            if value:
                add(Candidate(f"{value} (the article's {_META[question.form]})", 0, 0, "metadata"), ev, i)
    photo_dates = question.form != "when" or asks_about_photos(question.text)
    for i, ev in enumerate(shown, start=1):
        if not photo_dates and is_caption(ev.context or ev.text):
            continue  # a caption's date is the photo's, not the event's
        for c in candidates(ev.text, question):
            add(c, ev, i)
    return out


_META = {"when": "publication date", "who": "author"}


class ChoiceReader:
    """Configuration in ``__init__``; ``run(question, evidence)`` -> a Choice, or None when the
    top sentences hold no value of the asked kind."""

    def __init__(self, logits, sentences: int = 4, max_options: int = 8) -> None:
        self.logits = logits  # rag.models.logits.NextTokenLogits (or a fake with .run and .token)
        self.sentences = sentences
        self.max_options = min(max_options, 25)
        self._letters = [self.logits.token(c) for c in string.ascii_uppercase]

    def messages(self, question: Question, evidence: list[EvidenceSentence], options: list[Option]):
        shown = ranked(evidence, self.sentences)
        lines = []
        for i, ev in enumerate(shown, start=1):
            p = ev.passage
            when = f", published {p.date}" if p.date else ""
            lines.append(f'[{i}] (from "{p.title}"{when}) {ev.text}')
        letters = string.ascii_uppercase
        opts = [f"{letters[i]}. {o.candidate.text} (sentence {o.shown})" for i, o in enumerate(options)]
        opts.append(f"{letters[len(options)]}. none of these")
        return load_prompt("options").format_messages(
            sentences="\n".join(lines), question=question.text, options="\n".join(opts)
        )

    def run(self, question: Question, evidence: list[EvidenceSentence]) -> Choice | None:
        options = options_for(question, evidence, self.sentences, self.max_options)
        if not options:
            return None
        logits = self.logits.run(self.messages(question, evidence, options))
        scores = np.asarray([logits[t] for t in self._letters[: len(options) + 1]], dtype=float)
        probs = np.exp(scores - scores.max())
        probs /= probs.sum()
        best = int(probs.argmax())
        chosen = options[best] if best < len(options) else None
        return Choice(options, [round(float(p), 4) for p in probs], chosen)


class ChoiceAnswerer:
    """A fact question answered from the ChoiceReader's option, checked; other forms and
    questions with no typed option go to ``fallback`` (the extract-and-verify answer).

    Abstention comes from the signals measured to separate answerable from unanswerable
    questions (``python -m bench.reader``, docs/reader-bakeoff.md): "none of these" nearly as
    likely as the choice, and the chosen sentence's surroundings missing what the question
    pins down (its names, dates, years).
    """

    FORMS = FACT_FORMS

    def __init__(
        self, reader: ChoiceReader, fallback=None, min_coverage: float = 0.5, min_margin: float = 0.5
    ) -> None:
        self.reader = reader
        self.fallback = fallback  # .run(answer, question, evidence) -> Answer | None
        self.min_coverage = min_coverage
        # log(P(chosen) / P(none)): "none of these" close behind the choice is a doubt.
        self.min_margin = min_margin

    def run(self, answer: Answer, question: Question, evidence: list[EvidenceSentence]) -> Answer | None:
        if question.form not in self.FORMS:
            return self.fallback.run(answer, question, evidence) if self.fallback else None
        choice = self.reader.run(question, evidence)
        if choice is None:
            if question.form == "when":
                answer.trace.update(path="choice", chosen=[], span="", gate_passed=False)
                return closest_instead(answer, question, evidence, None, "", "no date in the best sentences")
            return self.fallback.run(answer, question, evidence) if self.fallback else None
        shown = zip(choice.options, choice.probabilities, strict=False)  # the last is "none"
        answer.raw_output = json.dumps({o.candidate.text: p for o, p in shown})
        answer.relevance = round(1.0 - choice.p_none, 4)
        option = choice.chosen
        answer.trace.update(
            path="choice",
            chosen=[option.sentence.text] if option else [],
            span=option.candidate.text if option else "",
            gate_passed=False,
            options=[o.candidate.text for o in choice.options],
            probabilities=choice.probabilities,
        )
        if option is None:
            return closest_instead(answer, question, evidence, None, "", "the reader chose “none of these”")
        ev, span = option.sentence, option.candidate.text
        p = choice.probabilities[choice.options.index(option)]
        margin = math.log(p / max(choice.p_none, 1e-9))
        coverage = constraint_coverage(question, ev)
        answer.trace.update(coverage=coverage, margin=round(margin, 3))
        if margin < self.min_margin:
            why = f"“none of these” is nearly as likely (p={choice.p_none:.2f} against {p:.2f})"
            return closest_instead(answer, question, evidence, ev, span, why)
        if coverage < self.min_coverage:
            missing = ", ".join(question.subjects) or "the question's dates"
            why = f"its sentence, paragraph and title don't mention {missing}"
            return closest_instead(answer, question, evidence, ev, span, why)
        if why := count_mismatch(question, ev.text, span):
            return closest_instead(answer, question, evidence, ev, span, why)
        return span_answer(answer, ev, span, f"the answer “{span}” is taken from it (chosen with p={p:.2f})")
