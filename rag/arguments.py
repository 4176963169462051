"""Command-line argument helpers shared by ``rag`` and ``app.py``: a usage mistake or a failure
is one line on stderr and a non-zero exit status, never a traceback."""

from __future__ import annotations

import argparse
import sys

EXIT_USAGE = 2
EXIT_FAIL = 1


def err(message: str, code: int = EXIT_FAIL) -> int:
    print(f"error: {message}", file=sys.stderr)
    return code


class OneLineParser(argparse.ArgumentParser):
    """A usage mistake is one line on stderr (not the usage block) and exit status 2."""

    def error(self, message: str):  # type: ignore[override]
        self.exit(EXIT_USAGE, f"error: {self.prog}: {message} (see --help)\n")


def int_in(lo: int, hi: int):
    """An argparse type: an integer between lo and hi."""

    def parse(raw: str) -> int:
        try:
            value = int(raw)
        except ValueError:
            raise argparse.ArgumentTypeError(f"must be an integer, got {raw!r}") from None
        if not lo <= value <= hi:
            raise argparse.ArgumentTypeError(f"must be between {lo} and {hi}, got {value}")
        return value

    return parse


def iso_date(raw: str) -> str:
    """An argparse type: a calendar date written YYYY-MM-DD."""
    from datetime import date

    try:
        return date.fromisoformat(raw).isoformat()
    except ValueError:
        raise argparse.ArgumentTypeError(f"must be a date like 2017-10-26, got {raw!r}") from None
