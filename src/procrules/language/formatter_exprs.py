"""The formatter's printing of expressions, conditions and actions: AST nodes to layout documents.

Owns the canonical spelling of every token (docs/formatting.md): strings re-escaped
(``\\" \\\\ \\n \\t``, ``\\uXXXX`` for control characters), decimals with their exact digits,
fields in brackets only where a bare name cannot stand, custom-data references in the quoted form
only when a part needs it, and the minimal parentheses that the precedence ladder of LANGUAGE.md
section 7 needs (the AST has no parenthesis node: they are derived from precedence), plus one pair
after ``not`` before a comparison. Where a construct may be broken over lines, it becomes a
:class:`~procrules.language.formatter_doc.Group`: the ``and``/``or`` chains of a condition, and
list and map literals (broken for width only in a const's value or in an action; anywhere when a
comment stands inside them). Every printed node carries a
:class:`~procrules.language.formatter_doc.Mark` with its source span, for placing comments.
"""

from __future__ import annotations

import bisect
import re
import unicodedata
from decimal import Decimal
from typing import TYPE_CHECKING, Final

from procrules.language.ast import (
    Add,
    And,
    BinOp,
    Compare,
    ConstRef,
    Copy,
    CustomDataRef,
    Exists,
    Fail,
    Field,
    Ignore,
    Index,
    IsCheck,
    ListLit,
    Lit,
    Log,
    MapLit,
    Neg,
    Not,
    Or,
    Path,
    Remove,
    Replace,
    Set,
    Stop,
    Subscript,
    Swap,
    Where,
    Wildcard,
)
from procrules.language.formatter_doc import Group, IfBreak, Line, Mark, Nest, Text, join
from procrules.language.grammar import RESERVED_WORDS

if TYPE_CHECKING:
    from collections.abc import Sequence

    from procrules.language.ast import Action, Condition, Expr, Segment, Span
    from procrules.language.formatter_doc import Doc, Pos

#: A field name that may stand bare (the grammar's NAME terminal).
_NAME: Final = re.compile(r"[a-z_][A-Za-z0-9_]*|[A-Z][A-Z0-9_]*[a-z][A-Za-z0-9_]*")
_RESERVED: Final = frozenset(RESERVED_WORDS)
_SIMPLE_ESCAPES: Final = {'"': '\\"', "\\": "\\\\", "\n": "\\n", "\t": "\\t"}

# Precedence, loosest first (LANGUAGE.md section 7): conditions, then expressions.
_OR, _AND, _NOT, _PREDICATE = 1, 2, 3, 4
_SUM, _PRODUCT, _UNARY, _ATOM = 1, 2, 3, 4


# ------------------------------------------------------------------------------------ tokens


def _is_control(ch: str) -> bool:
    return unicodedata.category(ch) in {"Cc", "Cs", "Zl", "Zp"}


def _escaped(ch: str) -> str:
    if ch in _SIMPLE_ESCAPES:
        return _SIMPLE_ESCAPES[ch]
    if _is_control(ch):
        return f"\\u{ord(ch):04x}"
    return ch


def quote(text: str) -> str:
    """``text`` as a double-quoted string literal with the canonical escapes."""
    return '"' + "".join(_escaped(ch) for ch in text) + '"'


def number(value: int | Decimal) -> str:
    """An integer, or a decimal with exactly its digits (``499.00``, never ``4.99E+2``)."""
    if isinstance(value, Decimal):
        return format(value, "f")
    return str(value)


def literal(value: str | int | Decimal | bool | None) -> str:
    """The source text of a literal value."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return quote(value)
    return number(value)


def is_bare_name(name: str) -> bool:
    """Whether a field may be written as a bare name (else it is written ``["name"]``)."""
    return _NAME.fullmatch(name) is not None and name not in _RESERVED


def custom_data(ref: CustomDataRef) -> str:
    """``customData[c|m|k]``, or ``customData["c|m|k"]`` when a part holds a character the
    unquoted form cannot (``]``, ``"``, whitespace, control characters)."""
    key = ref.dict_key
    if any(ch in ']"' or ch.isspace() or _is_control(ch) for ch in key):
        return f"customData[{quote(key)}]"
    return f"customData[{key}]"


def _start(span: Span) -> Pos:
    return (span.line, span.column)


def _end(span: Span) -> Pos:
    return (span.end_line, span.end_column)


def mark(span: Span) -> Mark:
    """The anchor of a node printed here whole, on one line (a leaf: a literal, a path)."""
    return Mark(_start(span), _end(span))


def start_mark(span: Span) -> Mark:
    """The anchor of where a node that may run over several lines starts."""
    return Mark(_start(span), _start(span))


# ------------------------------------------------------------------------------------ printer


class ExprPrinter:
    """Prints the nodes of one file; ``comments`` are the sorted positions of its comments (a
    group with a comment inside always breaks)."""

    def __init__(self, comments: Sequence[Pos]) -> None:
        self._comments = list(comments)

    def has_comment(self, start: Pos, end: Pos) -> bool:
        """Whether a comment starts strictly between ``start`` and ``end``."""
        index = bisect.bisect_right(self._comments, start)
        return index < len(self._comments) and self._comments[index] < end

    def _spans_comment(self, span: Span) -> bool:
        return self.has_comment(_start(span), _end(span))

    # -------------------------------------------------------------------------- conditions

    def condition(self, cond: Condition) -> Doc:
        """A whole condition (after ``when``): a top-level chain breaks before each operator."""
        if isinstance(cond, And | Or):
            return Group(self._chain(cond), forced=self._spans_comment(cond.span))
        return self._condition(cond, _OR)

    def _chain(self, cond: And | Or) -> tuple[Doc, ...]:
        """The operands of a left-nested ``and``/``or`` chain, each after a line break."""
        kind = type(cond)
        word = "and " if kind is And else "or "
        operands: list[Condition] = []
        node: Condition = cond
        while isinstance(node, kind):
            operands.append(node.right)
            node = node.left
        operands.append(node)
        operands.reverse()
        level = _AND if kind is And else _OR
        parts: list[Doc] = [self._operand(operands[0], level)]
        for operand in operands[1:]:
            parts += [Line(), Text(word), self._operand(operand, level + 1)]
        return tuple(parts)

    def _operand(self, cond: Condition, level: int) -> Doc:
        """An operand of a chain: a looser chain gets parentheses; a tighter chain is a group of
        its own whose continuation lines are indented further."""
        if isinstance(cond, And | Or):
            if _condition_level(cond) < level:
                return self._parenthesized(cond)
            chain = self._chain(cond)
            return Group((chain[0], Nest(chain[1:])), forced=self._spans_comment(cond.span))
        return self._condition(cond, level)

    def _parenthesized(self, cond: And | Or) -> Doc:
        body = Nest((Line(""), *self._chain(cond)))
        opening = Mark(_start(cond.span), _start(cond.span))
        parts = (opening, Text("("), body, Line(""), Text(")"))
        return Group(parts, forced=self._spans_comment(cond.span))

    def _condition(self, cond: Condition, level: int) -> Doc:
        if isinstance(cond, And | Or):
            if _condition_level(cond) < level:
                return self._parenthesized(cond)
            return Group(self._chain(cond), forced=self._spans_comment(cond.span))
        if isinstance(cond, Not):
            operand = self._condition(cond.operand, _NOT)
            if isinstance(cond.operand, Compare | IsCheck):
                # `not (x == "a")`, as the language reference writes it: `not x == "a"` means
                # the same but reads as `(not x) == "a"`
                operand = (Text("("), operand, Text(")"))
            return (start_mark(cond.span), Text("not "), operand)
        if isinstance(cond, Compare):
            prefix = (Text(cond.quantifier + " "),) if cond.quantifier else ()
            left, right = self.expr(cond.left), self.expr(cond.right)
            return (start_mark(cond.span), *prefix, left, Text(f" {cond.op} "), right)
        if isinstance(cond, IsCheck):
            prefix = (Text(cond.quantifier + " "),) if cond.quantifier else ()
            check = f" is {'not ' if cond.negated else ''}{cond.kind}"
            closing = Mark(_end(cond.span), _end(cond.span))
            return (start_mark(cond.span), *prefix, self.expr(cond.operand), Text(check), closing)
        if isinstance(cond, Exists):
            return (start_mark(cond.span), Text("exists "), self.path(cond.target))
        return self.expr(cond.expr)

    # -------------------------------------------------------------------------- expressions

    def expr(self, node: Expr, level: int = _SUM, *, breakable: bool = False) -> Doc:
        """An expression where at least ``level`` binds; ``breakable`` lets its list and map
        literals break for width (a const's value)."""
        if _expr_level(node) < level:
            return (Text("("), self.expr(node, _SUM, breakable=breakable), Text(")"))
        if isinstance(node, Lit):
            return (mark(node.span), Text(literal(node.value)))
        if isinstance(node, ListLit):
            items = [self.expr(item, breakable=breakable) for item in node.items]
            return self._bracketed("[", items, "]", node.span, breakable=breakable)
        if isinstance(node, MapLit):
            entries: list[Doc] = [
                (Text(quote(key) + ": "), self.expr(value, breakable=breakable))
                for key, value in node.items
            ]
            return self._bracketed("{", entries, "}", node.span, breakable=breakable)
        if isinstance(node, ConstRef):
            return (mark(node.span), Text(node.name))
        if isinstance(node, Path):
            return self.path(node)
        if isinstance(node, Subscript):
            target = self.expr(node.target, _ATOM)
            closing = Mark(_end(node.span), _end(node.span))
            key = self.expr(node.key)
            return (start_mark(node.span), target, Text("["), key, Text("]"), closing)
        if isinstance(node, Neg):
            return (start_mark(node.span), Text("-"), self.expr(node.operand, _UNARY))
        if isinstance(node, BinOp):
            own = _expr_level(node)
            left = self.expr(node.left, own, breakable=breakable)
            right = self.expr(node.right, own + 1, breakable=breakable)
            return (left, Text(f" {node.op} "), right)
        args = [self.expr(arg) for arg in node.args]
        name = mark(node.name_span) if node.name_span.line else mark(node.span)
        closing = Mark(_end(node.span), _end(node.span))
        return (name, Text(node.name + "("), *join((Text(", "),), args), Text(")"), closing)

    def _bracketed(
        self, opening: str, items: list[Doc], closing: str, span: Span, *, breakable: bool
    ) -> Doc:
        """A list or map literal: on one line, or one item a line with a trailing comma."""
        start, end = Mark(_start(span), _start(span)), Mark(_end(span), _end(span))
        if not items:
            return (start, Text(opening + closing), end)
        body = Nest((Line(""), *join((Text(","), Line()), items), IfBreak(",")))
        parts = (start, Text(opening), body, Line(""), Text(closing), end)
        return Group(parts, breakable=breakable, forced=self._spans_comment(span))

    def path(self, path: Path) -> Doc:
        """A path on one line (conditions inside ``[where …]`` never break)."""
        parts: list[Doc] = [mark(path.span)]
        if path.anchor == "root":
            parts.append(Text("$"))
        for number_, segment in enumerate(path.segments):
            first = number_ == 0 and path.anchor == "current"
            following = path.segments[number_ + 1] if number_ + 1 < len(path.segments) else None
            parts.append(self._segment(segment, first=first, following=following))
        return Group(tuple(parts), breakable=False)

    def _segment(self, segment: Segment, *, first: bool, following: Segment | None) -> Doc:
        if isinstance(segment, Field):
            bracketed = not is_bare_name(segment.name) or (
                # `a.customData[0]` would be read as a custom-data reference
                segment.name == "customData" and not first and _bracket_step(following)
            )
            if bracketed:
                return Text(f"[{quote(segment.name)}]")
            return Text(segment.name if first else "." + segment.name)
        if isinstance(segment, CustomDataRef):
            return Text(("" if first else ".") + custom_data(segment))
        if isinstance(segment, Index):
            return Text(f"[{segment.index}]")
        if isinstance(segment, Wildcard):
            return Text("[*]")
        return (Text("[where "), self._condition(segment.condition, _OR), Text("]"))

    # -------------------------------------------------------------------------- actions

    def action(self, action: Action) -> Doc:
        """One action, on one line unless a list or map literal in it must break."""
        return (start_mark(action.span), self._action(action))

    def _action(self, action: Action) -> Doc:
        if isinstance(action, Set):
            as_type = (Text(" as " + action.as_type),) if action.as_type else ()
            value = self.expr(action.value, breakable=True)
            return (Text("set "), self.path(action.target), Text(" = "), value, *as_type)
        if isinstance(action, Remove):
            return (Text("remove "), self.path(action.target))
        if isinstance(action, Add):
            return (
                Text("add "),
                self.expr(action.value, breakable=True),
                Text(" to "),
                self.path(action.target),
            )
        if isinstance(action, Replace):
            old = self.expr(action.old, breakable=True)
            new = self.expr(action.new, breakable=True)
            return (Text("replace "), old, Text(" with "), new, Text(" in "),
                    self.path(action.target))  # fmt: skip
        if isinstance(action, Copy):
            return (Text("copy "), self.path(action.source), Text(" to "),
                    self.path(action.target))  # fmt: skip
        if isinstance(action, Swap):
            return (Text("swap "), self.path(action.left), Text(" and "), self.path(action.right))
        if isinstance(action, Log):
            return (Text("log "), self.expr(action.message, breakable=True))
        if isinstance(action, Stop):
            return Text("stop")
        if isinstance(action, Ignore):
            if action.reason is None:
                return Text("ignore")
            return (Text("ignore "), self.expr(action.reason, breakable=True))
        assert isinstance(action, Fail)
        return (Text("fail "), self.expr(action.reason, breakable=True))


def _bracket_step(segment: Segment | None) -> bool:
    return isinstance(segment, Index | Wildcard | Where) or (
        isinstance(segment, Field) and not is_bare_name(segment.name)
    )


def _condition_level(cond: Condition) -> int:
    if isinstance(cond, Or):
        return _OR
    if isinstance(cond, And):
        return _AND
    if isinstance(cond, Not):
        return _NOT
    return _PREDICATE


def _expr_level(node: Expr) -> int:
    if isinstance(node, BinOp):
        return _SUM if node.op in {"+", "-"} else _PRODUCT
    if isinstance(node, Neg):
        return _UNARY
    if isinstance(node, Lit) and not isinstance(node.value, bool | str | None):
        # a negative number is written with its unary minus
        return _UNARY if node.value < 0 or str(node.value).startswith("-") else _ATOM
    return _ATOM
