"""The parse in progress, as the AST builder sees it: the file label of every span, and where the
diagnostics found while building nodes go.

A parse runs inside :func:`building`; the builder's callbacks (which lark calls with tokens and
nodes only) reach the file name and the diagnostics list through a context variable, so one
cached parser serves every file and thread. Spans are made here, and fast: :func:`frozen_maker`
builds nodes and spans without the slow ``__init__`` of a frozen dataclass.
"""

from __future__ import annotations

from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field, fields
from typing import TYPE_CHECKING, Any, TypeVar

from lark import Token

from procrules.language.ast import Span
from procrules.language.diagnostics import Diagnostic, Severity

if TYPE_CHECKING:
    from collections.abc import Callable, Iterator

_T = TypeVar("_T")


@dataclass(slots=True)
class BuildContext:
    """The parse in progress: the file label of every span, and the diagnostics found."""

    file: str
    diagnostics: list[Diagnostic] = field(default_factory=list)


_context: ContextVar[BuildContext | None] = ContextVar("procrules_build_context", default=None)


def current() -> BuildContext:
    """The parse in progress; outside :func:`building`, a throw-away one for ``<string>``."""
    context = _context.get()
    return context if context is not None else BuildContext("<string>")


@contextmanager
def building(file: str) -> Iterator[BuildContext]:
    """Run parses for ``file`` inside the block; yields where their diagnostics go."""
    context = BuildContext(file)
    reset = _context.set(context)
    try:
        yield context
    finally:
        _context.reset(reset)


def frozen_maker(cls: type[_T]) -> Callable[..., _T]:
    """A faster constructor for the frozen, slotted dataclass ``cls``: it takes every field, in the
    order of the class and positionally, and sets the slots directly. A frozen dataclass's own
    ``__init__`` sets each field through ``object.__setattr__`` by name, which makes it two to
    three times slower; the builder makes one node and one span for nearly every token. The
    function is generated as dataclasses generate ``__init__``; a test checks that it makes
    nodes equal, field by field, to the class's constructor."""
    names = [f.name for f in fields(cls)]  # type: ignore[arg-type]
    setters = {f"_set_{name}": getattr(cls, name).__set__ for name in names}
    body = "".join(f"    _set_{name}(node, {name})\n" for name in names)
    source = f"def make({', '.join(names)}):\n    node = _new(_cls)\n{body}    return node\n"
    namespace: dict[str, Any] = {"_new": object.__new__, "_cls": cls, **setters}
    exec(source, namespace)  # noqa: S102 -- the source is made above from field names
    make: Callable[..., _T] = namespace["make"]
    make.__qualname__ = make.__name__ = f"make_{cls.__name__}"
    return make


#: ``Span(file, line, column, end_line, end_column)``, faster.
new_span = frozen_maker(Span)


def token_span(token: Token) -> Span:
    """Where a token stands in the current file."""
    context = _context.get()
    return new_span(
        context.file if context is not None else "<string>",
        token.line or 0,
        token.column or 0,
        token.end_line or 0,
        token.end_column or 0,
    )


def span_between(first: object, last: object) -> Span:
    """From the start of ``first`` to the end of ``last``: tokens, or nodes with a ``span``."""
    if isinstance(first, Token):
        context = _context.get()
        file = context.file if context is not None else "<string>"
        line, column = first.line, first.column
    else:
        start = _node_span(first)
        file, line, column = start.file, start.line, start.column
    if isinstance(last, Token):
        return new_span(file, line, column, last.end_line, last.end_column)
    end = _node_span(last)
    return new_span(file, line, column, end.end_line, end.end_column)


def _node_span(node: object) -> Span:
    span = getattr(node, "span", None)
    if not isinstance(span, Span):
        msg = f"{node!r} has no span"
        raise TypeError(msg)
    return span


def report(code: str, message: str, span: Span, hint: str | None = None) -> None:
    """Add an error to the current parse's diagnostics."""
    current().diagnostics.append(Diagnostic(code, Severity.ERROR, message, span, hint))
