"""The one pattern for a sentence that says the sources don't give something ("The articles
don't say when", "The date is not stated", "I don't know"): such a sentence is a statement
about the articles, not a claim about the events."""

from __future__ import annotations

import re

_ABSENCE = re.compile(
    r"\b(articles?|evidence|sources?|texts?|reports?|context|passages?|documents?)\b[^.]*"
    r"\b(do(?:es)?\s*n[o’']t|did\s*n[o’']t|do(?:es)? not)\s+"
    r"(say|state|give|mention|specify|provide|include|report|indicate|contain)"
    r"|\b(is|are|was|were)\s+not\s+(given|stated|mentioned|specified|provided|reported)\b"
    r"|\b(does not|doesn't|do not|don't) (mention|provide|say|state|specify|contain|include|give)\b"
    r"|\bnot (mentioned|provided|specified|stated|given)\b"
    r"|\bi (don't|do not) know\b|\bno (information|mention)\b",
    re.I,
)


def states_absence(text: str) -> bool:
    return bool(_ABSENCE.search(text))
