"""Parsing a rule file: source text in, a :class:`RuleSet` and syntax diagnostics out.

Owns :func:`parse`, the only entry point, and its error recovery (LANGUAGE.md section 11): when
the whole file does not parse, the text is cut before every ``rule`` keyword that begins a line
(the word is reserved and strings cannot span lines, so such a line always starts a rule). The
part before the first rule, and each rule with the consts after it, are parsed on their own,
padded with newlines so that every position stays exact. Each broken part gives one diagnostic,
a rule that runs into the next without ``end`` gives E102, and whatever parsed is kept. No lark
exception escapes: every problem is a :class:`Diagnostic`.
"""

from __future__ import annotations

import re
import sys
from dataclasses import dataclass
from typing import Final, cast

from lark import Token, Tree
from lark.exceptions import LarkError, UnexpectedInput

from procrules.language.ast import Comment, Const, Name, Rule, RuleSet, Span
from procrules.language.build_context import BuildContext, building
from procrules.language.diagnostics import Diagnostic, DiagnosticSink, Severity
from procrules.language.grammar import collecting_comments, get_parser
from procrules.language.syntax_errors import InputEnd, syntax_diagnostic
from procrules.language.transform import HeaderLine, header, scope

_RULE_LINE: Final = re.compile(r"[ \t\f\r]*rule(?![A-Za-z0-9_])")
_RULE_NAME: Final = re.compile(r'rule\s+"((?:[^"\\\n]|\\.)*)"')


@dataclass(frozen=True, slots=True)
class ParseResult:
    """What parsing one file gave: the rule set (None only when nothing could be recovered) and
    the syntax diagnostics, sorted by position."""

    ruleset: RuleSet | None
    diagnostics: tuple[Diagnostic, ...]

    @property
    def has_errors(self) -> bool:
        return any(d.is_error for d in self.diagnostics)


def parse(source: str, file: str = "<string>") -> ParseResult:
    """Parse the text of one rule file; ``file`` labels every span and diagnostic."""
    text = source.removeprefix("\ufeff")
    syntax: list[Diagnostic] = []
    with building(file) as context, collecting_comments() as comment_tokens:
        try:
            nodes = _parse_nodes("start", text)
            complete = True
        except UnexpectedInput as error:
            nodes, syntax = _recover(text, file, error, context, comment_tokens)
            complete = False
        except LarkError as error:  # not expected from a parse; reported, never raised
            nodes, complete = [], False
            syntax.append(_error("E100", f"the parser failed: {error}", Span(file, 1, 1, 1, 2)))
        header_lines = [n for n in nodes if isinstance(n, HeaderLine)]
        items = tuple(n for n in nodes if isinstance(n, Const | Rule))
        lines = header(header_lines, "the header")
        sink = DiagnosticSink(limit=sys.maxsize)
        sink.extend([*syntax, *context.diagnostics])
    if not complete and not header_lines and not items:
        return ParseResult(None, tuple(sink.sorted()))
    name_line = lines.get("ruleset")
    name = name_line.value if name_line is not None else None
    ruleset = RuleSet(
        file,
        name.value if isinstance(name, Name) else None,
        scope(lines),
        items,
        comments=_comments(comment_tokens, file),
        name_span=name.span if isinstance(name, Name) else None,
        span=_file_span(text, file),
    )
    return ParseResult(ruleset, tuple(sink.sorted()))


def _recover(
    text: str,
    file: str,
    error: UnexpectedInput,
    context: BuildContext,
    comment_tokens: list[Token],
) -> tuple[list[object], list[Diagnostic]]:
    """After the whole file failed: keep the top-level nodes that were complete before the error
    (and their comments and diagnostics), and parse the rest piece by piece."""
    line_starts = [offset for offset, _ in _lines_with_offsets(text)]
    before = [n for n in _salvage(error) if isinstance(n, HeaderLine | Const | Rule)]
    parsed_until = max(
        (_offset(line_starts, n.span.end_line, n.span.end_column) for n in before), default=0
    )
    pieces = _pieces(text)
    first = next((i for i, piece in enumerate(pieces) if piece[2] > parsed_until), len(pieces) - 1)
    cut = pieces[first][1]
    kept: list[object] = [
        n for n in before if _offset(line_starts, n.span.end_line, n.span.end_column) <= cut
    ]
    comment_tokens[:] = [t for t in comment_tokens if (t.start_pos or 0) < cut]
    context.diagnostics[:] = [
        d for d in context.diagnostics if _offset(line_starts, d.span.line, d.span.column) < cut
    ]
    nodes, diagnostics = _parse_pieces(text, file, pieces[first:])
    return kept + nodes, diagnostics


def _pieces(text: str) -> list[tuple[str, int, int]]:
    """(start symbol, start offset, stop offset): the part before the first ``rule`` that begins
    a line, then each such rule up to the next."""
    keywords = [
        line_start + match.end() - len("rule")
        for line_start, line in _lines_with_offsets(text)
        if (match := _RULE_LINE.match(line)) is not None
    ]
    ends = [*keywords, len(text)]
    pieces = [("preamble", 0, ends[0])]
    pieces += [("rule_chunk", keyword, ends[i + 1]) for i, keyword in enumerate(keywords)]
    return pieces


def _parse_pieces(
    text: str, file: str, pieces: list[tuple[str, int, int]]
) -> tuple[list[object], list[Diagnostic]]:
    """Parse each piece on its own; returns the top-level nodes recovered and one diagnostic per
    broken piece. When a piece breaks at a ``rule`` inside a line (a missing ``end`` before
    ``rule`` on the same line), parsing resumes at that ``rule``."""
    queue = list(reversed(pieces))
    nodes: list[object] = []
    diagnostics: list[Diagnostic] = []
    while queue:
        symbol, start, stop = queue.pop()
        line, column = _position(text, start)
        padding = "\n" * (line - 1) + " " * (column - 1)
        try:
            nodes.extend(_parse_nodes(symbol, padding + text[start:stop]))
        except UnexpectedInput as error:
            end = _input_end(text, start, stop, is_rule=symbol == "rule_chunk")
            diagnostics.append(syntax_diagnostic(error, file, text, end))
            nodes.extend(_salvage(error))
            token = getattr(error, "token", None)
            if isinstance(token, Token) and token.type == "RULE" and token.start_pos is not None:
                restart = start + token.start_pos - len(padding)
                if start < restart < stop:
                    queue.append(("rule_chunk", restart, stop))
        except LarkError as error:  # not expected from a parse; reported, never raised
            span = Span(file, line, column, line, column + 1)
            diagnostics.append(_error("E100", f"the parser failed: {error}", span))
    return nodes, diagnostics


def _offset(line_starts: list[int], line: int, column: int) -> int:
    """The character offset of a 1-based line and column."""
    if not 1 <= line <= len(line_starts):
        return 0
    return line_starts[line - 1] + column - 1


def _parse_nodes(symbol: str, text: str) -> list[object]:
    """The top-level nodes that the parser for ``symbol`` builds from ``text``."""
    return cast("list[object]", get_parser(symbol).parse(text))


def _salvage(error: UnexpectedInput) -> list[object]:
    """The complete top-level nodes before a syntax error: the whole piece if it could end right
    there (a stray word after ``end``), else the header lines and consts already built.

    The parser's stack is copied shallowly: lark's ``Token.__deepcopy__`` drops end positions.
    """
    interactive = getattr(error, "interactive_parser", None)
    if interactive is not None:
        try:
            result = interactive.copy(deepcopy_values=False).feed_eof()
        except LarkError:
            pass
        else:
            if isinstance(result, list):
                return result
    stack = getattr(getattr(error, "state", None), "value_stack", None) or []
    kept: list[object] = []
    for value in stack:
        if isinstance(value, Token):
            break
        kept.extend(_top_level(value))
    return kept


def _top_level(value: object) -> list[object]:
    """Header lines, consts and rules in ``value``, opening lark's helper trees (``__…_star``)
    and the builder's lists (``items``)."""
    if isinstance(value, Tree | list):
        children = value.children if isinstance(value, Tree) else value
        return [node for child in children for node in _top_level(child)]
    if isinstance(value, HeaderLine | Const | Rule):
        return [value]
    return []


def _lines_with_offsets(text: str) -> list[tuple[int, str]]:
    out: list[tuple[int, str]] = []
    offset = 0
    for line in text.split("\n"):
        out.append((offset, line))
        offset += len(line) + 1
    return out


def _position(text: str, offset: int) -> tuple[int, int]:
    """1-based line and column of a character offset, counted as lark counts them."""
    line_start = text.rfind("\n", 0, offset) + 1
    return text.count("\n", 0, offset) + 1, offset - line_start + 1


def _input_end(text: str, start: int, stop: int, *, is_rule: bool) -> InputEnd:
    """Where a piece's end stands: the next ``rule`` keyword, or the end of the file."""
    open_rule = None
    if is_rule:
        match = _RULE_NAME.match(text, start)
        open_rule = (match.group(1) if match else None, _position(text, start)[0])
    if stop < len(text):
        line, column = _position(text, stop)
        return InputEnd(line, column, next_rule=True, open_rule=open_rule)
    line, column = _end_of_text(text.split("\n"))
    return InputEnd(line, column, next_rule=False, open_rule=open_rule)


def _end_of_text(lines: list[str]) -> tuple[int, int]:
    """Just after the last character of the last line that has any."""
    for number in range(len(lines), 0, -1):
        content = lines[number - 1].rstrip()
        if content:
            return number, len(content) + 1
    return 1, 1


def _comments(tokens: list[Token], file: str) -> tuple[Comment, ...]:
    seen: dict[tuple[int, int], Comment] = {}
    for token in tokens:
        line, column = token.line or 0, token.column or 0
        span = Span(file, line, column, token.end_line or line, token.end_column or column)
        seen.setdefault((line, column), Comment(str(token.value).rstrip("\r"), span=span))
    return tuple(seen[key] for key in sorted(seen))


def _file_span(text: str, file: str) -> Span:
    lines = text.split("\n")
    return Span(file, 1, 1, len(lines), len(lines[-1]) + 1)


def _error(code: str, message: str, span: Span) -> Diagnostic:
    return Diagnostic(code, Severity.ERROR, message, span)
