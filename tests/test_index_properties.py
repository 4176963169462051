"""Property-based tests (hypothesis): the chunker never loses or misplaces text, and any
sequence of add / edit / move / delete / prune leaves the index equal to a clean ingest of the
final folder. The ingest property stands in the tiny encoder (real embedded Chroma): what is
under test is the bookkeeping, and MiniLM is exercised by the other index tests."""

from __future__ import annotations

import re
import shutil
import uuid
from dataclasses import replace
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bench.encoders import HashingEmbeddings
from rag.index.store import forget_store
from rag.ingest.chunker import chunk_article, locate
from rag.ingest.documents import ingest_paths
from rag.models.gguf import embedding_model_path
from rag.types import Article
from tests.conftest import _settings_for
from tests.test_index_integrity import index_state

WORDS = [
    "Rawa",
    "Anah",
    "fell",
    "on",
    "Oct.",
    "5",
    "the",
    "army",
    "retook",
    "town",
    "“quoted”",
    "50,000",
    "ISIS",
]

sentence = st.lists(st.sampled_from(WORDS), min_size=1, max_size=25).map(lambda ws: " ".join(ws) + ".")
paragraph = st.lists(sentence, min_size=1, max_size=8).map(" ".join)
article_text = st.lists(paragraph, min_size=1, max_size=12).map("\n\n".join)


def _article(text: str) -> Article:
    return Article("a.txt", "/a.txt", "A", text, None, None, "h", doc_id="d0")


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(article_text)
def test_chunk_offsets_map_back_and_no_text_is_lost(text):
    chunks = chunk_article(_article(text), str(embedding_model_path("all-MiniLM-L6-v2")))
    covered = [False] * len(text)
    for c in chunks:
        assert text[c.start : c.end] == c.text
        for i in range(c.start, c.end):
            covered[i] = True
    lost = "".join(ch for ch, seen in zip(text, covered, strict=True) if not seen)
    assert not lost.strip(), f"text outside every chunk: {lost!r}"
    assert [c.start for c in chunks] == sorted(c.start for c in chunks)
    assert len({c.chunk_id for c in chunks}) == len(chunks)


@given(st.lists(st.sampled_from(["ab. ", "ab ab. ", "ba. "]), min_size=1, max_size=30))
def test_locate_prefers_the_continuing_occurrence(parts):
    """Repeated pieces: every span is exact and spans leave no gap but whitespace."""
    text = "".join(parts)
    pieces = [p.strip() for p in parts if p.strip()]
    spans = locate(text, pieces)
    end = 0
    for (s, e), piece in zip(spans, pieces, strict=True):
        assert text[s:e] == piece
        assert not text[end:s].strip(), (text, spans)
        end = max(end, e)


OPS = st.lists(
    st.tuples(
        st.sampled_from(["add", "edit", "move", "rename", "delete", "ingest", "prune"]),
        st.integers(0, 5),
        st.integers(0, 3),
    ),
    min_size=1,
    max_size=10,
)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(ops=OPS)
def test_any_sequence_of_changes_equals_a_clean_ingest(base_settings, tmp_path, ops):
    root = tmp_path / uuid.uuid4().hex[:8]
    folders = [root / "one", root / "one" / "sub", root / "two"]
    for f in folders:
        f.mkdir(parents=True)
    tiny = HashingEmbeddings()
    s = replace(_settings_for(base_settings, root / "data"), ingest_batch=7)
    counter = iter(range(10**6))

    def files() -> list[Path]:
        return sorted(p for f in folders for p in f.glob("*.txt"))

    def body(n: int) -> str:
        k = next(counter)
        return f"Title {k}\n\n" + "\n\n".join(
            f"Paragraph {k}-{i}: the convoy reached checkpoint {i * n + k} on Oct. {i + 1}"
            + (", 2016." if i % 2 else ".")
            for i in range(n * 3 + 1)
        )

    for op, a, b in ops:
        existing = files()
        if op == "add" or not existing:
            (folders[b % 3] / f"doc{a}.txt").write_text(body(a + 1), encoding="utf-8")
        elif op == "edit":
            existing[a % len(existing)].write_text(body(b + 1), encoding="utf-8")
        elif op == "move":
            src = existing[a % len(existing)]
            dest = folders[b % 3] / src.name
            if not dest.exists():
                shutil.move(src, dest)
        elif op == "rename":
            src = existing[a % len(existing)]
            dest = src.with_name(f"renamed{next(counter)}.txt")
            src.rename(dest)
        elif op == "delete":
            existing[a % len(existing)].unlink()
        report = ingest_paths([root / "one", root / "two"], s, prune=(op == "prune"), embeddings=tiny)
        assert not report.failed, report.errors
    ingest_paths([root / "one", root / "two"], s, prune=True, embeddings=tiny)
    got = index_state(s, tiny)
    forget_store(s)
    clean = replace(s, data_dir=root / "clean")
    _settings_for(base_settings, clean.data_dir)
    ingest_paths([root / "one", root / "two"], clean, embeddings=tiny)
    want = index_state(clean, tiny)
    forget_store(clean)
    assert got == want
    assert set(got) == {str(p.resolve()) for p in files()}
    assert all(re.match(r"Title \d+", v[0]) for v in got.values())
    assert all(v[4] for v in got.values()), "every document has its dated events"
