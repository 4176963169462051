"""Command line: ``rag setup | ingest | documents | timeline | remove | search | ask | eval | serve |
doctor``.

Every error the user can cause ends in one line on stderr and a non-zero exit code.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path

from rag.arguments import EXIT_FAIL, OneLineParser, int_in, iso_date, period_bound
from rag.arguments import err as _err
from rag.config import PORT_RANGE, TOP_K_RANGE, ConfigError, Settings, load_settings, set_offline_env
from rag.evaluate.arguments import add_eval_arguments
from rag.text.quoting import quoted


def cmd_setup(args: argparse.Namespace) -> int:
    """Assemble and verify the chat models; check the embedding model loads."""
    from rag.models.gguf import KNOWN_GGUF, assemble_gguf, embedding_model_path

    settings = load_settings()
    print(f"embedding model: {embedding_model_path(settings.embedding_model)}")
    names = (
        list(KNOWN_GGUF)
        if args.all
        else [n for n in KNOWN_GGUF if n in settings.llm] or ["qwen2.5-coder-1.5b"]
    )
    for name in names:
        path = assemble_gguf(KNOWN_GGUF[name], settings.models_dir, progress=True)
        print(f"chat model {name}: {path} (sha256 verified)")
    return 0


def cmd_ingest(args: argparse.Namespace) -> int:
    from rag.ingest.documents import ingest_paths

    settings = load_settings()
    paths = [Path(p) for p in args.paths] or [settings.seeds_dir]

    def progress(done: int, total: int, name: str) -> None:
        if name and not args.quiet:
            print(f"[{done + 1}/{total}] {name}", file=sys.stderr)

    def waiting(message: str) -> None:
        print(message, file=sys.stderr)

    report = ingest_paths(
        paths, settings, prune=args.prune, progress=progress, on_wait=waiting, force=args.force
    )
    for e in report.errors:
        print(f"error: {e}", file=sys.stderr)
    print(report.summary())
    return EXIT_FAIL if report.failed else 0


def _nothing_indexed(settings: Settings) -> str:
    """The one line telling a user with an empty index what to do."""
    from rag.ingest.documents import is_new

    if is_new(settings):
        return (
            f"nothing is indexed yet (a new data folder): `rag ask` or `rag timeline` indexes "
            f"{settings.seeds_dir} first; `rag ingest FOLDER` adds articles"
        )
    return "nothing is indexed: add articles with `rag ingest FOLDER`"


def cmd_documents(args: argparse.Namespace) -> int:
    from rag.ingest.documents import list_documents, shown_date

    settings = load_settings()
    docs = list_documents(settings)
    if args.json:
        print(json.dumps(docs, indent=2, ensure_ascii=False))
        return 0
    for d in docs:
        print(f"{d['label']}\t{shown_date(d)}\t{d['chunks']} chunks\t{d['title']}")
    print(f"{len(docs)} documents, {sum(d['chunks'] for d in docs)} chunks", file=sys.stderr)
    if not docs:
        print(_nothing_indexed(settings), file=sys.stderr)
    return 0


def cmd_timeline(args: argparse.Namespace) -> int:
    from rag.ingest.documents import is_new, list_documents, timeline

    settings = load_settings()
    if is_new(settings):
        print(f"indexing {settings.seeds_dir} first (a new data folder) …", file=sys.stderr)
    kinds = ("event", "prediction", "photo", "publication") if args.all else ("event",)
    events = timeline(args.about, args.date_from, args.date_to, settings, kinds=kinds, limit=args.limit)
    if args.json:
        print(json.dumps([e.to_dict() for e in events], indent=2, ensure_ascii=False))
        return 0
    for e in events:
        kind = "" if e.kind == "event" else f" [{e.kind}]"
        print(f"{e.shown_date}\t{e.label}{kind}\t“{e.expression}”: {e.sentence}")
    print(f"{len(events)} events", file=sys.stderr)
    if not events and not list_documents(settings):
        print(_nothing_indexed(settings), file=sys.stderr)
    return 0


def cmd_remove(args: argparse.Namespace) -> int:
    from rag.ingest.documents import remove_document

    for ref in args.documents:
        n = remove_document(ref, load_settings())
        print(f"removed {ref} ({n} chunks)")
    return 0


def cmd_search(args: argparse.Namespace) -> int:
    from rag.factory import search

    passages = search(
        args.query,
        k=args.k,
        mode=args.mode,
        sources=args.source or None,
        date_from=args.date_from,
        date_to=args.date_to,
    )
    if args.json:
        print(json.dumps([p.to_dict() for p in passages], indent=2, ensure_ascii=False))
        return 0
    for i, p in enumerate(passages, start=1):
        print(
            f"{i}. {p.title} — {p.source} ({p.date or 'date not given'}) score={p.score:.4f} "
            f"dense={p.dense_score} bm25={p.bm25_score}"
        )
        print("   " + p.text.replace("\n", " ")[:300])
    return 0


def cmd_ask(args: argparse.Namespace) -> int:
    from rag.factory import ask_stream

    options = {"llm": args.llm} if args.llm else {}
    if args.k:
        options["top_k"] = args.k
    answer = None
    for event in ask_stream(args.question, **options):
        if event.kind == "status" and not args.json:
            print(event.text, file=sys.stderr)
        elif event.kind == "answer":
            answer = event.answer
    assert answer is not None
    if args.json:
        print(json.dumps(answer.to_dict(), indent=2, ensure_ascii=False))
        return 0
    print(answer.text)
    if answer.citations:
        print("\nSources:")
        for c in answer.citations:
            print(f"[{c.number}] {c.title} — {c.source} ({c.date or 'date not given'})")
            print(f"    {quoted(c.quote)}")
    dropped = answer.dropped
    if dropped:
        print(f"\n({len(dropped)} draft sentence(s) failed verification and were left out)")
    return 0


def cmd_eval(args: argparse.Namespace) -> int:
    from rag.evaluate.runner import main as eval_main

    return eval_main(args)


def cmd_serve(args: argparse.Namespace) -> int:
    from rag.ui.app import main as app_main

    extra = [
        *(["--auth", args.auth] if args.auth else []),
        *(["--auth-file", args.auth_file] if args.auth_file else []),
    ]
    return app_main(["--host", args.host, "--port", str(args.port), *extra])


def cmd_doctor(args: argparse.Namespace) -> int:
    from rag.doctor import run_doctor

    return run_doctor(load_settings(), full=not args.quick)


def build_parser() -> argparse.ArgumentParser:
    parser = OneLineParser(prog="rag", description=__doc__.splitlines()[0])
    parser.add_argument("-v", "--verbose", action="store_true", help="show the libraries' progress bars")
    sub = parser.add_subparsers(dest="command", required=True, parser_class=OneLineParser)

    p = sub.add_parser("setup", help="assemble and verify the models")
    p.add_argument("--all", action="store_true", help="also the 0.5B model")
    p.set_defaults(func=cmd_setup)

    p = sub.add_parser("ingest", help="index files and folders (.txt .md .html .pdf)")
    p.add_argument("paths", nargs="*", help="files or folders (default: seeds/)")
    p.add_argument("--prune", action="store_true", help="remove documents whose files are gone")
    p.add_argument("--force", action="store_true", help="re-index files even when unchanged")
    p.add_argument("-q", "--quiet", action="store_true")
    p.set_defaults(func=cmd_ingest)

    p = sub.add_parser("documents", help="list the indexed documents")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_documents)

    p = sub.add_parser("timeline", help="the dated events of the indexed articles, in date order")
    p.add_argument("--about", help="only events whose sentence names this (a person, place, group)")
    p.add_argument(
        "--from", dest="date_from", type=period_bound(end=False), help="YYYY-MM-DD, YYYY-MM or YYYY"
    )
    p.add_argument("--to", dest="date_to", type=period_bound(end=True), help="YYYY-MM-DD, YYYY-MM or YYYY")
    p.add_argument("--all", action="store_true", help="also predictions, photo dates and publication lines")
    p.add_argument("--limit", type=int_in(1, 1_000_000), default=1000, help="at most N events (1000)")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_timeline)

    p = sub.add_parser("remove", help="remove documents from the index")
    p.add_argument("documents", nargs="+", help="file name, folder/name as listed, path or id")
    p.set_defaults(func=cmd_remove)

    p = sub.add_parser("search", help="hybrid search over the index")
    p.add_argument("query")
    p.add_argument("-k", type=int_in(1, 100), default=5, help="passages to return (1-100)")
    p.add_argument("--mode", choices=["hybrid", "dense", "bm25"], default="hybrid")
    p.add_argument(
        "--source", action="append", help="only this document: name, folder/name or path (repeatable)"
    )
    p.add_argument("--date-from", type=iso_date, help="YYYY-MM-DD")
    p.add_argument("--date-to", type=iso_date, help="YYYY-MM-DD")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_search)

    p = sub.add_parser("ask", help="answer a question with verified citations")
    p.add_argument("question")
    p.add_argument("--json", action="store_true")
    p.add_argument("--llm", help="override RAG_LLM, e.g. llamacpp:qwen2.5-coder-0.5b")
    p.add_argument("-k", type=int_in(*TOP_K_RANGE), help="passages to retrieve (1-12)")
    p.set_defaults(func=cmd_ask)

    p = sub.add_parser("eval", help="evaluate retrieval and answers")
    add_eval_arguments(p)
    p.set_defaults(func=cmd_eval)

    p = sub.add_parser("serve", help="start the Gradio chat")
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int_in(*PORT_RANGE), default=7860)
    p.add_argument("--auth", metavar="USER:PASSWORD", help="require this login (or RAG_AUTH)")
    p.add_argument("--auth-file", metavar="FILE", help="logins, one user:password per line")
    p.set_defaults(func=cmd_serve)

    p = sub.add_parser("doctor", help="check the installation and print a report")
    p.add_argument("--quick", action="store_true", help="skip the full model checksum")
    p.set_defaults(func=cmd_doctor)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    if args.verbose:
        os.environ["HF_HUB_DISABLE_PROGRESS_BARS"] = "0"
    set_offline_env()
    from rag.answer.questions import QuestionError
    from rag.index.catalog import CatalogError
    from rag.index.lock import LockTimeout
    from rag.index.store import StoreError
    from rag.ingest.loaders import LoadError
    from rag.models.chat import LLMError
    from rag.models.gguf import ModelError

    try:
        return args.func(args)
    except (
        ConfigError,
        LoadError,
        ModelError,
        StoreError,
        LLMError,
        QuestionError,
        CatalogError,
        LockTimeout,
    ) as exc:
        return _err(str(exc))
    except KeyboardInterrupt:
        return _err("interrupted", 130)


if __name__ == "__main__":
    sys.exit(main())
