"""The normalisers: how two spellings of the same text are made to compare equal.

- ``fold``: case, curly apostrophes and no-break spaces (news HTML has them); for substring
  matches of key facts.
- ``squash``: ``fold`` plus quotes, punctuation and citation markers; for "is this claim a
  verbatim span of that passage".
- ``drop_apostrophes``: "Qa’im" and "Qa'im" -> "Qaim".
- ``name_key``: a name without possessive, apostrophes or dots ("al-Qa’im's" -> "al qaim").
- ``normalise_numbers``: "50, 000" (a tokenizer artefact of small models) -> "50,000".
"""

from __future__ import annotations

import re

from rag.text.markers import strip_markers

APOSTROPHES = "’'`"
_SPLIT_THOUSANDS = re.compile(r"(\d),\s+(\d{3})\b")


def fold(text: str) -> str:
    return text.lower().replace("’", "'").replace("\u00a0", " ")


def squash(text: str) -> str:
    text = fold(strip_markers(text)[0]).replace("“", '"').replace("”", '"')
    return re.sub(r"[^a-z0-9]+", " ", text).strip()


def drop_apostrophes(text: str) -> str:
    """Qa’im -> Qaim: the same word whichever apostrophe an article or a user types."""
    return re.sub(f"[{APOSTROPHES}]", "", text)


def name_key(text: str) -> str:
    text = text.lower().replace("’s", "").replace("'s", "")
    text = drop_apostrophes(text).replace(".", "")
    return re.sub(r"[^a-z0-9]+", " ", text).strip()


def normalise_numbers(text: str) -> str:
    return _SPLIT_THOUSANDS.sub(r"\1,\2", text)
