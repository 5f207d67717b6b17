"""The result of one record (LANGUAGE.md section 10.5, CLI.md "Result format").

:class:`Result` has the status, the record, the rules that fired, the changes, the messages and
the error. The record is computed lazily -- on first access to :attr:`Result.record` or
:meth:`Result.to_dict` -- so a caller that only looks at ``fired`` or ``status`` never pays for
writing the record in normal form.

Message levels: ``info`` for ``log``, ``warning`` for the reason of ``ignore``, ``error`` for the
reason of ``fail`` and for an evaluation error's message.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal

if TYPE_CHECKING:
    from collections.abc import Callable, Sequence

Status = Literal["ok", "ignored", "failed", "error"]
Level = Literal["info", "warning", "error"]


@dataclass(frozen=True, slots=True)
class FiredRule:
    ruleset: str
    rule: str

    def to_dict(self) -> dict[str, Any]:
        return {"ruleset": self.ruleset, "rule": self.rule}


@dataclass(frozen=True, slots=True)
class Change:
    """One change: the concrete 0-based ``path`` and the JSON values before and after."""

    ruleset: str
    rule: str
    path: str
    before: Any
    after: Any

    def to_dict(self) -> dict[str, Any]:
        return {
            "ruleset": self.ruleset,
            "rule": self.rule,
            "path": self.path,
            "before": self.before,
            "after": self.after,
        }


@dataclass(frozen=True, slots=True)
class Message:
    level: str
    ruleset: str | None
    rule: str | None
    text: str

    def to_dict(self) -> dict[str, Any]:
        return {"level": self.level, "ruleset": self.ruleset, "rule": self.rule, "text": self.text}


@dataclass(frozen=True, slots=True)
class ErrorInfo:
    """Where and why a record could not be evaluated; ``ruleset``/``rule``/positions are
    ``None`` for a problem with the record itself (e.g. a ``recordType`` that disagrees)."""

    ruleset: str | None
    rule: str | None
    file: str | None
    line: int | None
    column: int | None
    message: str

    def to_dict(self) -> dict[str, Any]:
        return {
            "ruleset": self.ruleset,
            "rule": self.rule,
            "file": self.file,
            "line": self.line,
            "column": self.column,
            "message": self.message,
        }


_UNSET: Any = object()


class Result:
    """What a manipulator returns for one record. ``record`` is JSON in normal form.

    The engine hands over its changes and messages as plain tuples (the fields of
    :class:`Change` / :class:`Message`, in order); they become those objects when first read,
    so a caller that looks only at ``status`` and ``fired`` never pays for building them.
    """

    __slots__ = ("_changes", "_make_record", "_messages", "_record", "error", "fired", "status")

    def __init__(
        self,
        status: Status,
        make_record: Callable[[], dict[str, Any] | None],
        fired: list[FiredRule],
        changes: list[Change] | list[tuple[Any, ...]],
        messages: list[Message] | list[tuple[Any, ...]],
        error: ErrorInfo | None = None,
    ) -> None:
        self.status: Status = status
        self._make_record = make_record
        self._record: Any = _UNSET
        self.fired = fired
        self._changes: list[Any] = changes
        self._messages: list[Any] = messages
        self.error = error

    @property
    def changes(self) -> list[Change]:
        """Every change, in order."""
        raw = self._changes
        if any(c.__class__ is not Change for c in raw):
            self._changes = raw = [c if c.__class__ is Change else Change(*c) for c in raw]
        return raw

    @changes.setter
    def changes(self, value: list[Change]) -> None:
        self._changes = value

    @property
    def messages(self) -> list[Message]:
        """What was logged, and the reasons of ``ignore``, ``fail`` and an error, in order."""
        raw = self._messages
        if any(m.__class__ is not Message for m in raw):
            self._messages = raw = [m if m.__class__ is Message else Message(*m) for m in raw]
        return raw

    @messages.setter
    def messages(self, value: list[Message]) -> None:
        self._messages = value

    @classmethod
    def of(
        cls,
        status: Status,
        record: dict[str, Any] | None,
        *,
        fired: Sequence[FiredRule] = (),
        changes: Sequence[Change] = (),
        messages: Sequence[Message] = (),
        error: ErrorInfo | None = None,
    ) -> Result:
        """A result holding ``record`` itself: what a hand-written manipulator returns."""
        made = cls(status, lambda: record, list(fired), list(changes), list(messages), error)
        made._record = record
        return made

    @property
    def ok(self) -> bool:
        return self.status == "ok"

    @property
    def record(self) -> dict[str, Any] | None:
        """The record after every change (or as it came in, when not ``ok``), in normal form."""
        if self._record is _UNSET:
            self._record = self._make_record()
        return self._record  # type: ignore[no-any-return]

    def to_dict(self) -> dict[str, Any]:
        return {
            "status": self.status,
            "record": self.record,
            "fired": [f.to_dict() for f in self.fired],
            "changes": [c.to_dict() for c in self.changes],
            "messages": [m.to_dict() for m in self.messages],
            "error": None if self.error is None else self.error.to_dict(),
        }

    def __repr__(self) -> str:
        names = ", ".join(f.rule for f in self.fired)
        return f"<Result {self.status} fired=[{names}] changes={len(self.changes)}>"

    def __getstate__(self) -> dict[str, Any]:
        return {
            "status": self.status,
            "record": self.record,
            "fired": self.fired,
            "changes": self.changes,
            "messages": self.messages,
            "error": self.error,
        }

    def __setstate__(self, state: dict[str, Any]) -> None:
        record = state["record"]
        self.status = state["status"]
        self._make_record = lambda: record
        self._record = record
        self.fired = state["fired"]
        self.changes = state["changes"]
        self.messages = state["messages"]
        self.error = state["error"]
