"""Dated events: the resolver against labelled sentences, the kinds that never date an event,
and the timeline's reads (indexed, no full scan)."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest

from rag.config import PROJECT_ROOT
from rag.ingest.article import prepare_article
from rag.ingest.events import extract_events
from rag.text.when import expressions, resolve
from rag.types import Article, Event

LABELS = PROJECT_ROOT / "eval" / "dated_sentences.jsonl"
EXTRA = PROJECT_ROOT / "eval" / "dated_sentences_extra.jsonl"


def _labels(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def _matches(e: Event, label: dict) -> bool:
    """The event resolves the expression as labelled: same kind, precision and dates."""
    want, precision = label["date"], label["precision"]
    if precision == "none":
        return e.first is None and e.kind == label["kind"]
    if e.first is None or e.kind != label["kind"] or e.precision != precision:
        return False
    if precision == "range":
        lo, hi = want.split("/")
        return e.first.startswith(lo) and e.last.startswith(hi)
    if precision == "day":
        return e.first == e.last == want
    return e.first.startswith(want) and e.last.startswith(want)


def _found(events: list[Event], text: str, label: dict) -> Event | None:
    """The event whose expression overlaps the labelled one."""
    at = text.find(label["sentence"])
    assert at >= 0, label["sentence"]
    lo = at + label["sentence"].find(label["expression"])
    hi = lo + len(label["expression"])
    return next((e for e in events if e.start + e.expr_start < hi and lo < e.start + e.expr_end), None)


def _score(cases: list[tuple[list[Event], str, dict]]) -> tuple[int, list[str]]:
    right, wrong = 0, []
    for events, text, label in cases:
        e = _found(events, text, label)
        if e is not None and _matches(e, label):
            right += 1
        else:
            got = f"{e.kind} {e.first}..{e.last} {e.precision} ({e.how})" if e else "no event"
            wrong.append(
                f"{label['expression']!r} in {label['sentence'][:50]!r}: want {label['date']}, got {got}"
            )
    return right, wrong


def _seed_articles() -> dict[str, tuple[Article, list[Event]]]:
    out = {}
    for path in sorted((PROJECT_ROOT / "seeds").glob("*.txt")):
        a = prepare_article(path)
        out[path.name] = (a, extract_events(a, []))
    return out


def test_the_seeds_dated_sentences_resolve_as_labelled():
    articles = _seed_articles()
    labels = _labels(LABELS)
    assert len(labels) >= 30
    cases = [(articles[lb["source"]][1], articles[lb["source"]][0].text, lb) for lb in labels]
    right, wrong = _score(cases)
    assert right / len(labels) >= 0.95, f"{right}/{len(labels)} right:\n" + "\n".join(wrong)


def test_written_sentences_of_every_shape_resolve_as_labelled():
    cases = []
    for lb in _labels(EXTRA):
        a = Article("x.txt", "/x.txt", "T", lb["sentence"], lb["published"], None, "h", doc_id="d")
        cases.append((extract_events(a, []), a.text, lb))
    right, wrong = _score(cases)
    assert right / len(cases) >= 0.95, f"{right}/{len(cases)} right:\n" + "\n".join(wrong)


def test_no_event_takes_a_photo_date_or_the_publication_line():
    for _, events in _seed_articles().values():
        photo_dates = {e.first for e in events if e.kind == "photo"}
        for e in events:
            if e.kind != "event":
                continue
            assert "Photo caption" not in e.sentence or e.first not in photo_dates, e
            assert not e.sentence.startswith("Published"), e
    kinds = {e.kind for _, events in _seed_articles().values() for e in events}
    assert kinds == {"event", "photo", "publication", "prediction"}


@pytest.mark.parametrize(
    ("sentence", "published", "want"),
    [
        ("Iraqi forces retook Mosul on Nov. 3.", None, (None, "none")),  # no year anywhere
        ("Iraqi forces retook Mosul on Nov. 3.", date(2017, 11, 10), ("2017-11-03", "day")),
        ("They struck on Dec. 29.", date(2017, 1, 10), ("2016-12-29", "day")),  # the year before
        ("It fell on Thursday.", date(2017, 10, 26), ("2017-10-26", "day")),  # published that Thursday
        ("It fell on Monday.", date(2017, 10, 26), ("2017-10-23", "day")),
        ("The siege ended last week.", date(2017, 10, 26), ("2017-10-16", "range")),
        ("It began in October 2016.", None, ("2016-10-01", "month")),
        ("It began three years ago.", date(2017, 10, 26), ("2014-01-01", "year")),
    ],
)
def test_each_shape_resolves_against_the_publication_date(sentence, published, want):
    (e,) = expressions(sentence)
    r = resolve(e, published)
    assert ((r.first.isoformat() if r.first else None), r.precision) == want, r


def test_the_same_day_takes_the_sentence_befores_date_and_never_a_guess():
    text = "On Nov. 3, 2017, forces retook al-Qaim.\nOn the same day, the army took Deir ez-Zor."
    a = Article("x.txt", "/x", "T", text, None, None, "h", doc_id="d")
    same = [e for e in extract_events(a, []) if e.expression == "the same day"][0]
    assert (same.first, same.precision) == ("2017-11-03", "day") and "Nov. 3, 2017" in same.how
    undated = Article("x.txt", "/x", "T", text.replace(", 2017", ""), None, None, "h", doc_id="d")
    same = [e for e in extract_events(undated, []) if e.expression == "the same day"][0]
    assert same.first is None and same.precision == "none"


def test_a_forecast_is_a_prediction_not_an_event():
    text = "Iraq will be liberated before the end of this year. The town fell in 2014."
    a = Article("x.txt", "/x", "T", text, "2017-10-26", None, "h", doc_id="d")
    kinds = {e.expression: e.kind for e in extract_events(a, [])}
    assert kinds == {"this year": "prediction", "2014": "event"}


# -- kept with the index -----------------------------------------------------------------------
def _index(settings, folder: Path):
    from bench.encoders import HashingEmbeddings
    from rag.ingest.documents import ingest_paths

    return ingest_paths([folder], settings, prune=True, embeddings=HashingEmbeddings())


@pytest.fixture
def events_settings(base_settings, tmp_path):
    from rag.index.store import forget_store
    from tests.conftest import _settings_for

    s = _settings_for(base_settings, tmp_path / "data")
    yield s
    forget_store(s)


def test_events_follow_edits_moves_removals_and_prune(events_settings, tmp_path):
    from rag.ingest.documents import remove_document, timeline

    folder = tmp_path / "articles"
    (folder / "a").mkdir(parents=True)
    (folder / "a" / "report.txt").write_text(
        "Report\n\nPublished Oct. 26, 2017\n\nThe army retook Rawa on Thursday.\n", encoding="utf-8"
    )
    (folder / "b.txt").write_text("Other\n\nThe siege of Mosul began in October 2016.\n", encoding="utf-8")
    _index(events_settings, folder)
    got = {(e.source, e.first) for e in timeline(settings=events_settings)}
    assert got == {("report.txt", "2017-10-26"), ("b.txt", "2016-10-01")}
    # An edit replaces the document's events.
    (folder / "a" / "report.txt").write_text(
        "Report\n\nPublished Oct. 26, 2017\n\nThe army retook Rawa on Monday.\n", encoding="utf-8"
    )
    _index(events_settings, folder)
    assert [e.first for e in timeline(about="Rawa", settings=events_settings)] == ["2017-10-23"]
    # A move keeps them, under the new path.
    (folder / "c").mkdir()
    (folder / "a" / "report.txt").rename(folder / "c" / "report.txt")
    _index(events_settings, folder)
    (rawa,) = timeline(about="Rawa", settings=events_settings)
    assert rawa.first == "2017-10-23" and rawa.source == "report.txt"
    # A removal and a prune take them away.
    remove_document("b.txt", events_settings)
    assert timeline(about="Mosul", settings=events_settings) == []
    (folder / "b.txt").unlink()
    (folder / "c" / "report.txt").unlink()
    _index(events_settings, folder)
    assert timeline(settings=events_settings, kinds=("event", "publication", "photo", "prediction")) == []


def test_an_index_made_before_events_gets_them_without_re_embedding(events_settings, tmp_path):
    from rag.index.store import open_catalog
    from rag.ingest.documents import timeline

    folder = tmp_path / "articles"
    folder.mkdir()
    (folder / "b.txt").write_text("Other\n\nThe siege of Mosul began in October 2016.\n", encoding="utf-8")
    _index(events_settings, folder)
    catalog = open_catalog(events_settings)
    with catalog.transaction() as db:  # as a 0.5 catalog: no events, no version
        db.execute("DELETE FROM event_terms")
        db.execute("DELETE FROM events")
        db.execute("UPDATE documents SET events_version = NULL")
    assert timeline(settings=events_settings) == []
    report = _index(events_settings, folder)
    assert report.unchanged == ["b.txt"] and report.chunks_added == 0
    assert [e.first for e in timeline(settings=events_settings)] == ["2016-10-01"]


def test_event_queries_use_indexes_not_a_full_scan(events_settings, tmp_path):
    from rag.index.events import query_events
    from rag.index.store import open_catalog

    folder = tmp_path / "articles"
    folder.mkdir()
    (folder / "b.txt").write_text("Other\n\nThe siege of Mosul began in October 2016.\n", encoding="utf-8")
    _index(events_settings, folder)
    db = open_catalog(events_settings)._db
    plans = []
    real = db.execute

    class Spy:
        def execute(self, sql, params=()):
            plans.extend(r[3] for r in real("EXPLAIN QUERY PLAN " + sql, params).fetchall())
            return real(sql, params)

    assert query_events(Spy(), about="Mosul siege", since="2016-01-01", until="2016-12-31")
    query_events(Spy(), since="2016-01-01")
    query_events(Spy(), doc_ids=["x"])
    scans = [p for p in plans if p.startswith("SCAN") and "USING" not in p]
    assert not scans, plans


# -- answered ------------------------------------------------------------------------------------
def _event(doc: str, start: int, sentence: str, expression: str, first, last=None, precision="day") -> Event:
    return Event(
        doc_id=doc,
        sentence=sentence,
        start=start,
        end=start + len(sentence),
        expression=expression,
        expr_start=sentence.find(expression),
        expr_end=sentence.find(expression) + len(expression),
        kind="event",
        first=first,
        last=last or first,
        precision=precision if first else "none",
        how="a full date" if first else "no year given (nor a publication date)",
        chunk_id=f"{doc}:c",
        source=f"{doc}.txt",
    )


HAWIJA = _event("a", 10, "Forces retook Hawija on Oct. 5, 2017.", "Oct. 5, 2017", "2017-10-05")
QAIM = _event("b", 20, "Forces retook al-Qaim on November 3rd.", "November 3rd", None)
MOSUL = _event("c", 30, "Forces retook Mosul on July 10, 2017.", "July 10, 2017", "2017-07-10")


class FakeIndex:
    def __init__(self, events: list[Event]) -> None:
        self.all = events

    def events(self, about=None, doc_ids=None, **_):
        from rag.text.tokens import tokenize

        out = [e for e in self.all if doc_ids is None or e.doc_id in doc_ids]
        if about is not None:
            out = [e for e in out if set(tokenize(about)) <= set(tokenize(e.sentence))]
        return out

    def passages(self, ids):
        from rag.types import Passage

        by_chunk = {e.chunk_id: e for e in self.all}
        extra = getattr(self, "extra", {})
        return {
            i: extra.get(i)
            or Passage(i, by_chunk[i].source, "T", None, by_chunk[i].sentence, 0, 99, doc_id=i[0])
            for i in ids  # noqa: E501
        }


def _ask(question: str, events: list[Event]):
    from rag.answer.timeline import TimelineReader
    from rag.types import Answer

    index = FakeIndex(events)
    return TimelineReader(index.events, index.passages).run(Answer(question, "", False), question, [])


def test_which_came_first_orders_the_dated_steps_each_cited():
    a = _ask("Which came first, the fall of Mosul or the fall of Hawija?", [HAWIJA, MOSUL, QAIM])
    lines = a.text.splitlines()
    assert lines[0] == "The fall of Mosul came first, then the fall of Hawija:"
    assert "Mosul" in lines[1] and "[1]" in lines[1] and "Hawija" in lines[2] and "[2]" in lines[2]
    assert [c.quote for c in a.citations] == [MOSUL.sentence, HAWIJA.sentence]


def test_an_undated_side_is_never_placed_by_a_neighbours_date():
    a = _ask("Did Hawija fall before al-Qaim?", [HAWIJA, QAIM])
    assert a.text.startswith("The articles date Hawija fall, but give no date for al-Qaim")
    assert "November 3rd (no year given)" in a.text and "2017-11" not in a.text


def test_what_happened_to_lists_its_events_in_date_order_undated_last():
    later = _event("d", 5, "Mosul was rebuilt from Jan. 3, 2018.", "Jan. 3, 2018", "2018-01-03")
    undated = _event("e", 5, "Mosul voted on Thursday.", "Thursday", None)
    a = _ask("What happened to Mosul?", [undated, later, MOSUL, HAWIJA])
    steps = a.text.splitlines()[1:]
    assert [s.split(":")[0] for s in steps[:2]] == ["July 10, 2017", "Jan. 3, 2018"]  # as written
    assert steps[2].startswith("Thursday (no year given)") and len(steps) == 3
    assert all(c.status == "quoted" for c in a.checks) and len(a.citations) == 3


def test_had_it_happened_yet_compares_with_the_date_the_question_gives():
    assert _ask("Had Hawija been retaken by November 2017?", [HAWIJA]).text.startswith("Yes")
    assert _ask("Had Hawija been retaken by September 2017?", [HAWIJA]).text.startswith("No")


def test_a_question_not_about_order_is_left_to_the_reader():
    assert _ask("When was Hawija retaken?", [HAWIJA]) is None
    assert _ask("What happened to Rawa?", [HAWIJA]) is None  # no event names it


def test_rag_timeline_cli(seeded_settings):
    import os
    import subprocess
    import sys

    env = {**os.environ, "RAG_DATA_DIR": str(seeded_settings.data_dir)}
    run = [sys.executable, "-m", "rag", "timeline"]
    out = subprocess.run([*run, "--about", "Hawija", "--json"], env=env, capture_output=True, text=True)
    assert out.returncode == 0, out.stderr
    got = {(e["first"], e["expression"], e["kind"]) for e in json.loads(out.stdout)}
    # The caption's "a day before" dates the retaking, not the photo: an event, as the text says.
    assert got == {("2017-10-05", "Oct. 5", "event"), ("2017-10-05", "a day before", "event")}
    bad = subprocess.run([*run, "--from", "2017-13"], env=env, capture_output=True, text=True)
    assert bad.returncode == 2 and len(bad.stderr.strip().splitlines()) == 1 and "Traceback" not in bad.stderr


def test_rag_timeline_on_a_new_data_folder_indexes_the_seeds_first(base_settings, tmp_path):
    import os
    import shutil
    import subprocess
    import sys

    from tests.conftest import SEEDS, _settings_for

    seeds = tmp_path / "seeds"
    seeds.mkdir()
    shutil.copy(SEEDS / "000_ca6adfa8eb41c077.txt", seeds)  # the Hawija article
    fresh = _settings_for(base_settings, tmp_path / "data")
    env = {**os.environ, "RAG_DATA_DIR": str(fresh.data_dir), "RAG_SEEDS_DIR": str(seeds)}
    run = [sys.executable, "-m", "rag", "timeline", "--about", "Hawija"]
    out = subprocess.run(run, env=env, capture_output=True, text=True)
    assert out.returncode == 0, out.stderr
    assert "Oct. 5" in out.stdout and "indexing" in out.stderr
    again = subprocess.run(run, env=env, capture_output=True, text=True)  # indexed once, not twice
    assert again.stdout == out.stdout and "indexing" not in again.stderr

    # Nothing to seed: the user is told in one line how to add articles.
    empty = _settings_for(base_settings, tmp_path / "empty")
    (tmp_path / "none").mkdir()
    env = {**os.environ, "RAG_DATA_DIR": str(empty.data_dir), "RAG_SEEDS_DIR": str(tmp_path / "none")}
    listing = [sys.executable, "-m", "rag", "documents"]
    out = subprocess.run(listing, env=env, capture_output=True, text=True)  # lists, indexes nothing
    assert out.returncode == 0 and out.stdout == "" and "0 documents" in out.stderr
    assert "nothing is indexed yet" in out.stderr and "`rag timeline` indexes" in out.stderr
    out = subprocess.run(run, env=env, capture_output=True, text=True)
    assert out.returncode == 0 and out.stdout == ""
    assert "nothing is indexed: add articles with `rag ingest FOLDER`" in out.stderr


def test_how_things_stand_is_given_per_article_by_publication_date_latest_last():
    from rag.answer.as_of import AsOfReader
    from rag.types import Answer, Passage

    def passage(doc: str, date_: str | None, text: str) -> Passage:
        return Passage(f"{doc}:1", f"{doc}.txt", "T", date_, text, 0, len(text), doc_id=doc)

    found = [
        passage("late", "2017-10-26", "They have lost both of their capitals in Raqqa and Mosul."),
        passage("early", "2017-10-10", "Its capital, Raqqa, is about to be captured by the SDF."),
        passage("none", None, "U.S.-backed forces retook Raqqa in October."),
    ]
    a = AsOfReader().run(Answer("Has Raqqa fallen yet?", "", False), "Has Raqqa fallen yet?", found)
    lines = a.text.splitlines()[1:]
    assert [ln.split(" (")[0] for ln in lines] == [
        "In an article with no publication date",
        "As of 2017-10-10",
        "As of 2017-10-26",
    ]
    assert [c.quote for c in a.citations] == [p.text for p in (found[2], found[1], found[0])]
    # One article, or articles of one date, have nothing to set side by side.
    assert AsOfReader().run(Answer("q", "", False), "Has Raqqa fallen yet?", found[:1]) is None


@pytest.mark.parametrize(
    ("question", "kind"),
    [
        ("Which came first, the fall of Hawija or the capture of al-Qaim?", "order"),
        ("Walk me through the campaign in order", "order"),
        ("Did Hawija fall before al-Qaim?", "order"),
        ("What became of Mosul?", "since"),
        ("Had Raqqa fallen when the article was written?", "as_of"),
        ("Had Hawija been retaken by October 2017?", "as_of"),
        ("Does ISIS still hold Rawa?", "status"),
        ("Which town changed hands first, Rawa or Hawija?", "order"),
        ("Can you put the fall of Hawija, al-Qaim and Rawa into sequence?", "order"),
        ("When the October 10 article came out, had Raqqa already fallen?", "as_of"),
        ("Were civilians still in the two towns?", "status"),
        ("When was Rawa retaken?", None),
        ("Which took longer to capture, Hawija or Rawa?", None),
        ("What happened in Rawa?", None),
        ("Is ISIS a threat?", None),
        # A wh-question that says "had … already" asks for its answer, not whether it had happened.
        ("What gains had the army already made before the offensive?", None),
        ("Which towns had the militias already taken?", None),
    ],
)
def test_questions_about_order_and_standing_are_told_apart(question, kind):
    from rag.text.chronology import chronology

    assert chronology(question) == kind


def test_an_event_about_the_city_is_found_by_the_name_its_paragraph_gives():
    from rag.ingest.events import event_terms

    text = (
        "Operation Inherent Resolve to retake the city began in October 2016. While the struggle "
        "for Mosul has almost reached its end, fighting goes on.\nAll of the cities they captured "
        "since 2014 will be liberated. Rawa is next."
    )
    a = Article("x.txt", "/x", "T", text, "2017-10-26", None, "h", doc_id="d")
    by_expression = {e.expression: event_terms(e) for e in extract_events(a, [])}
    assert "mosul" in by_expression["October 2016"]  # "the city" is the Mosul of its paragraph
    assert "rawa" not in by_expression["since 2014"]  # "the cities" are no one place


def test_the_seeds_timeline_holds_each_dated_sentence_once(seeded_settings):
    from rag.ingest.documents import timeline

    events = timeline(settings=seeded_settings, kinds=("event", "prediction", "photo", "publication"))
    keys = [(e.doc_id, e.start, e.expr_start) for e in events]
    assert len(keys) == len(set(keys)), "an event twice (overlapping chunks?)"
    assert len({e.doc_id for e in events}) == 5 and sum(e.kind == "event" for e in events) >= 15


def test_two_year_less_dates_of_one_article_are_ordered_within_it():
    kamal = _event("b", 60, "The army pushed IS out of Abu Kamal on November 8th.", "November 8th", None)
    a = _ask("Which town changed hands first, Abu Kamal or al-Qaim?", [kamal, QAIM])
    assert a.text.splitlines()[0].startswith("al-Qaim came first, then Abu Kamal (one article")
    assert a.text.count("(no year given)") == 2  # the steps still say no year is given
    other = _event("z", 60, "The army pushed IS out of Abu Kamal on November 8th.", "November 8th", None)
    assert "can't be put in order" in _ask("Which came first, Abu Kamal or al-Qaim?", [other, QAIM]).text


def test_a_side_no_article_dates_is_named_as_undated_not_left_out():
    from rag.answer.timeline import TimelineReader
    from rag.types import Answer, Passage

    text = "Troops advanced west. The operation to take back Rawa lasted five hours."
    rawa = Passage("rawa-chunk", "r.txt", "T", None, text, 400, 400 + len(text), doc_id="r")
    index = FakeIndex([HAWIJA])
    index.extra = {rawa.chunk_id: rawa}
    question = "Which town changed hands first, Rawa or Hawija?"
    a = TimelineReader(index.events, index.passages).run(Answer(question, "", False), question, [rawa])
    lines = a.text.splitlines()
    assert lines[0] == "The articles date Hawija, but give no date for Rawa to order it by:"
    assert "Oct. 5, 2017" in lines[1] and "Hawija" in lines[1]
    assert lines[2].startswith("undated:") and "five hours" in lines[2]
    assert a.checks[1].text == "The operation to take back Rawa lasted five hours."
    assert a.citations[1].start == 422  # the sentence's own offsets, for the highlight
    # A question about one place only is not padded with undated sentences.
    only = "Which came first, Hawija or the fall of Mosul?"
    b = TimelineReader(index.events, index.passages).run(Answer(only, "", False), only, [rawa])
    assert "Rawa" not in b.text


def test_a_demonym_is_no_subject_to_set_articles_side_by_side():
    from rag.answer.as_of import AsOfReader
    from rag.types import Answer, Passage

    found = [
        Passage("a", "a.txt", "A", "2017-10-10", "Iraqi troops took the dam.", 0, 26, doc_id="a"),
        Passage("b", "b.txt", "B", "2017-10-26", "Iraqi troops reached the border.", 0, 32, doc_id="b"),
    ]
    assert AsOfReader().run(Answer("q", "", False), "Are Iraqi troops still advancing?", found) is None


def test_each_named_place_gets_its_own_step_and_two_parts_never_share_one():
    a = _ask("Can you put the fall of Hawija, al-Qaim and Mosul into sequence for me?", [HAWIJA, MOSUL, QAIM])
    lines = a.text.splitlines()
    assert lines[0] == "In date order, the articles say:"  # no "first" asked: a timeline of the three
    assert [c.quote for c in a.citations] == [MOSUL.sentence, HAWIJA.sentence, QAIM.sentence]
    both = _ask("Put these in order: forces retook Hawija, and forces retook it again", [HAWIJA, MOSUL])
    assert len({c.quote for c in both.citations}) == len(both.citations)


def test_a_part_no_sentence_tells_of_is_named_as_missing():
    a = _ask("Which came first: the fall of Hawija, or the treaty of Zed?", [HAWIJA, MOSUL])
    assert "The articles don't tell of the treaty of Zed." in a.text
    assert [c.quote for c in a.citations] == [HAWIJA.sentence]


def test_a_sentence_with_no_date_gives_its_articles_date_as_a_report_date_not_its_own():
    from dataclasses import replace

    from rag.answer.timeline import shown

    offensive = replace(
        _event("r", 5, "Forces launched the final assault on Zed.", "", None), published="2017-10-26"
    )
    assert shown(offensive) == "undated; reported October 26, 2017"
    assert shown(replace(offensive, published=None)) == "undated"
    # Reported before the other side's date: it came first.
    later = _event("l", 9, "Forces retook Zed on Nov. 3, 2017.", "Nov. 3, 2017", "2017-11-03")
    a = _ask(
        "Which came first, the final assault on Zed or the recapture of Zed on Nov. 3?", [later, offensive]
    )
    if a is not None:  # the fake index has no retrieved passages: the undated side comes from events only
        assert "2017-10-26" not in a.text


def test_the_report_date_orders_two_sides_only_as_far_as_it_goes():
    from dataclasses import replace

    from rag.answer.event_match import as_step
    from rag.answer.event_order import by_report

    reported = as_step(
        replace(_event("r", 5, "Forces freed the air base.", "", None), published="2017-10-26")
    )
    before = as_step(HAWIJA)  # Oct. 5, 2017: dated before the report
    after = as_step(_event("z", 5, "Forces retook Zed on Nov. 3, 2017.", "Nov. 3, 2017", "2017-11-03"))
    steps, lead = by_report([after], [reported])
    assert steps == [reported, after] and lead.startswith("{0} came first: an article of October 26, 2017")
    steps, lead = by_report([before], [reported])  # it may have happened before or after Oct. 5
    assert steps == [before, reported] and "is only reported, on October 26, 2017" in lead
    assert "can't order them" in lead
    assert by_report([before], [as_step(replace(reported.event, published=None))]) is None


def test_a_comparison_the_dates_cannot_settle_is_a_decline_that_shows_the_sentences():
    undated = _event("z", 60, "The army pushed IS out of Abu Kamal on November 8th.", "November 8th", None)
    a = _ask("Which came first, Abu Kamal or al-Qaim?", [undated, QAIM])  # two articles, no years
    assert a.kind == "abstain" and not a.answerable and "can't be put in order" in a.text
    assert len(a.citations) == 2  # still shows what the articles say
    same = _event("b", 90, "On the same day, the army took Deir ez-Zor.", "the same day", None)
    same = replace_how(same, "as “November 3rd”, which gives no date")
    b = _ask("Which came first, Deir ez-Zor or al-Qaim?", [same, QAIM])
    assert (
        b.text.startswith("The articles put ") and "on the same day (November 3rd, no year given)" in b.text
    )
    assert b.kind == "answer"


def replace_how(e: Event, how: str) -> Event:
    from dataclasses import replace

    return replace(e, how=how)


def test_a_photo_date_is_an_event_only_for_a_question_about_photos():
    from dataclasses import replace

    caption = "A picture taken on Oct. 6, 2017 shows a tank near Hawija."
    photo = replace(_event("p", 5, caption, "Oct. 6, 2017", "2017-10-06"), kind="photo")
    from rag.answer.timeline import TimelineReader

    index = FakeIndex([HAWIJA, photo])
    reader = TimelineReader(index.events, index.passages)
    pool = reader._pool(["hawija"], [], [], undated=False, told="Were the photos taken before Hawija fell?")
    assert photo in pool
    assert photo not in reader._pool(["hawija"], [], [], undated=False, told="When did Hawija fall?")


def test_a_possessive_names_who_acted_not_where():
    from rag.answer.timeline import _only_possessive

    assert _only_possessive("iraq", "Iraq's commandos wipe out the compound")
    assert not _only_possessive("iraq", "the fighting in Iraq and Iraq's army")
    assert not _only_possessive("mosul", "the fall of Mosul")
