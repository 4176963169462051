"""How likely an extracted answer is right: the chat model's own probability of "yes" to "Does
the sentence state that this is the answer to the question?", read from its next-token logits.

One forward pass of a short prompt (about 40 new tokens once the shared prefix is cached):
about 0.5 s on two cores. Only llama.cpp exposes the logits in-process; other backends get
no score, and the lexical relevance check decides for them.
"""

from __future__ import annotations

import math

import numpy as np

from rag.models.prompts import load_prompt
from rag.text.sentences import split_sentences
from rag.types import EvidenceSentence


def _last_sentence(text: str) -> str:
    spans = split_sentences(text)
    return text[spans[-1][0] : spans[-1][1]] if spans else ""


class YesNoScorer:
    """``run(question, sentence, answer)`` -> P(yes) / (P(yes) + P(no)) that the sentence states
    the answer, judged with the sentence before it in its paragraph and its article's title."""

    def __init__(self, llama) -> None:  # a llama_cpp.Llama
        from llama_cpp.llama_chat_format import Jinja2ChatFormatter

        self.llama = llama
        template = llama.metadata.get("tokenizer.chat_template", "")
        eos = llama.detokenize([llama.token_eos()]).decode("utf-8", errors="ignore")
        self._format = Jinja2ChatFormatter(template=template, eos_token=eos, bos_token="")
        self._yes = [self._token(w) for w in ("yes", "Yes")]
        self._no = [self._token(w) for w in ("no", "No")]

    def _token(self, word: str) -> int:
        return self.llama.tokenize(word.encode(), add_bos=False, special=False)[0]

    def run(self, question: str, ev: EvidenceSentence, answer: str) -> float:
        messages = load_prompt("relevance").format_messages(
            title=ev.passage.title,
            context=_last_sentence(ev.context),
            sentence=ev.text,
            question=question,
            answer=answer,
        )
        roles = {"system": "system", "human": "user"}
        chat = [{"role": roles[m.type], "content": str(m.content)} for m in messages]
        prompt = self._format(messages=chat).prompt
        tokens = self.llama.tokenize(prompt.encode("utf-8"), add_bos=False, special=True)
        # Reuse the evaluated prefix (system prompt, title): only the rest is computed.
        done = list(self.llama.input_ids[: self.llama.n_tokens])
        keep = 0
        while keep < min(len(done), len(tokens) - 1) and done[keep] == tokens[keep]:
            keep += 1
        self.llama.n_tokens = keep
        self.llama.eval(tokens[keep:])
        # With logits_all off, llama.cpp keeps the logits of the last token only: what we need.
        logits = np.ctypeslib.as_array(self.llama._ctx.get_logits(), shape=(self.llama.n_vocab(),))
        yes = float(np.logaddexp.reduce(logits[self._yes]))
        no = float(np.logaddexp.reduce(logits[self._no]))
        return 1.0 / (1.0 + math.exp(no - yes))
