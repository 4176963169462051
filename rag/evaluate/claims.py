"""Judged answer metrics: RAGAS faithfulness and ALCE citation recall/precision.

- Faithfulness (RAGAS): claims supported by the passages the answer cited / all claims.
  Claims are the answer's sentences (ours state one fact each; see eval/README.md).
- Citation recall (ALCE): a sentence is supported when its cited passages together entail it;
  a sentence without citations is unsupported.
- Citation precision (ALCE): a citation counts when its sentence is supported and it is not
  "irrelevant": on its own it entails the sentence, or the other citations without it don't.

Sentences that talk about the articles rather than the events ("The articles don't say ...")
are not claims and are left out.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from rag.text.absence import states_absence
from rag.text.markers import markers_before_stop, strip_markers, with_markers
from rag.text.sentences import split_sentences
from rag.types import Answer

if TYPE_CHECKING:
    from rag.evaluate.judge import SupportJudge

# "The articles report that ..." or "The context doesn't say": about the sources, not the events.
_ABOUT_THE_SOURCES = re.compile(
    r"^(the articles?|the (provided |given )?(context|passages?|sources?|documents?))\b", re.I
)


def _about_the_sources(sentence: str) -> bool:
    return bool(_ABOUT_THE_SOURCES.match(sentence)) or states_absence(sentence)


@dataclass
class CitedSentence:
    text: str  # without markers
    cites: list[int] = field(default_factory=list)


def prose_claims(text: str) -> list[CitedSentence]:
    """The factual sentences of prose with inline [n] markers (the plain chain's answers), with
    the citation numbers each carries."""
    text = markers_before_stop(text)
    out = []
    for s, e in split_sentences(text):
        clean, nums = strip_markers(text[s:e])
        if re.search(r"[A-Za-z0-9]", clean):
            out.append(CitedSentence(clean, list(dict.fromkeys(nums))))
    return [c for c in out if not _about_the_sources(c.text)]


def answer_claims(answer: Answer) -> list[CitedSentence]:
    """The claims of one of our answers, read from its checks: each verified sentence, and a
    verbatim quote given as the answer (one claim however many sentences it has). A closest
    passage shown beside a decline is not a claim."""
    out: list[CitedSentence] = []
    for c in answer.claims:
        if c.status == "quoted":
            out.append(CitedSentence(c.text, list(c.citations)))
        else:
            out += prose_claims(with_markers(c.text, c.citations))
    return out


def claims_of(answer: Answer) -> list[CitedSentence]:
    """Ours are read from the checks; a system without checks (the plain chain) from its prose."""
    return answer_claims(answer) if answer.checks else prose_claims(answer.text)


def judge_answer(
    answer: list[CitedSentence] | str,
    passages: dict[int, str],
    judge: SupportJudge,
    context: list[str] | None = None,
) -> dict[str, Any]:
    """Faithfulness and ALCE citation scores of one answer (its claims, or prose with [n]
    markers). ``passages`` maps each citation
    number the answer may use to its passage text; ``context``, when given, is everything the
    system retrieved, for faithfulness as RAGAS first defined it (claims against the context)."""
    sentences = prose_claims(answer) if isinstance(answer, str) else answer
    cited = [passages[n] for n in sorted({n for s in sentences for n in s.cites}) if n in passages]
    claims = []
    for s in sentences:
        j = judge.run(s.text, cited)
        claims.append({"claim": s.text, **j.to_dict()})
    rows = []
    supported_sentences = 0
    good_citations = 0
    total_citations = 0
    for s in sentences:
        refs = [n for n in s.cites if n in passages]
        total_citations += len(s.cites)
        entailed = (
            bool(refs)
            and len(refs) == len(s.cites)
            and judge.run(s.text, [passages[n] for n in refs]).supported
        )
        supported_sentences += entailed
        irrelevant: list[int] = []
        if entailed and len(refs) > 1:
            for n in refs:
                alone = judge.run(s.text, [passages[n]]).supported
                rest = [passages[r] for r in refs if r != n]
                if not alone and judge.run(s.text, rest).supported:
                    irrelevant.append(n)
            good_citations += len(refs) - len(irrelevant)
        elif entailed:
            good_citations += len(refs)
        rows.append({"sentence": s.text, "cites": s.cites, "supported": entailed, "irrelevant": irrelevant})
    n_claims = len(claims)
    context_faithfulness = None
    if context and n_claims:
        # A claim its cited passages support is supported by the context that contains them.
        for c in claims:
            c["in_context"] = c["supported"] or judge.run(c["claim"], context).supported
        context_faithfulness = round(sum(c["in_context"] for c in claims) / n_claims, 4)
    return {
        "claims": claims,
        "context_faithfulness": context_faithfulness,
        "sentences": rows,
        "faithfulness": round(sum(c["supported"] for c in claims) / n_claims, 4) if n_claims else None,
        "citation_recall": round(supported_sentences / len(rows), 4) if rows else None,
        "citation_precision": round(good_citations / total_citations, 4) if total_citations else None,
    }
