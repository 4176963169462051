"""Benchmark: where a question's time goes, on this machine, in one run.

    python -m bench.latency [--questions N]

Prints llama.cpp prompt and generation speed, retrieval and evidence-selection latency, the
end-to-end latency of `ask`, peak memory, and the prompt size of our evidence-first prompt
against the plain "top-4 chunks of 1,000 characters" prompt (as a ratio, since machines are
noisy: both are measured in the same run).
"""

from __future__ import annotations

import argparse
import resource
import statistics
import time

from rag.answer.answerer import Answerer
from rag.answer.evidence import EvidenceSelector
from rag.answer.retriever import HybridRetriever
from rag.config import load_settings
from rag.evaluate.items import DEFAULT_SET, load_items
from rag.factory import ask
from rag.ingest.documents import ensure_index
from rag.models.chat import get_chat_model
from rag.models.embeddings import get_embeddings


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--questions", type=int, default=5)
    args = parser.parse_args()
    settings = load_settings()
    ensure_index(settings)
    items = [i for i in load_items(DEFAULT_SET) if not i.history][: args.questions]

    t = time.perf_counter()
    chat = get_chat_model(settings)
    load_s = time.perf_counter() - t
    llama = chat.client
    text = " ".join(f"Sentence {i} mentions the town number {i}." for i in range(60))
    tokens = llama.tokenize(text.encode())
    llama.reset()
    t = time.perf_counter()
    llama.eval(tokens)
    prompt_tps = len(tokens) / (time.perf_counter() - t)
    t = time.perf_counter()
    out = llama.create_completion("Count from one to forty in words:", max_tokens=64, temperature=0)
    gen_tps = out["usage"]["completion_tokens"] / (time.perf_counter() - t)

    retriever = HybridRetriever(settings)
    selector = EvidenceSelector(get_embeddings(settings))
    ret_ms, ev_ms, ours_tok, plain_tok = [], [], [], []
    for item in items:
        t = time.perf_counter()
        passages = retriever.run(item.question, k=settings.top_k)
        ret_ms.append(1000 * (time.perf_counter() - t))
        t = time.perf_counter()
        evidence = selector.run(item.question, passages)
        ev_ms.append(1000 * (time.perf_counter() - t))
        msgs = Answerer(None).messages(item.question, evidence)
        ours_tok.append(len(llama.tokenize("".join(m.content for m in msgs).encode())))
        plain = "\n\n".join(p.text for p in retriever.run(item.question, k=4))
        plain_tok.append(len(llama.tokenize(plain.encode())) + 60)

    latencies = []
    for item in items:
        t = time.perf_counter()
        ask(item.question, settings=settings)
        latencies.append(time.perf_counter() - t)

    rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"model load                 {load_s:8.1f} s")
    print(f"llama.cpp prompt speed     {prompt_tps:8.0f} tokens/s")
    print(f"llama.cpp generation speed {gen_tps:8.1f} tokens/s")
    print(f"retrieval (hybrid)         {statistics.median(ret_ms):8.1f} ms median")
    print(f"evidence selection         {statistics.median(ev_ms):8.1f} ms median")
    print(f"prompt tokens, ours        {statistics.median(ours_tok):8.0f} median")
    print(
        f"prompt tokens, plain top-4 {statistics.median(plain_tok):8.0f} median "
        f"(ratio ours/plain {statistics.median(ours_tok) / statistics.median(plain_tok):.2f})"
    )
    print(f"ask() end to end           {statistics.median(latencies):8.1f} s median over {len(items)}")
    print(f"peak resident memory       {rss_mb:8.0f} MiB")


if __name__ == "__main__":
    main()
