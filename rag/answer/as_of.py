"""Questions about how things stand ("Has Raqqa fallen yet?", "Does ISIS still hold Rawa?"),
asked of articles written on different dates: the answer gives what each article says, with
its publication date, the latest last, instead of picking one. Each line is a sentence quoted
and cited; the model is not asked."""

from __future__ import annotations

from rag.answer.citations import CitationNumberer
from rag.answer.event_match import subject_terms
from rag.answer.timeline import _as_written, named_subjects
from rag.text.question import alias_tokens, analyse
from rag.text.quoting import quoted
from rag.text.sentences import split_sentences
from rag.text.tokens import tokenize
from rag.types import Answer, EvidenceSentence, Passage, SentenceCheck


def _candidates(found: list[Passage], subject: set[str], terms: set[str]) -> dict[str, tuple]:
    """Per article, its sentence that names the subject and most of the question's words."""
    best: dict[str, tuple] = {}
    for p in found:
        for s, e in split_sentences(p.text):
            text = p.text[s:e]
            words = set(tokenize(text)) | alias_tokens(text)
            if not subject <= words or text.startswith("Photo caption"):
                continue
            score = len(terms & words)
            if p.doc_id not in best or score > best[p.doc_id][0]:
                best[p.doc_id] = (score, text, p, p.start + s, p.start + e)
    return best


class AsOfReader:
    """``run(answer, question, passages)``: what each article says about the question's subject,
    by publication date; None when fewer than two articles speak to it."""

    def run(self, answer: Answer, question: str, found: list[Passage]) -> Answer | None:
        q = analyse(question)
        subjects = named_subjects(q)
        if not subjects:
            return None
        subject = subjects[0]
        said = list(_candidates(found, subject_terms(subject), set(q.terms)).values())
        if len(said) < 2 or len({b[2].date for b in said}) < 2:
            return None  # one article, or all of one date: nothing to set side by side
        said.sort(key=lambda b: (b[2].date is not None, b[2].date or ""))  # undated first, latest last
        numberer = CitationNumberer()
        lines = [
            f"The articles were written at different times; on {_as_written(subject, question)}, each says:"
        ]
        checks = []
        for i, (_, text, p, start, end) in enumerate(said, start=1):
            n = numberer.number(EvidenceSentence(i, text, p, start, end))
            when = f"As of {p.date}" if p.date else "In an article with no publication date"
            lines.append(f"{when} ({p.label or p.source}): {quoted(text)} [{n}]")
            checks.append(
                SentenceCheck(text, [n], "quoted", f"what the article of {p.date or 'no date'} says")
            )
        answer.text, answer.citations, answer.checks = "\n".join(lines), numberer.citations, checks
        answer.kind, answer.answerable = "answer", True
        answer.trace.update(path="as_of", chosen=[c.text for c in checks], span=answer.text, gate_passed=True)
        return answer
