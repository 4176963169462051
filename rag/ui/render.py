"""HTML and Markdown for the chat UI. Article text is always escaped: a document can't inject
markup or script into the page."""

from __future__ import annotations

import html
import re

from rag.text.markers import MARKER, replace_markers
from rag.types import Answer, Citation, Passage

# Characters Markdown gives a meaning to, written as HTML entities: the renderer shows them as
# the characters themselves, so "[x](http://…)", "**x**" or "# x" in a question, a document or
# the model's answer stay text. "://" and "www." are broken up the same way, or the renderer
# would turn a bare address into a link.
# "&" and "<" are escaped in the same single pass (escaping twice turned an apostrophe's "&#x27;"
# into "&&#35;x27;", shown literally); quotes need no escaping in text, so they stay as written.
_MARKDOWN = {c: f"&#{ord(c)};" for c in "\\`*_{}[]()#+-!|~>&<"}
_AUTOLINK = re.compile(r"(?i)(?<=[a-z])(:)(?=//)|(?<=\bwww)(\.)")


def _esc(text: str) -> str:
    return html.escape(text, quote=True)


def plain_markdown(text: str) -> str:
    """Text shown in a Markdown-rendered component, exactly as written: no HTML, no Markdown."""
    escaped = "".join(_MARKDOWN.get(c, c) for c in text)
    return _AUTOLINK.sub(lambda m: f"&#{ord(m.group(0))};", escaped)


def answer_markdown(answer_text: str, turn: int, kind: str = "answer", answerable: bool = True) -> str:
    """The chat message: the text shown as written, each [n] a link that scrolls to its source."""

    # Markers are found in the raw text (escaping turns brackets into entities); the text
    # between them is escaped piece by piece.
    def link(n: int) -> str:
        return f'<a href="#src-{turn}-{n}" class="cite">[{n}]</a>'

    pieces, last = [], 0
    for m in MARKER.finditer(answer_text):
        pieces.append(plain_markdown(answer_text[last : m.start()]))
        pieces.append(replace_markers(m.group(0), link))
        last = m.end()
    pieces.append(plain_markdown(answer_text[last:]))
    body = "".join(pieces)
    if kind == "abstain":
        return f'<div class="abstain">⚠️ <b>Not in the articles.</b> {body}</div>'
    if kind == "quote" and answerable:
        return f'<div class="quote-answer">❝ <b>Quoted from the article.</b> {body}</div>'
    if kind == "quote":
        return f'<div class="abstain">⚠️ <b>Not stated directly.</b> {body}</div>'
    return body


def _highlighted_passage(c: Citation) -> str:
    passage, quote = c.passage, c.quote
    i = passage.find(quote)
    if i < 0:
        return f"<p>{_esc(passage)}</p><p><mark>{_esc(quote)}</mark></p>"
    return (
        f"<p>{_esc(passage[:i])}<mark class='quote'>{_esc(quote)}</mark>{_esc(passage[i + len(quote) :])}</p>"
    )


def sources_html(answer: Answer, turn: int) -> str:
    """One card per citation (title, date, file, passage with the quote highlighted), then
    what verification left out."""
    parts = [f"<div class='turn' id='turn-{turn}'><h4>Answer {turn}: {_esc(answer.question)}</h4>"]
    label = {"answer": "verified answer", "abstain": "abstained: the articles don't say"}.get(
        answer.kind, "verbatim quote" if answer.answerable else "closest passage, not an answer"
    )
    parts.append(f"<p class='status status-{answer.kind}'>{label}</p>")
    for c in answer.citations:
        parts.append(
            f"<div class='source' id='src-{turn}-{c.number}'>"
            f"<div class='src-head'><b>[{c.number}] {_esc(c.title)}</b><br>"
            f"<span class='meta'>{_esc(c.date or 'publication date not given')} · {_esc(c.label or c.source)}"
            f" · chars {c.start}–{c.end}</span></div>{_highlighted_passage(c)}</div>"
        )
    checks = [c for c in answer.checks if c.status in ("repaired", "dropped", "gap")]
    if checks:
        parts.append("<details class='checks'><summary>Verification notes</summary><ul>")
        for c in checks:
            parts.append(f"<li><b>{_esc(c.status)}</b>: {_esc(c.text)} <i>{_esc(c.reason)}</i></li>")
        parts.append("</ul></details>")
    if not answer.citations and answer.kind == "abstain":
        parts.append("<p class='meta'>No passage supports an answer.</p>")
    parts.append("</div>")
    return "".join(parts)


def retrieval_html(passages: list[Passage]) -> str:
    rows = [
        "<table class='retrieval'><tr><th>#</th><th>source</th><th>fused</th><th>dense</th>"
        "<th>bm25</th><th>passage</th></tr>"
    ]
    for i, p in enumerate(passages, start=1):
        rows.append(
            f"<tr><td>{i}</td><td>{_esc(p.label or p.source)}</td><td>{p.score:.4f}</td>"
            f"<td>{p.dense_score if p.dense_score is not None else '–'}</td>"
            f"<td>{p.bm25_score if p.bm25_score is not None else '–'}</td>"
            f"<td>{_esc(p.text[:240])}…</td></tr>"
        )
    rows.append("</table>")
    return "".join(rows)


CSS = """
.abstain { border-left: 4px solid #c77700; background: #fff6e5; padding: 6px 10px; }
.quote-answer { border-left: 4px solid #7a7a7a; background: #f3f3f3; padding: 6px 10px; }
a.cite { font-weight: 600; text-decoration: none; }
.source { border: 1px solid #ddd; border-radius: 6px; padding: 8px; margin: 6px 0; }
.source:target, .source.flash { outline: 3px solid #f5c400; }
mark.quote { background: #ffe58a; }
.source p { white-space: pre-wrap; }
.meta { color: #666; font-size: 0.85em; }
.status-answer { color: #1b7f3b; } .status-abstain { color: #c77700; } .status-quote { color: #555; }
table.retrieval td { vertical-align: top; font-size: 0.85em; }
"""

# Markers are links to "#src-<turn>-<n>"; the chat would open them in a new tab, so a click is
# caught first and the source card scrolled into view instead.
HEAD = """<script>
document.addEventListener("click", function (e) {
  var a = e.target.closest ? e.target.closest("a.cite") : null;
  if (!a) return;
  var el = document.getElementById(a.getAttribute("href").slice(1));
  if (!el) return;
  e.preventDefault();
  e.stopPropagation();
  el.scrollIntoView({block: "center"});
  el.classList.add("flash");
  setTimeout(function () { el.classList.remove("flash"); }, 1500);
}, true);
</script>"""
