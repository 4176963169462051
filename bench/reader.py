"""The multiple-choice fact reader measured before it is wired in: for each who / when /
where / how-many question of development sets, the typed options the text layer offers, the
model's choice, and the candidate abstention signals, with their AUC for telling answerable
from unanswerable questions (and right answers from wrong ones). Development sets only.

    python -m bench.reader eval/heldout3.jsonl eval/heldout2.jsonl [--json OUT]

Prints per set: questions with options, the ceiling (an option is right), the model's choice
right, the first option right (the selector alone), and one AUC line per signal.
"""

from __future__ import annotations

import argparse
import json
import statistics
import time
from pathlib import Path

from bench.relevance import auc
from rag.answer.choice import ChoiceReader
from rag.answer.constraints import constraint_coverage
from rag.answer.span import counts_what_is_asked
from rag.config import load_settings
from rag.evaluate.items import load_items
from rag.evaluate.scoring import facts_found
from rag.factory import build_pipeline
from rag.models.chat import get_chat_model
from rag.models.logits import NextTokenLogits
from rag.text.question import analyse

FORMS = ("who", "when", "where", "how_many")


def right(text: str, key_facts: list[list[str]]) -> bool:
    found, total = facts_found(text, key_facts)
    return bool(total) and found == total


def probe(path: Path, pipeline, reader: ChoiceReader) -> list[dict]:
    rows = []
    for item in load_items(path):
        q = analyse(item.question)
        if item.history or q.form not in FORMS:
            continue
        passages = pipeline._retrieve(item.question, None, None, None)
        evidence = pipeline.selector.run(item.question, passages)
        t0 = time.perf_counter()
        choice = reader.run(q, evidence) if evidence else None
        row = {
            "id": item.id,
            "set": path.stem,
            "form": q.form,
            "answerable": item.answerable,
            "options": 0,
            "seconds": round(time.perf_counter() - t0, 2),
        }
        if choice is not None:
            best = max(range(len(choice.options)), key=lambda i: choice.probabilities[i])
            top = choice.options[best]
            row.update(
                options=len(choice.options),
                texts=[o.candidate.text for o in choice.options],
                probabilities=choice.probabilities,
                ceiling=any(right(o.candidate.text, item.key_facts) for o in choice.options),
                chosen=choice.chosen.candidate.text if choice.chosen else None,
                chosen_right=bool(choice.chosen) and right(choice.chosen.candidate.text, item.key_facts),
                best_right=right(top.candidate.text, item.key_facts),
                first_right=right(choice.options[0].candidate.text, item.key_facts),
                p_none=choice.p_none,
                p_best=choice.probabilities[best],
                coverage=constraint_coverage(q, top.sentence),
                first_coverage=constraint_coverage(q, choice.options[0].sentence),
                counts=float(counts_what_is_asked(q, top.sentence.text, top.candidate.text)),
                selector=max(e.score for e in evidence),
            )
        rows.append(row)
        print(json.dumps(row, ensure_ascii=False), flush=True)
    return rows


def report(rows: list[dict]) -> None:
    with_opts = [r for r in rows if r["options"]]
    ans = [r for r in with_opts if r["answerable"]]
    un = [r for r in with_opts if not r["answerable"]]
    n_ans = sum(r["answerable"] for r in rows)
    print(f"\n{len(rows)} questions ({n_ans} answerable); with options: {len(ans)} answerable, {len(un)} not")
    for key in ("ceiling", "chosen_right", "best_right", "first_right"):
        print(f"  {key:13} {sum(r[key] for r in ans):>3}/{len(ans)}")
    print(
        f"  'none' chosen: answerable {sum(r['chosen'] is None for r in ans)}/{len(ans)}, "
        f"unanswerable {sum(r['chosen'] is None for r in un)}/{len(un)}"
    )
    print(f"  median seconds per choice {statistics.median(r['seconds'] for r in with_opts):.2f}")
    print("  AUC  answerable vs unanswerable | right vs (wrong + unanswerable), higher = answer")
    good = [r for r in ans if r["best_right"]]
    bad = [r for r in ans if not r["best_right"]] + un
    for key, sign in (
        ("p_none", -1),
        ("p_best", 1),
        ("coverage", 1),
        ("first_coverage", 1),
        ("counts", 1),
        ("selector", 1),
    ):
        a = auc([sign * r[key] for r in ans], [sign * r[key] for r in un])
        b = auc([sign * r[key] for r in good], [sign * r[key] for r in bad])
        print(f"  {key:15} {a:.3f} | {b:.3f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("sets", nargs="+")
    parser.add_argument("--json", help="write the rows here")
    parser.add_argument("--sentences", type=int, default=4)
    args = parser.parse_args()
    settings = load_settings()
    pipeline = build_pipeline(settings)
    reader = ChoiceReader(NextTokenLogits(get_chat_model(settings).client), sentences=args.sentences)
    rows: list[dict] = []
    for s in args.sets:
        got = probe(Path(s), pipeline, reader)
        print(f"\n== {s}")
        report(got)
        rows += got
    if len(args.sets) > 1:
        print("\n== all sets")
        report(rows)
    if args.json:
        Path(args.json).write_text(json.dumps(rows, indent=1, ensure_ascii=False))


if __name__ == "__main__":
    main()
