"""``procrules fmt``'s engine: a rule file's text in, the same rules in the canonical layout out.

:func:`format_source` parses the file (a file with syntax errors is never rewritten: it raises
:class:`FormatError` with the diagnostics), prints the AST in the layout of docs/formatting.md,
puts every ``#`` comment back next to the code it stood with, and checks its own output: the
result must parse to an equal AST with the same comments, or :class:`FormatError` is raised and
nothing is written. Formatting is idempotent: formatting the output again changes nothing.

The layout of the file and of each rule is decided here; expressions, conditions and actions are
printed by :mod:`formatter_exprs`, and laid out in :data:`~formatter_doc.WIDTH` columns by
:mod:`formatter_doc`. Comments are placed by position: every output line knows which source
positions it prints (its marks); a comment on a line of its own goes before the line of the code
that follows it (with that line's indentation), a comment after code stays at the end of the line
that prints the code just before it.
"""

from __future__ import annotations

import bisect
import re
from collections import Counter, defaultdict
from dataclasses import dataclass
from typing import TYPE_CHECKING, Final, Literal

from procrules.language.ast import Const
from procrules.language.diagnostics import render_all
from procrules.language.formatter_doc import WIDTH, Mark, OutLine, Text, flat_width, render
from procrules.language.formatter_exprs import ExprPrinter, quote
from procrules.language.parser import parse

if TYPE_CHECKING:
    from collections.abc import Iterable, Sequence

    from procrules.language.ast import Comment, Rule, RuleSet, Scope
    from procrules.language.diagnostics import Diagnostic
    from procrules.language.formatter_doc import Doc, Pos

_TOKEN: Final = re.compile(
    r"[ \t\f\r\n]+"
    r"|#[^\n]*"
    r'|customData\["(?:[^"\\\n]|\\.)*"\]'
    r'|customData\[[^\]"\n]*\]'
    r'|"(?:[^"\\\n]|\\.)*"'
    r"|[A-Za-z_][A-Za-z0-9_]*"
    r"|[0-9]+(?:\.[0-9]+)?"
    r"|.",
    re.DOTALL,
)
_FILE_HEADER: Final = ("ruleset", "for", "on", "connection")
_RULE_HEADER: Final = ("description", "tags", "disabled", "for", "on", "connection")
_CLOSERS: Final = ("]", "}", ")")
#: How many times the layout may be repeated on its own output before it must have settled.
_MAX_PASSES: Final = 4


class FormatError(Exception):
    """A file that cannot be formatted: it has syntax errors (``diagnostics``), or (a bug) its
    formatted text would not mean the same. The file is never rewritten."""

    def __init__(
        self, message: str, diagnostics: Sequence[Diagnostic] = (), source: str | None = None
    ) -> None:
        super().__init__(message)
        self.message = message
        self.diagnostics = tuple(diagnostics)
        self.source = source

    def render(self) -> str:
        """The diagnostics as LANGUAGE.md section 11 prints them, else the message."""
        if self.diagnostics:
            return render_all(self.diagnostics, self.source)
        return self.message


def format_source(source: str, file: str = "<string>") -> str:
    """``source`` in the canonical layout. Raises :class:`FormatError` when it does not parse.

    A comment can only move outwards when a file is laid out (a comment in the middle of a
    condition ends up at the end of its line), so the layout is repeated on its own output until
    nothing changes: usually once more, to confirm. That makes formatting idempotent by
    construction; every intermediate text is checked to mean the same as the source.
    """
    text = source.removeprefix("\ufeff")
    parsed = parse(text, file)
    if parsed.ruleset is None or parsed.has_errors:
        errors = [d for d in parsed.diagnostics if d.is_error]
        message = f"{file}: not formatted: the file has {len(errors)} syntax error(s)"
        raise FormatError(message, parsed.diagnostics, text)
    original = current = parsed.ruleset
    try:
        for _ in range(_MAX_PASSES):
            formatted = _Formatter(text, current).format()
            if formatted == text:
                return formatted
            current = _verified(formatted, original, file)
            text = formatted
    except RecursionError:
        raise FormatError(f"{file}: not formatted: the rules nest too deeply") from None
    raise FormatError(f"{file}: not formatted: the layout does not settle (a formatter bug)")


def comment_texts(comments: Iterable[Comment]) -> Counter[str]:
    """The multiset of comment texts (trailing whitespace is not part of a comment's text)."""
    return Counter(c.text.rstrip() for c in comments)


def _verified(formatted: str, original: RuleSet, file: str) -> RuleSet:
    """The rules of ``formatted``, which must be those of ``original`` with the same comments."""
    again = parse(formatted, file)
    if again.ruleset is None or again.has_errors or again.ruleset != original:
        msg = f"{file}: not formatted: the formatted text would not mean the same (a formatter bug)"
        raise FormatError(msg)
    if comment_texts(again.ruleset.comments) != comment_texts(original.comments):
        raise FormatError(f"{file}: not formatted: a comment would be lost (a formatter bug)")
    return again.ruleset


# ------------------------------------------------------------------------------ source facts


@dataclass(frozen=True, slots=True)
class _Token:
    text: str
    start: Pos
    end: Pos


@dataclass(frozen=True, slots=True)
class _Comment:
    text: str
    pos: Pos
    own_line: bool


@dataclass(slots=True)
class _Placed:
    """An output line with the indentation of the comments put before it."""

    line: OutLine
    comment_indent: int


@dataclass(slots=True)
class _Unit:
    """A top-level construct (a header line, a const or a rule) and its output lines."""

    kind: Literal["header", "const", "rule"]
    first: int
    count: int
    start_line: int
    end_line: int


def _tokens(text: str) -> list[_Token]:
    """The file's tokens (without whitespace and comments), with lark's line and column."""
    line_starts = [0] + [m.end() for m in re.finditer("\n", text)]

    def pos(offset: int) -> Pos:
        line = bisect.bisect_right(line_starts, offset)
        return (line, offset - line_starts[line - 1] + 1)

    tokens: list[_Token] = []
    for match in _TOKEN.finditer(text):
        word = match.group()
        if word[0] in " \t\f\r\n#":
            continue
        tokens.append(_Token(word, pos(match.start()), pos(match.end())))
    return tokens


def _header_marks(tokens: Sequence[_Token], keywords: Sequence[str]) -> dict[str, Mark]:
    """Where each header line runs: from its keyword to the last token before the next one."""
    found: dict[str, Mark] = {}
    current: str | None = None
    for token in tokens:
        if token.text in keywords:
            current = token.text
            found[current] = Mark(token.start, token.end)
        elif current is not None:
            found[current] = Mark(found[current].start, token.end)
    return found


def _scope_lines(scope: Scope) -> list[tuple[str, str]]:
    lines: list[tuple[str, str]] = []
    if scope.record_types is not None:
        lines.append(("for", "for " + ", ".join(n.value for n in scope.record_types)))
    if scope.directions is not None:
        lines.append(("on", "on " + ", ".join(n.value for n in scope.directions)))
    if scope.connection is not None:
        lines.append(("connection", "connection " + quote(scope.connection.value)))
    return lines


# ------------------------------------------------------------------------------ the layout


class _Formatter:
    def __init__(self, text: str, ruleset: RuleSet) -> None:
        self.source_lines = text.split("\n")
        self.ruleset = ruleset
        self.tokens = _tokens(text)
        self.token_starts = [t.start for t in self.tokens]
        self.comments = [
            _Comment(c.text.rstrip(), (c.span.line, c.span.column), self._own_line(c))
            for c in ruleset.comments
        ]
        self.printer = ExprPrinter(sorted(c.pos for c in self.comments))
        self.placed: list[_Placed] = []
        self.units: list[_Unit] = []

    def _own_line(self, comment: Comment) -> bool:
        line = self.source_lines[comment.span.line - 1]
        return not line[: comment.span.column - 1].strip()

    # -------------------------------------------------------------------------- units

    def format(self) -> str:
        first_item = self.ruleset.items[0].span if self.ruleset.items else None
        end = (
            (first_item.line, first_item.column) if first_item else (len(self.source_lines) + 1, 0)
        )
        header_tokens = self.tokens[: bisect.bisect_left(self.token_starts, end)]
        marks = _header_marks(header_tokens, _FILE_HEADER)
        header: list[tuple[str, str]] = []
        if self.ruleset.name is not None:
            header.append(("ruleset", "ruleset " + quote(self.ruleset.name)))
        header += _scope_lines(self.ruleset.scope)
        for keyword, text in header:
            mark = marks.get(keyword)
            self._add_unit("header", [OutLine(0, text, [mark] if mark else [])])
        for item in self.ruleset.items:
            if isinstance(item, Const):
                self._add_unit("const", self._const(item))
            else:
                self._add_unit("rule", self._rule(item))
        return self._emit()

    def _add_unit(self, kind: Literal["header", "const", "rule"], lines: list[OutLine]) -> None:
        starts = [line.start for line in lines if line.start is not None]
        ends = [line.end for line in lines if line.end is not None]
        start_line = min(starts)[0] if starts else 0
        end_line = max(ends)[0] if ends else 0
        self.units.append(_Unit(kind, len(self.placed), len(lines), start_line, end_line))
        for line in lines:
            closer = line.text.startswith(_CLOSERS) or line.text == "end"
            self.placed.append(_Placed(line, line.indent + 2 if closer else line.indent))

    def _const(self, const: Const) -> list[OutLine]:
        anchor = Mark((const.span.line, const.span.column),
                      (const.name_span.end_line, const.name_span.end_column))  # fmt: skip
        value = self.printer.expr(const.value, breakable=True)
        return render((anchor, Text(f"const {const.name} = "), value))

    def _rule(self, rule: Rule) -> list[OutLine]:
        span = rule.span
        low = bisect.bisect_left(self.token_starts, (span.line, span.column))
        high = bisect.bisect_left(self.token_starts, (span.end_line, span.end_column))
        tokens = self.tokens[low:high]
        keywords = {t.text: t for t in tokens if t.text in {"when", "then"}}
        when, then, end = keywords.get("when"), keywords["then"], tokens[-1]
        body_start = tokens.index(when or then)
        marks = _header_marks(tokens[2:body_start], _RULE_HEADER)
        lines = [OutLine(0, "rule " + quote(rule.name), [Mark(tokens[0].start, tokens[1].end)])]
        header: list[tuple[str, str]] = []
        if rule.description is not None:
            header.append(("description", "description " + quote(rule.description)))
        if rule.tags:
            header.append(("tags", "tags " + ", ".join(quote(tag) for tag in rule.tags)))
        if rule.disabled:
            header.append(("disabled", "disabled"))
        header += _scope_lines(rule.scope)
        for keyword, text in header:
            mark = marks.get(keyword)
            lines.append(OutLine(2, text, [mark] if mark else []))
        condition = self.printer.condition(rule.condition) if rule.condition else None
        actions = [self.printer.action(action) for action in rule.actions]
        first = when or then
        if self._compact(condition, actions, first.start, end.start):
            if condition is not None and when is not None:
                lines += render((Mark(when.start, when.end), Text("when "), condition))
            lines += render((Mark(then.start, then.end), Text("then "), actions[0]))
        else:
            if condition is not None and when is not None:
                lines.append(OutLine(0, "when", [Mark(when.start, when.end)]))
                lines += render(condition, 2)
            lines.append(OutLine(0, "then", [Mark(then.start, then.end)]))
            for action in actions:
                lines += render(action, 2)
        lines.append(OutLine(0, "end", [Mark(end.start, end.end)]))
        return lines

    def _compact(self, condition: Doc | None, actions: list[Doc], start: Pos, end: Pos) -> bool:
        """Whether a rule is written ``when <condition>`` / ``then <action>``: it has one action,
        both lines fit, and no comment stands between ``when`` (or ``then``) and ``end``."""
        if len(actions) != 1 or self.printer.has_comment(start, end):
            return False
        widths = [flat_width(actions[0])]
        if condition is not None:
            widths.append(flat_width(condition))
        return all(w is not None and len("when ") + w <= WIDTH for w in widths)

    # -------------------------------------------------------------------------- comments

    def _place_comments(
        self,
    ) -> tuple[dict[int, list[_Comment]], dict[int, _Comment], list[_Comment]]:
        """For each output line, the comments before it and the one at its end; and the
        comments after all code."""
        starts: list[tuple[Pos, int]] = []
        ends: list[tuple[Pos, int]] = []
        for index, placed in enumerate(self.placed):
            if placed.line.start is not None:
                starts.append((placed.line.start, index))
            ends.extend((mark.end, index) for mark in placed.line.marks)
        starts.sort()
        ends.sort()
        before: dict[int, list[_Comment]] = defaultdict(list)
        at_end: dict[int, list[_Comment]] = defaultdict(list)
        after_all: list[_Comment] = []
        for comment in self.comments:
            if not comment.own_line:
                index = bisect.bisect_right(ends, (comment.pos, len(self.placed))) - 1
                if index >= 0:
                    at_end[ends[index][1]].append(comment)
                    continue
            target = self._line_before(comment.pos, starts)
            if self.tokens and comment.pos < self.tokens[0].start and self.placed:
                target = 0  # the comments that open the file stay at its top
            if target is None:
                after_all.append(comment)
            else:
                before[target].append(comment)
        trailing: dict[int, _Comment] = {}
        for index, found in at_end.items():
            trailing[index] = found[-1]
            before[index] = sorted([*before[index], *found[:-1]], key=lambda c: c.pos)
        return before, trailing, after_all

    def _line_before(self, pos: Pos, starts: list[tuple[Pos, int]]) -> int | None:
        """The line an own-line comment at ``pos`` goes before: the line whose code surrounds
        it, else the line of the code that follows it."""
        index = bisect.bisect_left(starts, (pos, -1))
        if index > 0:
            candidate = starts[index - 1][1]
            end = self.placed[candidate].line.end
            if end is not None and end > pos:
                return candidate
        return starts[index][1] if index < len(starts) else None

    # -------------------------------------------------------------------------- output

    def _emit(self) -> str:
        before, trailing, after_all = self._place_comments()
        out: list[str] = []
        for number, unit in enumerate(self.units):
            block = before.get(unit.first, [])
            first_source_line = min([c.pos[0] for c in block] + [unit.start_line])
            if number and self._blank_between(self.units[number - 1], unit, first_source_line):
                out.append("")
            for index in range(unit.first, unit.first + unit.count):
                placed = self.placed[index]
                comments = before.get(index, [])
                for k, comment in enumerate(comments):
                    out.append(" " * placed.comment_indent + comment.text)
                    if index == unit.first and comment.own_line:
                        following = comments[k + 1].pos[0] if k + 1 < len(comments) else None
                        if self._blank_in(comment.pos[0], following or unit.start_line):
                            out.append("")
                line = " " * placed.line.indent + placed.line.text
                if index in trailing:
                    line += " " + trailing[index].text
                out.append(line)
        last_code = max((unit.end_line for unit in self.units), default=0)
        previous = last_code
        for comment in after_all:
            if out and self._blank_in(previous, comment.pos[0]):
                out.append("")
            out.append(comment.text)
            previous = comment.pos[0]
        return "\n".join(out) + "\n" if out else ""

    def _blank_between(self, previous: _Unit, unit: _Unit, first_source_line: int) -> bool:
        """One blank line between top-level constructs, except between header lines and between
        consts that had none between them in the source."""
        if previous.kind == "header":
            return unit.kind != "header"
        if previous.kind == unit.kind == "const":
            return self._blank_in(previous.end_line, first_source_line)
        return True

    def _blank_in(self, after: int, before: int) -> bool:
        """Whether a blank source line stands strictly between lines ``after`` and ``before``."""
        return any(not self.source_lines[n - 1].strip() for n in range(after + 1, before))
