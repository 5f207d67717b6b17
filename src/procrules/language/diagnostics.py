"""Diagnostics: what a business user sees when a rule file is wrong.

Every problem the parser or the checker finds is a :class:`Diagnostic` with a code, a severity, a
location and a message (OPA's ``ast.Error`` is the model), optionally a hint. They are collected
per file in a :class:`DiagnosticSink`, which stops taking errors past a limit, and rendered in the
format of LANGUAGE.md section 11::

    path/to/file.rules:LINE:COL: error[CODE]: message
    <the source line>
    <caret under the column>
    hint: <likely fix>

The codes are listed in :data:`CODES` with a one-line title; ``docs/errors.md`` explains each one
with a bad example and its fix (a test keeps the two in step).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Iterable, Iterator

    from procrules.language.ast import Span

#: How many errors of one file are reported before the rest are summarised.
ERROR_LIMIT = 20


class Severity(StrEnum):
    """How bad a diagnostic is: errors stop a file from loading, warnings do not."""

    ERROR = "error"
    WARNING = "warning"


#: Every diagnostic code with a short title. E1xx syntax, E2xx names, E3xx types and values,
#: E4xx custom data, E5xx limits, W1xx warnings.
CODES: dict[str, str] = {
    # syntax
    "E100": "syntax error",
    "E101": "unexpected character",
    "E102": "missing `end`",
    "E103": "unterminated or invalid text",
    "E104": "invalid number",
    # names
    "E201": "unknown field",
    "E202": "undefined constant",
    "E203": "constant defined twice",
    "E204": "rule name used twice",
    "E205": "unknown function",
    "E206": "unknown record type",
    "E207": "header given twice",
    "E208": "invalid constant value",
    # types and values
    "E301": "values that cannot be compared",
    "E302": "wrong number of arguments",
    "E303": "wrong type of argument",
    "E304": "several values need `any`, `all` or `none`",
    "E305": "quantifier on a single value",
    "E306": "invalid regular expression",
    "E307": "invalid date",
    "E308": "operator not defined for these types",
    "E309": "not a condition",
    "E310": "cannot be written",
    "E311": "value does not fit the field",
    "E312": "not a list or map",
    # custom data
    "E401": "custom data owned by someone else",
    "E402": "wildcard in a custom-data write",
    "E403": "malformed custom-data reference",
    "E404": "empty module or key",
    "E405": "value does not fit the custom-data type",
    # limits
    "E501": "file too large",
    "E502": "nesting too deep",
    "E503": "too many rules",
    # warnings
    "W101": "rule can never run",
    "W102": "rule scope matches no record",
    "W103": "constant never used",
}


@dataclass(frozen=True, slots=True)
class Diagnostic:
    """One problem in one rule file, at one place."""

    code: str
    severity: Severity
    message: str
    span: Span
    hint: str | None = None

    @property
    def is_error(self) -> bool:
        return self.severity is Severity.ERROR

    def headline(self) -> str:
        """The first line: ``file:line:col: severity[CODE]: message``."""
        s = self.span
        return f"{s.file}:{s.line}:{s.column}: {self.severity.value}[{self.code}]: {self.message}"

    def render(self, source: str | None) -> str:
        """The full diagnostic: headline, source line with a caret, and the hint."""
        lines = [self.headline()]
        if source is not None:
            text_lines = source.splitlines()
            if 1 <= self.span.line <= len(text_lines):
                text = text_lines[self.span.line - 1]
                lines.append(text)
                lines.append(_caret_line(text, self.span.column, self._caret_width(text)))
        if self.hint:
            lines.append(f"hint: {self.hint}")
        return "\n".join(lines)

    def _caret_width(self, text: str) -> int:
        s = self.span
        if s.end_line == s.line and s.end_column > s.column:
            return min(s.end_column - s.column, max(1, len(text) - s.column + 1))
        return 1


def _caret_line(text: str, column: int, width: int) -> str:
    """Spaces (tabs kept, so the caret lines up) up to ``column``, then ``^`` ``width`` times."""
    prefix = "".join("\t" if ch == "\t" else " " for ch in text[: max(column - 1, 0)])
    return prefix + "^" * max(width, 1)


@dataclass(slots=True)
class DiagnosticSink:
    """Collects the diagnostics of one file, keeping at most :data:`ERROR_LIMIT` errors."""

    limit: int = ERROR_LIMIT
    items: list[Diagnostic] = field(default_factory=list)
    dropped: int = 0

    def add(self, diagnostic: Diagnostic) -> None:
        if diagnostic.is_error and self.error_count >= self.limit:
            self.dropped += 1
            return
        self.items.append(diagnostic)

    def error(self, code: str, message: str, span: Span, hint: str | None = None) -> None:
        self.add(Diagnostic(code, Severity.ERROR, message, span, hint))

    def warning(self, code: str, message: str, span: Span, hint: str | None = None) -> None:
        self.add(Diagnostic(code, Severity.WARNING, message, span, hint))

    def extend(self, diagnostics: Iterable[Diagnostic]) -> None:
        for d in diagnostics:
            self.add(d)

    @property
    def error_count(self) -> int:
        return sum(1 for d in self.items if d.is_error)

    @property
    def has_errors(self) -> bool:
        return any(d.is_error for d in self.items)

    @property
    def full(self) -> bool:
        return self.error_count >= self.limit

    def sorted(self) -> list[Diagnostic]:
        """By position, then errors before warnings; duplicates (same place and text) once."""
        seen: set[tuple[int, int, str, str]] = set()
        out: list[Diagnostic] = []
        for d in sorted(self.items, key=_position_key):
            k = (d.span.line, d.span.column, d.code, d.message)
            if k not in seen:
                seen.add(k)
                out.append(d)
        return out

    def __iter__(self) -> Iterator[Diagnostic]:
        return iter(self.sorted())


def _position_key(d: Diagnostic) -> tuple[int, int, int]:
    return (d.span.line, d.span.column, 0 if d.is_error else 1)


def render_all(diagnostics: Iterable[Diagnostic], source: str | None, dropped: int = 0) -> str:
    """Render a file's diagnostics, blank-line separated, with a note for errors not shown."""
    parts = [d.render(source) for d in diagnostics]
    if dropped:
        parts.append(f"note: {dropped} more error(s) not shown (limit {ERROR_LIMIT} per file)")
    return "\n\n".join(parts)
