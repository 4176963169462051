"""Loaders by file type (real trafilatura and pypdf) and the token-sized chunker."""

from __future__ import annotations

import pytest

from rag.ingest.article import prepare_article
from rag.ingest.chunker import CHUNK_TOKENS, _tokenizer, chunk_article
from rag.ingest.loaders import LoadError, collect_files, load_file
from rag.models.gguf import embedding_model_path
from tests.conftest import SEEDS

HTML = """<!doctype html><html><head><title>Town retaken | Example News</title>
<meta property="og:title" content="Town retaken after long siege">
<meta name="author" content="Jane Doe">
<meta property="article:published_time" content="2017-11-17T10:00:00Z"></head>
<body><nav>Home | World | Sport</nav>
<article><h1>Town retaken after long siege</h1>
<p>Government forces said on Friday that they had retaken the town of Exampleville after a
siege that lasted eleven weeks and displaced 12,000 residents.</p>
<p>Officials said that reconstruction of the water network would begin within a month, and
that schools would reopen once the streets had been cleared of explosives.</p>
<p>Advertisement</p></article>
<footer>Share this | Leave a Reply</footer><script>alert('x')</script></body></html>"""


def test_html_main_text_and_metadata(tmp_path):
    path = tmp_path / "story.html"
    path.write_text(HTML, encoding="utf-8")
    doc = load_file(path)
    assert "Exampleville" in doc.text and "12,000" in doc.text
    assert "Home | World" not in doc.text and "alert(" not in doc.text
    assert doc.title == "Town retaken after long siege"
    assert doc.date == "2017-11-17"
    article = prepare_article(path)
    assert article.date == "2017-11-17" and article.title == "Town retaken after long siege"
    assert "Advertisement" not in article.text


def test_pdf_text_extraction(tmp_path):
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig = plt.figure(figsize=(8.5, 11))
    fig.text(0.1, 0.9, "Rawa retaken in a five hour operation.", fontsize=12)
    fig.text(0.1, 0.85, "Iraqi forces met limited resistance.", fontsize=12)
    path = tmp_path / "report.pdf"
    fig.savefig(path, format="pdf")
    plt.close(fig)
    doc = load_file(path)
    assert "Rawa retaken in a five hour operation." in doc.text


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("notes.docx", b"PK\x03\x04", "unsupported file type '.docx'"),
        ("empty.txt", b"  \n", "the file is empty"),
        ("broken.pdf", b"%PDF-1.4 not really", "unreadable PDF"),
    ],
)
def test_bad_files_are_refused_with_one_line(tmp_path, name, content, message):
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(LoadError) as err:
        load_file(path)
    assert message in str(err.value) and "\n" not in str(err.value)


def test_collect_files_expands_folders_and_rejects_missing(tmp_path):
    files = collect_files([SEEDS])
    assert [f.name for f in files] == sorted(p.name for p in SEEDS.glob("*.txt"))
    with pytest.raises(LoadError, match="no such file"):
        collect_files([tmp_path / "nope"])


@pytest.mark.parametrize("seed", sorted(p.name for p in SEEDS.glob("*.txt")))
def test_chunks_have_exact_offsets_and_token_budget(seed):
    model = str(embedding_model_path("all-MiniLM-L6-v2"))
    article = prepare_article(SEEDS / seed)
    chunks = chunk_article(article, model)
    assert chunks
    tok = _tokenizer(model)
    for c in chunks:
        assert article.text[c.start : c.end] == c.text
        assert len(tok.encode(c.text, add_special_tokens=False)) <= CHUNK_TOKENS
        assert (c.source, c.title, c.date) == (article.source, article.title, article.date)
    # Together the chunks cover the whole article.
    covered = set()
    for c in chunks:
        covered.update(range(c.start, c.end))
    body = {i for i, ch in enumerate(article.text) if not ch.isspace()}
    assert body <= covered
    # Stable ids: chunking again gives the same ids.
    assert [c.chunk_id for c in chunk_article(article, model)] == [c.chunk_id for c in chunks]
    assert len({c.chunk_id for c in chunks}) == len(chunks)


def test_chunks_end_at_sentence_boundaries():
    model = str(embedding_model_path("all-MiniLM-L6-v2"))
    article = prepare_article(SEEDS / "004_cad8f68dd4bd6a6f.txt")
    chunks = chunk_article(article, model)
    assert len(chunks) > 2
    for c in chunks[:-1]:
        assert c.text.rstrip()[-1] in '.!?:"”', c.text[-60:]


def test_tokenizer_keeps_every_script_and_stems_only_english():
    from rag.text.tokens import tokenize, unreadable_reason

    assert tokenize("متى تم تحرير الحويجة") == ["متى", "تم", "تحرير", "الحويجة"]
    assert tokenize("Kurds announced the attacks on al-Qa’im") == ["kurd", "announc", "attack", "al", "qaim"]
    assert tokenize("Écoles détruites à Mossoul") == ["écoles", "détruites", "à", "mossoul"]
    assert unreadable_reason("متى تم تحرير الحويجة؟") == "script"
    assert unreadable_reason("What is it?") == "no_terms"
    assert unreadable_reason("When was Hawija taken?") is None
    assert unreadable_reason("¿Cuándo cayó Hawija?") is None  # a name the articles use is enough
