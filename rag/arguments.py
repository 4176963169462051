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


def period_bound(end: bool):
    """An argparse type: a date, a month or a year (2017-10-26, 2017-10, 2017), read as the
    period's first day, or its last when ``end``."""
    import calendar
    import re
    from datetime import date

    def parse(raw: str) -> str:
        m = re.fullmatch(r"(\d{4})(?:-(\d{2}))?(?:-(\d{2}))?", raw.strip())
        try:
            if not m:
                raise ValueError
            y, mo, d = int(m.group(1)), int(m.group(2) or (12 if end else 1)), m.group(3)
            day = int(d) if d else (calendar.monthrange(y, mo)[1] if end else 1) if 1 <= mo <= 12 else 0
            return date(y, mo, day).isoformat()
        except ValueError:
            raise argparse.ArgumentTypeError(
                f"must be a date, month or year like 2017-10-26, 2017-10 or 2017, got {raw!r}"
            ) from None

    return parse
