"""The rule language's grammar file and its LALR parsers, built once per process.

Owns where ``rules.lark`` is found (inside the installed package as ``procrules/grammar/``, or
``<repo>/grammar/`` in a source checkout), the lark options every parser of the language uses, the
lexer's always-accepted words (see the grammar's header comment), and the collection of ``#``
comments during a parse. The parsers are LALR with lark's contextual lexer and build the AST as
they reduce, with lark's lexer and parser loops written out for speed (:mod:`fast_lark`); they
are cached on disk by lark (``cache=True``) and in memory by :func:`get_parser`.
"""

from __future__ import annotations

import functools
from contextlib import contextmanager
from contextvars import ContextVar
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Final

from lark import Lark, Token

from procrules.language.transform import AstBuilder

try:
    from procrules.language.fast_lark import FastContextualLexer, FastLALRParser
except ImportError:  # pragma: no cover -- a lark without the internals they build on
    _FAST_LOOPS: dict[str, type] = {}
else:
    _FAST_LOOPS = {"ContextualLexer": FastContextualLexer, "LALR_Parser": FastLALRParser}

if TYPE_CHECKING:
    from collections.abc import Iterator
    from importlib.resources.abc import Traversable

#: LANGUAGE.md section 2: words that start or join conditions, expressions and actions. They are
#: never field names; the lexer tries them in every parser state.
RESERVED_WORDS: Final = [
    "rule",
    "when",
    "then",
    "end",
    "const",
    "and",
    "or",
    "not",
    "any",
    "all",
    "none",
    "in",
    "is",
    "null",
    "empty",
    "exists",
    "set",
    "remove",
    "add",
    "to",
    "replace",
    "with",
    "copy",
    "swap",
    "ignore",
    "fail",
    "stop",
    "log",
    "as",
    "where",
    "true",
    "false",
]

#: Words that are keywords only where a header (or ``as``) expects them, and names elsewhere.
CONTEXTUAL_WORDS: Final = [
    "ruleset",
    "for",
    "on",
    "import",
    "export",
    "connection",
    "description",
    "tags",
    "disabled",
    "string",
    "bool",
    "integer",
    "decimal",
    "json",
]

#: The start symbols: a whole file, and the two pieces that error recovery parses on their own.
START_SYMBOLS: Final = ("start", "preamble", "rule_chunk")

_PACKAGE: Final = "procrules"
_GRAMMAR_FILE: Final = "rules.lark"


def grammar_path() -> Traversable:
    """``rules.lark``: inside the installed package, else in the source checkout's ``grammar/``."""
    packaged = resources.files(_PACKAGE) / "grammar" / _GRAMMAR_FILE
    if packaged.is_file():
        return packaged
    return Path(__file__).resolve().parents[3] / "grammar" / _GRAMMAR_FILE


@functools.cache
def grammar_text() -> str:
    """The grammar's text, read once."""
    return grammar_path().read_text(encoding="utf-8")


class AlwaysLexWords:
    """A no-op postlexer whose ``always_accept`` makes the contextual lexer try NAME, CONST_NAME
    and every reserved word in every parser state, so that keywords are whole words only and a
    reserved word where a name is expected is reported as that word."""

    always_accept: Final = ("NAME", "CONST_NAME", *(word.upper() for word in RESERVED_WORDS))

    def process(self, stream: Iterator[Token]) -> Iterator[Token]:
        return stream


_collected_comments: ContextVar[list[Token] | None] = ContextVar(
    "procrules_collected_comments", default=None
)


def _collect_comment(token: Token) -> Token:
    comments = _collected_comments.get()
    if comments is not None:
        comments.append(token)
    return token


@contextmanager
def collecting_comments() -> Iterator[list[Token]]:
    """Collect the COMMENT tokens that parsers lex inside the ``with`` block into a list."""
    comments: list[Token] = []
    reset = _collected_comments.set(comments)
    try:
        yield comments
    finally:
        _collected_comments.reset(reset)


def build_parser(
    start: str = "start", *, strict: bool = False, cache: bool = True, fast: bool = True
) -> Lark:
    """A new LALR parser of the language for ``start``, whose ``parse`` returns the top-level
    nodes (header lines, consts, rules) that :class:`AstBuilder` makes. ``strict=True`` makes lark
    refuse any shift/reduce or reduce/reduce conflict and any collision of terminals;
    ``fast=False`` keeps lark's own lexer and parser loops (the tests compare the two)."""
    if start not in START_SYMBOLS:
        msg = f"unknown start symbol {start!r}; expected one of {', '.join(START_SYMBOLS)}"
        raise ValueError(msg)
    return Lark(
        grammar_text(),
        parser="lalr",
        lexer="contextual",
        start=start,
        strict=strict,
        cache=cache and not strict,
        # The AST builder runs inside the parser, with every token kept: node spans come from
        # tokens, so lark's propagated positions (and a parse tree) are not needed.
        transformer=AstBuilder(),
        keep_all_tokens=True,
        propagate_positions=False,
        maybe_placeholders=False,
        postlex=AlwaysLexWords(),
        lexer_callbacks={"COMMENT": _collect_comment},
        # lark's lexer and parser loops, written out for speed (fast_lark.py).
        _plugins=_FAST_LOOPS if fast else {},
    )


def get_parser(start: str = "start") -> Lark:
    """The process-wide parser for ``start`` (one of :data:`START_SYMBOLS`): ``parse(text)``
    parses from that symbol and returns its top-level nodes. Use it inside
    :func:`~procrules.language.transform.building` (which :func:`~procrules.language.parser.parse`
    does) so that spans carry the file name."""
    return _cached_parser(start)


@functools.cache
def _cached_parser(start: str) -> Lark:
    return build_parser(start)
