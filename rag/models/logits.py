"""The chat model's next-token logits after a prompt, read in-process from llama.cpp.

One forward pass, no generation: the scorers and the multiple-choice reader ask a question
whose answer is one token ("yes", "B") and read how likely each answer is. The evaluated
prefix of the previous prompt is kept (the system prompt, the shared instructions), so only
the new tokens are computed.
"""

from __future__ import annotations

import numpy as np
from langchain_core.messages import BaseMessage

_ROLES = {"system": "system", "human": "user", "ai": "assistant"}


class NextTokenLogits:
    """``run(messages)`` -> the logits of the assistant's first token; ``token(word)`` -> its id."""

    def __init__(self, llama) -> None:  # a llama_cpp.Llama
        from llama_cpp.llama_chat_format import Jinja2ChatFormatter

        self.llama = llama
        template = llama.metadata.get("tokenizer.chat_template", "")
        eos = llama.detokenize([llama.token_eos()]).decode("utf-8", errors="ignore")
        self._format = Jinja2ChatFormatter(template=template, eos_token=eos, bos_token="")

    def token(self, word: str) -> int:
        return self.llama.tokenize(word.encode(), add_bos=False, special=False)[0]

    def prompt_tokens(self, messages: list[BaseMessage]) -> list[int]:
        chat = [{"role": _ROLES[m.type], "content": str(m.content)} for m in messages]
        prompt = self._format(messages=chat).prompt
        return self.llama.tokenize(prompt.encode("utf-8"), add_bos=False, special=True)

    def run(self, messages: list[BaseMessage]) -> np.ndarray:
        tokens = self.prompt_tokens(messages)
        done = list(self.llama.input_ids[: self.llama.n_tokens])
        keep = 0
        while keep < min(len(done), len(tokens) - 1) and done[keep] == tokens[keep]:
            keep += 1
        self.llama.n_tokens = keep
        self.llama.eval(tokens[keep:])
        # With logits_all off, llama.cpp keeps the logits of the last token only: what we need.
        return np.ctypeslib.as_array(self.llama._ctx.get_logits(), shape=(self.llama.n_vocab(),)).copy()
