"""The parse in progress, as the AST builder sees it: the file label of every span, and where the
diagnostics found while building nodes go.

A parse runs inside :func:`building`; the builder's callbacks (which lark calls with tokens and
nodes only) reach the file name and the diagnostics list through a context variable, so one
cached parser serves every file and thread.
"""

from __future__ import annotations

from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from lark import Token

from procrules.language.ast import Span
from procrules.language.diagnostics import Diagnostic, Severity

if TYPE_CHECKING:
    from collections.abc import Iterator


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


def token_span(token: Token) -> Span:
    """Where a token stands in the current file."""
    return Span(
        current().file,
        token.line or 0,
        token.column or 0,
        token.end_line or 0,
        token.end_column or 0,
    )


def span_between(first: object, last: object) -> Span:
    """From the start of ``first`` to the end of ``last``: tokens, or nodes with a ``span``."""
    start = first if isinstance(first, Token) else None
    end = last if isinstance(last, Token) else None
    start_span = token_span(start) if start is not None else _node_span(first)
    end_span = token_span(end) if end is not None else _node_span(last)
    return start_span.to(end_span)


def _node_span(node: object) -> Span:
    span = getattr(node, "span", None)
    if not isinstance(span, Span):
        msg = f"{node!r} has no span"
        raise TypeError(msg)
    return span


def report(code: str, message: str, span: Span, hint: str | None = None) -> None:
    """Add an error to the current parse's diagnostics."""
    current().diagnostics.append(Diagnostic(code, Severity.ERROR, message, span, hint))
