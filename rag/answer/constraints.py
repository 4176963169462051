"""What a question pins down (its names, places, dates and years) and whether a sentence's
surroundings hold it: "How many people live in al-Miqdadiya?" is not answered by a count of
people in Mosul, however close the words. Read where a reader would: the sentence, the
paragraph before it, its article's title and publication date."""

from __future__ import annotations

import re

from rag.text.facts import expand_aliases, extract_facts, is_alias, name_in
from rag.text.normalise import name_key
from rag.text.question import Question
from rag.types import EvidenceSentence


def surroundings(ev: EvidenceSentence) -> str:
    return ". ".join(t for t in (ev.passage.title, ev.context, ev.text) if t)  # names never run across


def _distinctive(subject: str, question: str) -> str:
    """The subject's words that are capitalised in the question and not particles: "ISIS-held
    Miqdadiya" -> "miqdadiya" (a group alias like ISIS is no constraint), "al-Abadi" -> "abadi"."""
    capitals = {name_key(w) for w in re.findall(r"[A-Z][\w’']*", question)}
    words = [w for w in subject.split() if w in capitals and len(w) >= 3 and not is_alias(w)]
    return " ".join(words) or subject


def constraint_coverage(question: Question, ev: EvidenceSentence) -> float:
    """The share of the question's subjects, dates and years found around the sentence
    (1.0 when the question pins down none)."""
    text = surroundings(ev)
    facts = extract_facts(text)
    names = expand_aliases(set(facts.names), name_key(text))
    # "Ramadi" is in "al-Ramadi", "Talibawi" in "Javad Talibawi": each word counts on its own too.
    names |= {w for n in names for w in n.split() if len(w) >= 4}
    years = set(facts.years) | ({int(ev.passage.date[:4])} if ev.passage.date else set())
    checks = [name_in(_distinctive(n, question.text), names) for n in question.subjects]
    checks += [d in facts.dates for d in question.facts.dates]
    checks += [y in years for y in question.facts.years]
    return sum(checks) / len(checks) if checks else 1.0
