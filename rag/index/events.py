"""The catalog's events: written with a document's chunks, in the same transaction, and found
by indexed lookups only (a term, a date range, a document), never by reading every event."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterable

from rag.text.dates import date_num
from rag.text.tokens import tokenize
from rag.types import Event

_COLUMNS = (
    "doc_id, chunk_id, start, end, sentence, expression, expr_start, expr_end, kind, first, last, "
    "first_num, last_num, precision, how"
)
EVENT_KINDS = ("event", "prediction", "photo", "publication")
_FAR = 99999999  # no upper date bound
_SPANS = (("day", 0), ("month", 100), ("year", 10000), ("range", None))


def write_events(db: sqlite3.Connection, doc_id: str, events: Iterable[Event], terms) -> None:
    """Replace a document's events (inside the caller's transaction)."""
    delete_events(db, doc_id)
    for e in events:
        cur = db.execute(
            f"INSERT INTO events({_COLUMNS}) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
            (
                doc_id, e.chunk_id, e.start, e.end, e.sentence, e.expression, e.expr_start, e.expr_end,
                e.kind, e.first, e.last, date_num(e.first), date_num(e.last), e.precision, e.how,
            ),
        )  # fmt: skip
        db.executemany(
            "INSERT OR IGNORE INTO event_terms(term, event) VALUES (?, ?)",
            ((t, cur.lastrowid) for t in terms(e)),
        )


def delete_events(db: sqlite3.Connection, doc_id: str) -> None:
    db.execute(
        "DELETE FROM event_terms WHERE event IN (SELECT rowid FROM events WHERE doc_id = ?)", (doc_id,)
    )
    db.execute("DELETE FROM events WHERE doc_id = ?", (doc_id,))


def query_events(
    db: sqlite3.Connection,
    about: str | None = None,
    since: str | None = None,
    until: str | None = None,
    kinds: Iterable[str] = ("event",),
    doc_ids: Iterable[str] | None = None,
    limit: int = 1000,
) -> list[sqlite3.Row]:
    """Events whose sentence has every term of ``about`` and whose dates overlap [since, until],
    dated ones in date order, then the undated ones (only when no date range is asked)."""
    where, params = [f"e.kind IN ({','.join('?' * len(kinds := list(kinds)))})"], [*kinds]
    if about is not None:
        terms = sorted(set(tokenize(about)))
        if not terms:
            return []
        where.append(
            "e.rowid IN ("
            + " INTERSECT ".join("SELECT event FROM event_terms WHERE term = ?" for _ in terms)
            + ")"
        )
        params += terms
    if doc_ids is not None:
        ids = list(doc_ids)
        where.append(f"e.doc_id IN ({','.join('?' * len(ids))})")
        params += ids
    dated = since is not None or until is not None
    lo, hi = date_num(since) if since else 1, date_num(until) if until else _FAR
    sql = (
        f"SELECT e.rowid AS id, {', '.join('e.' + c.strip() for c in _COLUMNS.split(','))} "
        f"FROM events e WHERE {' AND '.join(where)}"
    )
    order = " ORDER BY e.first_num, e.last_num, e.doc_id, e.start, e.expr_start LIMIT ?"
    rows: list[sqlite3.Row] = []
    # One indexed range per precision: an event overlapping [lo, hi] starts at most its span
    # before lo (a day: 0, a month: 100 in yyyymmdd numbers, a year: 10000); a range may start
    # any time before, and ranges are few.
    for precision, span in _SPANS:
        bound = "e.first_num >= ? AND" if span is not None else ""
        start = [max(1, lo - span)] if span is not None else []
        rows += db.execute(
            sql + f" AND e.precision = ? AND {bound} e.first_num <= ? AND e.last_num >= ?" + order,
            (*params, precision, *start, hi, lo, limit),
        ).fetchall()
    rows = sorted(
        rows, key=lambda r: (r["first_num"], r["last_num"], r["doc_id"], r["start"], r["expr_start"])
    )
    rows = rows[:limit]
    if not dated and len(rows) < limit:
        rows += db.execute(
            sql + " AND e.precision = 'none' AND e.first_num = 0 AND e.last_num = 0"
            " ORDER BY e.doc_id, e.start, e.expr_start LIMIT ?",
            (*params, limit - len(rows)),
        ).fetchall()
    return rows


def as_events(rows: list[sqlite3.Row], by_id: Callable, labels: Callable) -> list[Event]:
    """Rows of ``query_events`` as Events with their documents' names, titles and dates."""
    docs = {d: by_id(d) for d in {r["doc_id"] for r in rows}}
    shown = labels(docs)
    out = []
    for r in rows:
        d, keys = docs[r["doc_id"]], set(r.keys())
        fields = {k: r[k] for k in Event.__dataclass_fields__ if k in keys}
        published = d.date or d.date_derived
        out.append(
            Event(
                **fields, source=d.name, label=shown.get(d.doc_id, d.name), title=d.title, published=published
            )
        )
    return out
