"""Serving safely: no open door beyond this machine, logins enforced, upload limits."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from rag.config import ConfigError
from rag.ui.auth import check_bind, is_loopback, load_credentials
from tests.conftest import PROJECT_ROOT, free_port, stop_process, wait_for_port


def test_loopback_and_credentials(monkeypatch, tmp_path):
    assert is_loopback("127.0.0.1") and is_loopback("localhost") and is_loopback("::1")
    assert not is_loopback("0.0.0.0") and not is_loopback("192.168.1.4") and not is_loopback("example.org")
    check_bind("127.0.0.1", [])
    with pytest.raises(ConfigError, match="refusing to serve on 0.0.0.0 without authentication"):
        check_bind("0.0.0.0", [])
    check_bind("0.0.0.0", [("a", "b")])
    logins = tmp_path / "logins"
    logins.write_text("# team\nalice:s3cret:with:colons\nbob:pw\n")
    monkeypatch.setenv("RAG_AUTH", "carol:x")
    assert load_credentials("dan:y", str(logins)) == [
        ("dan", "y"),
        ("alice", "s3cret:with:colons"),
        ("bob", "pw"),
        ("carol", "x"),
    ]
    with pytest.raises(ConfigError, match="--auth: credentials must look like user:password"):
        load_credentials("nopassword")


@pytest.mark.parametrize(
    ("args", "fragment"),
    [
        (["serve", "--host", "0.0.0.0"], "refusing to serve on 0.0.0.0 without authentication"),
        (["serve", "--auth", "alice"], "--auth: credentials must look like user:password"),
        (["serve", "--auth-file", "/no/such/file"], "--auth-file /no/such/file: cannot read"),
    ],
)
def test_serve_refuses_in_one_line(tmp_path, args, fragment):
    proc = subprocess.run(
        [sys.executable, "-m", "rag", *args],
        capture_output=True,
        text=True,
        env={**os.environ, "RAG_DATA_DIR": str(tmp_path / "d"), "RAG_AUTH": ""},
        cwd=PROJECT_ROOT,
        timeout=300,
    )
    lines = [ln for ln in proc.stderr.splitlines() if ln.strip()]
    assert proc.returncode == 1 and len(lines) == 1 and fragment in lines[0], proc.stderr


@pytest.fixture(scope="module")
def guarded_app(seeded_settings, tmp_path_factory):
    port = free_port()
    log = tmp_path_factory.mktemp("guarded") / "app.log"
    env = {
        **os.environ,
        "RAG_DATA_DIR": str(seeded_settings.data_dir),
        "RAG_MAX_UPLOAD_FILES": "2",
        "RAG_MAX_FILE_MB": "0.01",
    }
    with log.open("w") as out:
        proc = subprocess.Popen(
            [sys.executable, "app.py", "--port", str(port), "--auth", "alice:s3cret"],
            cwd=PROJECT_ROOT,
            env=env,
            stdout=out,
            stderr=out,
        )
        try:
            wait_for_port(port, timeout=240, proc=proc)
            yield f"http://127.0.0.1:{port}"
        finally:
            stop_process(proc)


def test_api_without_login_is_refused(guarded_app):
    from gradio_client import Client

    with pytest.raises(Exception):  # noqa: B017 (gradio_client raises several types for 401)
        Client(guarded_app, verbose=False).predict(api_name="/new_chat")
    wrong = None
    try:
        Client(guarded_app, auth=("alice", "wrong"), verbose=False)
    except Exception as exc:  # noqa: BLE001
        wrong = exc
    assert wrong is not None, "a wrong password was accepted"
    chat = Client(guarded_app, auth=("alice", "s3cret"), verbose=False).predict(api_name="/new_chat")
    assert chat[0] == []


def test_upload_limits(guarded_app, tmp_path):
    from gradio_client import Client, handle_file
    from gradio_client.exceptions import AppError

    client = Client(guarded_app, auth=("alice", "s3cret"), verbose=False)
    notes = []
    for n in range(3):
        p = tmp_path / f"note{n}.txt"
        p.write_text(f"Note {n}\n\nThe ferry at Qaryat ran {n} times.\n")
        notes.append(handle_file(str(p)))
    status = client.predict(notes, api_name="/upload")[2]
    assert "at most 2 per upload (RAG_MAX_UPLOAD_FILES)" in status
    exe = tmp_path / "tool.exe"
    exe.write_bytes(b"MZ\x90\x00")
    with pytest.raises(AppError, match="Invalid file type"):
        client.predict([handle_file(str(exe))], api_name="/upload")
    big = tmp_path / "big.txt"
    big.write_text("Big\n\n" + "The convoy moved on. " * 1000)  # 21 kB, over RAG_MAX_FILE_MB=0.01
    with pytest.raises((AppError, ValueError), match="exceeds the maximum file size"):
        client.predict([handle_file(str(big))], api_name="/upload")
    # The server refuses it too, not only the client library.
    import httpx

    with httpx.Client(base_url=guarded_app) as http:
        http.post("/login", data={"username": "alice", "password": "s3cret"}).raise_for_status()
        refused = http.post("/gradio_api/upload", files={"files": ("big.txt", big.read_bytes())})
        assert refused.status_code == 413, (refused.status_code, refused.text[:200])
        small = http.post("/gradio_api/upload", files={"files": ("ok.txt", b"Small\n\nFine.\n")})
        assert small.status_code == 200, small.text[:200]
    with httpx.Client(base_url=guarded_app) as stranger:
        denied = stranger.post("/gradio_api/upload", files={"files": ("ok.txt", b"x")})
        assert denied.status_code in (401, 403), denied.status_code
