"""The Ollama backend through langchain-ollama against a loopback Ollama-API server."""

from __future__ import annotations

from dataclasses import replace

import pytest

from rag.factory import ask
from rag.models.chat import LLMError, check_ollama, get_chat_model
from tests.conftest import free_port
from tests.fake_ollama import MODEL, FakeOllama


def test_ask_through_ollama_streams_a_cited_answer(seeded_settings):
    with FakeOllama() as server:
        settings = replace(seeded_settings, ollama_host=server.url, llm=f"ollama:{MODEL}")
        assert check_ollama(server.url) == [MODEL]
        answer = ask("How many civilians remain in the two towns?", settings=settings)
        assert answer.kind == "answer", answer
        assert "50,000" in answer.text and answer.text.endswith("[1].")
        assert answer.citations[0].source == "004_cad8f68dd4bd6a6f.txt"
        chat = [r for r in server.requests if r["path"] == "/api/chat"]
        # A how-many question: the extractive answer, its schema limited to the evidence numbers.
        schema = chat[-1]["body"]["format"]
        assert schema["required"] == ["answerable", "sentence", "answer"]
        assert schema["properties"]["sentence"]["enum"]
        assert chat[-1]["body"]["options"]["temperature"] == 0.0
        assert answer.checks[0].status == "quoted"


def test_a_written_answer_streams_through_ollama(seeded_settings):
    with FakeOllama() as server:
        settings = replace(
            seeded_settings, ollama_host=server.url, llm=f"ollama:{MODEL}", answer_mode="write"
        )
        answer = ask("How many civilians remain in the two towns?", settings=settings)
        assert answer.kind == "answer" and "50,000" in answer.text
        chat = [r for r in server.requests if r["path"] == "/api/chat"]
        assert chat[-1]["body"]["stream"] is True
        assert chat[-1]["body"]["format"]["required"] == ["answerable", "sentences"]


def test_follow_up_is_rewritten_by_the_ollama_model(seeded_settings):
    with FakeOllama() as server:
        settings = replace(seeded_settings, ollama_host=server.url, llm=f"ollama:{MODEL}")
        history = [("When did Iraqi security forces retake al-Qaim?", "On November 3rd [1].")]
        answer = ask("What else was recaptured on the same day?", history=history, settings=settings)
        assert answer.standalone_question and "al-Qaim" in answer.standalone_question
        assert len([r for r in server.requests if r["path"] == "/api/chat"]) == 2


def test_unreachable_ollama_names_the_host(base_settings):
    host = f"http://127.0.0.1:{free_port()}"
    settings = replace(base_settings, ollama_host=host, llm="ollama:qwen2.5:7b-instruct")
    with pytest.raises(LLMError, match=f"cannot reach Ollama at {host}"):
        get_chat_model(settings)


def test_missing_ollama_model_is_named(base_settings):
    with FakeOllama() as server:
        settings = replace(base_settings, ollama_host=server.url, llm="ollama:llama9")
        with pytest.raises(LLMError, match="has no model 'llama9'"):
            get_chat_model(settings)


def test_eval_judge_can_be_an_ollama_model(base_settings, tmp_path):
    """`rag eval --judge ollama:<model> --calibrate`: the pluggable judge over Ollama's API."""
    import json
    import os
    import subprocess
    import sys

    with FakeOllama() as server:
        env = {**os.environ, "RAG_DATA_DIR": str(tmp_path / "d"), "OLLAMA_HOST": server.url}
        args = ["--judge", f"ollama:{MODEL}", "--calibrate", "--calibration-sample", "12", "--out", "run"]
        proc = subprocess.run(
            [sys.executable, "-m", "rag", "eval", *args],
            capture_output=True,
            text=True,
            env=env,
            cwd=tmp_path,
        )
        assert proc.returncode == 0, proc.stderr[-2000:]
        judged = [r for r in server.requests if r["path"] == "/api/chat"]
    cal = json.loads((tmp_path / "run" / "calibration.json").read_text())
    assert cal["pairs"] == 12 and cal["judge"].startswith(f"ollama:{MODEL}")
    # Calibration asks the model about every pair (to report the model alone beside the guard).
    assert len(judged) == 12 and 0 < cal["accuracy_model_alone"] <= 1
    assert all(r["body"]["format"]["required"] == ["supported"] for r in judged)
    assert "Passages:" in judged[0]["body"]["messages"][-1]["content"]


def test_compound_question_is_answered_part_by_part(seeded_settings):
    with FakeOllama() as server:
        settings = replace(seeded_settings, ollama_host=server.url, llm=f"ollama:{MODEL}")
        q = "How many ISIS troops remain in the al-Qaim area, and how many civilians remain in the two towns?"
        answer = ask(q, settings=settings)
        answering = [r for r in server.requests if r["path"] == "/api/chat"]
    assert len(answering) == 2  # one extraction per part, no rewrite (nothing points back)
    assert answer.kind == "answer" and "1500" in answer.text and "50,000" in answer.text
    assert answer.text.endswith("[2].") and [c.number for c in answer.citations] == [1, 2]
    assert {c.source for c in answer.citations} == {"004_cad8f68dd4bd6a6f.txt"}
    assert answer.standalone_question.count(" | ") == 1
