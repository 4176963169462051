"""Incremental ingest and hybrid search, against embedded Chroma and a real Chroma server."""

from __future__ import annotations

import json
import subprocess
import sys

from rag.answer.retriever import HybridRetriever
from rag.index.store import open_store
from rag.ingest.documents import ingest_paths, list_documents, remove_source
from tests.conftest import PROJECT_ROOT


def _ids(settings) -> set[str]:
    return set(open_store(settings).get(include=[])["ids"])


def test_ingest_twice_changes_nothing(store_settings, seeds_copy):
    first = ingest_paths([seeds_copy], store_settings)
    assert len(first.added) == 5 and not first.errors
    ids = _ids(store_settings)
    assert len(ids) == first.total_chunks > 5
    second = ingest_paths([seeds_copy], store_settings)
    assert second.added == [] and second.replaced == [] and len(second.unchanged) == 5
    assert second.chunks_added == 0 and _ids(store_settings) == ids


def test_changed_file_replaces_its_chunks(store_settings, seeds_copy):
    ingest_paths([seeds_copy], store_settings)
    store = open_store(store_settings)
    target = seeds_copy / "003_523b4ce3a384174f.txt"
    old = set(store.get(where={"source": target.name}, include=[])["ids"])
    others = _ids(store_settings) - old
    text = target.read_text(encoding="utf-8")
    target.write_text(text.replace("lasted five hours", "lasted six hours"), encoding="utf-8")
    report = ingest_paths([seeds_copy], store_settings)
    assert report.replaced == [target.name] and len(report.unchanged) == 4
    got = store.get(where={"source": target.name}, include=["documents"])
    assert got["ids"] and old - set(got["ids"]), "the changed chunk kept its old id"
    joined = " ".join(got["documents"])
    assert "six hours" in joined and "five hours" not in joined
    assert others <= _ids(store_settings)  # other files untouched


def test_prune_removes_files_that_are_gone(store_settings, seeds_copy):
    ingest_paths([seeds_copy], store_settings)
    (seeds_copy / "001_5ad74914a809d552.txt").unlink()
    report = ingest_paths([seeds_copy], store_settings, prune=True)
    assert report.pruned == ["001_5ad74914a809d552.txt"]
    assert {d["source"] for d in list_documents(store_settings)} == {p.name for p in seeds_copy.iterdir()}


def test_bad_file_is_reported_and_index_survives(store_settings, seeds_copy, tmp_path):
    ingest_paths([seeds_copy], store_settings)
    before = _ids(store_settings)
    bad = tmp_path / "bad.docx"
    bad.write_bytes(b"PK")
    report = ingest_paths([bad, tmp_path / "missing.txt"], store_settings)
    assert len(report.errors) == 2 and all("\n" not in e for e in report.errors)
    assert _ids(store_settings) == before


def test_documents_listing_and_removal(store_settings, seeds_copy):
    ingest_paths([seeds_copy], store_settings)
    docs = {d["source"]: d for d in list_documents(store_settings)}
    assert docs["000_ca6adfa8eb41c077.txt"]["date"] == "2017-10-10"
    assert docs["001_5ad74914a809d552.txt"]["date"] is None
    assert all(d["chunks"] >= 1 for d in docs.values())
    removed = remove_source("002_8eb8b0e975ad3374.txt", store_settings)
    assert removed == docs["002_8eb8b0e975ad3374.txt"]["chunks"]
    assert "002_8eb8b0e975ad3374.txt" not in {d["source"] for d in list_documents(store_settings)}


def test_hybrid_search_filters_and_provenance(store_settings, seeds_copy):
    ingest_paths([seeds_copy], store_settings)
    retriever = HybridRetriever(store_settings)
    top = retriever.run("When was Hawija taken from ISIS?", k=3)
    assert top[0].source == "000_ca6adfa8eb41c077.txt"
    assert "Oct. 5" in top[0].text and top[0].dense_score and top[0].bm25_score
    assert [p.score for p in top] == sorted((p.score for p in top), reverse=True)
    only = retriever.run("Hawija", k=5, sources=["003_523b4ce3a384174f.txt"])
    assert only and {p.source for p in only} == {"003_523b4ce3a384174f.txt"}
    dated = retriever.run("ISIS strongholds", k=10, date_from="2017-10-20", date_to="2017-12-31")
    assert dated and {p.source for p in dated} == {"004_cad8f68dd4bd6a6f.txt"}
    # BM25 finds an exact token the dense model blurs.
    bm25 = retriever.run("H-2 airbase", k=1, mode="bm25")
    assert "H-2 airbase" in bm25[0].text


def test_near_duplicate_chunks_are_collapsed(store_settings, seeds_copy):
    # A syndicated copy of an article under another name.
    src = seeds_copy / "003_523b4ce3a384174f.txt"
    (seeds_copy / "syndicated_copy.txt").write_text(src.read_text(encoding="utf-8") + "\nReprinted.\n")
    ingest_paths([seeds_copy], store_settings)
    hits = HybridRetriever(store_settings).run("How long did the operation to take back Rawa last?", k=5)
    texts = [h.text for h in hits]
    assert sum("lasted five hours" in t for t in texts) == 1


def test_search_cli_json(seeded_settings):
    env = {"RAG_DATA_DIR": str(seeded_settings.data_dir), "PATH": ""}
    import os

    env = {**os.environ, **env}
    out = subprocess.run(
        [sys.executable, "-m", "rag", "search", "Abu Kamal", "-k", "2", "--json"],
        capture_output=True,
        text=True,
        env=env,
        cwd=PROJECT_ROOT,
        timeout=300,
    )
    assert out.returncode == 0, out.stderr
    data = json.loads(out.stdout)
    assert len(data) == 2
    assert {
        "source",
        "title",
        "date",
        "text",
        "chunk_id",
        "start",
        "end",
        "score",
        "dense_score",
        "bm25_score",
    } <= set(data[0])
    assert data[0]["source"] == "003_523b4ce3a384174f.txt"


def test_retrieval_eval_set_hybrid_recall(seeded_settings):
    from rag.evaluate.items import DEFAULT_SET, load_items
    from rag.evaluate.retrieval import evaluate_retrieval

    items = load_items(DEFAULT_SET)
    assert len([i for i in items if i.sources]) >= 40
    assert {s for i in items for s in i.sources} == {p.name for p in (PROJECT_ROOT / "seeds").iterdir()}
    results = evaluate_retrieval(items, seeded_settings, k=5)
    hybrid = results["modes"]["hybrid"]
    assert hybrid["recall@5"] == 1.0, [q for q in results["per_question"] if q["recall@5"] < 1]
    assert hybrid["mrr"] >= 0.85
    assert set(results["modes"]) == {"dense", "bm25", "hybrid"}


def test_first_search_on_an_empty_index_ingests_seeds(store_settings):
    from rag.factory import search

    assert open_store(store_settings).get(include=[])["ids"] == []
    hits = search("When was Hawija taken from ISIS?", k=2, settings=store_settings)
    assert hits and hits[0].source == "000_ca6adfa8eb41c077.txt"
    assert len(list_documents(store_settings)) == 5
