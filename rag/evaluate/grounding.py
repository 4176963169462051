"""Model-free grounding: are the dates, numbers and names of a text found in some passages?

Used by the eval's deterministic grounding score and as a guard beside the model judge.
"""

from __future__ import annotations

from rag.text.dates import month_abbreviation
from rag.text.facts import extract_facts
from rag.text.markers import strip_markers
from rag.text.normalise import name_key, normalise_numbers


def fact_checks(text: str, passages: str) -> list[tuple[str, bool]]:
    """Each date, number, year and name stated in ``text`` and whether ``passages`` state it
    too. Citation markers are ignored."""
    text = normalise_numbers(strip_markers(text)[0])
    facts = extract_facts(text)
    found = extract_facts(normalise_numbers(passages))
    # Names come out of extract_facts as name keys ("al-Qa’im" -> "al qaim").
    low = name_key(passages)
    checks = [(f"{month_abbreviation(m)}. {d}", (m, d) in found.dates) for m, d in sorted(facts.dates)]
    checks += [(f"{n:g}", n in found.numbers) for n in sorted(facts.numbers)]
    checks += [(str(y), y in found.years) for y in sorted(facts.years)]
    checks += [(name, all(w in low for w in name.split())) for name in facts.names]
    return checks


def missing_facts(text: str, passages: str) -> list[str]:
    """The dates, numbers and names of ``text`` that ``passages`` don't state."""
    return [fact for fact, ok in fact_checks(text, passages) if not ok]
