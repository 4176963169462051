"""Who may use the chat: credentials from ``--auth``, ``--auth-file`` or ``RAG_AUTH``, and the
rule that a server reachable from other machines must have them."""

from __future__ import annotations

import ipaddress
import os
from pathlib import Path

from rag.config import ConfigError

LOOPBACK_NAMES = {"localhost", "ip6-localhost"}


def _pairs(text: str, where: str) -> list[tuple[str, str]]:
    pairs = []
    for raw in text.replace(",", "\n").splitlines():
        item = raw.strip()
        if not item or item.startswith("#"):
            continue
        user, sep, password = item.partition(":")
        if not sep or not user or not password:
            raise ConfigError(f"{where}: credentials must look like user:password")
        pairs.append((user, password))
    return pairs


def load_credentials(auth: str | None = None, auth_file: str | None = None) -> list[tuple[str, str]]:
    """Every (user, password) given on the command line, in a file (one per line) or in
    RAG_AUTH (comma-separated)."""
    creds: list[tuple[str, str]] = []
    if auth:
        creds += _pairs(auth, "--auth")
    if auth_file:
        path = Path(auth_file)
        try:
            creds += _pairs(path.read_text(encoding="utf-8"), str(path))
        except OSError as exc:
            raise ConfigError(f"--auth-file {path}: cannot read ({exc.strerror})") from exc
    if os.environ.get("RAG_AUTH"):
        creds += _pairs(os.environ["RAG_AUTH"], "RAG_AUTH")
    return creds


def is_loopback(host: str) -> bool:
    if host.lower() in LOOPBACK_NAMES:
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False  # a host name other than localhost: assume it is reachable


def check_bind(host: str, creds: list[tuple[str, str]]) -> None:
    """Refuse to serve beyond this machine without credentials."""
    if not creds and not is_loopback(host):
        raise ConfigError(
            f"refusing to serve on {host} without authentication: anyone who reaches the port could "
            "read, upload and delete; set --auth user:password, --auth-file FILE or RAG_AUTH"
        )
