"""The one word tokenizer: lowercase terms without stopwords, lightly stemmed.

Used for the lexical (BM25) index and for the overlap checks, so a term matches the same way
in both. The stopword list is data (``rag/text/data/stopwords.txt``).
"""

from __future__ import annotations

import re
from functools import cache

from rag.text.normalise import drop_apostrophes
from rag.text.wordlists import word_list

# Letters and digits of any script: a question in Arabic keeps its words (0.3 dropped every
# non-ASCII letter, so such a question had no terms and passed every relevance check).
_TOKEN = re.compile(r"[^\W_]+")
# Bump when tokenize() changes: the lexical index stores tokenized text and is rebuilt then.
TOKENIZER_VERSION = "2"


@cache
def stopwords() -> frozenset[str]:
    return frozenset(word_list("stopwords"))


def tokenize(text: str) -> list[str]:
    """Lowercase word tokens without stopwords, lightly stemmed, for BM25 and overlap checks."""
    text = drop_apostrophes(text.lower())
    stop = stopwords()
    out = []
    for tok in _TOKEN.findall(text):
        if tok in stop:
            continue
        if not tok.isascii():  # the suffix rules below are English ones
            out.append(tok)
            continue
        if len(tok) > 5 and tok.endswith("ing"):
            tok = tok[:-3]
        elif len(tok) > 4 and tok.endswith("ed"):
            tok = tok[:-2]
        elif len(tok) > 3 and tok.endswith("s") and not tok.endswith("ss"):
            tok = tok[:-1]
        if len(tok) > 4 and tok.endswith("e"):  # "announce" and "announced" -> "announc"
            tok = tok[:-1]
        out.append(tok)
    return out


@cache
def _list_terms(name: str) -> frozenset[str]:
    return frozenset(tokenize(" ".join(word_list(name))))


def mentions(text: str, list_name: str) -> bool:
    """Whether the text has a term of the word list ``rag/text/data/<list_name>.txt``."""
    return bool(set(tokenize(text)) & _list_terms(list_name))


def unreadable_reason(text: str) -> str | None:
    """Why the English models and checks can't work with this text, or None: it has no word
    to search for (only words like "what" or "is"), or none in the Latin alphabet."""
    terms = tokenize(text)
    if not terms:
        return "no_terms"
    if not any(t.isascii() for t in terms):
        return "script"
    return None
