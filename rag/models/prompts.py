"""Prompt templates, kept as files in prompts/ so they can be read and changed without code."""

from __future__ import annotations

from functools import lru_cache

from langchain_core.prompts import ChatPromptTemplate

from rag.config import PROJECT_ROOT

PROMPTS_DIR = PROJECT_ROOT / "prompts"


@lru_cache(maxsize=16)
def load_prompt(name: str) -> ChatPromptTemplate:
    """prompts/<name>.system.md + prompts/<name>.user.md as a jinja2 chat template."""
    system = (PROMPTS_DIR / f"{name}.system.md").read_text(encoding="utf-8").strip()
    user = (PROMPTS_DIR / f"{name}.user.md").read_text(encoding="utf-8").strip()
    # jinja2, not f-strings: the JSON example in the answer prompt is full of braces.
    return ChatPromptTemplate.from_messages([("system", system), ("human", user)], template_format="jinja2")
