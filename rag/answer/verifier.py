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
"According to <article>". The verdicts are recorded so the eval and the UI can show them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, timedelta

import numpy as np

from rag.answer.citations import DraftSentence
from rag.answer.evidence import EvidenceSentence
from rag.ingest.metadata import MONTHS
from rag.text.tokens import tokenize

NUMBER_WORDS = {
    w: i
    for i, w in enumerate(
        [
            "zero",
            "one",
            "two",
            "three",
            "four",
            "five",
            "six",
            "seven",
            "eight",
            "nine",
            "ten",
            "eleven",
            "twelve",
            "thirteen",
            "fourteen",
            "fifteen",
            "sixteen",
            "seventeen",
            "eighteen",
            "nineteen",
            "twenty",
        ]
    )
} | {
    "thirty": 30,
    "forty": 40,
    "fifty": 50,
    "sixty": 60,
    "seventy": 70,
    "eighty": 80,
    "ninety": 90,
    "hundred": 100,
    "dozen": 12,
}
_SCALE = {"thousand": 1_000, "million": 1_000_000, "billion": 1_000_000_000}
WEEKDAYS = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]

_MONTH_NAMES = "|".join(sorted(MONTHS, key=len, reverse=True))
_DATE_MD = re.compile(
    rf"\b({_MONTH_NAMES})\.?\s+(\d{{1,2}})(?:st|nd|rd|th)?\b(?:,?\s+((?:19|20)\d\d))?", re.I
)
_DATE_DM = re.compile(
    rf"\b(\d{{1,2}})(?:st|nd|rd|th)?\s+(?:of\s+)?({_MONTH_NAMES})\b\.?(?:,?\s+((?:19|20)\d\d))?", re.I
)
_MONTH_YEAR = re.compile(rf"\b({_MONTH_NAMES})\.?(?:\s+((?:19|20)\d\d))?\b", re.I)
_YEAR = re.compile(r"\b(?:19|20)\d\d\b")
_NUMBER = re.compile(
    r"(?<![\w.])(\d{1,3}(?:,\d{3})+|\d+(?:\.\d+)?)(?:\s*(%|percent|thousand|million|billion))?", re.I
)
_NUMBER_WORD = re.compile(r"\b(" + "|".join(NUMBER_WORDS) + r")(?:[\s-]+(thousand|million|billion))?\b", re.I)
_NAME_WORD = r"(?:al-|el-|ad-|as-)?[A-Z][\w’'.-]*\w"
_ENTITY = re.compile(rf"\b{_NAME_WORD}(?:\s+{_NAME_WORD})*")

# Capitalised words that are not names.
_NOT_NAMES = (
    frozenset(
        [
            "the",
            "a",
            "an",
            "in",
            "on",
            "at",
            "by",
            "for",
            "according",
            "it",
            "its",
            "they",
            "their",
            "he",
            "she",
            "his",
            "her",
            "this",
            "that",
            "these",
            "those",
            "there",
            "as",
            "after",
            "before",
            "while",
            "since",
            "both",
            "no",
            "yes",
            "not",
            "some",
            "many",
            "most",
            "all",
            "any",
            "each",
            "several",
            "other",
            "but",
            "and",
            "or",
            "so",
            "if",
            "when",
            "where",
            "what",
            "who",
            "which",
            "why",
            "how",
            "however",
            "also",
            "then",
            "than",
            "only",
            "despite",
            "although",
            "though",
            "with",
            "without",
            "from",
            "into",
            "over",
            "under",
            "about",
            "during",
            "against",
            "between",
            "among",
            "i",
            "we",
            "you",
            "our",
            "us",
            "your",
            "my",
            "me",
            "mr",
            "mrs",
            "ms",
            "dr",
            "lt",
            "gen",
            "prime",
            "minister",
            "president",
            "first",
            "last",
            "one",
            "article",
            "articles",
            "evidence",
            "source",
            "sources",
        ]
    )
    | set(WEEKDAYS)
    | set(MONTHS)
)
# One group, several spellings: an answer may say "ISIS" where the article says "Islamic State".
ALIASES = [
    {"isis", "is", "isil", "islamic state", "daesh"},
    {"us", "united states", "america", "american", "u s"},
    {"uk", "united kingdom", "britain", "british"},
]
_HEDGE = re.compile(
    r"\b(alleged(?:ly)?|claim(?:s|ed)?|reportedly|accus\w+|purported(?:ly)?|"
    r"according to)\b",
    re.I,
)
_ATTRIBUTED = re.compile(
    r"\b(according to|alleg\w*|claim\w*|report\w*|said|says|stated|"
    r"accus\w*|purport\w*)\b",
    re.I,
)
_GAP = re.compile(
    r"\b(articles?|evidence|sources?|texts?|reports?)\b[^.]*\b(do(?:es)?\s*n[o’']t|did\s*n[o’']t|"
    r"do(?:es)? not)\s+(say|state|give|mention|specify|provide|include|report|indicate)"
    r"|\b(is|are|was|were)\s+not\s+(given|stated|mentioned|specified|provided|reported)\b",
    re.I,
)


def _norm_name(text: str) -> str:
    text = text.lower().replace("’s", "").replace("'s", "")
    text = re.sub(r"[’'`.]", "", text)
    return re.sub(r"[^a-z0-9]+", " ", text).strip()


@dataclass
class Facts:
    dates: set[tuple[int, int]] = field(default_factory=set)  # (month, day)
    months: set[int] = field(default_factory=set)
    years: set[int] = field(default_factory=set)
    numbers: set[float] = field(default_factory=set)
    names: list[str] = field(default_factory=list)
    initial_name: str | None = None  # a capitalised first word: a name, or just "Approximately"

    @property
    def anchored(self) -> bool:
        """Has a date or number, the kind of fact a small model borrows from a neighbour."""
        return bool(self.dates or self.numbers)


def _num(text: str, unit: str | None) -> float:
    value = float(text.replace(",", ""))
    return value * _SCALE.get((unit or "").lower(), 1)


_ISO_DATE = re.compile(r"\b((?:19|20)\d\d)-(\d\d)-(\d\d)\b")
_SPLIT_THOUSANDS = re.compile(r"(\d),\s+(\d{3})\b")


def normalise_numbers(text: str) -> str:
    """'50, 000' (a tokenizer artefact of small models) -> '50,000'."""
    return _SPLIT_THOUSANDS.sub(r"\1,\2", text)


def extract_facts(text: str) -> Facts:
    """Dates, numbers and capitalised names in a sentence, normalised for comparison."""
    facts = Facts()
    rest = text
    for m in _ISO_DATE.finditer(rest):
        facts.dates.add((int(m.group(2)), int(m.group(3))))
        facts.years.add(int(m.group(1)))
    rest = _ISO_DATE.sub(" ", rest)
    for rx, mi, di, yi in ((_DATE_MD, 1, 2, 3), (_DATE_DM, 2, 1, 3)):
        for m in rx.finditer(rest):
            day = int(m.group(di))
            if 1 <= day <= 31:
                facts.dates.add((MONTHS[m.group(mi).lower()], day))
                if m.group(yi):
                    facts.years.add(int(m.group(yi)))
                rest = rest.replace(m.group(0), " ", 1)
    for m in _MONTH_YEAR.finditer(rest):
        word = m.group(1).lower()
        # "may" is usually the verb; "in May" / "May 2017" are the month.
        if word == "may" and not m.group(2) and not m.group(1)[0].isupper():
            continue
        if word == "may" and not m.group(2):
            continue
        facts.months.add(MONTHS[word])
        if m.group(2):
            facts.years.add(int(m.group(2)))
        rest = rest.replace(m.group(0), " ", 1)
    for m in _YEAR.finditer(rest):
        facts.years.add(int(m.group(0)))
    rest = _YEAR.sub(" ", rest)
    for m in _NUMBER.finditer(rest):
        facts.numbers.add(_num(m.group(1), m.group(2)))
    for m in _NUMBER_WORD.finditer(rest):
        facts.numbers.add(float(NUMBER_WORDS[m.group(1).lower()]) * _SCALE.get((m.group(2) or "").lower(), 1))
    for m in _ENTITY.finditer(text):
        words = _norm_name(m.group(0)).split()
        while words and words[0] in _NOT_NAMES:  # "The U.S. Army" -> "us army"
            words.pop(0)
        name = " ".join(words)
        if name and name not in _NOT_NAMES and not name.isdigit():
            facts.names.append(name)
            if m.start() == len(text) - len(text.lstrip()):
                facts.initial_name = name
    return facts


def _weekday_dates(text: str, published: str | None) -> set[tuple[int, int]]:
    """Resolve 'on Thursday' against the article's publication date (the latest such day)."""
    if not published:
        return set()
    pub = date.fromisoformat(published)
    out = set()
    for i, name in enumerate(WEEKDAYS):
        if re.search(rf"\b{name}\b", text, re.I):
            back = (pub.weekday() - i) % 7
            d = pub - timedelta(days=back)
            out.add((d.month, d.day))
    return out


@dataclass
class _EvidenceFacts:
    ev: EvidenceSentence
    facts: Facts
    names: set[str]  # normalised, aliases expanded; includes the article title and date
    own_names: set[str]  # from the sentence alone: what the sentence is about
    tokens: set[str]


def _expand(names: set[str], text_norm: str) -> set[str]:
    out = set(names)
    for group in ALIASES:
        if any(a in out or f" {a} " in f" {text_norm} " for a in group):
            out |= group
    return out


def _evidence_facts(ev: EvidenceSentence) -> _EvidenceFacts:
    header = f"{ev.passage.date or ''} {ev.passage.author or ''}"
    facts = extract_facts(ev.text)
    if ev.passage.date:
        pub = date.fromisoformat(ev.passage.date)
        facts.dates.add((pub.month, pub.day))
        facts.months.add(pub.month)
        facts.years.add(pub.year)
        facts.dates |= _weekday_dates(ev.text, ev.passage.date)
    for d in list(facts.dates):
        facts.months.add(d[0])
    text_norm = _norm_name(ev.text + " " + ev.passage.title + " " + header)
    names = _expand(set(text_norm.split()) | set(facts.names), text_norm)
    own_norm = _norm_name(ev.text)
    own = _expand(set(own_norm.split()) | set(facts.names), own_norm)
    return _EvidenceFacts(ev, facts, names, own, set(tokenize(ev.text + " " + ev.passage.title)))


def _ordinary_word(word: str, plain_text: str) -> bool:
    """A sentence's capitalised first word that is not a name: an adverb ("Approximately") or
    a word the evidence or question writes in lower case ("Tanks" / "tanks"). Anything else
    stays a name that must be found in the cited evidence, or "Rawa was ISIS's last holding
    in Syria", citing a sentence about Deir ez-Zor, would pass with its subject invented."""
    return word.endswith("ly") or bool(re.search(rf"(?<![\w-]){re.escape(word)}(?![\w-])", plain_text))


def _name_in(name: str, names: set[str]) -> bool:
    if name in names:
        return True
    parts = name.split()
    # "Iraqi" ~ "Iraq", "Kurdish" ~ "Kurds": share a 4+ letter stem.
    return all(
        any(
            p == n or (len(p) >= 4 and len(n) >= 4 and (p.startswith(n[:4]) and n.startswith(p[:4])))
            for n in names
        )
        for p in parts
    )


# Words that say what kind of answer is wanted, not what it is about.
_ASKING = frozenset(
    tokenize(
        "many much long far often what which who whom whose when where why how date exactly "
        "according article articles say says said report reported happen happened tell know "
        "give given name named kind type al el"
    )
)


_WANTS_DATE = re.compile(r"^\s*(when\b|(on |in )?what (date|day|year|month)\b|since when)", re.I)
_WANTS_NUMBER = re.compile(
    r"\bhow (many|much|long|far|old)\b|\bwhat (share|percentage|proportion|number)\b", re.I
)
# "Today" or "this year" only answer "when" through the publication date, so they don't count.
_TEMPORAL = re.compile(
    r"\b(\d+|one|two|three|a) (days?|weeks?|months?) (before|after|later|earlier)\b",
    re.I,
)


_WANTS_NAME = re.compile(r"^\s*(who|whom)\b", re.I)
# "Did changing the rules save lives?": the capitalised auxiliary is not a name. Case-sensitive,
# so that "IS fighters ..." keeps its group name.
_LEADING_AUX = re.compile(r"^\s*(Did|Does|Do|Is|Are|Was|Were|Has|Have|Had|Can|Could|Will|Would|Should)\s+")


_QUOTATION = re.compile(r"[“”\"]")


def question_names(question: str) -> list[str]:
    """The names a question mentions: what its answer must be about."""
    return extract_facts(_LEADING_AUX.sub("", question)).names


def expected_type(question: str) -> str | None:
    """'date' for when-questions, 'number' for how-many/how-long ones, 'name' for who-questions."""
    if _WANTS_DATE.search(question):
        return "date"
    if _WANTS_NUMBER.search(question):
        return "number"
    if _WANTS_NAME.search(question):
        return "name"
    return None


def has_type(text: str, wanted: str, question: str = "") -> bool:
    facts = extract_facts(text)
    if wanted == "name":  # a name the question did not already contain (in any spelling)
        asked = set(_norm_name(question).split())
        asked_aliases = _expand(set(), _norm_name(question))
        return any(not set(n.split()) <= asked and n not in asked_aliases for n in facts.names)
    if wanted == "date":
        return bool(
            facts.dates
            or facts.months
            or facts.years
            or _TEMPORAL.search(text)
            or any(re.search(rf"\b{d}\b", text, re.I) for d in WEEKDAYS)
        )
    return bool(facts.numbers or re.search(r"\b(dozens|hundreds|thousands|millions)\b", text, re.I))


_HOW_MANY = re.compile(r"\bhow (?:many|much)\s+((?:[\w'’-]+\s+){0,2}[\w'’-]+)", re.I)


def counted_terms(question: str) -> set[str]:
    """'How many ISIS troops were ...' -> {'isi', 'troop'}: what a number must count."""
    m = _HOW_MANY.search(question)
    if not m:
        return set()
    words = m.group(1).split()
    stop = {"did", "do", "does", "were", "was", "are", "is", "have", "has", "had", "of", "in"}
    kept = []
    for w in words:
        if w.lower() in stop:
            break
        kept.append(w)
    # Names are checked elsewhere; here only the common nouns ("troops", "car bombs").
    return {t for t in tokenize(" ".join(w for w in kept if w[:1].islower())) if t not in _ASKING}


def question_terms(question: str) -> set[str]:
    return {t for t in tokenize(question) if t not in _ASKING}


def _alias_tokens(text: str) -> set[str]:
    """Tokens of every alias of a name in the text: 'Islamic State' also counts as 'isis'."""
    norm = f" {_norm_name(text)} "
    out: set[str] = set()
    for group in ALIASES:
        if any(f" {a} " in norm for a in group):
            for a in group:
                out.update(tokenize(a))
    return out


@dataclass
class Verdict:
    text: str
    cites: list[int]  # evidence numbers
    status: str  # verified | repaired | dropped | gap
    reason: str = ""


class Verifier:
    """Configuration in ``__init__``; ``run`` judges a draft sentence by sentence."""

    def __init__(
        self,
        embeddings=None,
        min_overlap: float = 0.4,
        min_cosine: float = 0.55,
        min_coverage: float = 0.5,
        min_question_cosine: float = 0.7,
    ) -> None:
        self.embeddings = embeddings
        self.min_overlap = min_overlap
        self.min_cosine = min_cosine
        self.min_coverage = min_coverage
        self.min_question_cosine = min_question_cosine

    def _missing(self, facts: Facts, cited: list[_EvidenceFacts], allowed: set[str]) -> list[str]:
        dates = set().union(*(c.facts.dates for c in cited)) if cited else set()
        months = set().union(*(c.facts.months for c in cited)) if cited else set()
        years = set().union(*(c.facts.years for c in cited)) if cited else set()
        numbers = set().union(*(c.facts.numbers for c in cited)) if cited else set()
        names = set().union(*(c.names for c in cited)) if cited else set()
        missing = [f"date {m}/{d}" for m, d in facts.dates if (m, d) not in dates]
        missing += [f"month {m}" for m in facts.months if m not in months]
        missing += [f"year {y}" for y in facts.years if y not in years]
        missing += [f"number {n:g}" for n in facts.numbers if n not in numbers]
        missing += [f"name {n!r}" for n in facts.names if not _name_in(n, names | allowed)]
        return missing

    @staticmethod
    def _unanchored(facts: Facts, cited: list[_EvidenceFacts], focus: set[str]) -> list[str]:
        """Dates/numbers not stated beside the question's subject in one cited sentence."""
        subject = {n for n in facts.names if n in focus and not any(n in g for g in ALIASES)}
        if not subject:
            return []
        out = []
        for kind, values in (("date", facts.dates), ("number", facts.numbers)):
            for v in values:
                holders = [c for c in cited if v in (c.facts.dates if kind == "date" else c.facts.numbers)]
                if holders and not any(all(_name_in(s, c.own_names) for s in subject) for c in holders):
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

    def _check(
        self, text: str, facts: Facts, cited: list[_EvidenceFacts], allowed: set[str], focus: set[str]
    ) -> list[str]:
        problems = self._missing(facts, cited, allowed) + self._unanchored(facts, cited, focus)
        if not problems:
            ok, why = self._overlap_ok(text, cited)
            if not ok:
                problems.append(why)
        return problems

    def _repair(
        self, text: str, facts: Facts, table: dict[int, _EvidenceFacts], allowed: set[str], focus: set[str]
    ) -> list[int] | None:
        """Smallest set of evidence sentences (at most two) that passes every check."""
        numbers = sorted(table)
        for n in numbers:
            if not self._check(text, facts, [table[n]], allowed, focus):
                return [n]
        for i, a in enumerate(numbers):
            for b in numbers[i + 1 :]:
                if not self._check(text, facts, [table[a], table[b]], allowed, focus):
                    return [a, b]
        return None

    def _table(self, evidence: list[EvidenceSentence]) -> dict[int, _EvidenceFacts]:
        """Facts of each evidence sentence, computed once per answer, not once per sentence."""
        key = tuple((ev.number, ev.passage.chunk_id, ev.text, ev.context) for ev in evidence)
        if getattr(self, "_cached_key", None) != key:
            self._cached_key = key
            self._cached = {ev.number: _evidence_facts(ev) for ev in evidence}
        return self._cached

    def run(self, sentence: DraftSentence, evidence: list[EvidenceSentence], question: str) -> Verdict:
        table = self._table(evidence)
        q_facts = extract_facts(_LEADING_AUX.sub("", question))
        q_norm = _norm_name(question)
        allowed = _expand(set(q_facts.names), q_norm)
        focus = set(q_facts.names)
        text = normalise_numbers(sentence.text.strip())
        facts = extract_facts(text)
        known = set().union(*(set(e.facts.names) for e in table.values())) if table else set()
        plain = " ".join(f"{ev.context} {ev.text}" for ev in evidence) + " " + question
        if (
            facts.initial_name
            and not _name_in(facts.initial_name, known | allowed)
            and _ordinary_word(facts.initial_name.split()[0], plain)
        ):
            # Its first word may be an ordinary word capitalised by position ("Approximately");
            # the rest of a capitalised run ("General Smith" -> "smith") is still a name.
            i = facts.names.index(facts.initial_name)
            rest = facts.initial_name.split()[1:]
            if rest:
                facts.names[i] = " ".join(rest)
            else:
                facts.names.pop(i)
        if _GAP.search(text) and not facts.anchored:
            return Verdict(text, [], "gap", "states what the articles do not say")
        valid = [n for n in sentence.cites if n in table]
        invalid = [n for n in sentence.cites if n not in table]
        problems = []
        if invalid:
            problems.append(f"cites evidence that was not given: {invalid}")
        if valid:
            problems += self._check(text, facts, [table[n] for n in valid], allowed, focus)
        else:
            problems.append("no citation")
        status, cites = "verified", valid
        if problems:
            repaired = self._repair(text, facts, table, allowed, focus)
            if repaired is None:
                return Verdict(text, valid, "dropped", "; ".join(problems))
            status, cites = "repaired", repaired
        text = self._attribute(text, [table[n] for n in cites])
        return Verdict(text, cites, status, "; ".join(problems))

    def addresses(
        self, question: str, cited: list[EvidenceSentence], answer: str = "", allow_paraphrase: bool = True
    ) -> tuple[bool, str]:
        """Does the cited evidence, taken together, speak to what the question asks?

        A true sentence about the right town can still leave the question unanswered ("How many
        civilians died in Hawija?" -> "Hawija was taken on Oct. 5"). Most of the question's
        content words must occur in the cited sentences, or one of them must be very close to
        the question in embedding space (paraphrases: "retaken" / "recaptured")."""
        if not cited:
            return False, "no cited evidence"
        wanted = expected_type(question)
        if answer and wanted and not has_type(answer, wanted, question):
            return False, f"does not give the {wanted} the question asks for"
        # The sentence before each cited one counts: "50,000 civilians remain in the two towns"
        # is about the towns its previous sentence names.
        ev_text = " ".join(f"{c.context} {c.text}" for c in cited)
        # The subject may be named earlier in the paragraph or, for a quotation, in the next
        # sentence (its speaker). Dates and numbers are held to the sentence itself elsewhere
        # (Verifier.run), so this doesn't let them drift.
        around = " ".join(
            f"{c.context} {c.text} {c.following if _QUOTATION.search(c.text) else ''}" for c in cited
        )
        ev_names = _expand(set(_norm_name(around).split()), _norm_name(around))
        subjects = [n for n in question_names(question) if not any(n in g for g in ALIASES)]
        absent = [n for n in subjects if not _name_in(n, ev_names)]
        if absent:
            return False, f"does not address the question: cited passages never mention {absent}"
        counted = counted_terms(question)
        if counted and not counted & set(tokenize(" ".join(c.text for c in cited))):
            return False, f"does not count what the question counts ({', '.join(sorted(counted))})"
        q = question_terms(question)
        if not q:
            return True, ""
        ev = set(tokenize(ev_text)) | _alias_tokens(ev_text)
        if not allow_paraphrase:
            # A verbatim quote offered as the answer must itself say what is asked; only the
            # subject's name (found above, perhaps a sentence away) may come from around it.
            own = " ".join(c.text for c in cited)
            ev = set(tokenize(own)) | _alias_tokens(own) | set(tokenize(" ".join(subjects)))
        coverage = len(q & ev) / len(q)
        if coverage >= self.min_coverage:
            return True, ""
        if self.embeddings is not None and allow_paraphrase:
            vecs = np.asarray(self.embeddings.embed_documents([question] + [c.text for c in cited]))
            cos = float(max(vecs[1:] @ vecs[0]))
            if cos >= self.min_question_cosine:
                return True, ""
            return False, (
                f"does not address the question (covers {coverage:.0%} of its terms, "
                f"{sorted(q - ev)} missing; cosine {cos:.2f})"
            )
        return False, f"does not address the question (covers {coverage:.0%}; missing {sorted(q - ev)})"

    @staticmethod
    def _attribute(text: str, cited: list[_EvidenceFacts]) -> str:
        """Prefix 'According to <article>' when the cited evidence is an allegation."""
        hedged = [c for c in cited if _HEDGE.search(c.ev.text)]
        if not hedged or _ATTRIBUTED.search(text):
            return text
        title = hedged[0].ev.passage.title
        first, _, rest = text.partition(" ")
        if first.lower() in _NOT_NAMES:
            first = first.lower()
        return f'According to "{title}", {first} {rest}'.rstrip()
