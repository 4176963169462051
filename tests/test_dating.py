"""An article's date: stated, derived from its text with the reason, or why there is none."""

from __future__ import annotations

import sqlite3

import pytest

from rag.ingest.article import prepare_article
from rag.ingest.dating import date_note
from tests.conftest import SEEDS, _settings_for

LEDE = "Iraqi forces pushed the militants out of the town and into the desert beyond the river valley"


@pytest.mark.parametrize(
    ("text", "derived"),
    [
        # A full date in the first paragraph.
        (f"Headline\n\nOn Jan. 21, 2015, {LEDE}.", "2015-01-21"),
        (f"Headline\n\n{LEDE} on 3 March 2016, officials said.", "2016-03-03"),
        # Day and month in the lede; the year given for that same month later on.
        (f"Headline\n\nOn Jan. 21 {LEDE}.\n\nThe offensive began in January 2015.", "2015-01-21"),
        (f"Headline\n\n{LEDE} on November 3rd.\n\nBy November 2017 the town was empty.", "2017-11-03"),
        # A year the text gives for another month is not borrowed.
        (f"Headline\n\nOn November 3rd {LEDE}.\n\nMosul was proclaimed the capital in July 2014.", None),
        # Two years for that month: ambiguous, not derived.
        (f"Headline\n\nOn Jan. 21 {LEDE}.\n\nIn January 2014 and January 2015 it was calm.", None),
        # A day-month later in the body is an event, not the article's date.
        (f"Headline\n\n{LEDE}.\n\nLater, on Feb. 2, 2016, the bridge reopened after months.", None),
        # Not a calendar date.
        (f"Headline\n\nOn Feb. 30, 2016, {LEDE}.", None),
        (f"Headline\n\nThe officials 3 may meet {LEDE}.", None),
        (f"Headline\n\n{LEDE} on Thursday afternoon.", None),
    ],
)
def test_derived_date(text, derived):
    note = date_note(text, None)
    assert note.derived == derived, note
    assert note.note.startswith("derived:" if derived else "not stated:")


def test_a_stated_date_names_its_line_and_is_not_derived():
    note = date_note(f"On Jan. 21, 2015, {LEDE}.", "2017-10-10", "Published October 10th, 2017")
    assert note.derived is None
    assert note.note == "stated: the line “Published October 10th, 2017”"


def test_the_seeds_dates_and_their_reasons():
    notes = {p.name: prepare_article(p) for p in sorted(SEEDS.iterdir())}
    assert [a.date for a in notes.values()] == ["2017-10-10", None, None, None, "2017-10-26"]
    assert all(a.date_derived is None for a in notes.values())  # no year can be borrowed in these
    assert "“Published October 10th, 2017 - 12:54 GMT”" in notes["000_ca6adfa8eb41c077.txt"].date_note
    assert "“Jan. 21” but gives no year" in notes["001_5ad74914a809d552.txt"].date_note
    assert "no day and month, only 2016" in notes["002_8eb8b0e975ad3374.txt"].date_note
    assert "2014 only for other events" in notes["003_523b4ce3a384174f.txt"].date_note


def test_a_catalog_from_before_date_notes_is_upgraded_and_filled(base_settings, tmp_path, seeds_copy):
    """An index made before the date columns existed: opened without error, and the next ingest
    fills the notes of unchanged files without re-indexing them."""
    from rag.index.store import forget_store, open_catalog
    from rag.ingest.documents import ingest_paths, list_documents

    s = _settings_for(base_settings, tmp_path / "data")
    ingest_paths([seeds_copy], s)
    catalog_path = open_catalog(s).path
    forget_store(s)
    with sqlite3.connect(catalog_path) as db:  # as 0.5 left it
        db.execute("ALTER TABLE documents DROP COLUMN date_note")
        db.execute("ALTER TABLE documents DROP COLUMN date_derived")
    assert all(d["date_note"] == "" for d in list_documents(s))
    report = ingest_paths([seeds_copy], s)
    assert len(report.unchanged) == 5 and report.chunks_added == 0
    notes = [d["date_note"] for d in list_documents(s)]
    assert all(n.startswith(("stated:", "not stated:")) for n in notes), notes
    forget_store(s)
