"""The layout engine of the formatter: a small Wadler/Prettier-style document and its renderer.

A :class:`Doc` says what text to print and where it may be broken; :func:`render` lays it out in
at most :data:`WIDTH` columns where it can. A :class:`Group` is printed on one line when it fits
(the rest of its line included) and broken otherwise, which turns each of its :class:`Line` parts
into a new line at the current indentation. A group that is not ``breakable`` is always printed
flat unless it is ``forced`` (a comment stands inside it); a forced group always breaks.

Besides text, a document holds :class:`Mark` parts: zero-width anchors that say which source
positions the text printed there comes from. The renderer gives back, for every output line, the
marks printed on it, which is how the formatter puts each comment back next to its code.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import Enum
from typing import TYPE_CHECKING, TypeAlias

if TYPE_CHECKING:
    from collections.abc import Iterable

#: The width the formatter aims at (comments are not counted).
WIDTH = 100

#: A source position: 1-based line and column.
Pos: TypeAlias = tuple[int, int]


@dataclass(frozen=True, slots=True)
class Text:
    """Text printed as is (never contains a newline)."""

    text: str


@dataclass(frozen=True, slots=True)
class Line:
    """A place to break: ``flat`` when the enclosing group is on one line, a newline otherwise."""

    flat: str = " "


@dataclass(frozen=True, slots=True)
class IfBreak:
    """Text printed only when the enclosing group is broken (a trailing comma)."""

    text: str


@dataclass(frozen=True, slots=True)
class Mark:
    """A zero-width anchor: the source code printed here runs from ``start`` to ``end``."""

    start: Pos
    end: Pos


@dataclass(frozen=True, slots=True)
class Nest:
    """Its parts, with every line break inside indented ``indent`` more columns."""

    parts: tuple[Doc, ...]
    indent: int = 2


@dataclass(frozen=True, slots=True)
class Group:
    """Its parts on one line if they fit, else broken (see the module docstring)."""

    parts: tuple[Doc, ...]
    breakable: bool = True
    forced: bool = False


Doc: TypeAlias = "Text | Line | IfBreak | Mark | Nest | Group | tuple[Doc, ...]"


@dataclass(slots=True)
class OutLine:
    """One rendered line: its indentation, its text (without the indentation) and its marks."""

    indent: int
    text: str = ""
    marks: list[Mark] = field(default_factory=list)

    @property
    def start(self) -> Pos | None:
        """The first source position printed on this line, if any."""
        return min((m.start for m in self.marks), default=None)

    @property
    def end(self) -> Pos | None:
        """The last source position printed on this line, if any."""
        return max((m.end for m in self.marks), default=None)


class _Mode(Enum):
    FLAT = 1
    BREAK = 2


_Command: TypeAlias = tuple[int, _Mode, "Doc"]


def concat(*parts: Doc) -> tuple[Doc, ...]:
    """The parts one after the other."""
    return parts


def join(separator: Iterable[Doc], items: Iterable[Doc]) -> tuple[Doc, ...]:
    """The items with ``separator`` between each two."""
    sep = tuple(separator)
    out: list[Doc] = []
    for number, item in enumerate(items):
        if number:
            out.extend(sep)
        out.append(item)
    return tuple(out)


def flat_width(doc: Doc) -> int | None:
    """How wide ``doc`` is on one line, or None when it cannot be (it holds a forced group)."""
    total = 0
    stack: list[Doc] = [doc]
    while stack:
        part = stack.pop()
        if isinstance(part, Text):
            total += len(part.text)
        elif isinstance(part, Line):
            total += len(part.flat)
        elif isinstance(part, Nest):
            stack.extend(reversed(part.parts))
        elif isinstance(part, Group):
            if part.forced:
                return None
            stack.extend(reversed(part.parts))
        elif isinstance(part, tuple):
            stack.extend(reversed(part))
    return total


def render(doc: Doc, indent: int = 0, *, column: int = 0, width: int = WIDTH) -> list[OutLine]:
    """Lay ``doc`` out at ``indent``; the first line starts at ``column`` (after a prefix)."""
    lines = [OutLine(indent)]
    position = max(column, indent)
    commands: list[_Command] = [(indent, _Mode.BREAK, doc)]
    while commands:
        level, mode, part = commands.pop()
        if isinstance(part, Text):
            lines[-1].text += part.text
            position += len(part.text)
        elif isinstance(part, Mark):
            lines[-1].marks.append(part)
        elif isinstance(part, IfBreak):
            if mode is _Mode.BREAK:
                lines[-1].text += part.text
                position += len(part.text)
        elif isinstance(part, Line):
            if mode is _Mode.FLAT:
                lines[-1].text += part.flat
                position += len(part.flat)
            else:
                lines.append(OutLine(level))
                position = level
        elif isinstance(part, Nest):
            commands.extend((level + part.indent, mode, p) for p in reversed(part.parts))
        elif isinstance(part, Group):
            chosen = _Mode.FLAT
            if mode is _Mode.BREAK and part.forced:
                chosen = _Mode.BREAK
            elif mode is _Mode.BREAK and part.breakable:
                rest = [*commands, (level, _Mode.FLAT, part)]
                if not _fits(rest, width - position):
                    chosen = _Mode.BREAK
            commands.extend((level, chosen, p) for p in reversed(part.parts))
        elif isinstance(part, tuple):
            commands.extend((level, mode, p) for p in reversed(part))
    for line in lines:
        line.text = line.text.rstrip()
    return lines


def _fits(commands: list[_Command], room: int) -> bool:
    """Whether the last command (in flat mode), and what follows it up to the next line break of
    a broken group, fits in ``room`` columns."""
    stack = list(commands)
    while stack:
        if room < 0:
            return False
        _level, mode, part = stack.pop()
        if isinstance(part, Text):
            room -= len(part.text)
        elif isinstance(part, IfBreak):
            if mode is _Mode.BREAK:
                room -= len(part.text)
        elif isinstance(part, Line):
            if mode is _Mode.BREAK:
                return True
            room -= len(part.flat)
        elif isinstance(part, Nest | Group):
            stack.extend((0, mode, p) for p in reversed(part.parts))
        elif isinstance(part, tuple):
            stack.extend((0, mode, p) for p in reversed(part))
    return room >= 0
