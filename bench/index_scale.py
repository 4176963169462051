"""Benchmark: the index at 10k, 100k (and more) chunks, built through the project's own ingest.

    python -m bench.index_scale [--chunks 10000 100000] [--encoder tiny|minilm] [--keep DIR]

Writes a synthetic corpus (news-like sentences from the seed articles with their names and
numbers varied, so no two paragraphs repeat), ingests it in steps up to each size, and after
each step measures, in a fresh process as a user would meet it:

- ingest chunks/s (and, with ``--encoder minilm``, sentence-transformers encoding the same
  texts alone, as a ratio: the overhead of everything that isn't the model);
- index size on disk (Chroma and the catalog);
- the first search in a new process, warm search p50/p95 over the eval questions (hybrid:
  dense + BM25), and the document listing the Documents tab shows;
- peak memory of the ingest and of the searching process.

``--encoder tiny`` stands in a hashing encoder (``bench/encoders.py``) so 100k chunks build in
minutes; the query embedding then costs nothing, so add MiniLM's per-query time (printed with
``--encoder minilm``, about 10 ms) for the real figure.
"""

from __future__ import annotations

import argparse
import json
import random
import re
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import replace
from pathlib import Path

from rag.config import PROJECT_ROOT, load_settings, set_offline_env

set_offline_env()

CHARS_PER_CHUNK = 560  # measured on this corpus; only used to size the files written
FILE_CHUNKS = 20  # a synthetic article is about 20 chunks (a long news article)
MONTH_NAMES = [
    "Jan.",
    "Feb.",
    "March",
    "April",
    "May",
    "June",
    "July",
    "Aug.",
    "Sept.",
    "Oct.",
    "Nov.",
    "Dec.",
]
TOWNS = ["Anah", "Rawa", "Qaim", "Hawija", "Tikrit", "Baiji", "Haditha", "Fallujah", "Ramadi", "Sinjar"]


def seed_sentences() -> list[str]:
    text = " ".join(p.read_text(encoding="utf-8") for p in sorted((PROJECT_ROOT / "seeds").iterdir()))
    sentences = re.split(r"(?<=[.!?])\s+(?=[A-Z])", re.sub(r"\s+", " ", text))
    return [s for s in sentences if 40 <= len(s) <= 400]


def write_corpus(folder: Path, first_file: int, chunks: int, rng: random.Random) -> int:
    """Write files numbered from ``first_file`` holding about ``chunks`` chunks; returns the
    next file number."""
    sentences = seed_sentences()
    n = first_file
    for _ in range(max(1, chunks // FILE_CHUNKS)):
        paragraphs = []
        for p in range(FILE_CHUNKS * CHARS_PER_CHUNK // 540):  # a paragraph is ~540 characters
            body = " ".join(
                re.sub(r"\d+", lambda _: str(rng.randint(1, 9999)), rng.choice(sentences)) for _ in range(3)
            )
            # A dated lede per paragraph, so the timeline holds events at the index's size.
            when = f"{rng.choice(MONTH_NAMES)} {rng.randint(1, 28)}, {rng.randint(2014, 2017)}"
            paragraphs.append(f"In {rng.choice(TOWNS)}-{n % 97}, report {n}.{p}, on {when}: {body}")
        sub = folder / f"{n // 1000:03d}"
        sub.mkdir(parents=True, exist_ok=True)
        (sub / f"article_{n:06d}.txt").write_text(
            f"Dispatch {n}\n\n" + "\n\n".join(paragraphs), encoding="utf-8"
        )
        n += 1
    return n


def peak_rss_mb() -> float:
    """This process's peak resident memory. VmHWM, not ru_maxrss: a child started by exec
    inherits its parent's ru_maxrss, so the searching process would report the ingest's."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def disk_mb(path: Path) -> float:
    return sum(f.stat().st_size for f in path.rglob("*") if f.is_file()) / 1e6


def measure_queries(data_dir: str, encoder: str, queries: int) -> dict:
    """Run in a fresh process: the first search, warm searches, and the document listing."""
    from rag.answer.retriever import HybridRetriever
    from rag.evaluate.items import DEFAULT_SET, load_items
    from rag.ingest.documents import list_documents

    settings = replace(load_settings(), data_dir=Path(data_dir))
    embeddings = None
    if encoder == "tiny":
        from bench.encoders import HashingEmbeddings

        embeddings = HashingEmbeddings()
    else:
        from rag.models.embeddings import get_embeddings

        embeddings = get_embeddings(settings)
        embeddings.embed_query("warm the model up")  # model load is not the index's cost
    questions = [i.question for i in load_items(DEFAULT_SET)][:queries]
    retriever = HybridRetriever(settings, embeddings=embeddings)
    # Imports are the same at any index size (and paid at the app's start): timed apart.
    t = time.perf_counter()
    import chromadb  # noqa: F401
    import langchain_chroma  # noqa: F401

    import_ms = 1000 * (time.perf_counter() - t)
    t = time.perf_counter()
    retriever.run(questions[0], k=6)
    first_ms = 1000 * (time.perf_counter() - t)
    times = []
    for q in questions[1:]:
        t = time.perf_counter()
        retriever.run(q, k=6)
        times.append(1000 * (time.perf_counter() - t))
    times.sort()
    t = time.perf_counter()
    docs = list_documents(settings)
    rows = [[d["label"], d["title"], d["date"] or "not stated", d["chunks"]] for d in docs]
    listing_ms = 1000 * (time.perf_counter() - t)
    timeline_ms, events_found = measure_timeline(settings)
    embed_ms = None
    if encoder == "minilm":
        t = time.perf_counter()
        for q in questions[1:]:
            embeddings.embed_query(q)
        embed_ms = 1000 * (time.perf_counter() - t) / max(1, len(questions) - 1)
    return {
        "first_search_ms": round(first_ms, 1),
        "import_ms": round(import_ms, 1),
        "search_p50_ms": round(statistics.median(times), 1),
        "search_p95_ms": round(times[int(0.95 * (len(times) - 1))], 1),
        "documents": len(rows),
        "listing_ms": round(listing_ms, 1),
        "query_embedding_ms": round(embed_ms, 1) if embed_ms else None,
        "search_rss_mb": round(peak_rss_mb()),
        "timeline_p50_ms": round(statistics.median(timeline_ms), 1),
        "timeline_max_ms": round(max(timeline_ms), 1),
        "timeline_queries": len(timeline_ms),
        "events": events_found,
    }


def measure_timeline(settings) -> tuple[list[float], int]:
    """Timeline reads as the tab and the reader make them: about a town, a month, both, and the
    first page of the whole timeline."""
    from rag.index.store import open_catalog
    from rag.ingest.documents import timeline

    queries = [{"about": t} for t in TOWNS] + [
        {"since": f"{y}-{m:02d}-01", "until": f"{y}-{m:02d}-28"} for y in (2014, 2016) for m in (3, 10)
    ]
    queries += [{"about": t, "since": "2017-01-01", "until": "2017-06-30"} for t in TOWNS[:4]] + [{}]
    times = []
    for q in queries:
        t = time.perf_counter()
        timeline(settings=settings, limit=200, **q)
        times.append(1000 * (time.perf_counter() - t))
    db = open_catalog(settings)._db
    return times, db.execute("SELECT count(*) FROM events").fetchone()[0]


def encoder_alone(data_dir: Path, sample: int) -> float:
    """sentence-transformers encoding stored chunk texts alone: chunks/s."""
    from sentence_transformers import SentenceTransformer

    from rag.index.store import open_catalog
    from rag.models.gguf import embedding_model_path

    settings = replace(load_settings(), data_dir=data_dir)
    catalog = open_catalog(settings)
    texts = [r[0] for r in catalog._rows("SELECT text FROM chunks LIMIT ?", (sample,))]
    model = SentenceTransformer(str(embedding_model_path(settings.embedding_model)), device="cpu")
    model.encode(texts[:32], batch_size=32)
    t = time.perf_counter()
    model.encode(texts, batch_size=32, normalize_embeddings=True)
    return len(texts) / (time.perf_counter() - t)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--chunks", type=int, nargs="+", default=[10_000, 100_000])
    parser.add_argument("--encoder", choices=["tiny", "minilm"], default="tiny")
    parser.add_argument("--queries", type=int, default=60)
    parser.add_argument("--keep", help="build in this folder and keep it (default: a temp folder)")
    parser.add_argument("--measure", help=argparse.SUPPRESS)  # internal: the fresh process
    args = parser.parse_args()
    if args.measure:
        print(json.dumps(measure_queries(args.measure, args.encoder, args.queries)))
        return

    from rag.ingest.documents import ingest_paths

    root = Path(args.keep) if args.keep else Path(tempfile.mkdtemp(prefix="rag-bench-"))
    corpus, data = root / "corpus", root / "data"
    base = load_settings()
    settings = replace(base, data_dir=data, max_chunks_per_doc=10_000)
    data.mkdir(parents=True, exist_ok=True)
    if not (data / "models").exists() and base.models_dir.exists():
        (data / "models").symlink_to(base.models_dir)
    embeddings = None
    if args.encoder == "tiny":
        from bench.encoders import HashingEmbeddings

        embeddings = HashingEmbeddings()
    rng = random.Random(7)
    next_file, have = 0, 0
    print(f"index in {root} (encoder: {args.encoder})", file=sys.stderr)
    for target in sorted(args.chunks):
        next_file = write_corpus(corpus, next_file, target - have, rng)
        t = time.perf_counter()
        report = ingest_paths([corpus], settings, embeddings=embeddings)
        seconds = time.perf_counter() - t
        have = report.total_chunks
        out = subprocess.run(
            [
                sys.executable,
                "-m",
                "bench.index_scale",
                "--measure",
                str(data),
                "--encoder",
                args.encoder,
                "--queries",
                str(args.queries),
            ],
            capture_output=True,
            text=True,
            cwd=PROJECT_ROOT,
            check=True,
        )
        q = json.loads(out.stdout.strip().splitlines()[-1])
        print(f"\n== {have:,} chunks in {q['documents']:,} documents ==")
        print(
            f"ingest of {report.chunks_added:,} new chunks  {seconds:8.1f} s  "
            f"({report.chunks_added / seconds:,.0f} chunks/s; {len(report.unchanged):,} files unchanged)"
        )
        if args.encoder == "minilm":
            alone = encoder_alone(data, min(2000, have))
            print(
                f"MiniLM encoding alone        {alone:8,.0f} chunks/s  "
                f"(ingest / encoder = {report.chunks_added / seconds / alone:.2f})"
            )
        print(
            f"index on disk               {disk_mb(data / 'chroma'):8.0f} MB Chroma + "
            f"{disk_mb(data / 'catalog'):.0f} MB catalog + {disk_mb(data / 'lexical'):.0f} MB BM25"
        )
        print(
            f"first search (new process)  {q['first_search_ms']:8.1f} ms "
            f"(after {q['import_ms']:.0f} ms importing chromadb and langchain_chroma)"
        )
        print(
            f"warm search p50 / p95       {q['search_p50_ms']:8.1f} / {q['search_p95_ms']:.1f} ms "
            f"({args.queries - 1} eval questions, hybrid, k=6)"
        )
        if q["query_embedding_ms"]:
            print(f"  of which MiniLM query     {q['query_embedding_ms']:8.1f} ms")
        print(f"document listing            {q['listing_ms']:8.1f} ms ({q['documents']:,} rows)")
        print(
            f"timeline query p50 / max    {q['timeline_p50_ms']:8.1f} / {q['timeline_max_ms']:.1f} ms "
            f"({q['timeline_queries']} queries: a town, a month, both, the first page; "
            f"{q['events']:,} events)"
        )
        rss = peak_rss_mb()
        print(f"peak memory                 {rss:8.0f} MiB ingest, {q['search_rss_mb']} MiB searching")
    if not args.keep:
        shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__":
    main()
