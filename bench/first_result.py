"""Benchmark: how long a new process waits for its first result, and where the time goes.

    python -m bench.first_result [--data-dir DIR] [--runs 3]

Each figure is measured in a fresh process, as a script (``from rag import search``) or a
shell command (``rag search``) meets it:

- ``from rag import search`` then one hybrid search, broken down: interpreter start and exit,
  imports, the embedding model (its libraries, its load, the first query vector), opening the
  index (catalog, BM25, Chroma's vector segment), the first search itself, and a second search
  for comparison;
- the commands ``rag search`` (hybrid and ``--mode bm25``), ``rag documents`` and
  ``rag search ""`` (an error), end to end, with the heavy libraries each one imported.

Point ``--data-dir`` at a large index (``python -m bench.index_scale --chunks 100000 --keep
DIR`` builds one; its 384-d vectors take MiniLM's queries) to see the index's share. Medians of
``--runs`` runs; the machine is noisy, so compare figures from one run of this command.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

from rag.config import PROJECT_ROOT

HEAVY = (
    "torch",
    "transformers",
    "sentence_transformers",
    "chromadb",
    "langchain_core",
    "llama_cpp",
    "gradio",
)
QUERY = "When was Hawija taken from ISIS?"


def _worker() -> None:
    """Runs in the fresh process: the phases of ``search()``, each timed, as JSON."""
    t0 = time.perf_counter()
    phases: dict[str, float] = {}

    def lap(name: str) -> None:
        nonlocal t0
        now = time.perf_counter()
        phases[name] = round(1000 * (now - t0), 1)
        t0 = now

    from rag.answer.retriever import HybridRetriever
    from rag.config import load_settings
    from rag.index.store import current_store, open_catalog, open_lexical
    from rag.models.embeddings import get_embeddings

    settings = load_settings()
    lap("imports (rag)")
    import chromadb  # noqa: F401  (what the first dense search imports anyway)
    import langchain_chroma  # noqa: F401

    lap("imports (chromadb, langchain-chroma)")
    embeddings = get_embeddings(settings)
    lap("embedding model: imports (torch, transformers) + load")
    vector = embeddings.embed_query(QUERY)
    lap("embedding model: first query vector")
    open_catalog(settings)
    open_lexical(settings).search("Hawija", 1)
    lap("index open: catalog + BM25")
    current_store(settings, embeddings)._collection.query(query_embeddings=[vector], n_results=1)
    lap("index open: Chroma vector segment")
    retriever = HybridRetriever(settings, embeddings=embeddings)
    retriever.run(QUERY, k=6)
    lap("first search")
    retriever.run("How many civilians were driven from their homes?", k=6)
    lap("second search")
    print(json.dumps(phases))


def _timed(cmd: list[str], env: dict[str, str]) -> tuple[float, subprocess.CompletedProcess]:
    t = time.perf_counter()
    proc = subprocess.run(cmd, capture_output=True, text=True, env=env, cwd=PROJECT_ROOT)
    return 1000 * (time.perf_counter() - t), proc


def _imported(args: list[str], env: dict[str, str]) -> list[str]:
    """The heavy libraries ``rag ARGS`` imports (run in-process in a fresh interpreter)."""
    code = (
        "import contextlib, io, sys; from rag.cli import main\n"
        "with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):\n"
        f"    main({args!r})\n"
        f"print(','.join(m for m in {HEAVY!r} if m in sys.modules))"
    )
    proc = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=env, cwd=PROJECT_ROOT
    )
    return proc.stdout.strip().split(",") if proc.stdout.strip() else []


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data-dir", help="the index to search (default: RAG_DATA_DIR or .rag/)")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        _worker()
        return
    env = dict(os.environ)
    if args.data_dir:
        env["RAG_DATA_DIR"] = str(Path(args.data_dir).resolve())
    rag = str(Path(sys.executable).with_name("rag"))

    runs = []
    for _ in range(args.runs):
        wall, proc = _timed([sys.executable, "-m", "bench.first_result", "--worker"], env)
        if proc.returncode:
            sys.exit(f"error: the worker failed: {proc.stderr.strip().splitlines()[-1:]}")
        phases = json.loads(proc.stdout.strip().splitlines()[-1])
        phases = {"interpreter start + exit": round(wall - sum(phases.values()), 1), **phases}
        runs.append({**phases, "total (new process)": round(wall, 1)})
    print(f"`from rag import search`, then one search, in a new process (median of {args.runs}, ms):\n")
    print("| phase | ms |\n|---|---|")
    for name in runs[0]:
        print(f"| {name} | {statistics.median(r[name] for r in runs):.0f} |")

    commands = {
        "rag search QUERY": ["search", QUERY, "-k", "6"],
        "rag search QUERY --mode bm25": ["search", QUERY, "-k", "6", "--mode", "bm25"],
        "rag documents": ["documents"],
        'rag search ""': ["search", ""],
    }
    print(f"\nCommands from the shell (median of {args.runs}, ms; heavy libraries imported):\n")
    print("| command | ms | exit | imports |\n|---|---|---|---|")
    for label, cmd in commands.items():
        timed = [_timed([rag, *cmd], env) for _ in range(args.runs)]
        ms = statistics.median(t for t, _ in timed)
        heavy = ", ".join(_imported(cmd, env)) or "none of them"
        print(f"| `{label}` | {ms:.0f} | {timed[0][1].returncode} | {heavy} |")


if __name__ == "__main__":
    main()
