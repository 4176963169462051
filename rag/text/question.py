"""What a question asks, worked out once per question: the names its answer must be about,
the kind of value it wants (a date, a number, a name), what a number must count, and its
content terms. Every check of an answer reads this one analysis."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from typing import Literal

from rag.text.dates import WEEKDAYS
from rag.text.facts import Facts, aliases, expand_aliases, extract_facts, is_alias
from rag.text.normalise import name_key
from rag.text.tokens import tokenize
from rag.text.wordlists import word_list

Wanted = Literal["date", "number", "name"]
# What shape of answer a question asks for, as people ask: the extractive path answers the
# first five with a span copied from one sentence; the others get a written answer.
Form = Literal["who", "when", "where", "how_many", "what", "why", "how", "yes_no", "list"]
SPAN_FORMS: tuple[Form, ...] = ("who", "when", "where", "how_many", "what")
# The forms a typed value answers (a name, a date, a place, a count): the choice reader's.
FACT_FORMS: tuple[Form, ...] = ("who", "when", "where", "how_many")


def _which(nouns: str) -> re.Pattern[str]:
    """'Which armed group …', 'What town …': which/what, up to two words, a noun of the list."""
    words = "|".join(word_list(nouns))
    # The words between are the noun's modifiers ("armed", "Iraqi"), never a verb ("what did
    # the spokesman say" asks for a statement).
    modifier = r"(?!(?:did|does|do|is|are|was|were|has|have|had|will|would|can|could)\b)[\w-]+\s+"
    return re.compile(rf"^\W*(which|what)\s+({modifier}){{0,2}}?({words})\b", re.I)


_FORMS: list[tuple[Form, re.Pattern[str]]] = [
    (
        "when",
        re.compile(
            r"^\W*((by|until|till|since) )?when\b|^\W*(on |in |by )?(what|which) (exact |precise )?"
            r"(date|day|year|month|time|century|decade)\b|"
            r"^\W*what (is|was) the (exact |precise |calendar )?date\b",
            re.I,
        ),
    ),
    (
        "how_many",
        re.compile(
            r"\bhow (many|much|long|far|old|big|large)\b|\bwhat (share|percentage|proportion|number)\b|"
            r"\bwhat (is|was) the population\b",
            re.I,
        ),
    ),
    ("why", re.compile(r"^\W*why\b|\bwhat (caused|led to|made)\b", re.I)),
    (
        "list",
        re.compile(
            r"\b(which|what) (two|three|four|several)\b|\bwhat (ways|kinds?)\b|\bwhich ones\b|"
            r"\b(which|what) (\w+ )?(cities|towns|countries|places|villages|groups|leaders|capitals|sides|"
            r"areas|provinces|ways|reasons|steps)\b",
            re.I,
        ),
    ),
    (
        "yes_no",
        re.compile(r"^\W*(did|does|do|is|are|was|were|has|have|had|can|could|will|would|should)\b", re.I),
    ),
    ("who", re.compile(r"^\W*(who|whom|whose)\b|^\W*what(\s+is|\s+was|\s+were|’s|'s) the names? of\b", re.I)),
    ("who", _which("agent_nouns")),
    ("where", _which("place_nouns")),
    (
        "where",
        re.compile(
            r"^\W*where\b|^\W*(to|toward|towards|from|in|into) (which|what) "
            r"(city|town|country|place|region|area|part)\b",
            re.I,
        ),
    ),
    ("how", re.compile(r"^\W*how\b", re.I)),
]

_WANTS_DATE = re.compile(
    r"^\s*((by|until|till|since) )?when\b|"
    r"^\s*(on |in )?(what|which) (exact |precise )?(date|day|year|month|century|decade)\b|"
    r"^\s*what (is|was) the (exact |precise |calendar )?date\b",
    re.I,
)
# Asks for the day itself, so a month or a year is no answer ("On what exact date …?").
_WANTS_DAY = re.compile(
    r"\b(exact|precise|calendar|specific) (date|day)\b|\b(what|which) (exact |precise )?(date|day)\b|"
    r"\bday of the month\b",
    re.I,
)
_POPULATION = re.compile(r"\bwhat (is|was) the population\b", re.I)
_WANTS_NUMBER = re.compile(
    r"\bhow (many|much|long|far|old)\b|\bwhat (share|percentage|proportion|number)\b|"
    r"\bwhat (is|was) the population\b",
    re.I,
)
_WANTS_NAME = re.compile(r"^\s*(who|whom)\b", re.I)
# "Today" or "this year" only answer "when" through the publication date, so they don't count.
_TEMPORAL = re.compile(r"\b(\d+|one|two|three|a) (days?|weeks?|months?) (before|after|later|earlier)\b", re.I)
# "Did changing the rules save lives?": the capitalised auxiliary is not a name. Case-sensitive,
# so that "IS fighters ..." keeps its group name.
_LEADING_AUX = re.compile(r"^\s*(Did|Does|Do|Is|Are|Was|Were|Has|Have|Had|Can|Could|Will|Would|Should)\s+")
_HOW_MANY = re.compile(r"\bhow (?:many|much)\s+((?:[\w'’-]+\s+){0,2}[\w'’-]+)", re.I)
_COUNT_STOP = frozenset({"did", "do", "does", "were", "was", "are", "is", "have", "has", "had", "of", "in"})


@cache
def asking_terms() -> frozenset[str]:
    """Tokens that say what kind of answer is wanted, not what it is about."""
    return frozenset(tokenize(" ".join(word_list("asking_words"))))


def expected_type(question: str) -> Wanted | None:
    """'date' for when-questions, 'number' for how-many/how-long ones, 'name' for who-questions."""
    if _WANTS_DATE.search(question):
        return "date"
    if _WANTS_NUMBER.search(question):
        return "number"
    if _WANTS_NAME.search(question):
        return "name"
    return None


def question_form(question: str) -> Form:
    """The first form whose pattern matches: "How long did it take?" is how_many, not how."""
    return next((form for form, rx in _FORMS if rx.search(question)), "what")


def counted_terms(question: str) -> set[str]:
    """'How many ISIS troops were ...' -> {'isi', 'troop'}: what a number must count."""
    m = _HOW_MANY.search(question)
    if not m:
        return {"population"} if _POPULATION.search(question) else set()
    kept = []
    for w in m.group(1).split():
        if w.lower() in _COUNT_STOP:
            break
        kept.append(w)
    # Names are checked elsewhere; here only the common nouns ("troops", "car bombs").
    asking = asking_terms()
    return {t for t in tokenize(" ".join(w for w in kept if w[:1].islower())) if t not in asking}


def alias_tokens(text: str) -> set[str]:
    """Tokens of every alias of a name in the text: 'Islamic State' also counts as 'isis'."""
    key = f" {name_key(text)} "
    out: set[str] = set()
    for group in aliases():
        if any(f" {a} " in key for a in group):
            for a in group:
                out.update(tokenize(a))
    return out


@dataclass(frozen=True)
class Question:
    text: str
    facts: Facts  # of the question without a leading auxiliary ("Did", "Is")
    names: tuple[str, ...]  # what the answer must be about
    allowed: frozenset[str]  # those names in every alias spelling: an answer may repeat them
    subjects: tuple[str, ...]  # the names that are not group aliases ("Rawa", not "ISIS")
    wants: Wanted | None
    form: Form
    counted: frozenset[str]
    terms: frozenset[str]  # content tokens, without the asking words
    tokens: frozenset[str]  # every token

    def has_wanted_type(self, text: str) -> bool:
        """Whether ``text`` gives the kind of value the question asks for (True if it asks none)."""
        if self.wants is None:
            return True
        facts = extract_facts(text)
        if self.wants == "name":  # a name the question did not already contain (in any spelling)
            key = name_key(self.text)
            asked, asked_aliases = set(key.split()), expand_aliases(set(), key)
            return any(not set(n.split()) <= asked and n not in asked_aliases for n in facts.names)
        if self.wants == "date":
            return bool(
                facts.dates
                or facts.months
                or facts.years
                or _TEMPORAL.search(text)
                or any(re.search(rf"\b{d}\b", text, re.I) for d in WEEKDAYS)
            )
        return bool(facts.numbers or re.search(r"\b(dozens|hundreds|thousands|millions)\b", text, re.I))


@cache
def analyse(question: str) -> Question:
    facts = extract_facts(_LEADING_AUX.sub("", question))
    names = tuple(facts.names)
    asking = asking_terms()
    tokens = frozenset(tokenize(question))
    return Question(
        text=question,
        facts=facts,
        names=names,
        allowed=frozenset(expand_aliases(set(names), name_key(question))),
        subjects=tuple(n for n in names if not is_alias(n)),
        wants=expected_type(question),
        form=question_form(question),
        counted=frozenset(counted_terms(question)),
        terms=frozenset(t for t in tokens if t not in asking),
        tokens=tokens,
    )


def asks_for_day(question: str) -> bool:
    """Whether the question wants a calendar day, not a month or a year."""
    return bool(_WANTS_DAY.search(question))
