"""What a rule test file says, once read: the cases, their context, record and expectations,
and the problems of a file that cannot run.

This module owns the data that :mod:`procrules.testing.loader` builds and the runner, the
comparison and the reports use; it has no behaviour beyond rendering a :class:`Problem`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from pathlib import Path

TOP_KEYS = ("rules", "context", "cases")
CASE_KEYS = ("name", "context", "record", "record_file", "record_index", "expect")
CONTEXT_KEYS = ("type", "direction", "connection")
EXPECT_KEYS = ("status", "fired", "not_fired", "record", "changes", "messages")
CHANGE_KEYS = ("path", "before", "after", "rule")
MESSAGE_KEYS = ("level", "text", "rule")
RECORD_TYPES = ("Order", "Invoice", "Product")
DIRECTIONS = ("import", "export")
STATUSES = ("ok", "ignored", "failed", "error")
LEVELS = ("info", "warning", "error")


class _Unset:
    __slots__ = ()

    def __repr__(self) -> str:
        return "UNSET"


UNSET: Any = _Unset()  # a key not written (``before``/``after`` of a change)


@dataclass(frozen=True, slots=True)
class Problem:
    """One problem of a test file, at a 1-based line and column."""

    file: str
    line: int
    column: int
    message: str
    hint: str | None = None

    def render(self) -> str:
        out = f"{self.file}:{self.line}:{self.column}: error: {self.message}"
        return out + (f"\n  hint: {self.hint}" if self.hint else "")

    def to_dict(self) -> dict[str, Any]:
        return {
            "line": self.line,
            "column": self.column,
            "message": self.message,
            "hint": self.hint,
        }


class TestFileError(Exception):
    """A test file that cannot run: its problems, and ``details`` (e.g. the diagnostics of
    rule files with errors)."""

    __test__ = False  # not a pytest test class

    def __init__(self, problems: list[Problem], details: str = "") -> None:
        self.problems = problems
        self.details = details
        super().__init__("\n".join(p.render() for p in problems))


@dataclass(frozen=True, slots=True)
class Located:
    """An expectation and the line of its key (failures point there)."""

    value: Any
    line: int


@dataclass(frozen=True, slots=True)
class ChangeSpec:
    path: str
    before: Any = UNSET
    after: Any = UNSET
    rule: str | None = None


@dataclass(frozen=True, slots=True)
class MessageSpec:
    text: str | None = None
    level: str | None = None
    rule: str | None = None


@dataclass(slots=True)
class Expect:
    status: Located | None = None
    fired: Located | None = None  # list[str]
    not_fired: Located | None = None  # list[str]
    record: Located | None = None  # dict
    changes: Located | None = None  # list[ChangeSpec]
    messages: Located | None = None  # list[MessageSpec]


@dataclass(frozen=True, slots=True)
class CaseContext:
    record_type: str | None = None
    direction: str = "import"
    connection: str | None = None


@dataclass(slots=True)
class Case:
    name: str
    line: int
    context: CaseContext
    record: Any
    expect: Expect


@dataclass(slots=True)
class TestFile:
    __test__ = False  # not a pytest test class

    path: Path
    label: str
    rules: list[str]
    rules_line: int
    rules_column: int
    cases: list[Case] = field(default_factory=list)
