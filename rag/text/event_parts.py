"""The events an ordering question asks about, as the reader words them: "Did the militias
start their drive before or after Hawija fell?" -> ["the militias start their drive", "Hawija
fell"]; "Which did the Syrian side win back first, Deir ez-Zor or Abu Kamal?" -> each name with
the question's own verb ("the Syrian side win back Deir ez-Zor"), so an event is matched by what
happened, not only by the place it names."""

from __future__ import annotations

import re
from dataclasses import dataclass

_BEFORE_AFTER = re.compile(
    r"^\W*(?:did|was|were|had|has|have|is|are)\s+(?P<a>.+?)\s+"
    r"(?:(?:come|came|happen|happened|take place|occur|occurred|start|begin)\s+)?"
    r"(?:before or after|after or before|earlier or later|before|after|earlier than|later than|prior to)\s+"
    r"(?P<b>.+?)\W*$",
    re.I,
)
# "X or Y", "X, Y and Z", "X, Y, and then Z"
_LIST_SPLIT = re.compile(r"\s*(?:,\s*(?:and\s+then|and|or|then)?|;)\s*|\s+(?:and then|or|then)\s+", re.I)
# "when did they take it" -> "they take it": an item's own asking words.
_LEADING_ASK = re.compile(
    r"^(?:(?:and|then|when|where|how|what|did|does|do|was|were|is|are|has|have|had)\s+)+", re.I
)
_COMMA_SPLIT = re.compile(r"\s*(?:,\s*(?:and\s+then|and|or|then)?|;)\s*", re.I)
_AND = re.compile(r"\s+and\s+", re.I)
# Words of the head that ask, not describe: "Which did the Syrian side win back first" -> "the
# Syrian side win back"; "Can you put these in order" -> "".
_ASKING = re.compile(
    r"\b(which|what|when|who|in|order|ordered|chronological|date|time|first|earlier|sooner|later|last|"
    r"next|came|come|happened|happen|did|does|do|was|were|of|these|those|them|the following|put|can|"
    r"could|you|please|sequence|list|give|me|tell|rank|sort|arrange|one|ones|things|events|"
    r"comes?|went|go|taking place|occurred|timeline|walk|through)\b",
    re.I,
)


@dataclass(frozen=True)
class EventParts:
    frame: str  # what the question says of every part ("fall", "the Syrian side win back")
    parts: tuple[str, ...]  # one phrase per event asked about, as written
    paired: bool = False  # "Did A come before or after B?": the answer is "Before" or "After"

    def queries(self) -> list[str]:
        """Each part with the frame: what an event sentence should say."""
        return [f"{self.frame} {p}".strip() if self.frame else p for p in self.parts]


def _items(text: str) -> list[str]:
    # With commas, they part the items: "telling them to die or give up, …" keeps its "or".
    split = _COMMA_SPLIT if re.search(r",|;", text) else _LIST_SPLIT
    items = [i for i in split.split(text) if i and i.strip(" ,.?")]
    if len(items) == 1:  # "Mosul and Hawija": "and" joins two only when nothing else does
        items = [i for i in _AND.split(items[0]) if i.strip()]
    elif len(last := _AND.split(items[-1])) == 2 and len(last[0].split()) <= 3:
        items[-1:] = last  # "Deir ez-Zor, Raqqa and Hawija", not "the army and its allies took …"
    return [_LEADING_ASK.sub("", i.strip(" ,.?:;\"'“”")) for i in items]


def _frame(head: str) -> str:
    head = re.split(r"\b(?:which|what)\b", head, flags=re.I)[-1]  # "In the report on …, which came first"
    return re.sub(r"\s+", " ", _ASKING.sub(" ", head)).strip(" ,:;?")


def event_parts(question: str) -> EventParts | None:
    """The two or more events the question asks to order, or None when it names fewer."""
    q = question.strip()
    if m := _BEFORE_AFTER.match(q):
        return EventParts("", (m.group("a").strip(), m.group("b").strip()), paired=True)
    head, sep, tail = q.partition(":")
    if not sep:
        # "Which did IS lose first, Mosul or Hawija?": the list follows the last comma before "or".
        m = re.match(r"^(?P<head>[^,]+?),\s*(?P<tail>.+\bor\b.+)$", q, re.I)
        if not m:
            m = re.match(r"^(?P<head>.*?\b(?:first|earlier|sooner|later)\b)\s*(?P<tail>.+\bor\b.+)$", q, re.I)
        if not m:
            return None
        head, tail = m.group("head"), m.group("tail")
    items = _items(tail)
    if len(items) < 2:
        return None
    return EventParts(_frame(head), tuple(items))
