"""Model provisioning (checksums, rebuild), `rag doctor`, and one-line CLI errors."""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
from dataclasses import replace
from pathlib import Path

import pytest

from rag.config import PROJECT_ROOT, ConfigError, load_settings
from rag.models.gguf import (
    KNOWN_GGUF,
    GGUFSpec,
    ModelError,
    assemble_gguf,
    embedding_model_path,
    resolve_gguf,
    verify_gguf,
)


def _fake_parts(tmp_path: Path, monkeypatch, blobs: list[bytes]) -> GGUFSpec:
    """A GGUF split across importable packages, like the real PyPI part packages."""
    root = tmp_path / "site"
    names = []
    for i, blob in enumerate(blobs, start=1):
        pkg = root / f"fake_model_part{i}"
        (pkg / "data").mkdir(parents=True)
        (pkg / "__init__.py").write_text("")
        (pkg / "data" / f"part{i:02d}.bin").write_bytes(blob)
        names.append(pkg.name)
    monkeypatch.syspath_prepend(str(root))
    whole = b"".join(blobs)
    return GGUFSpec(
        name="fake",
        filename="fake.gguf",
        sha256=hashlib.sha256(whole).hexdigest(),
        size=len(whole),
        packages=tuple(names),
        part_files=tuple(f"data/part{i:02d}.bin" for i in range(1, len(blobs) + 1)),
    )


def test_assemble_verifies_and_rebuilds_a_truncated_file(tmp_path, monkeypatch):
    spec = _fake_parts(tmp_path, monkeypatch, [b"GGUF" + b"a" * 5000, b"b" * 3000, b"c" * 7])
    out = assemble_gguf(spec, tmp_path / "models", progress=False)
    assert out.read_bytes() == b"GGUF" + b"a" * 5000 + b"b" * 3000 + b"c" * 7
    assert verify_gguf(spec, out)
    # Truncate it: the stamp no longer matches, the checksum fails, and it is rebuilt.
    out.write_bytes(out.read_bytes()[:100])
    assert not verify_gguf(spec, out)
    rebuilt = assemble_gguf(spec, tmp_path / "models", progress=False)
    assert hashlib.sha256(rebuilt.read_bytes()).hexdigest() == spec.sha256
    # Same size, flipped byte: caught by the full checksum too.
    data = bytearray(rebuilt.read_bytes())
    data[10] ^= 0xFF
    rebuilt.write_bytes(bytes(data))
    assert not verify_gguf(spec, rebuilt)


def test_corrupt_part_package_is_refused(tmp_path, monkeypatch):
    spec = _fake_parts(tmp_path, monkeypatch, [b"GGUF1234", b"5678"])
    bad = replace(spec, sha256="0" * 64)
    with pytest.raises(ModelError, match="corrupt"):
        assemble_gguf(bad, tmp_path / "models", progress=False)
    assert not (tmp_path / "models" / "fake.gguf").exists()
    assert not (tmp_path / "models" / "fake.gguf.partial").exists()


def test_missing_part_package_names_it(tmp_path):
    spec = replace(KNOWN_GGUF["qwen2.5-coder-0.5b"], packages=("no_such_pkg_part1",), part_files=("x",))
    with pytest.raises(ModelError, match="no_such_pkg_part1"):
        assemble_gguf(spec, tmp_path, progress=False)


def test_real_models_are_installed_and_verified(base_settings):
    path = resolve_gguf("qwen2.5-coder-1.5b", base_settings, progress=False)
    assert path.stat().st_size == 1_117_320_768
    assert (embedding_model_path("all-MiniLM-L6-v2") / "model.safetensors").exists()


def test_gguf_path_must_be_a_gguf(tmp_path, base_settings):
    fake = tmp_path / "x.gguf"
    fake.write_bytes(b"not a model")
    with pytest.raises(ModelError, match="not a GGUF"):
        resolve_gguf(str(fake), base_settings)
    with pytest.raises(ModelError, match="not found"):
        resolve_gguf(str(tmp_path / "missing.gguf"), base_settings)


def test_config_from_environment(monkeypatch, tmp_path):
    monkeypatch.setenv("RAG_DATA_DIR", str(tmp_path / "d"))
    monkeypatch.setenv("RAG_LLM", "ollama:qwen2.5:7b-instruct")
    monkeypatch.setenv("RAG_CHROMA_HOST", "127.0.0.1")
    monkeypatch.setenv("RAG_CHROMA_PORT", "9001")
    monkeypatch.setenv("OLLAMA_HOST", "localhost:11434")
    s = load_settings()
    assert s.data_dir == tmp_path / "d" and s.chroma_dir == tmp_path / "d" / "chroma"
    assert s.llm == "ollama:qwen2.5:7b-instruct" and s.uses_chroma_server and s.chroma_port == 9001
    assert s.ollama_host == "http://localhost:11434"
    monkeypatch.setenv("RAG_CHROMA_PORT", "nine")
    with pytest.raises(ConfigError, match="RAG_CHROMA_PORT"):
        load_settings()


def _rag(args: list[str], data_dir: Path, **env) -> subprocess.CompletedProcess:
    full_env = {**os.environ, "RAG_DATA_DIR": str(data_dir), **env}
    return subprocess.run(
        [sys.executable, "-m", "rag", *args],
        capture_output=True,
        text=True,
        env=full_env,
        cwd=PROJECT_ROOT,
        timeout=600,
    )


def _one_line_error(proc: subprocess.CompletedProcess, fragment: str) -> None:
    assert proc.returncode != 0
    lines = [ln for ln in proc.stderr.splitlines() if ln.strip()]
    assert "Traceback" not in proc.stderr, proc.stderr
    assert any(ln.startswith("error: ") and fragment in ln for ln in lines), proc.stderr


def test_doctor_passes_then_fails_on_truncated_model(tmp_path, base_settings):
    data = tmp_path / "data"
    models = data / "models"
    models.mkdir(parents=True)
    spec = KNOWN_GGUF["qwen2.5-coder-0.5b"]
    src = base_settings.models_dir / spec.filename
    (models / spec.filename).write_bytes(src.read_bytes())
    env = {"RAG_LLM": "llamacpp:qwen2.5-coder-0.5b"}
    ok = _rag(["doctor"], data, **env)
    assert ok.returncode == 0, ok.stdout + ok.stderr
    assert "[  ok] chat model" in ok.stdout and "all checks passed" in ok.stdout
    with (models / spec.filename).open("r+b") as fh:
        fh.truncate(spec.size // 2)
    bad = _rag(["doctor", "--quick"], data, **env)
    assert bad.returncode == 1
    assert "[FAIL] chat model" in bad.stdout and "corrupt or partial" in bad.stdout
    assert "Traceback" not in bad.stdout + bad.stderr


def test_doctor_reports_unreachable_chroma_server(tmp_path):
    from tests.conftest import free_port

    proc = _rag(
        ["doctor", "--quick"], tmp_path / "d", RAG_CHROMA_HOST="127.0.0.1", RAG_CHROMA_PORT=str(free_port())
    )
    assert proc.returncode == 1
    assert "[FAIL] vector index" in proc.stdout and "cannot reach the Chroma server" in proc.stdout


@pytest.mark.parametrize(
    ("args", "env", "fragment"),
    [
        (["ingest", "does/not/exist.txt"], {}, "no such file or folder"),
        (["ask", "   "], {}, "the question is empty"),
        (["search", ""], {}, "the search query is empty"),
        (["search", " \t "], {}, "the search query is empty"),
        (["search", "x" * 2001], {}, "the search query is longer than"),
        (["ask", "x"], {"RAG_LLM": "gpt4"}, "RAG_LLM must look like"),
        (["ask", "x"], {"RAG_LLM": "llamacpp:/nope/model.gguf"}, "GGUF file not found"),
        (
            ["ask", "x"],
            {"RAG_LLM": "openai:m", "RAG_OPENAI_BASE_URL": "http://127.0.0.1:9/v1"},
            "cannot reach an OpenAI-compatible server at http://127.0.0.1:9/v1",
        ),
        (["ask", "x"], {"RAG_OPENAI_RESPONSE_FORMAT": "xml"}, "RAG_OPENAI_RESPONSE_FORMAT must be"),
        (
            ["search", "x"],
            {"RAG_CHROMA_HOST": "127.0.0.1", "RAG_CHROMA_PORT": "9"},
            "cannot reach the Chroma server at 127.0.0.1:9",
        ),
        (["eval", "--set", "missing.jsonl"], {}, "question set not found"),
        (["eval", "--ids", "q01,q999"], {}, "no question with id q999"),
        (["eval", "--judge", "gpt4"], {}, "unknown LLM 'gpt4'"),
        (["eval", "--check", "nope.json"], {}, "threshold file not found"),
        (["eval", "--calibrate", "--calibration-set", "nope.jsonl"], {}, "calibration set not found"),
        (["eval", "--rejudge", "no/such/run"], {}, "no answers.json in no/such/run"),
        (["eval", "--resume", "no/such/run"], {}, "--resume needs the folder of an earlier run"),
        (["search", "x"], {"RAG_TOP_K": "abc"}, "RAG_TOP_K must be an integer, got 'abc'"),
        (["search", "x"], {"RAG_TOP_K": "0"}, "RAG_TOP_K must be between 1 and 12, got '0'"),
        (["search", "x"], {"RAG_TOP_K": "20"}, "RAG_TOP_K must be between 1 and 12"),
        (["search", "x"], {"RAG_COLLECTION": "a"}, "RAG_COLLECTION must be 3-512 characters"),
        (["search", "x"], {"RAG_COLLECTION": "bad name!"}, "RAG_COLLECTION must be"),
        (["ask", "x"], {"RAG_N_CTX": "64"}, "RAG_N_CTX must be between 2048 and 32768"),
        (["ask", "x"], {"RAG_THREADS": "-2"}, "RAG_THREADS must be between 1"),
        (["ask", "x"], {"RAG_TIMELINE_READER": "on"}, "RAG_TIMELINE_READER must be one of events, off"),
        (["ingest"], {"RAG_MAX_FILE_MB": "big"}, "RAG_MAX_FILE_MB must be a number"),
        (["ask", "x"], {"RAG_SENTENCE_READER": "yes"}, "RAG_SENTENCE_READER must be one of trained, off"),
        (["ask", "x"], {"RAG_SENTENCE_READER": "trained"}, "RAG_READER_WEIGHTS must be a folder made by"),
        (["ask", "x"], {"RAG_READER_WEIGHTS": "/no/such"}, "RAG_READER_WEIGHTS must be a folder made by"),
        (["ask", "x"], {"RAG_READER_MIX": "2"}, "RAG_READER_MIX must be between 0"),
        (["search", "x", "--date-from", "abc"], {}, "argument --date-from: must be a date like 2017-10-26"),
        (["search", "x", "--date-to", "2017-13-01"], {}, "argument --date-to: must be a date"),
        (["search", "x", "-k", "0"], {}, "argument -k: must be between 1 and 100, got 0"),
        (["search", "x", "-k", "-1"], {}, "argument -k: must be between 1 and 100, got -1"),
        (["ask", "x", "-k", "13"], {}, "argument -k: must be between 1 and 12"),
        (["eval", "--limit", "0"], {}, "argument --limit: must be between 1"),
        (["serve", "--port", "70000"], {}, "argument --port: must be between 1 and 65535"),
    ],
)
def test_cli_errors_are_one_line(tmp_path, args, env, fragment):
    proc = _rag(args, tmp_path / "d", **env)
    _one_line_error(proc, fragment)
    assert len([ln for ln in proc.stderr.splitlines() if ln.strip()]) == 1, proc.stderr


def test_bad_data_dir_and_app_settings_are_one_line(tmp_path):
    a_file = tmp_path / "not-a-folder"
    a_file.write_text("x")
    _one_line_error(
        _rag(["search", "x"], tmp_path, RAG_DATA_DIR=str(a_file)), "RAG_DATA_DIR must be a folder"
    )
    for env, fragment in (({"RAG_TOP_K": "abc"}, "RAG_TOP_K must be an integer"), ({}, "--port: must be")):
        args = ["--port", "0"] if not env else []
        app = subprocess.run(
            [sys.executable, "app.py", *args],
            capture_output=True,
            text=True,
            env={**os.environ, "RAG_DATA_DIR": str(tmp_path / "d"), **env},
            cwd=PROJECT_ROOT,
            timeout=300,
        )
        _one_line_error(app, fragment)
        assert len([ln for ln in app.stderr.splitlines() if ln.strip()]) == 1, app.stderr


@pytest.mark.parametrize(
    ("line", "fragment"),
    [
        ('{"id": "x1", "question": "Q?", "type": "fact", "sources": "000.txt"}', "'sources' must be a list"),
        ('{"id": "x1", "question": 5, "type": "fact"}', "'question' must be a non-empty string"),
        (
            '{"id": "x1", "question": "Q?", "type": "fact", "key_facts": ["a"]}',
            "'key_facts' must be a list of lists",
        ),
        ('{"id": "x1", "question": "Q?", "type": "fact", "history": [["only one"]]}', "'history' must be"),
        ("[1, 2]", "an item must be a JSON object"),
        ("{not json", "invalid question item"),
        ("", "no question items"),
    ],
)
def test_eval_sets_are_checked_item_by_item(tmp_path, line, fragment):
    good = '{"id": "g1", "question": "When was Hawija taken?", "type": "date"}'
    bad = tmp_path / "set.jsonl"
    bad.write_text(f"{good}\n{line}\n" if line else "\n")
    proc = _rag(["eval", "--retrieval", "--set", str(bad)], tmp_path / "d")
    where = "set.jsonl:2:" if line else "set.jsonl:"
    _one_line_error(proc, where)
    _one_line_error(proc, fragment)


def test_ingest_bad_file_keeps_index(tmp_path, seeded_settings):
    bad = tmp_path / "slides.pptx"
    bad.write_bytes(b"PK")
    before = _rag(["search", "Hawija", "--json"], seeded_settings.data_dir)
    proc = _rag(["ingest", str(bad)], seeded_settings.data_dir)
    _one_line_error(proc, "unsupported file type '.pptx'")
    after = _rag(["search", "Hawija", "--json"], seeded_settings.data_dir)
    assert before.stdout == after.stdout and before.returncode == 0


def test_cli_is_quiet_unless_verbose(seeded_settings):
    env = {"HF_HUB_DISABLE_PROGRESS_BARS": ""}  # as on a fresh shell
    quiet = _rag(["search", "Hawija", "-k", "1"], seeded_settings.data_dir, **env)
    assert quiet.returncode == 0 and quiet.stderr.strip() == "", quiet.stderr
    loud = _rag(["-v", "search", "Hawija", "-k", "1"], seeded_settings.data_dir, **env)
    assert loud.returncode == 0 and "Loading weights" in loud.stderr, loud.stderr
