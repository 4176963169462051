"""The Timeline tab: every dated event of the indexed articles in date order, filtered by a
name or place and a date range, a chart of events per month, and a click on an event opens its
passage with the sentence highlighted."""

from __future__ import annotations

import html
from collections import Counter
from typing import Any

import gradio as gr

from rag.arguments import period_bound
from rag.config import Settings
from rag.index.store import open_catalog
from rag.ingest.documents import timeline
from rag.types import Event

HEADERS = ["Date", "Precision", "As written", "Event", "Article", "Published"]
ALL_KINDS = ("event", "prediction", "photo", "publication")
EMPTY_SOURCE = "<p class='meta'>Click an event to read its passage.</p>"


def _bound(raw: str, end: bool) -> str | None:
    import argparse

    raw = (raw or "").strip()
    if not raw:
        return None
    try:
        return period_bound(end)(raw)
    except argparse.ArgumentTypeError as exc:
        raise gr.Error(str(exc)) from None


def rows(events: list[Event]) -> list[list[Any]]:
    return [
        [
            e.shown_date,
            e.precision if e.kind == "event" else f"{e.precision} ({e.kind})",
            e.expression,
            e.sentence,
            e.label or e.source,
            e.published or "not stated",
        ]
        for e in events
    ]


def per_month(events: list[Event]) -> dict[str, int]:
    """Events dated to a day or a month, counted by month (a year or a range is no one month)."""
    precise = (e for e in events if e.first and e.precision in ("day", "month"))
    return dict(sorted(Counter(e.first[:7] for e in precise).items()))


def _months(first: str, last: str) -> list[str]:
    y, m = int(first[:4]), int(first[5:7])
    out = []
    while f"{y:04d}-{m:02d}" <= last:
        out.append(f"{y:04d}-{m:02d}")
        y, m = (y + 1, 1) if m == 12 else (y, m + 1)
    return out


def chart_svg(events: list[Event], width: int = 900, height: int = 190) -> str:
    """Events over time on a continuous month axis: a bar per month for events dated to a day
    or a month, a band over its span for one dated only to a year or a range. Drawn as SVG here:
    Gradio 6's plot component stays blank when it starts empty and is updated."""
    dated = [e for e in events if e.first and e.last]
    if not dated:
        return "<p class='meta' id='tl-chart-empty'>No dated events to plot.</p>"
    counts = per_month(dated)
    months = _months(min(e.first for e in dated)[:7], max(e.last for e in dated)[:7])
    top, left, right, bottom = max(counts.values(), default=1), 30, 14, 24
    step = (width - left - right) / len(months)
    base, usable = height - bottom, height - bottom - 48
    x_of = {m: left + i * step for i, m in enumerate(months)}
    bar = max(2.0, step * 0.8)
    parts = [
        f"<svg id='tl-chart-svg' viewBox='0 0 {width} {height}' width='100%' role='img' "
        "aria-label='Dated events over time'>",
        f"<text x='{left}' y='12' font-size='12'>Dated events per month (bars); "
        "dated only to a year or a range (bands)</text>",
        f"<line x1='{left}' y1='{base}' x2='{width - right}' y2='{base}' stroke='#999'/>",
        f"<text x='{left - 6}' y='{base - usable + 4}' font-size='11' text-anchor='end'>{top}</text>",
    ]
    for month, n in counts.items():
        h = usable * n / top
        tip = f"{month}: {n} event{'s' if n > 1 else ''}"
        parts.append(
            f"<rect class='tl-bar' x='{x_of[month]:.1f}' y='{base - h:.1f}' width='{bar:.1f}' "
            f"height='{h:.1f}' fill='#e8590c'><title>{tip}</title></rect>"
        )
    coarse = [e for e in dated if e.precision not in ("day", "month")]
    for row, e in enumerate(coarse[:6]):
        x0, x1 = x_of[e.first[:7]], x_of[e.last[:7]] + step
        y = 20 + row * 6
        parts.append(
            f"<rect class='tl-band' x='{x0:.1f}' y='{y}' width='{x1 - x0:.1f}' height='4' fill='#f4a261' "
            f"opacity='0.8'><title>{e.shown_date}: {html.escape(e.sentence[:80])}</title></rect>"
        )
    for i, month in enumerate(months):
        if month.endswith("-01") or i == 0:
            parts.append(f"<text x='{x_of[month]:.1f}' y='{height - 8}' font-size='11'>{month[:4]}</text>")
    parts.append("</svg>")
    return "".join(parts)


def source_html(event: Event, passage: dict[str, Any] | None) -> str:
    """The passage that holds the event, with its sentence highlighted."""
    head = (
        "<div class='source' id='timeline-source'>"
        f"<div class='src-head'><b>{html.escape(event.title)}</b><br>"
        f"<span class='meta'>{html.escape(event.published or 'publication date not given')} · "
        f"{html.escape(event.label or event.source)} · {html.escape(event.shown_date)} "
        f"(“{html.escape(event.expression)}”: {html.escape(event.how)})</span></div>"
    )
    if passage is None:
        return head + f"<p><mark class='quote'>{html.escape(event.sentence)}</mark></p></div>"
    text, at = passage["text"], event.start - int(passage["start"])
    if not (at >= 0 and text[at : at + len(event.sentence)] == event.sentence):
        at = text.find(event.sentence)
    if at < 0:
        return head + f"<p><mark class='quote'>{html.escape(event.sentence)}</mark></p></div>"
    end = at + len(event.sentence)
    return (
        head + f"<p>{html.escape(text[:at])}<mark class='quote'>{html.escape(text[at:end])}</mark>"
        f"{html.escape(text[end:])}</p></div>"
    )


def build_timeline_tab(settings: Settings) -> gr.Tab:
    def show(about: str, since: str, until: str, everything: bool):
        kinds = ALL_KINDS if everything else ("event",)
        events = timeline(about or None, _bound(since, False), _bound(until, True), settings, kinds=kinds)
        dated = sum(1 for e in events if e.first)
        undated = len(events) - dated
        note = f"{len(events)} events: {dated} dated, {undated} undated (the articles give no date for them)"
        if not events and not (about or since or until) and open_catalog(settings).document_count():
            note = "No dated events yet: an index made before 0.5.1 gets them on the next `rag ingest`."
        return rows(events), chart_svg(events), events, note, EMPTY_SOURCE

    def open_event(events: list[Event], evt: gr.SelectData):
        i = evt.index[0] if isinstance(evt.index, (list, tuple)) else evt.index
        if not events or i is None or i >= len(events):
            return EMPTY_SOURCE
        e = events[i]
        passage = open_catalog(settings).passages([e.chunk_id]).get(e.chunk_id)
        return source_html(e, passage)

    with gr.Tab("Timeline") as tab:
        gr.Markdown(
            "Every sentence of the indexed articles that says when something happened, in date "
            "order. Relative dates (“on Thursday”, “Oct. 5”) are resolved against the article's "
            "publication date; an event whose date the article doesn't give is listed as undated."
        )
        with gr.Row():
            about = gr.Textbox(label="Name or place", placeholder="e.g. Mosul", elem_id="tl-about", scale=2)
            since = gr.Textbox(label="From", placeholder="2017, 2017-10 or 2017-10-05", elem_id="tl-from")
            until = gr.Textbox(label="To", placeholder="2017-12-31", elem_id="tl-to")
            everything = gr.Checkbox(False, label="Also predictions, photo dates and publication lines")
            apply = gr.Button("Show", variant="primary", elem_id="tl-show")
        note = gr.Markdown("", elem_id="tl-note")
        chart = gr.HTML("", elem_id="tl-chart")
        with gr.Row():
            with gr.Column(scale=3):
                table = gr.Dataframe(
                    [],
                    headers=HEADERS,
                    interactive=False,
                    wrap=True,
                    elem_id="tl-events",
                    max_height=560,
                    column_widths=["13%", "9%", "11%", "43%", "14%", "10%"],
                )
            with gr.Column(scale=2):
                source = gr.HTML(EMPTY_SOURCE, elem_id="tl-source")
        state = gr.State([])
        inputs, outputs = [about, since, until, everything], [table, chart, state, note, source]
        apply.click(show, inputs, outputs, api_name="timeline")
        about.submit(show, inputs, outputs, api_visibility="private")
        table.select(open_event, [state], [source], api_visibility="private")
        tab.select(show, inputs, outputs, api_visibility="private")
    return tab
