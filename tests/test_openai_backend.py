"""The OpenAI-compatible backend (``RAG_LLM=openai:<model>``), against a real server:
llama-cpp-python's own OpenAI-compatible server, started on loopback with the shipped GGUF."""

from __future__ import annotations

import re
import subprocess
import sys
from dataclasses import replace

import pytest

from rag.factory import ask
from rag.models.chat import LLMError
from rag.models.gguf import KNOWN_GGUF
from tests.conftest import free_port, stop_process, wait_for_port
from tests.test_e2e_llm import assert_streams_sentences_first

pytestmark = pytest.mark.llm
ALIAS = "qwen2.5-coder-1.5b"
KEY = "test-key-123"


@pytest.fixture(scope="module")
def openai_server(base_settings, tmp_path_factory):
    gguf = base_settings.models_dir / KNOWN_GGUF[ALIAS].filename
    assert gguf.is_file(), "run `rag setup` first (make test does)"
    port = free_port()
    log = tmp_path_factory.mktemp("openai") / "server.log"
    with log.open("w") as out:
        proc = subprocess.Popen(
            [
                sys.executable, "-m", "llama_cpp.server",
                "--model", str(gguf), "--model_alias", ALIAS,
                "--host", "127.0.0.1", "--port", str(port),
                "--n_ctx", "4096", "--n_threads", str(base_settings.n_threads), "--n_batch", "512",
                "--seed", "0", "--api_key", KEY,
            ],
            stdout=out,
            stderr=out,
        )  # fmt: skip
        try:
            wait_for_port(port, timeout=180, proc=proc)
            yield f"http://127.0.0.1:{port}/v1"
        finally:
            stop_process(proc)


@pytest.fixture
def openai_settings(seeded_settings, openai_server):
    return replace(seeded_settings, llm=f"openai:{ALIAS}", openai_base_url=openai_server, openai_api_key=KEY)


def test_answer_with_citations_through_the_server(openai_settings):
    a = ask("When was Hawija taken from ISIS?", settings=openai_settings)
    assert a.answerable and re.search(r"Oct(ober|\.)? 5", a.text), a.text
    assert a.citations[0].source == "000_ca6adfa8eb41c077.txt" and "Oct. 5" in a.citations[0].quote
    assert a.model == f"openai:{ALIAS}"


def test_streaming_through_the_server(openai_settings):
    assert_streams_sentences_first(openai_settings)


def test_unanswerable_is_declined_through_the_server(openai_settings):
    a = ask("What is the capital of Australia?", settings=openai_settings)
    assert not a.answerable and "Canberra" not in a.text


def test_wrong_key_unknown_model_and_no_server_are_one_line(openai_settings):
    from rag.models.chat import get_chat_model

    with pytest.raises(LLMError, match=r"refused the API key \(RAG_OPENAI_API_KEY\)"):
        get_chat_model(replace(openai_settings, openai_api_key="wrong"))
    with pytest.raises(LLMError, match="has no model 'nope'"):
        get_chat_model(openai_settings, spec="openai:nope")
    with pytest.raises(LLMError, match=r"cannot reach an OpenAI-compatible server at http://127.0.0.1:9/v1"):
        get_chat_model(replace(openai_settings, openai_base_url="http://127.0.0.1:9/v1"))
