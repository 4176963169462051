"""Photo captions as the index keeps them: one copy of each, after the article's body, under a
heading, each line saying it is a caption and whose photo it is. A caption is a fact about a
photo (who is pictured, where, the day it was taken), never the date of the article's events.
"""

from __future__ import annotations

import re

from rag.text.tokens import mentions

HEADING = "Photo captions:"
PREFIX = "Photo caption"


def caption_line(text: str, credit: str = "") -> str:
    """'Photo caption (AHMAD AL-RUBAYE / AFP): Members of the Iraqi forces …'"""
    text = text.strip()
    if text and text[-1] not in ".!?":
        text += "."
    return f"{PREFIX} ({credit}): {text}" if credit else f"{PREFIX}: {text}"


def section(captions: list[tuple[str, str]]) -> str:
    """The captions block appended to an article's cleaned text ('' when there are none)."""
    if not captions:
        return ""
    return HEADING + "\n" + "\n".join(caption_line(t, c) for t, c in captions) + "\n"


def section_start(text: str) -> int | None:
    """Where the captions block begins in a cleaned article's text, or None."""
    m = re.search(rf"(?m)^{re.escape(HEADING)}$", text)
    return m.start() if m else None


def is_caption(paragraph: str) -> bool:
    """Whether a paragraph (or the sentence that starts it) is a kept photo caption."""
    return paragraph.lstrip().startswith(PREFIX)


def asks_about_photos(question: str) -> bool:
    """'On what day were the photos taken?': a caption's date answers this, and only this."""
    return mentions(question, "photo_words")
