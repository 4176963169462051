"""Strip news-page furniture from article text and count what was removed.

Removed kinds: photo-gallery captions (seed 000 repeats each caption three times; one copy of
each, with its credit, is returned in ``captions`` for the index to keep as a caption), gallery
markers ("Image 1 of 7", "Reduce", "Enlarge", bare numbers), photo credits, site widgets
("Advertisement", "Print Friendly", share/rate/comment buttons) and comment-section tails
("Leave a Reply", "Add a new comment"). The counts are returned so a test or a reader can
check that cleaning did what it claims.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field

# Whole-line widgets and buttons.
_WIDGET_LINES = re.compile(
    r"""^(
        advertisement | print\s+friendly.* | print\s+send\s+mail | rate\s+article:? |
        comment\s*\(\d+\) | skip\s+to\s+(main\s+)?content | view\s+as\s+list |
        reduce | enlarge | please\s+share:? | share(\s+this)?:? | popular\s+video |
        fact\s+checked | tweet | email | read\s+more | related(\s+articles)?:?
    )$""",
    re.IGNORECASE | re.VERBOSE,
)
# Everything from these lines on is the comment section.
_TAIL_START = re.compile(
    r"^(leave\s+a\s+reply|add\s+a\s+new\s+comment|no\s+comments:?|post\s+a\s+comment|"
    r"\d+\s+comments?:?|comments?)$",
    re.IGNORECASE,
)
# "Image 1 of 7:  1 / 7Members of ..." and "Image 1 of 7Members of ...".
_GALLERY_MARKER = re.compile(r"^image\s+\d+\s+of\s+\d+:?\s*(\d+\s*/\s*\d+)?", re.IGNORECASE)
_TRAILING_CREDIT = re.compile(r"\s+[A-Z][A-Z'’.-]*(?:\s+[A-Z][A-Z'’.-]*)*\s*/\s*[A-Z][A-Za-z]+$")
_BARE_NUMBER = re.compile(r"^\d{1,3}$")
# "AHMAD AL-RUBAYE / AFP", "Reuters", "BBC/AFP." — a photographer or agency credit line.
_CREDIT_LINE = re.compile(
    r"^([A-Z][A-Z .'-]+\s*/\s*)?(AFP|AP|REUTERS|Reuters|Getty Images|EPA|BBC/AFP|BBC)\.?$"
)
# A short caption line ending in an agency credit: "Iraqi forces with a technical. BBC/AFP."
_CAPTION_WITH_CREDIT = re.compile(r"^(.{3,160}\.)\s+(AFP|AP|Reuters|BBC/AFP|Getty Images)\.?$")
_INLINE_WIDGETS = re.compile(r"\s*(Continue reading below\s*»?|Read more\s*»)\s*", re.IGNORECASE)


@dataclass
class CleanResult:
    text: str
    removed: dict[str, int] = field(default_factory=dict)
    captions: list[tuple[str, str]] = field(default_factory=list)  # (caption, credit), each once


def _norm(line: str) -> str:
    return re.sub(r"\s+", " ", line).strip().lower()


def clean_text(text: str) -> CleanResult:
    """Return the article body without page furniture, and counts of each removed kind."""
    removed: Counter[str] = Counter()
    lines = [ln.replace("\u00a0", " ").rstrip() for ln in text.replace("\r\n", "\n").split("\n")]

    # Caption texts are whatever follows an "Image N of M" marker; every other line that
    # repeats one (with or without the trailing credit) is the same caption again.
    captions: set[str] = set()
    kept_captions: dict[str, tuple[str, str]] = {}
    for ln in lines:
        m = _GALLERY_MARKER.match(ln.strip())
        if m:
            full = ln.strip()[m.end() :].strip()
            credit = _TRAILING_CREDIT.search(full)
            text = _TRAILING_CREDIT.sub("", full).strip()
            caption = _norm(text)
            if caption:
                captions.add(caption)
                kept_captions.setdefault(caption, (text, credit.group(0).strip() if credit else ""))

    kept: list[str] = []
    seen: set[str] = set()
    for ln in lines:
        s = ln.strip()
        n = _norm(s)
        if not s:
            kept.append("")
            continue
        if _TAIL_START.match(s):
            removed["comment_tail"] += 1
            break
        if _GALLERY_MARKER.match(s) or n in captions:
            removed["caption"] += 1
        elif _BARE_NUMBER.match(s) or _WIDGET_LINES.match(s):
            removed["widget"] += 1
        elif _CREDIT_LINE.match(s):
            removed["photo_credit"] += 1
        elif m := _CAPTION_WITH_CREDIT.match(s):
            removed["caption"] += 1
            kept_captions.setdefault(_norm(m.group(1)), (m.group(1), m.group(2)))
        elif len(n) > 40 and n in seen:
            # A repeated paragraph outside a gallery: keep its first occurrence only.
            removed["duplicate_paragraph"] += 1
        else:
            new = _INLINE_WIDGETS.sub(" ", s).strip()
            if new != s:
                removed["inline_widget"] += 1
            seen.add(n)
            kept.append(new)

    body = "\n".join(kept)
    body = re.sub(r"[ \t]+\n", "\n", body)
    body = re.sub(r"\n{3,}", "\n\n", body).strip() + "\n"
    return CleanResult(body, {k: v for k, v in removed.items() if v}, list(kept_captions.values()))
