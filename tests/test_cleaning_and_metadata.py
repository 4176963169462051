"""Cleaning and metadata on the real seed articles."""

from __future__ import annotations

import re

import pytest

from rag.ingest.article import prepare_article
from rag.ingest.chunker import chunk_article
from rag.ingest.cleaner import clean_text
from rag.ingest.metadata import extract_metadata, parse_date
from rag.models.gguf import embedding_model_path
from rag.text.captions import is_caption, section_start
from tests.conftest import SEEDS

SEED_000 = SEEDS / "000_ca6adfa8eb41c077.txt"


def _paragraphs(text: str) -> list[str]:
    return [p.strip() for p in text.split("\n") if len(p.strip()) > 40]


def test_each_caption_is_kept_once_after_the_body_in_seed_000():
    raw = SEED_000.read_text(encoding="utf-8")
    assert raw.count("A picture taken on October 6, 2017 shows a tank belonging to the Furqat") >= 3
    article = prepare_article(SEED_000)
    paras = _paragraphs(article.text)
    assert len(paras) == len(set(paras)), "a paragraph repeats after cleaning"
    cut = section_start(article.text)
    assert cut is not None
    body, block = article.text[:cut], article.text[cut:]
    # The body has no caption and no photo date; each caption is kept once, labelled, credited.
    assert "Furqat al-Abbas" not in body and "October 6, 2017" not in body
    assert block.count("Furqat al-Abbas Brigade") == 1
    lines = block.splitlines()[1:]
    assert len(lines) == 7 and all(is_caption(ln) for ln in lines)
    assert all(ln.startswith("Photo caption (AHMAD AL-RUBAYE / AFP): ") for ln in lines)
    assert not re.search(r"Image \d+ of \d+", article.text)
    for widget in (
        "Advertisement",
        "Add a new comment",
        "Rate Article",
        "PRINT Send Mail",
        "Continue reading below",
        "View as list",
    ):
        assert widget not in article.text
    assert "AHMAD AL-RUBAYE" not in body
    # Article content is kept, in order.
    assert "announced Oct. 5 that Hawija" in body
    assert article.text.index("Hawija, the last urban") < article.text.index("In 2014, ISIS")
    assert article.removed["caption"] >= 21  # 7 captions, each repeated three times
    assert article.removed["comment_tail"] == 1
    # The publication date is not taken from a caption's photo date.
    assert article.date == "2017-10-10"


def test_a_caption_line_with_an_agency_credit_is_kept_as_a_caption():
    cleaned = clean_text("Body sentence one about the city.\n\nIraqi forces with a technical. BBC/AFP.\n")
    assert cleaned.captions == [("Iraqi forces with a technical.", "BBC/AFP")]
    assert "technical" not in cleaned.text


def test_caption_chunks_never_hold_body_text():
    article = prepare_article(SEED_000)
    cut = section_start(article.text)
    chunks = chunk_article(article, str(embedding_model_path("all-MiniLM-L6-v2")))
    captions = [c for c in chunks if c.start >= cut]
    assert captions and all(c.end <= cut or c.start >= cut for c in chunks)
    assert all(article.text[c.start : c.end] == c.text for c in chunks)
    assert sum(c.text.count("Furqat al-Abbas Brigade") for c in captions) >= 1


@pytest.mark.parametrize(
    ("name", "date", "author"),
    [
        ("000_ca6adfa8eb41c077.txt", "2017-10-10", "Ty Joplin"),
        ("001_5ad74914a809d552.txt", None, None),
        ("002_8eb8b0e975ad3374.txt", None, None),
        ("003_523b4ce3a384174f.txt", None, None),
        ("004_cad8f68dd4bd6a6f.txt", "2017-10-26", None),
    ],
)
def test_seed_metadata(name, date, author):
    article = prepare_article(SEEDS / name)
    assert article.date == date
    assert article.author == author
    assert article.title and len(article.title) <= 101
    assert len(article.content_hash) == 64


def test_seed_titles():
    assert prepare_article(SEED_000).title == "ISIS is About to be Ousted from Iraq"
    assert prepare_article(SEEDS / "001_5ad74914a809d552.txt").title == (
        "Islamic State Suffers Heavy Blows In Iraq"
    )  # "Skip to main content" was removed


def test_comment_tails_and_widgets_removed_elsewhere():
    for name, gone in [
        ("002_8eb8b0e975ad3374.txt", "Leave a Reply"),
        ("002_8eb8b0e975ad3374.txt", "Akismet"),
        ("003_523b4ce3a384174f.txt", "Print Friendly"),
        ("003_523b4ce3a384174f.txt", "Please Share"),
        ("004_cad8f68dd4bd6a6f.txt", "Post a Comment"),
        ("001_5ad74914a809d552.txt", "Popular Video"),
    ]:
        assert gone not in prepare_article(SEEDS / name).text, (name, gone)
    # The blogger's own commentary is content, not a comment widget.
    assert "My Comment:" in prepare_article(SEEDS / "004_cad8f68dd4bd6a6f.txt").text


@pytest.mark.parametrize(
    ("text", "iso"),
    [
        ("Published October 10th, 2017 - 12:54 GMT", "2017-10-10"),
        ("Thursday, October 26, 2017", "2017-10-26"),
        ("Oct. 5, 2017", "2017-10-05"),
        ("5 November 2016", "2016-11-05"),
        ("2017-07-10T08:00:00Z", "2017-07-10"),
        ("On Jan. 21, Islamic State was dealt several heavy blows", None),  # no year: no guess
        ("February 30, 2017", None),
    ],
)
def test_parse_date(text, iso):
    assert parse_date(text) == iso


def test_body_dates_are_not_publication_dates():
    text = (
        "A headline\n\nSome lede.\n\n"
        + "\n\n".join(["Filler paragraph."] * 12)
        + "\n\nOn October 3, 2017 forces advanced."
    )
    assert extract_metadata(text, "x").date is None


def test_clean_text_keeps_first_copy_of_repeated_paragraph():
    para = "This paragraph is long enough to count as a real paragraph of text."
    result = clean_text(f"Title\n\n{para}\n\n{para}\n\nAdvertisement\n\nEnd.")
    assert result.text.count(para) == 1
    assert result.removed == {"duplicate_paragraph": 1, "widget": 1}
