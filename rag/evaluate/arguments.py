"""The options of ``rag eval``."""

from __future__ import annotations

import argparse

from rag.arguments import int_in


def add_eval_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("--retrieval", action="store_true", help="retrieval metrics only (no LLM)")
    p.add_argument("--set", help="question set (JSONL)")
    p.add_argument("--limit", type=int_in(1, 100_000), help="only the first N questions")
    p.add_argument("--ids", help="only these question ids, comma-separated (e.g. q01,q02)")
    p.add_argument("--out", help="report folder")
    p.add_argument("-k", type=int_in(1, 100), default=5)
    p.add_argument("--compare", nargs=2, metavar=("RUN_A", "RUN_B"), help="compare two report folders")
    p.add_argument(
        "--judge",
        help="support judge: 'local' (the chat model, default), a model spec such as "
        "llamacpp:qwen2.5-coder-0.5b or ollama:<model>, or 'none'",
    )
    p.add_argument("--judge-mode", choices=["guarded", "model"], default="guarded")
    p.add_argument(
        "--no-equivalence", action="store_true", help="skip the judged answer-vs-reference check (faster)"
    )
    p.add_argument("--baseline", action="store_true", help="also run the plain LangChain chain")
    p.add_argument(
        "--written", action="store_true", help="also run every question through the written-answer path"
    )
    p.add_argument(
        "--v05",
        action="store_true",
        help="also run 0.5.0's readers (span copy with its gate, written why/how/what answers, no timeline)",
    )
    p.add_argument("--extract", action="store_true", help="also run 0.5's fact reader (span copy)")
    p.add_argument("--calibrate", action="store_true", help="only measure the judge on the calibration set")
    p.add_argument("--calibration-set", help="labelled pairs (default eval/calibration.jsonl)")
    p.add_argument(
        "--calibration-sample",
        type=int_in(1, 100_000),
        metavar="N",
        help="calibrate on N evenly spaced pairs",
    )
    p.add_argument("--rejudge", metavar="RUN", help="judge and report a finished run's answers again")
    p.add_argument(
        "--resume", metavar="RUN", help="continue an interrupted run in its folder (keeps its answers)"
    )
    p.add_argument("--check", metavar="THRESHOLDS", help="exit 1 if a figure falls below these minimums")
