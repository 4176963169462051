"""A loopback server speaking Ollama's documented HTTP API (/api/tags, streaming /api/chat).

No Ollama server can run on the CI machines, so the Ollama backend is tested against this.
Its "model" is deterministic: asked for the answer schema, it cites the evidence line that
shares most words with the question; asked to rewrite a follow-up, it appends the last
conversation question's subject; asked the judge's schema, it says a claim is supported when
its longer words all occur in the passages.
"""

from __future__ import annotations

import json
import re
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

MODEL = "fake-qwen:latest"


def _words(text: str) -> set[str]:
    return {w for w in re.findall(r"[a-z0-9]+", text.lower()) if len(w) > 3}


def fake_reply(messages: list[dict], wants_json: bool, schema: dict | None = None) -> str:
    user = messages[-1]["content"]
    if schema and schema.get("required") == ["supported"]:  # the eval's support judge
        claim = re.search(r"^Claim: (.*)$", user, re.M).group(1)
        return json.dumps({"supported": _words(claim) <= _words(user.split("Claim:")[0])})
    if not wants_json:  # the follow-up rewrite prompt
        last_q = re.search(r"Last question: (.*)", user)
        conv = re.findall(r"User: (.*)", user)
        q = last_q.group(1).strip() if last_q else user
        return f"{q.rstrip('?')} ({conv[-1].rstrip('?')})?" if conv else q
    question = re.search(r"Question: (.*)", user).group(1)
    lines = re.findall(r"^\[(\d+)\] (.*)$", user, re.M)
    qw = _words(question)
    n, text = max(lines, key=lambda nl: len(qw & _words(nl[1])))
    if schema and "sentence" in schema.get("required", []):  # the extractive answer: copy a span
        span = re.search(r"\d[\d,.]*\d|\d", text)
        answer = span.group(0) if span else " ".join(text.split()[:3])
        return json.dumps({"answerable": bool(qw & _words(text)), "sentence": int(n), "answer": answer})
    if not qw & _words(text):
        return json.dumps({"answerable": False, "sentences": []})
    return json.dumps({"answerable": True, "sentences": [{"text": text, "cites": [int(n)]}]})


class _Handler(BaseHTTPRequestHandler):
    requests: list[dict] = []

    def log_message(self, *args) -> None:  # keep test output clean
        pass

    def _json(self, code: int, body: dict) -> None:
        data = json.dumps(body).encode()
        self.send_response(code)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def do_GET(self) -> None:
        if self.path == "/api/tags":
            self._json(
                200,
                {
                    "models": [
                        {
                            "name": MODEL,
                            "model": MODEL,
                            "modified_at": "2026-11-01T00:00:00Z",
                            "size": 1,
                            "digest": "0" * 64,
                            "details": {
                                "format": "gguf",
                                "family": "qwen2",
                                "parameter_size": "1.5B",
                                "quantization_level": "Q4_K_M",
                            },
                        }
                    ]
                },
            )
        else:
            self._json(404, {"error": "not found"})

    def do_POST(self) -> None:
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])) or b"{}")
        _Handler.requests.append({"path": self.path, "body": body})
        if self.path != "/api/chat":
            self._json(404, {"error": "not found"})
            return
        if body.get("model") != MODEL:
            self._json(404, {"error": f"model '{body.get('model')}' not found"})
            return
        fmt = body.get("format")
        schema = fmt if isinstance(fmt, dict) else None
        reply = fake_reply(body["messages"], wants_json=bool(fmt), schema=schema)
        self.send_response(200)
        self.send_header("Content-Type", "application/x-ndjson")
        self.end_headers()
        # Stream in small pieces, as Ollama does, then the final "done" record.
        for i in range(0, len(reply), 7):
            chunk = {
                "model": MODEL,
                "created_at": "2026-11-22T00:00:00Z",
                "message": {"role": "assistant", "content": reply[i : i + 7]},
                "done": False,
            }
            self.wfile.write((json.dumps(chunk) + "\n").encode())
            self.wfile.flush()
        self.wfile.write(
            (
                json.dumps(
                    {
                        "model": MODEL,
                        "created_at": "2026-11-22T00:00:01Z",
                        "message": {"role": "assistant", "content": ""},
                        "done": True,
                        "done_reason": "stop",
                        "total_duration": 1000,
                        "prompt_eval_count": 100,
                        "eval_count": len(reply) // 4,
                    }
                )
                + "\n"
            ).encode()
        )


class FakeOllama:
    def __init__(self) -> None:
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}"

    @property
    def requests(self) -> list[dict]:
        return _Handler.requests

    def __enter__(self) -> FakeOllama:
        _Handler.requests = []
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.server.shutdown()
        self.server.server_close()
