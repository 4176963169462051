"""The support judge used by the eval: is a claim entailed by some passages?

``SupportJudge(spec).run(claim, passages)`` answers with a Judgement. The backend is the local
chat model by default (``RAG_LLM``), or any model spec: ``llamacpp:qwen2.5-coder-0.5b``,
``ollama:qwen2.5:7b-instruct``. Its prompt is ``prompts/judge.*.md``.

Two guards sit around the model, both decided before the calibration set was labelled:
- a claim copied verbatim from a passage is supported without asking the model;
- in ``guarded`` mode a claim whose date, number or name is absent from the passages is
  unsupported whatever the model says (a small model says "yes" to right-event-wrong-date
  near misses). ``rag eval --calibrate`` reports the model alone, the guard alone and both.

Verdicts are cached on disk by (model, prompt, passages, claim), so a run can be re-judged
or re-reported without paying for the same model calls twice.
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import asdict, dataclass, field
from pathlib import Path

from rag.config import Settings, load_settings
from rag.evaluate.grounding import missing_facts
from rag.models.chat import get_chat_model, model_label
from rag.models.prompts import PROMPTS_DIR, load_prompt
from rag.text.normalise import squash

JUDGE_SCHEMA = {
    "type": "object",
    "properties": {"supported": {"type": "boolean"}},
    "required": ["supported"],
}
MODES = ("guarded", "model")


@dataclass
class Judgement:
    supported: bool
    by: str  # "verbatim" | "model" | "facts" (the guard overruled or settled it)
    model_says: bool | None = None  # the model's own verdict, when it was asked
    missing: list[str] = field(default_factory=list)  # facts absent from the passages

    def to_dict(self) -> dict:
        return asdict(self)


def is_verbatim(claim: str, passages: list[str]) -> bool:
    """The claim (minus punctuation and case) is a span of one passage: entailed by definition."""
    c = squash(claim)
    return len(c.split()) >= 4 and any(c in squash(p) for p in passages)


def format_passages(passages: list[str]) -> str:
    return "\n\n".join(f"[{i}] {p.strip()}" for i, p in enumerate(passages, start=1))


class SupportJudge:
    """Configuration in ``__init__``; ``run(claim, passages)`` judges one claim."""

    def __init__(
        self,
        spec: str | None = None,
        settings: Settings | None = None,
        mode: str = "guarded",
        cache_file: Path | None = None,
    ) -> None:
        if mode not in MODES:
            raise ValueError(f"judge mode must be one of {MODES}")
        self.settings = settings or load_settings()
        self.spec = spec or self.settings.llm
        self.mode = mode
        self.cache_file = cache_file or self.settings.data_dir / "judge_cache.jsonl"
        self._cache: dict[str, bool] | None = None
        self._chat = None
        self.calls = 0  # model calls actually made (cache misses)

    @property
    def label(self) -> str:
        return f"{model_label(self.settings, self.spec)} ({self.mode})"

    def _prompt_version(self) -> str:
        text = "".join((PROMPTS_DIR / f"judge.{part}.md").read_text() for part in ("system", "user"))
        return hashlib.sha1(text.encode()).hexdigest()[:10]

    def _load_cache(self) -> dict[str, bool]:
        if self._cache is None:
            self._cache = {}
            if self.cache_file.is_file():
                for line in self.cache_file.read_text(encoding="utf-8").splitlines():
                    try:
                        row = json.loads(line)
                        self._cache[row["key"]] = bool(row["supported"])
                    except (ValueError, KeyError):
                        continue  # a line cut short by an interrupted run
        return self._cache

    def _key(self, claim: str, passages: list[str]) -> str:
        blob = json.dumps([self.spec, self._prompt_version(), passages, claim], ensure_ascii=False)
        return hashlib.sha256(blob.encode()).hexdigest()

    def ask_model(self, claim: str, passages: list[str]) -> bool:
        """The model's verdict alone (cached)."""
        cache = self._load_cache()
        key = self._key(claim, passages)
        if key not in cache:
            if self._chat is None:
                self._chat = get_chat_model(self.settings, json_schema=JUDGE_SCHEMA, spec=self.spec)
            # Passages before the claim: consecutive claims on the same passages reuse
            # llama.cpp's cached prompt prefix and cost only the claim's tokens.
            messages = load_prompt("judge").format_messages(passages=format_passages(passages), claim=claim)
            raw = str(self._chat.invoke(messages).content)
            self.calls += 1
            cache[key] = _parse_verdict(raw)
            self.cache_file.parent.mkdir(parents=True, exist_ok=True)
            with self.cache_file.open("a", encoding="utf-8") as f:
                f.write(json.dumps({"key": key, "supported": cache[key]}) + "\n")
        return cache[key]

    def run(self, claim: str, passages: list[str]) -> Judgement:
        if not passages:
            return Judgement(False, "facts", missing=["no passage cited"])
        if is_verbatim(claim, passages):
            return Judgement(True, "verbatim")
        missing = missing_facts(claim, "\n".join(passages))
        if self.mode == "guarded" and missing:
            return Judgement(False, "facts", missing=missing)
        says = self.ask_model(claim, passages)
        return Judgement(says, "model", model_says=says, missing=missing)


def _parse_verdict(raw: str) -> bool:
    """JSON from a constrained backend; a yes/no word from one that ignores the format."""
    try:
        data = json.loads(raw)
        if isinstance(data, dict) and isinstance(data.get("supported"), bool):
            return data["supported"]
    except ValueError:
        pass
    return bool(re.search(r"\b(true|yes|supported)\b", raw.lower())) and not re.search(
        r"\b(false|no|not supported|unsupported)\b", raw.lower()
    )
