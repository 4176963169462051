"""A bounded load test from another process: eight questions at once through the chat and the
API, plus an upload, against one running app with the real model. 0.3 crashed here (two
questions decoding at once on one llama.cpp model: a segfault in libggml)."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.conftest import PROJECT_ROOT, free_port, stop_process, wait_for_port

pytestmark = [pytest.mark.llm, pytest.mark.load]

QUESTIONS = [
    ("When was Hawija taken from ISIS?", r"Oct(ober|\.)? 5"),
    ("How far were the Kurdish peshmerga fighters from Mosul?", r"10 miles"),
]


def _rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


@pytest.fixture(scope="module")
def loaded_app(seeded_settings, tmp_path_factory):
    port = free_port()
    log = tmp_path_factory.mktemp("load") / "app.log"
    env = {**os.environ, "RAG_DATA_DIR": str(seeded_settings.data_dir)}
    with log.open("w") as out:
        proc = subprocess.Popen(
            [sys.executable, "app.py", "--port", str(port)], cwd=PROJECT_ROOT, env=env, stdout=out, stderr=out
        )
        try:
            wait_for_port(port, timeout=240, proc=proc)
            yield f"http://127.0.0.1:{port}", proc
        finally:
            stop_process(proc)
            print(log.read_text()[-3000:])


def _submit(url: str, i: int, folder: Path):
    """Job i of the load: even ones through the chat, odd ones through the API; as many
    clients as users."""
    from gradio_client import Client

    client = Client(url, verbose=False)
    question = QUESTIONS[i % 2][0]
    if i % 2 == 0:
        return client.submit(question, [], "", "llamacpp:qwen2.5-coder-1.5b", 6, False, api_name="/respond")
    return client.submit(question, "[]", api_name="/answer_question")


def _text(i: int, result) -> str:
    if i % 2 == 0:
        content = result[0][-1]["content"]
        return content if isinstance(content, str) else json.dumps(content)
    return json.loads(result)["text"]


def _upload(url: str, folder: Path):
    from gradio_client import Client, handle_file

    doc = folder / "load_note.md"
    doc.write_text("# Load note\n\nThe ferry at Qaryat resumed crossings after nine weeks.\n")
    return Client(url, verbose=False).submit([handle_file(str(doc))], api_name="/upload")


def test_eight_questions_and_an_upload_at_once(loaded_app, tmp_path):
    from gradio_client.utils import Status

    url, proc = loaded_app
    _text(1, _submit(url, 1, tmp_path).result(timeout=600))  # the model is loaded before measuring
    rss_before = _rss_mb(proc.pid)
    started = time.perf_counter()
    jobs = [_submit(url, i, tmp_path) for i in range(8)]
    upload = _upload(url, tmp_path)
    ranks: list[int] = []
    while not all(j.done() for j in [*jobs, upload]):
        for j in jobs:
            st = j.status()
            if st.code == Status.IN_QUEUE and st.rank is not None:
                ranks.append(st.rank)
        assert proc.poll() is None, "the app died under load"
        time.sleep(0.2)
    elapsed = time.perf_counter() - started
    answers = [_text(i, j.result()) for i, j in enumerate(jobs)]
    assert proc.poll() is None, "the app died under load"
    wrong = [(QUESTIONS[i % 2][0], a) for i, a in enumerate(answers) if not re.search(QUESTIONS[i % 2][1], a)]
    assert not wrong, wrong
    status = upload.result()[2]
    assert "added 1" in status or "unchanged 1" in status, status
    assert ranks and max(ranks) >= 1, "questions ran side by side instead of queueing"
    rss_after = _rss_mb(proc.pid)
    print(
        f"8 questions + 1 upload in {elapsed:.1f} s; deepest queue position {max(ranks) + 1}; "
        f"RSS {rss_before:.0f} -> {rss_after:.0f} MiB"
    )
    assert rss_after < rss_before * 1.25 + 200, (rss_before, rss_after)
