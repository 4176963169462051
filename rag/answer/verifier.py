"""Check each draft sentence against the evidence it cites, before anything is shown.

A sentence is kept only when
  1. it cites evidence that was given to the model,
  2. every date, number and name in it occurs in the cited sentences (or in the question,
     for names the user introduced), a date counting as present when it is the cited
     article's publication date or a weekday the article's date resolves,
  3. each date or number sits in a cited sentence that also names the question's subject
     when the answer sentence does: "Rawa was retaken on November 3" citing a sentence about
     al-Qaim's November 3 fails, even though both words occur somewhere in the evidence, and
  4. its wording overlaps the cited sentences (tokens or embedding similarity).
A failing sentence is repaired when other evidence sentences hold all of its facts (its
citations are replaced), otherwise dropped. An allegation cited without attribution gets
"According to <article>" (attribution.py). The verdicts are recorded so the eval and the UI
can show them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

import numpy as np

from rag.answer.attribution import attribute
from rag.text.absence import states_absence
from rag.text.dates import weekday_dates
from rag.text.facts import Facts, expand_aliases, extract_facts, is_alias, name_in
from rag.text.normalise import name_key, normalise_numbers
from rag.text.question import Question, analyse
from rag.text.tokens import tokenize
from rag.types import CheckStatus, DraftSentence, EvidenceSentence


@dataclass
class Verdict:
    text: str
    cites: list[int]  # evidence numbers
    status: CheckStatus  # verified | repaired | dropped | gap
    reason: str = ""


@dataclass
class _EvidenceFacts:
    ev: EvidenceSentence
    facts: Facts
    names: set[str]  # normalised, aliases expanded; includes the article title and date
    own_names: set[str]  # from the sentence alone: what the sentence is about
    tokens: set[str]


def _evidence_facts(ev: EvidenceSentence) -> _EvidenceFacts:
    header = f"{ev.passage.date or ''} {ev.passage.author or ''}"
    facts = extract_facts(ev.text)
    if ev.passage.date:
        pub = date.fromisoformat(ev.passage.date)
        facts.dates.add((pub.month, pub.day))
        facts.months.add(pub.month)
        facts.years.add(pub.year)
        facts.dates |= weekday_dates(ev.text, ev.passage.date)
    for d in list(facts.dates):
        facts.months.add(d[0])
    text_key = name_key(ev.text + " " + ev.passage.title + " " + header)
    names = expand_aliases(set(text_key.split()) | set(facts.names), text_key)
    own_key = name_key(ev.text)
    own = expand_aliases(set(own_key.split()) | set(facts.names), own_key)
    return _EvidenceFacts(ev, facts, names, own, set(tokenize(ev.text + " " + ev.passage.title)))


def _ordinary_word(word: str, plain_text: str) -> bool:
    """A sentence's capitalised first word that is not a name: an adverb ("Approximately") or
    a word the evidence or question writes in lower case ("Tanks" / "tanks"). Anything else
    stays a name that must be found in the cited evidence, or "Rawa was ISIS's last holding
    in Syria", citing a sentence about Deir ez-Zor, would pass with its subject invented."""
    return word.endswith("ly") or bool(re.search(rf"(?<![\w-]){re.escape(word)}(?![\w-])", plain_text))


class Verifier:
    """Configuration in ``__init__``; ``run`` judges one draft sentence against the evidence."""

    def __init__(self, embeddings=None, min_overlap: float = 0.4, min_cosine: float = 0.55) -> None:
        self.embeddings = embeddings
        self.min_overlap = min_overlap
        self.min_cosine = min_cosine
        self._cached_key: tuple | None = None
        self._cached: dict[int, _EvidenceFacts] = {}

    @staticmethod
    def _missing(facts: Facts, cited: list[_EvidenceFacts], allowed: frozenset[str]) -> list[str]:
        dates = set().union(*(c.facts.dates for c in cited)) if cited else set()
        months = set().union(*(c.facts.months for c in cited)) if cited else set()
        years = set().union(*(c.facts.years for c in cited)) if cited else set()
        numbers = set().union(*(c.facts.numbers for c in cited)) if cited else set()
        names = set().union(*(c.names for c in cited)) if cited else set()
        missing = [f"date {m}/{d}" for m, d in facts.dates if (m, d) not in dates]
        missing += [f"month {m}" for m in facts.months if m not in months]
        missing += [f"year {y}" for y in facts.years if y not in years]
        missing += [f"number {n:g}" for n in facts.numbers if n not in numbers]
        missing += [f"name {n!r}" for n in facts.names if not name_in(n, names | allowed)]
        return missing

    @staticmethod
    def _unanchored(facts: Facts, cited: list[_EvidenceFacts], focus: set[str]) -> list[str]:
        """Dates/numbers not stated beside the question's subject in one cited sentence."""
        subject = {n for n in facts.names if n in focus and not is_alias(n)}
        if not subject:
            return []
        out = []
        for kind, values in (("date", facts.dates), ("number", facts.numbers)):
            for v in values:
                holders = [c for c in cited if v in (c.facts.dates if kind == "date" else c.facts.numbers)]
                if holders and not any(all(name_in(s, c.own_names) for s in subject) for c in holders):
                    out.append(f"{kind} not stated about {', '.join(sorted(subject))}")
        return out

    def _overlap_ok(self, text: str, cited: list[_EvidenceFacts]) -> tuple[bool, str]:
        toks = set(tokenize(text))
        if not toks:
            return True, ""
        ev_toks = set().union(*(c.tokens for c in cited))
        overlap = len(toks & ev_toks) / len(toks)
        if overlap >= self.min_overlap:
            return True, ""
        if self.embeddings is not None:
            vecs = np.asarray(self.embeddings.embed_documents([text] + [c.ev.text for c in cited]))
            cos = float(max(vecs[1:] @ vecs[0]))
            if cos >= self.min_cosine:
                return True, ""
            return False, f"wording not supported (overlap {overlap:.2f}, cosine {cos:.2f})"
        return False, f"wording not supported (overlap {overlap:.2f})"

    def _check(self, text: str, facts: Facts, cited: list[_EvidenceFacts], question: Question) -> list[str]:
        problems = self._missing(facts, cited, question.allowed)
        problems += self._unanchored(facts, cited, set(question.names))
        if not problems:
            ok, why = self._overlap_ok(text, cited)
            if not ok:
                problems.append(why)
        return problems

    def _repair(
        self, text: str, facts: Facts, table: dict[int, _EvidenceFacts], question: Question
    ) -> list[int] | None:
        """Smallest set of evidence sentences (at most two) that passes every check."""
        numbers = sorted(table)
        for n in numbers:
            if not self._check(text, facts, [table[n]], question):
                return [n]
        for i, a in enumerate(numbers):
            for b in numbers[i + 1 :]:
                if not self._check(text, facts, [table[a], table[b]], question):
                    return [a, b]
        return None

    def _table(self, evidence: list[EvidenceSentence]) -> dict[int, _EvidenceFacts]:
        """Facts of each evidence sentence, computed once per answer, not once per sentence."""
        key = tuple((ev.number, ev.passage.chunk_id, ev.text, ev.context) for ev in evidence)
        if self._cached_key != key:
            self._cached_key = key
            self._cached = {ev.number: _evidence_facts(ev) for ev in evidence}
        return self._cached

    def _sentence_facts(self, text: str, evidence: list[EvidenceSentence], question: Question) -> Facts:
        facts = extract_facts(text)
        table = self._table(evidence)
        known = set().union(*(set(e.facts.names) for e in table.values())) if table else set()
        plain = " ".join(f"{ev.context} {ev.text}" for ev in evidence) + " " + question.text
        initial = facts.initial_name
        unknown = initial and not name_in(initial, known | question.allowed)
        if initial and unknown and _ordinary_word(initial.split()[0], plain):
            # Its first word may be an ordinary word capitalised by position ("Approximately");
            # the rest of a capitalised run ("General Smith" -> "smith") is still a name.
            i = facts.names.index(initial)
            rest = initial.split()[1:]
            if rest:
                facts.names[i] = " ".join(rest)
            else:
                facts.names.pop(i)
        return facts

    def run(
        self, sentence: DraftSentence, evidence: list[EvidenceSentence], question: Question | str
    ) -> Verdict:
        question = analyse(question) if isinstance(question, str) else question
        table = self._table(evidence)
        text = normalise_numbers(sentence.text.strip())
        facts = self._sentence_facts(text, evidence, question)
        if states_absence(text) and not facts.anchored:
            return Verdict(text, [], "gap", "states what the articles do not say")
        valid = [n for n in sentence.cites if n in table]
        invalid = [n for n in sentence.cites if n not in table]
        problems = []
        if invalid:
            problems.append(f"cites evidence that was not given: {invalid}")
        if valid:
            problems += self._check(text, facts, [table[n] for n in valid], question)
        else:
            problems.append("no citation")
        status: CheckStatus = "verified"
        cites = valid
        if problems:
            repaired = self._repair(text, facts, table, question)
            if repaired is None:
                return Verdict(text, valid, "dropped", "; ".join(problems))
            status, cites = "repaired", repaired
        text = attribute(text, [table[n].ev for n in cites])
        return Verdict(text, cites, status, "; ".join(problems))
