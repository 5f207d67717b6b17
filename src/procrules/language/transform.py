"""The AST builder: lark's reductions of a rule file turned into the nodes of :mod:`ast`.

One method per grammar rule or alias (grammar/rules.lark). The builder runs inside the LALR parser
(lark's ``transformer=`` option), so no parse tree is built; every token is kept, and each node's
:class:`~procrules.language.ast.Span` runs from its first token (a keyword, a bracket) to its last.
It also owns the checks on structure that the grammar leaves to code: header lines given twice
(E207), bare expressions used as conditions (wrapped in ``Truthy``) and conditions used as values
(E100). Token values and their checks are in :mod:`literals`; the file name and the diagnostics of
the parse in progress in :mod:`build_context`. The builder never raises on input.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING, Literal, cast

from lark import Token, Transformer, v_args

from procrules.language.ast import (
    Add,
    And,
    BinOp,
    Call,
    Compare,
    Const,
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
    Name,
    Neg,
    Not,
    Or,
    Path,
    Remove,
    Replace,
    Rule,
    Scope,
    Set,
    Span,
    Stop,
    Subscript,
    Swap,
    Truthy,
    Where,
    Wildcard,
)
from procrules.language.build_context import report, span_between, token_span
from procrules.language.literals import (
    custom_data_value,
    index_value,
    number_value,
    text_value,
)

if TYPE_CHECKING:
    from procrules.language.ast import (
        Action,
        ArithOp,
        CompareOp,
        Condition,
        CustomDataType,
        Expr,
        Quantifier,
        Segment,
    )

    Node = Expr | Condition

_CONDITION_TYPES = (Compare, IsCheck, Exists, And, Or, Not, Truthy)


@dataclass(frozen=True, slots=True)
class HeaderLine:
    """One header line of the file or of a rule: ``ruleset``, ``for``, ``on``, ``connection``,
    ``description``, ``tags`` or ``disabled``, with its value and where it stands."""

    keyword: str
    value: Name | tuple[Name, ...] | None
    span: Span


@dataclass(frozen=True, slots=True)
class _When:
    condition: Condition


@dataclass(frozen=True, slots=True)
class _Then:
    actions: tuple[Action, ...]


@dataclass(frozen=True, slots=True)
class _IsOperator:
    kind: Literal["null", "empty"]
    negated: bool
    last: Token


# ---------------------------------------------------------------------- conditions and values


def _condition(node: Node) -> Condition:
    """A node where a condition stands: a bare expression becomes :class:`Truthy`."""
    if isinstance(node, _CONDITION_TYPES):
        return node
    return Truthy(node, span=node.span)


def _expr(node: Node) -> Expr:
    """A node where a value stands: a condition there is reported and replaced by null."""
    if isinstance(node, _CONDITION_TYPES):
        report(
            "E100",
            "a condition cannot be used as a value here",
            node.span,
            "conditions stand after `when`, inside `[where …]` or after `and`, `or`, `not`",
        )
        return Lit(None, span=node.span)
    return node


def _nodes(children: tuple[object, ...]) -> list[Node]:
    """The children that are nodes, without the punctuation tokens between them."""
    return [cast("Node", c) for c in children if not isinstance(c, Token)]


# ---------------------------------------------------------------------- header checks


def header(lines: list[HeaderLine], where: str) -> dict[str, HeaderLine]:
    """The header lines by keyword; a keyword given twice is reported (E207) at the second."""
    found: dict[str, HeaderLine] = {}
    for line in lines:
        first = found.get(line.keyword)
        if first is not None:
            report(
                "E207",
                f"{where} gives `{line.keyword}` twice",
                line.span,
                f"the first `{line.keyword}` is on line {first.span.line}; give it once",
            )
            continue
        found[line.keyword] = line
    return found


def scope(lines: dict[str, HeaderLine]) -> Scope:
    """The scope that the ``for``, ``on`` and ``connection`` lines of a header give."""
    given = [lines[k] for k in ("for", "on", "connection") if k in lines]
    if not given:
        return Scope()
    first = min(given, key=lambda line: (line.span.line, line.span.column))
    last = max(given, key=lambda line: (line.span.end_line, line.span.end_column))
    record_types = lines["for"].value if "for" in lines else None
    directions = lines["on"].value if "on" in lines else None
    connection = lines["connection"].value if "connection" in lines else None
    return Scope(
        record_types=cast("tuple[Name, ...] | None", record_types),
        directions=cast("tuple[Name, ...] | None", directions),
        connection=cast("Name | None", connection),
        span=first.span.to(last.span),
    )


# ---------------------------------------------------------------------- the builder


@v_args(inline=True)
class AstBuilder(Transformer[Token, object]):
    """The callbacks lark calls on each reduction; each returns an AST node (or a part of one)."""

    def __init__(self) -> None:
        super().__init__(visit_tokens=False)

    # ------------------------------------------------------------------ start symbols

    def start(self, *children: object) -> list[object]:
        return list(children)

    def preamble(self, *children: object) -> list[object]:
        return list(children)

    def rule_chunk(self, *children: object) -> list[object]:
        return list(children)

    # ------------------------------------------------------------------ header and structure

    def ruleset_name(self, keyword: Token, name: Token) -> HeaderLine:
        value = Name(text_value(name), span=token_span(name))
        return HeaderLine("ruleset", value, span_between(keyword, name))

    def for_types(self, keyword: Token, *rest: Token) -> HeaderLine:
        names = tuple(Name(t.value, span=token_span(t)) for t in rest if t.type == "NAME")
        return HeaderLine("for", names, span_between(keyword, rest[-1]))

    def on_directions(self, keyword: Token, *rest: object) -> HeaderLine:
        directions = tuple(d for d in rest if isinstance(d, Name))
        return HeaderLine("on", directions, span_between(keyword, rest[-1]))

    def direction(self, word: Token) -> Name:
        return Name(word.value, span=token_span(word))

    def connection(self, keyword: Token, text: Token) -> HeaderLine:
        value = Name(text_value(text), span=token_span(text))
        return HeaderLine("connection", value, span_between(keyword, text))

    def description(self, keyword: Token, text: Token) -> HeaderLine:
        value = Name(text_value(text), span=token_span(text))
        return HeaderLine("description", value, span_between(keyword, text))

    def tags(self, keyword: Token, *rest: Token) -> HeaderLine:
        values = tuple(Name(text_value(t), span=token_span(t)) for t in rest if t.type == "STRING")
        return HeaderLine("tags", values, span_between(keyword, rest[-1]))

    def disabled(self, keyword: Token) -> HeaderLine:
        return HeaderLine("disabled", None, token_span(keyword))

    def const(self, keyword: Token, name: Token, _equals: Token, value: Expr) -> Const:
        return Const(
            name.value, value, name_span=token_span(name), span=span_between(keyword, value)
        )

    def rule(self, keyword: Token, name: Token, *parts: object) -> Rule:
        rule_name = text_value(name)
        lines = header([p for p in parts if isinstance(p, HeaderLine)], f'rule "{rule_name}"')
        condition = next((p.condition for p in parts if isinstance(p, _When)), None)
        actions = next((p.actions for p in parts if isinstance(p, _Then)), ())
        description = lines.get("description")
        tags = lines.get("tags")
        return Rule(
            rule_name,
            condition,
            actions,
            description=cast("Name", description.value).value if description else None,
            tags=tuple(t.value for t in cast("tuple[Name, ...]", tags.value)) if tags else (),
            disabled="disabled" in lines,
            scope=scope(lines),
            name_span=token_span(name),
            keyword_span=token_span(keyword),
            span=span_between(keyword, parts[-1]),
        )

    def when_clause(self, _keyword: Token, condition: Node) -> _When:
        return _When(_condition(condition))

    def then_clause(self, _keyword: Token, *actions: Action) -> _Then:
        return _Then(actions)

    # ------------------------------------------------------------------ actions

    def set_action(
        self, keyword: Token, target: Path, _equals: Token, value: Node, *as_type: Token
    ) -> Set:
        kind = cast("CustomDataType", str(as_type[-1].value)) if as_type else None
        last = as_type[-1] if as_type else value
        return Set(target, _expr(value), kind, span=span_between(keyword, last))

    def custom_data_type(self, word: Token) -> Token:
        return word

    def remove_action(self, keyword: Token, target: Path) -> Remove:
        return Remove(target, span=span_between(keyword, target))

    def add_action(self, keyword: Token, value: Node, _to: Token, target: Path) -> Add:
        return Add(_expr(value), target, span=span_between(keyword, target))

    def replace_action(
        self, keyword: Token, old: Node, _with: Token, new: Node, _in: Token, target: Path
    ) -> Replace:
        return Replace(_expr(old), _expr(new), target, span=span_between(keyword, target))

    def copy_action(self, keyword: Token, source: Path, _to: Token, target: Path) -> Copy:
        return Copy(source, target, span=span_between(keyword, target))

    def swap_action(self, keyword: Token, left: Path, _and: Token, right: Path) -> Swap:
        return Swap(left, right, span=span_between(keyword, right))

    def log_action(self, keyword: Token, message: Node) -> Log:
        return Log(_expr(message), span=span_between(keyword, message))

    def stop_action(self, keyword: Token) -> Stop:
        return Stop(span=token_span(keyword))

    def ignore_action(self, keyword: Token, *reason: Node) -> Ignore:
        if not reason:
            return Ignore(None, span=token_span(keyword))
        return Ignore(_expr(reason[0]), span=span_between(keyword, reason[0]))

    def fail_action(self, keyword: Token, reason: Node) -> Fail:
        return Fail(_expr(reason), span=span_between(keyword, reason))

    # ------------------------------------------------------------------ conditions

    def or_(self, left: Node, _or: Token, right: Node) -> Or:
        return Or(_condition(left), _condition(right), span=span_between(left, right))

    def and_(self, left: Node, _and: Token, right: Node) -> And:
        return And(_condition(left), _condition(right), span=span_between(left, right))

    def not_(self, keyword: Token, operand: Node) -> Not:
        return Not(_condition(operand), span=span_between(keyword, operand))

    def compare(self, left: Node, op: str, right: Node) -> Compare:
        operator = cast("CompareOp", op)
        return Compare(operator, _expr(left), _expr(right), span=span_between(left, right))

    def quantified_compare(self, quantifier: Token, left: Node, op: str, right: Node) -> Compare:
        return Compare(
            cast("CompareOp", op),
            _expr(left),
            _expr(right),
            cast("Quantifier", str(quantifier.value)),
            span=span_between(quantifier, right),
        )

    def is_check(self, operand: Node, check: _IsOperator) -> IsCheck:
        span = span_between(operand, check.last)
        return IsCheck(check.kind, check.negated, _expr(operand), span=span)

    def quantified_is_check(self, quantifier: Token, operand: Node, check: _IsOperator) -> IsCheck:
        return IsCheck(
            check.kind,
            check.negated,
            _expr(operand),
            cast("Quantifier", str(quantifier.value)),
            span=span_between(quantifier, check.last),
        )

    def exists(self, keyword: Token, target: Path) -> Exists:
        return Exists(target, span=span_between(keyword, target))

    def comparison_operator(self, *words: Token) -> str:
        return " ".join(str(w.value) for w in words)

    def is_operator(self, *words: Token) -> _IsOperator:
        kind = cast("Literal['null', 'empty']", str(words[-1].value))
        return _IsOperator(kind, len(words) == 3, words[-1])

    def quantifier(self, word: Token) -> Token:
        return word

    # ------------------------------------------------------------------ expressions

    def add(self, left: Node, _op: Token, right: Node) -> BinOp:
        return _binary("+", left, right)

    def subtract(self, left: Node, _op: Token, right: Node) -> BinOp:
        return _binary("-", left, right)

    def multiply(self, left: Node, _op: Token, right: Node) -> BinOp:
        return _binary("*", left, right)

    def divide(self, left: Node, _op: Token, right: Node) -> BinOp:
        return _binary("/", left, right)

    def negate(self, minus: Token, operand: Node) -> Expr:
        value = _expr(operand)
        if isinstance(value, Lit) and (type(value.value) is int or type(value.value) is Decimal):
            return Lit(-value.value, span=span_between(minus, value))
        return Neg(value, span=span_between(minus, value))

    def parenthesized(self, _open: Token, inner: Node, _close: Token) -> Node:
        return inner

    def string(self, text: Token) -> Lit:
        return Lit(text_value(text), span=token_span(text))

    def number(self, number: Token) -> Lit:
        return Lit(number_value(number), span=token_span(number))

    def negative_number(self, minus: Token, number: Token) -> Lit:
        return Lit(-number_value(number), span=span_between(minus, number))

    def true(self, word: Token) -> Lit:
        return Lit(value=True, span=token_span(word))

    def false(self, word: Token) -> Lit:
        return Lit(value=False, span=token_span(word))

    def null(self, word: Token) -> Lit:
        return Lit(None, span=token_span(word))

    def list_literal(self, *children: object) -> ListLit:
        items = tuple(_expr(item) for item in _nodes(children))
        return ListLit(items, span=span_between(children[0], children[-1]))

    def map_literal(self, *children: object) -> MapLit:
        entries = tuple(cast("tuple[str, Expr]", c) for c in children if isinstance(c, tuple))
        return MapLit(entries, span=span_between(children[0], children[-1]))

    def map_entry(self, key: Token, _colon: Token, value: Node) -> tuple[str, Expr]:
        return text_value(key), _expr(value)

    def literal_entry(self, key: Token, _colon: Token, value: Expr) -> tuple[str, Expr]:
        return text_value(key), value

    def constant(self, name: Token) -> ConstRef:
        return ConstRef(name.value, span=token_span(name))

    def subscript(self, target: Expr, _open: Token, key: Node, close: Token) -> Subscript:
        return Subscript(target, _expr(key), span=span_between(target, close))

    def call(self, name: Token, *rest: object) -> Call:
        args = tuple(_expr(a) for a in _nodes(rest))
        return Call(
            str(name.value), args, name_span=token_span(name), span=span_between(name, rest[-1])
        )

    # ------------------------------------------------------------------ paths

    def path(self, *segments: Segment) -> Path:
        return Path(segments, "current", span=span_between(segments[0], segments[-1]))

    def root_path(self, dollar: Token, *segments: Segment) -> Path:
        return Path(segments, "root", span=span_between(dollar, segments[-1]))

    def dotted(self, _dot: Token, segment: Segment) -> Segment:
        return segment

    def field(self, name: Token) -> Field:
        return Field(name.value, span=token_span(name))

    def quoted_field(self, _open: Token, name: Token, close: Token) -> Field:
        return Field(text_value(name), quoted=True, span=span_between(_open, close))

    def index(self, _open: Token, number: Token, close: Token) -> Index:
        return Index(index_value(number), span=span_between(_open, close))

    def negative_index(self, _open: Token, _minus: Token, number: Token, close: Token) -> Index:
        return Index(-index_value(number), span=span_between(_open, close))

    def wildcard(self, _open: Token, _star: Token, close: Token) -> Wildcard:
        return Wildcard(span=span_between(_open, close))

    def where(self, _open: Token, _where: Token, condition: Node, close: Token) -> Where:
        return Where(_condition(condition), span=span_between(_open, close))

    def custom_data(self, reference: Token) -> CustomDataRef:
        return custom_data_value(reference)


def _binary(op: ArithOp, left: Node, right: Node) -> BinOp:
    return BinOp(op, _expr(left), _expr(right), span=span_between(left, right))
