"""The index never loses or mixes up a document: edits, same names, moves, prune, bad files,
limits, big batches, crashes and concurrent writers. Real MiniLM and real Chroma (embedded and
a `chroma run` server) unless a test says it stands in the tiny encoder."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
import uuid
from dataclasses import replace
from pathlib import Path

import pytest

from bench.encoders import HashingEmbeddings
from rag.answer.retriever import HybridRetriever
from rag.factory import search
from rag.index.store import forget_store, open_catalog, open_lexical, open_store
from rag.ingest.documents import ingest_paths, list_documents
from tests.conftest import PROJECT_ROOT, SEEDS, _settings_for

RAWA = "003_523b4ce3a384174f.txt"


def _events(catalog, doc_id: str, rows: dict) -> list[tuple]:
    """A document's events as the timeline shows them, each with the passage it opens."""
    events = catalog.events(kinds=("event", "prediction", "photo", "publication"), doc_ids=[doc_id])
    return sorted(
        (e.sentence, e.start, e.expression, e.kind, e.first, e.last, e.precision, rows[e.chunk_id]["start"])
        for e in events
    )


def index_state(settings, embeddings=None) -> dict:
    """What a user can observe: per document path, its chunks (text, offsets), metadata and
    timeline events; and that Chroma holds exactly the catalog's chunks with the same text, and
    the catalog no event or event term of a document it doesn't hold."""
    catalog = open_catalog(settings)
    docs = {}
    all_ids: set[str] = set()
    for d in catalog.list_documents():
        ids = catalog.chunk_ids(d.doc_id)
        all_ids |= set(ids)
        rows = catalog.passages(ids)
        docs[d.path] = (
            d.title,
            d.date,
            d.content_hash,
            sorted((r["text"], r["start"], r["end"]) for r in rows.values()),
            _events(catalog, d.doc_id, rows),
        )
    db = catalog._db
    orphans = db.execute(
        "SELECT count(*) FROM events e LEFT JOIN documents d ON d.doc_id = e.doc_id WHERE d.doc_id IS NULL"
    ).fetchone()[0]
    loose = db.execute(
        "SELECT count(*) FROM event_terms t LEFT JOIN events e ON e.rowid = t.event WHERE e.rowid IS NULL"
    ).fetchone()[0]
    assert orphans == loose == 0, f"{orphans} events and {loose} terms of documents the catalog doesn't hold"
    got = open_store(settings, embeddings)._collection.get(include=["documents", "metadatas"])
    assert set(got["ids"]) == all_ids, "Chroma and the catalog hold different chunks"
    assert open_lexical(settings).count() == len(all_ids), "the BM25 index and the catalog differ"
    rows = catalog.passages(got["ids"])
    for cid, text, meta in zip(got["ids"], got["documents"], got["metadatas"], strict=True):
        assert text == rows[cid]["text"] and meta["doc_id"] == rows[cid]["doc_id"]
        assert meta["title"] == rows[cid]["title"] and meta["source"] == rows[cid]["name"]
    return docs


def clean_state(tmp_path: Path, settings, folders: list[Path], embeddings=None) -> dict:
    fresh = replace(settings, data_dir=tmp_path / "clean", collection=settings.collection + "c")
    ingest_paths(folders, fresh, embeddings=embeddings)
    state = index_state(fresh, embeddings)
    forget_store(fresh)
    return state


def test_edit_twice_replaces_all_chunks_and_metadata(store_settings, seeds_copy, tmp_path):
    ingest_paths([seeds_copy], store_settings)
    target = seeds_copy / RAWA
    original = target.read_text(encoding="utf-8")
    for n, (title, hours) in enumerate([("Rawa edit one", "six"), ("Rawa edit two", "seven")]):
        target.write_text(f"{title}\n\n" + original.replace("five hours", f"{hours} hours"), encoding="utf-8")
        (seeds_copy / f"zz_new_{n}.txt").write_text(f"New file {n}.\n\nThe ferry at Qaryat resumed.\n")
        report = ingest_paths([seeds_copy], store_settings)
        assert not report.failed, report.errors
        assert report.replaced == [RAWA] and report.added == [f"zz_new_{n}.txt"]
        assert len(report.unchanged) == 4 + n
        doc = next(d for d in list_documents(store_settings) if d["source"] == RAWA)
        assert doc["title"] == title
        got = open_store(store_settings)._collection.get(
            where={"doc_id": doc["doc_id"]}, include=["metadatas"]
        )
        assert {m["title"] for m in got["metadatas"]} == {title}, "a kept chunk has the old title"
    # Third run: nothing changed, nothing is "changed forever".
    again = ingest_paths([seeds_copy], store_settings)
    assert again.replaced == [] and again.added == [] and not again.failed
    assert index_state(store_settings) == clean_state(tmp_path, store_settings, [seeds_copy])


def test_same_file_name_in_two_folders(store_settings, tmp_path):
    for folder, town in (("a", "Anah"), ("b", "Baiji")):
        (tmp_path / folder).mkdir()
        (tmp_path / folder / "report.txt").write_text(
            f"Report from {town}\n\nThe market in {town} reopened on Monday after the fighting.\n"
        )
    report = ingest_paths([tmp_path / "a", tmp_path / "b"], store_settings)
    assert report.added == ["report.txt", "report.txt"]
    labels = {d["label"]: d for d in list_documents(store_settings)}
    assert set(labels) == {"a/report.txt", "b/report.txt"}
    b_ids = set(open_catalog(store_settings).chunk_ids(labels["b/report.txt"]["doc_id"]))
    (tmp_path / "a" / "report.txt").write_text("Report from Anah\n\nThe bridge in Anah was rebuilt.\n")
    report = ingest_paths([tmp_path / "a", tmp_path / "b"], store_settings)
    assert report.replaced == ["report.txt"] and report.unchanged == ["report.txt"]
    assert set(open_catalog(store_settings).chunk_ids(labels["b/report.txt"]["doc_id"])) == b_ids
    hits = HybridRetriever(store_settings).run("market reopened", k=3, sources=["b/report.txt"])
    assert hits and {h.label for h in hits} == {"b/report.txt"} and "Baiji" in hits[0].text
    # A bare ambiguous name is refused in one line, naming both.
    from rag.ingest.documents import remove_document
    from rag.ingest.loaders import LoadError

    with pytest.raises(LoadError, match="a/report.txt, b/report.txt"):
        remove_document("report.txt", store_settings)


def test_move_then_prune_keeps_every_document(store_settings, seeds_copy, tmp_path):
    ingest_paths([seeds_copy], store_settings)
    before = {d["doc_id"]: d["chunks"] for d in list_documents(store_settings)}
    moved = tmp_path / "elsewhere" / "articles"
    moved.parent.mkdir()
    shutil.move(seeds_copy, moved)
    (moved / RAWA).rename(moved / "rawa.txt")  # renamed on the way
    report = ingest_paths([moved], store_settings, prune=True)
    assert sorted(report.moved) == sorted([p.name for p in moved.iterdir()]) and report.pruned == []
    assert report.chunks_added == 0 and report.chunks_deleted == 0
    docs = list_documents(store_settings)
    assert {d["doc_id"]: d["chunks"] for d in docs} == before
    assert all(d["path"].startswith(str(moved.resolve())) for d in docs)
    assert "rawa.txt" in {d["source"] for d in docs}
    hits = HybridRetriever(store_settings).run("How long did the operation to retake Rawa last?", k=3)
    assert any(h.source == "rawa.txt" for h in hits)
    state = index_state(store_settings)
    assert {Path(p).name for p in state} == {p.name for p in moved.iterdir()}


def test_bad_files_fail_alone_and_the_run_goes_on(store_settings, tmp_path):
    folder = tmp_path / "mixed"
    folder.mkdir()
    (folder / "a_picture.txt").write_bytes(b"\x89PNG\r\n\x1a\n" + os.urandom(2000))
    (folder / "b_nul.md").write_bytes(b"text\x00with\x00nuls " * 50)
    (folder / "c_control.txt").write_bytes(bytes(range(1, 9)) * 300 + b"some words")
    (folder / "d_fake.pdf").write_text("not a pdf at all")
    (folder / "e_empty.txt").write_text("  \n")
    (folder / "z_good.txt").write_text("Good file\n\nThe dam at Haditha was inspected.\n")
    report = ingest_paths([folder], store_settings)
    reasons = dict(report.failed)
    assert set(reasons) == {"a_picture.txt", "b_nul.md", "c_control.txt", "d_fake.pdf", "e_empty.txt"}
    assert "PNG image" in reasons["a_picture.txt"] and "NUL" in reasons["b_nul.md"]
    assert "control characters" in reasons["c_control.txt"] and "not a PDF" in reasons["d_fake.pdf"]
    assert all("\n" not in e for e in report.errors)
    assert report.added == ["z_good.txt"] and "5 file(s) failed" in report.summary()
    stored = open_store(store_settings)._collection.get(include=["documents"])["documents"]
    assert stored and not any("\x00" in t for t in stored)


def test_limits_refuse_a_file_in_one_line(store_settings, seeds_copy):
    sizes = {p.name: p.stat().st_size for p in seeds_copy.iterdir()}
    cut = sorted(sizes.values())[2]  # the limit sits between the seeds' sizes
    tight = replace(store_settings, max_file_mb=cut / 1e6)
    report = ingest_paths([seeds_copy], tight)
    too_big = {name for name, why in report.failed if "RAG_MAX_FILE_MB" in why}
    assert too_big == {n for n, s in sizes.items() if s > cut} and len(too_big) == 2
    assert len(report.added) == 3
    long = seeds_copy / "long.txt"
    text = "Long file\n\n" + " ".join(f"Sentence {n} of the long file." for n in range(2000))
    long.write_text(text)
    limit = len(text) // 900  # a chunk holds about 550 characters: well over the limit
    report = ingest_paths([long], replace(store_settings, max_chunks_per_doc=limit))
    assert [name for name, _ in report.failed] == ["long.txt"]
    assert f"chunks, over the limit of {limit} (RAG_MAX_CHUNKS_PER_DOC)" in report.failed[0][1]
    report = ingest_paths([long], replace(store_settings, max_chunks_per_doc=1))
    assert "far more than 1 chunks (RAG_MAX_CHUNKS_PER_DOC)" in report.failed[0][1]
    assert "long.txt" not in {d["source"] for d in list_documents(store_settings)}


def test_more_chunks_than_one_chroma_batch(store_settings, tmp_path):
    """Several files embedded in one batch larger than the client's maximum (tiny encoder)."""
    tiny = HashingEmbeddings()
    settings = replace(store_settings, ingest_batch=100_000, max_chunks_per_doc=100_000)
    folder = tmp_path / "big"
    folder.mkdir()
    for n in range(4):  # unique sentences: the cleaner drops repeated paragraphs
        paragraphs = (
            " ".join(f"Convoy {n}-{p}-{s} reached checkpoint {p * 7 + s} before dawn." for s in range(12))
            for p in range(1100)
        )
        (folder / f"big{n}.txt").write_text(f"Volume {n}\n\n" + "\n\n".join(paragraphs), encoding="utf-8")
    limit = open_store(settings, tiny)._client.get_max_batch_size()
    report = ingest_paths([folder], settings, embeddings=tiny)
    assert not report.failed, report.errors
    assert report.chunks_added > limit, f"Chroma takes {limit} per batch; the test made {report.chunks_added}"
    assert open_store(settings, tiny)._collection.count() == report.chunks_added


def test_empty_index_after_prune_is_not_reseeded(store_settings, tmp_path):
    folder = tmp_path / "mine"
    folder.mkdir()
    (folder / "one.txt").write_text("One\n\nThe ferry at Qaryat resumed crossings.\n")
    ingest_paths([folder], store_settings)
    (folder / "one.txt").unlink()
    report = ingest_paths([folder], store_settings, prune=True)
    assert report.pruned == ["one.txt"]
    assert search("When was Hawija taken from ISIS?", k=2, settings=store_settings) == []
    assert list_documents(store_settings) == []
    assert open_store(store_settings)._collection.count() == 0


def test_a_crash_between_chroma_and_the_catalog_is_recovered(
    store_settings, seeds_copy, tmp_path, monkeypatch
):
    from rag.index.catalog import Catalog

    calls = {"n": 0}
    real = Catalog.commit_document

    def crash_on_third(self, doc, chunks, *events):
        calls["n"] += 1
        if calls["n"] == 3:
            raise KeyboardInterrupt  # the process dies after Chroma was written
        return real(self, doc, chunks, *events)

    monkeypatch.setattr(Catalog, "commit_document", crash_on_third)
    with pytest.raises(KeyboardInterrupt):
        ingest_paths([seeds_copy], replace(store_settings, ingest_batch=1))
    monkeypatch.setattr(Catalog, "commit_document", real)
    ingest_paths([seeds_copy], store_settings)
    assert index_state(store_settings) == clean_state(tmp_path, store_settings, [seeds_copy])


def _rag(args: list[str], data_dir: Path, **kw) -> subprocess.Popen:
    env = {**os.environ, "RAG_DATA_DIR": str(data_dir)}
    return subprocess.Popen(
        [sys.executable, "-m", "rag", *args],
        cwd=PROJECT_ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        **kw,
    )


def _many_articles(folder: Path, copies: int) -> Path:
    folder.mkdir(parents=True)
    for n in range(copies):
        for p in sorted(SEEDS.iterdir()):
            (folder / f"{n:02d}_{p.name}").write_text(
                f"Copy {n}\n\n" + p.read_text(encoding="utf-8"), encoding="utf-8"
            )
    return folder


def test_sigkill_mid_ingest_then_ingest_again_equals_a_clean_ingest(base_settings, tmp_path):
    folder = _many_articles(tmp_path / "many", 6)
    settings = _settings_for(base_settings, tmp_path / "data")
    proc = _rag(["ingest", "-q", str(folder)], settings.data_dir)
    catalog_file = settings.catalog_path
    deadline = time.monotonic() + 240
    while time.monotonic() < deadline and proc.poll() is None:
        if catalog_file.exists() and open_catalog(settings).document_count() >= 2:
            break
        time.sleep(0.05)
    assert proc.poll() is None, "the ingest finished before it could be killed"
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    forget_store(settings)
    done = _rag(["ingest", "-q", str(folder)], settings.data_dir)
    out, err = done.communicate(timeout=600)
    assert done.returncode == 0, err
    forget_store(settings)
    assert index_state(settings) == clean_state(tmp_path, settings, [folder])


def test_two_ingests_into_a_fresh_folder_queue(base_settings, tmp_path):
    folder = _many_articles(tmp_path / "pair", 2)
    settings = _settings_for(base_settings, tmp_path / "fresh")
    first = _rag(["ingest", "-q", str(folder)], settings.data_dir)
    second = _rag(["ingest", "-q", str(folder)], settings.data_dir)
    results = [p.communicate(timeout=600) for p in (first, second)]
    assert first.returncode == 0 and second.returncode == 0, results
    stderr = results[0][1] + results[1][1]
    assert "waiting for another ingest" in stderr
    assert "Traceback" not in stderr
    summaries = sorted(r[0] for r in results)
    assert "added 0" in summaries[0] and "unchanged 10" in summaries[0]  # the second found all done
    assert "added 10" in summaries[1]
    assert index_state(settings) == clean_state(tmp_path, settings, [folder])


def test_ingest_cli_reports_each_failure_and_exits_nonzero(base_settings, tmp_path):
    folder = tmp_path / "cli"
    folder.mkdir()
    (folder / "bad.txt").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00")
    (folder / "good.txt").write_text("Good\n\nThe dam at Haditha was inspected.\n")
    settings = _settings_for(base_settings, tmp_path / "data")
    out, err = (p := _rag(["ingest", "-q", str(folder)], settings.data_dir)).communicate(timeout=300)
    assert p.returncode == 1
    assert err.strip().splitlines() == ["error: bad.txt: a PNG image, not text"]
    assert "added 1" in out and "1 file(s) failed" in out


def test_query_path_and_listing_never_read_every_chunk(seeded_settings, monkeypatch):
    """Search and the document listing ask Chroma and SQLite only for what they return."""
    statements: list[str] = []
    catalog = open_catalog(seeded_settings)
    catalog._db.set_trace_callback(statements.append)
    collection = open_store(seeded_settings)._collection

    def no_get(*a, **kw):
        raise AssertionError("the query path fetched chunks from Chroma")

    monkeypatch.setattr(type(collection), "get", no_get)
    try:
        assert HybridRetriever(seeded_settings).run("Who retook Rawa?", k=3)
        assert len(list_documents(seeded_settings)) == 5
    finally:
        catalog._db.set_trace_callback(None)
    scans = [s for s in statements if "FROM chunks" in s and "WHERE" not in s and "MATCH" not in s]
    assert statements and not scans, scans


def test_an_index_made_by_v0_3_is_adopted_not_reseeded(store_settings, seeds_copy):
    """A collection with chunks but no catalog (rag 0.3) becomes the catalog's content."""
    store = open_store(store_settings)
    ids, texts, metas = [], [], []
    for p in sorted(seeds_copy.iterdir())[:2]:
        text = p.read_text(encoding="utf-8")
        for i, piece in enumerate(text.split("\n\n")[:4]):
            if piece.strip():
                start = text.index(piece)
                ids.append(f"{p.stem}:{i}")
                texts.append(piece)
                metas.append(
                    {
                        "source": p.name,
                        "path": str(p.resolve()),
                        "title": p.stem,
                        "date": "",
                        "date_num": 0,
                        "author": "",
                        "start": start,
                        "end": start + len(piece),
                        "content_hash": "old",
                    }
                )
    store.add_texts(texts, metas, ids=ids)
    hits = search("Rawa", k=3, settings=store_settings)
    assert hits, "the adopted chunks are searchable"
    docs = list_documents(store_settings)
    assert len(docs) == 2 and sum(d["chunks"] for d in docs) == len(ids)
    report = ingest_paths([seeds_copy], store_settings)  # the old hash differs: re-indexed
    assert len(report.replaced) == 2 and len(report.added) == 3
    assert open_store(store_settings)._collection.count() == open_catalog(store_settings).chunk_count()


def test_lost_bm25_index_is_rebuilt_from_the_catalog(store_settings, seeds_copy):
    ingest_paths([seeds_copy], store_settings)
    chunks = open_catalog(store_settings).chunk_count()
    forget_store(store_settings)
    shutil.rmtree(store_settings.lexical_dir)
    assert HybridRetriever(store_settings).run("H-2 airbase", k=1, mode="bm25") == []  # readers never write
    report = ingest_paths([seeds_copy], store_settings)
    assert len(report.unchanged) == 5 and report.chunks_added == 0
    assert open_lexical(store_settings).count() == chunks
    assert "H-2 airbase" in HybridRetriever(store_settings).run("H-2 airbase", k=1, mode="bm25")[0].text


def test_uploads_are_kept_in_the_data_folder_and_never_overwrite(store_settings, tmp_path):
    from rag.ingest.uploads import store_uploads

    def temp_upload(name: str, text: str) -> Path:
        folder = tmp_path / "gradio-tmp" / uuid.uuid4().hex
        folder.mkdir(parents=True)
        (folder / name).write_text(text)
        return folder / name

    first = temp_upload("report.txt", "Report\n\nThe market in Anah reopened.\n")
    same = temp_upload("report.txt", "Report\n\nThe market in Anah reopened.\n")
    other = temp_upload("report.txt", "Report\n\nThe bridge in Baiji was rebuilt.\n")
    stored = store_uploads([first, same, other], store_settings.uploads_dir)
    assert [s.path.name for s in stored] == ["report.txt", "report.txt", "report (2).txt"]
    assert stored[2].note and not stored[0].note and not stored[1].note
    assert not first.exists() and not other.exists(), "the web server's temp copies are deleted"
    report = ingest_paths([s.path for s in stored], store_settings)
    assert report.added == ["report.txt", "report (2).txt"], report
    from rag.ingest.documents import remove_document

    remove_document("report (2).txt", store_settings)
    assert not (store_settings.uploads_dir / "report (2).txt").exists()
    assert [d["source"] for d in list_documents(store_settings)] == ["report.txt"]


def test_a_running_reader_sees_another_process_ingest(base_settings, tmp_path):
    """Embedded Chroma keeps vectors in memory: a long-running app must still find, by dense
    search, what a `rag ingest` in another terminal added, and its own later writes must not
    lose them."""
    settings = _settings_for(base_settings, tmp_path / "data")
    folders = {}
    for name, text in (
        ("first", "Zumar bridge\n\nThe bridge at Zumar reopened to traffic in May."),
        ("second", "Qurna dam\n\nEngineers inspected the dam at Qurna in June."),
        ("third", "Fatha road\n\nThe road at Fatha was paved in July."),
    ):
        folders[name] = tmp_path / name
        folders[name].mkdir()
        (folders[name] / f"{name}.txt").write_text(text)
    ingest_paths([folders["first"]], settings)
    retriever = HybridRetriever(settings)
    assert retriever.run("bridge at Zumar", k=1, mode="dense")[0].source == "first.txt"
    other = _rag(["ingest", "-q", str(folders["second"])], settings.data_dir)
    assert other.wait(timeout=300) == 0, other.stderr.read()
    hits = retriever.run("inspection of the Qurna dam", k=1, mode="dense")
    assert hits and hits[0].source == "second.txt", "the reader's vector index is stale"
    ingest_paths([folders["third"]], settings)  # this process writes after the other one
    forget_store(settings)
    args = ["search", "dam inspected at Qurna", "--mode", "dense", "-k", "3", "--json"]
    check = _rag(args, settings.data_dir)
    out, err = check.communicate(timeout=300)
    assert check.returncode == 0, err
    assert {p["source"] for p in json.loads(out)} == {"first.txt", "second.txt", "third.txt"}
