"""The manipulator chain (RECORDS.md): the run context, the manipulator protocol, the chain, and
the rule engine as a manipulator.

A :class:`Chain` feeds each manipulator the record as the previous one left it and stops at the
first result that is not ``ok``. Its result merges ``fired``, ``changes`` and ``messages`` of the
manipulators that ran. When one ends the record (``ignored``, ``failed``, ``error``) the chain's
result is that status with the record *as it came into the chain* and no changes: the chain is
atomic like a single rule book (LANGUAGE.md section 12, "Results").
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import partial
from typing import TYPE_CHECKING, Any, Literal, Protocol, runtime_checkable

from procrules.engine.result import Change, FiredRule, Message, Result

if TYPE_CHECKING:
    from collections.abc import Iterable

    from procrules.engine.book import Book

Direction = Literal["import", "export"]


@dataclass(frozen=True, slots=True)
class Context:
    """The run context of a chain: record type, direction, and the connection it runs for."""

    record_type: str | None = None
    direction: Direction = "import"
    connection_id: str | None = None

    def __post_init__(self) -> None:
        if self.direction not in ("import", "export"):
            raise ValueError(f"direction must be import or export, not {self.direction!r}")


DEFAULT_CONTEXT = Context()


@runtime_checkable
class Manipulator(Protocol):
    """Anything that processes one record in a chain."""

    def process(self, record: Any, context: Context) -> Result: ...


class RulesManipulator:
    """A rule book as a manipulator."""

    __slots__ = ("book",)

    def __init__(self, book: Book) -> None:
        self.book = book

    def process(self, record: Any, context: Context) -> Result:
        return self.book.apply(record, context)

    def __repr__(self) -> str:
        return f"RulesManipulator({self.book!r})"


class Chain:
    """An ordered list of manipulators, itself a manipulator."""

    __slots__ = ("manipulators",)

    def __init__(self, manipulators: Iterable[Manipulator]) -> None:
        self.manipulators: tuple[Manipulator, ...] = tuple(manipulators)

    def process(self, record: Any, context: Context = DEFAULT_CONTEXT) -> Result:
        from procrules.engine.book import normal_form

        fired: list[FiredRule] = []
        changes: list[Change] = []
        messages: list[Message] = []
        current = record
        for manipulator in self.manipulators:
            result = manipulator.process(current, context)
            fired.extend(result.fired)
            messages.extend(result.messages)
            if result.status != "ok":
                entry = partial(normal_form, record, context)
                return Result(result.status, entry, fired, [], messages, result.error)
            changes.extend(result.changes)
            current = result.record
        if current is record:
            return Result("ok", partial(normal_form, record, context), fired, changes, messages)
        final = current
        return Result("ok", lambda: final, fired, changes, messages)
