"""Check-time validation of literal text: ISO 8601 dates and RE2 regular expressions.

Both are compiled or parsed when the file is checked, so a bad date or pattern is a diagnostic at
its place in the file, never a surprise at run time. The engine reuses :func:`compile_regex`.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from functools import lru_cache
from typing import Any

import re2


class RegexError(ValueError):
    """A pattern RE2 refuses; the message is RE2's own reason."""


@lru_cache(maxsize=1024)
def compile_regex(pattern: str) -> Any:
    """Compile a pattern with RE2 (linear time). Raises :class:`RegexError`."""
    try:
        options = re2.Options()
        options.log_errors = False
        return re2.compile(pattern, options=options)
    except Exception as exc:  # noqa: BLE001 - re2 raises its own Error, TypeError, ...
        raise RegexError(_reason(exc)) from None


def _reason(exc: Exception) -> str:
    """RE2's message as text: ``missing ): a(b`` (its ``Error`` carries bytes)."""
    arg = exc.args[0] if exc.args else ""
    text = arg.decode("utf-8", "replace") if isinstance(arg, bytes) else str(arg)
    return text or "invalid pattern"


def parse_iso(text: str) -> date | datetime:
    """An ISO 8601 date (``2024-01-31``) or date and time; naive times are UTC.

    Raises ``ValueError`` for anything else.
    """
    value = text.strip()
    if len(value) == 10:
        return date.fromisoformat(value)
    parsed = datetime.fromisoformat(value.replace("z", "Z"))
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def is_iso_date(text: str) -> bool:
    try:
        parse_iso(text)
    except ValueError:
        return False
    return True
