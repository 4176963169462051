"""The README is a front page (short, its links and images resolve) and docs/ keeps every
figure the README used to carry."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from rag.config import PROJECT_ROOT

README = PROJECT_ROOT / "README.md"
DOCS = sorted((PROJECT_ROOT / "docs").glob("*.md"))
PAGES = [README, PROJECT_ROOT / "CONTRIBUTING.md", PROJECT_ROOT / "CHANGELOG.md", *DOCS]
# The figures of the last README that held the whole measured history (1a476d5).
OLD_FIGURES = PROJECT_ROOT / "tests" / "data" / "readme_figures.txt"
LINK = re.compile(r"!?\[[^\]]*\]\(([^)\s]+)\)")
# A figure: a number with a decimal point or a thousands separator, a fraction, a percentage,
# a time or a size, as written.
FIGURE = re.compile(r"\d[\d,]*\.\d+|\d+ / \d+|\d+/\d+|\d+(?:\.\d+)?(?: ?%| s\b| ms\b| MiB\b| MB\b| GB\b)")


def _links(page: Path) -> list[str]:
    text = re.sub(r"```.*?```", "", page.read_text(encoding="utf-8"), flags=re.S)
    return [t for t in LINK.findall(text) if not re.match(r"[a-z]+:", t) and not t.startswith("#")]


def test_the_readme_fits_on_a_screen_or_two():
    assert len(README.read_text(encoding="utf-8").splitlines()) <= 200


def test_the_readme_shows_the_chat_and_the_timeline_from_docs():
    images = [t for t in LINK.findall(README.read_text(encoding="utf-8")) if t.endswith(".png")]
    assert {"docs/screenshot.png", "docs/timeline.png"} <= set(images)


def _anchors(page: Path) -> set[str]:
    """The heading anchors GitHub makes: lower case, punctuation dropped, spaces to hyphens."""
    headings = re.findall(r"^#+ (.+)$", page.read_text(encoding="utf-8"), flags=re.M)
    return {re.sub(r"[^\w\- ]", "", h.lower()).replace(" ", "-") for h in headings}


def _broken(page: Path) -> list[str]:
    own = [f"{page.name}{t}" for t in LINK.findall(page.read_text(encoding="utf-8")) if t[0] == "#"]
    out = []
    for target in _links(page) + own:
        path, _, anchor = target.partition("#")
        dest = page.parent / path
        if not dest.exists() or (anchor and dest.suffix == ".md" and anchor not in _anchors(dest)):
            out.append(target)
    return out


@pytest.mark.parametrize("page", PAGES, ids=lambda p: str(p.relative_to(PROJECT_ROOT)))
def test_every_relative_link_and_image_resolves(page):
    assert not _broken(page), f"{page.name}: {_broken(page)}"


def test_the_link_check_sees_a_broken_link_or_anchor(tmp_path):
    page = tmp_path / "page.md"
    page.write_text(
        "# Top part\n[ok](page.md#top-part) ![gone](docs/gone.png) [web](https://x.org) "
        "[here](#top-part) [nowhere](#bottom) [bad](page.md#nope)\n"
    )
    assert _links(page) == ["page.md#top-part", "docs/gone.png", "page.md#nope"]
    assert _broken(page) == ["docs/gone.png", "page.md#nope", "page.md#bottom"]


def test_no_figure_was_lost_when_the_readme_moved_to_docs():
    """Every figure the long README held is still in the README or in docs/results.md."""
    readme = re.sub(r"\s+", " ", README.read_text(encoding="utf-8"))
    results = re.sub(r"\s+", " ", (PROJECT_ROOT / "docs" / "results.md").read_text(encoding="utf-8"))
    lines = OLD_FIGURES.read_text(encoding="utf-8").splitlines()
    figures = [f for f in lines if f and not f.startswith("#")]
    assert len(figures) == 310 and all(FIGURE.fullmatch(f) for f in figures)
    lost = [f for f in figures if f not in readme and f not in results]
    assert not lost, lost


def test_the_headline_table_is_measured_history():
    """Every figure of the README's results table is in docs/results.md, where its run is told."""
    text = README.read_text(encoding="utf-8")
    table = text[text.index("## Results") :].split("\n\n")[2]
    results = re.sub(r"\s+", " ", (PROJECT_ROOT / "docs" / "results.md").read_text(encoding="utf-8"))
    cells = [c.strip("* ") for row in table.splitlines()[2:] for c in row.split("|")[2:-1]]
    assert len(cells) >= 24
    commits = re.findall(r"\b[0-9a-f]{7}\b", table)
    assert len(commits) >= 4 and all(c in results for c in commits)
    missing = [c for c in cells if c not in results]
    assert not missing, missing
