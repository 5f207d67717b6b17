"""The AST builder: lark's reductions of a rule file turned into the nodes of :mod:`ast`.

One callback per grammar rule or alias (grammar/rules.lark). The builder runs inside the LALR
parser (lark's ``transformer=`` option), so no parse tree is built; every token is kept, and each
node's :class:`~procrules.language.ast.Span` runs from its first token (a keyword, a bracket) to
its last. A callback takes lark's list of the reduced children as it is (no ``v_args`` wrapper),
and where the value is a child (a level of the precedence ladder) it is a C function, which the
parser loop of :mod:`fast_lark` does not even call.
It also owns the checks on structure that the grammar leaves to code: header lines given twice
(E207), bare expressions used as conditions (wrapped in ``Truthy``) and conditions used as values
(E100). Token values and their checks are in :mod:`literals`; the file name and the diagnostics of
the parse in progress in :mod:`build_context`. The builder never raises on input.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from operator import itemgetter
from typing import TYPE_CHECKING, Any, Final, Literal, cast

from lark import Token, Transformer

from procrules.language.ast import (
    Add,
    And,
    BinOp,
    Call,
    Compare,
    Const,
    ConstRef,
    Copy,
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
from procrules.language.build_context import frozen_maker, report, span_between, token_span
from procrules.language.literals import (
    custom_data_value,
    index_value,
    number_value,
    text_value,
)

if TYPE_CHECKING:
    from procrules.language.ast import (
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

# The nodes made most often, made faster (all fields, positionally; see frozen_maker).
_new_lit = frozen_maker(Lit)
_new_field = frozen_maker(Field)
_new_path = frozen_maker(Path)
_new_compare = frozen_maker(Compare)
_new_and = frozen_maker(And)
_new_or = frozen_maker(Or)
_new_binop = frozen_maker(BinOp)
_new_set = frozen_maker(Set)


@dataclass(frozen=True, slots=True)
class HeaderLine:
    """One header line of the file or of a rule: ``ruleset``, ``for``, ``on``, ``connection``,
    ``description``, ``tags`` or ``disabled``, with its value and where it stands."""

    keyword: str
    value: Name | tuple[Name, ...] | None
    span: Span


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


def _nodes(children: list[Any]) -> list[Node]:
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

#: The callback of a one-operand alternative (a level of the precedence ladder, an atom that is a
#: path): the operand itself. A C function, and the fast parser loop (fast_lark.py) knows it and
#: then only changes the parser's state: the most common reductions cost next to nothing.
PASS_CHILD: Final = itemgetter(0)
_only = PASS_CHILD


class AstBuilder(Transformer[Token, object]):
    """The callbacks lark calls on each reduction, with the list of the reduced children (tokens
    and nodes); each returns an AST node (or a part of one). The methods take that list as it is,
    without a ``v_args`` wrapper: one Python call per reduction, none for the unit ones."""

    def __init__(self) -> None:
        super().__init__(visit_tokens=False)

    # ------------------------------------------------------------------ start symbols

    def start(self, c: list[Any]) -> list[object]:
        # header-line* [items]
        if c and type(c[-1]) is list:
            return [*c[:-1], *c[-1]]
        return c

    # The top-level nodes, in a list of their own (lark passes each callback a new one).
    preamble = rule_chunk = list

    # ------------------------------------------------------------------ lists

    # `items` and `actions`: a list that grows by one node per reduction. The first is made from
    # the one-child list that lark passes, by a C function.
    first_item = list

    def next_item(self, c: list[Any]) -> list[object]:
        items: list[object] = c[0]
        items.append(c[1])
        return items

    # ------------------------------------------------------------------ header and structure

    def ruleset_name(self, c: list[Token]) -> HeaderLine:
        return HeaderLine("ruleset", _name(c[1]), span_between(c[0], c[1]))

    def for_types(self, c: list[Token]) -> HeaderLine:
        names = tuple(Name(t.value, span=token_span(t)) for t in c[1:] if t.type == "NAME")
        return HeaderLine("for", names, span_between(c[0], c[-1]))

    def on_directions(self, c: list[Any]) -> HeaderLine:
        directions = tuple(d for d in c if isinstance(d, Name))
        return HeaderLine("on", directions, span_between(c[0], c[-1]))

    def direction(self, c: list[Token]) -> Name:
        return Name(c[0].value, span=token_span(c[0]))

    def connection(self, c: list[Token]) -> HeaderLine:
        return HeaderLine("connection", _name(c[1]), span_between(c[0], c[1]))

    def description(self, c: list[Token]) -> HeaderLine:
        return HeaderLine("description", _name(c[1]), span_between(c[0], c[1]))

    def tags(self, c: list[Token]) -> HeaderLine:
        values = tuple(_name(t) for t in c[1:] if t.type == "STRING")
        return HeaderLine("tags", values, span_between(c[0], c[-1]))

    def disabled(self, c: list[Token]) -> HeaderLine:
        return HeaderLine("disabled", None, token_span(c[0]))

    def const(self, c: list[Any]) -> Const:
        keyword, name, _equals, value = c
        span = span_between(keyword, value)
        return Const(name.value, value, name_span=token_span(name), span=span)

    def rule(self, c: list[Any]) -> Rule:
        # RULE STRING header-line* [WHEN condition] THEN actions END
        keyword, name = c[0], c[1]
        clause = 2
        while not isinstance(c[clause], Token):
            clause += 1
        condition = _condition(c[clause + 1]) if c[clause].type == "WHEN" else None
        rule_name = text_value(name)
        lines = header(c[2:clause], f'rule "{rule_name}"')
        description = lines.get("description")
        tags = lines.get("tags")
        return Rule(
            rule_name,
            condition,
            tuple(c[-2]),
            description=cast("Name", description.value).value if description else None,
            tags=tuple(t.value for t in cast("tuple[Name, ...]", tags.value)) if tags else (),
            disabled="disabled" in lines,
            scope=scope(lines),
            name_span=token_span(name),
            keyword_span=token_span(keyword),
            span=span_between(keyword, c[-1]),
        )

    # ------------------------------------------------------------------ actions

    def set_action(self, c: list[Any]) -> Set:
        # SET path EQUAL sum [AS type]
        kind = cast("CustomDataType", c[5].value) if len(c) == 6 else None
        return _new_set(c[1], _expr(c[3]), kind, span_between(c[0], c[-1]))

    def remove_action(self, c: list[Any]) -> Remove:
        return Remove(c[1], span=span_between(c[0], c[1]))

    def add_action(self, c: list[Any]) -> Add:
        return Add(_expr(c[1]), c[3], span=span_between(c[0], c[3]))

    def replace_action(self, c: list[Any]) -> Replace:
        return Replace(_expr(c[1]), _expr(c[3]), c[5], span=span_between(c[0], c[5]))

    def copy_action(self, c: list[Any]) -> Copy:
        return Copy(c[1], c[3], span=span_between(c[0], c[3]))

    def swap_action(self, c: list[Any]) -> Swap:
        return Swap(c[1], c[3], span=span_between(c[0], c[3]))

    def log_action(self, c: list[Any]) -> Log:
        return Log(_expr(c[1]), span=span_between(c[0], c[1]))

    def stop_action(self, c: list[Token]) -> Stop:
        return Stop(span=token_span(c[0]))

    def ignore_action(self, c: list[Any]) -> Ignore:
        if len(c) == 1:
            return Ignore(None, span=token_span(c[0]))
        return Ignore(_expr(c[1]), span=span_between(c[0], c[1]))

    def fail_action(self, c: list[Any]) -> Fail:
        return Fail(_expr(c[1]), span=span_between(c[0], c[1]))

    # ------------------------------------------------------------------ conditions

    condition = or_test = and_test = not_test = _only

    def or_(self, c: list[Any]) -> Or:
        left, right = c[0], c[2]
        return _new_or(_condition(left), _condition(right), span_between(left, right))

    def and_(self, c: list[Any]) -> And:
        left, right = c[0], c[2]
        return _new_and(_condition(left), _condition(right), span_between(left, right))

    def not_(self, c: list[Any]) -> Not:
        return Not(_condition(c[1]), span=span_between(c[0], c[1]))

    def compare(self, c: list[Any]) -> Compare:
        # [quantifier] sum comparison_operator sum
        first, op, right = c[0], c[-2], c[-1]
        quantifier: Quantifier | None = first.value if isinstance(first, Token) else None
        operator: CompareOp = op.value if isinstance(op, Token) else op
        left = _expr(c[-3])
        return _new_compare(operator, left, _expr(right), quantifier, span_between(first, right))

    # A comparison operator: its one token, or `not` and the word after it.
    comparison_operator = _only

    def negated(self, c: list[Token]) -> str:
        return f"not {c[1].value}"

    def is_check(self, c: list[Any]) -> IsCheck:
        # [quantifier] sum IS [NOT] (NULL | EMPTY)
        first, last = c[0], c[-1]
        quantifier = None
        operand = first
        if isinstance(first, Token):
            quantifier = cast("Quantifier", first.value)
            operand = c[1]
        kind = cast("Literal['null', 'empty']", last.value)
        negated = c[-2].type == "NOT"
        span = span_between(first, last)
        return IsCheck(kind, negated, _expr(operand), quantifier, span=span)

    def exists(self, c: list[Any]) -> Exists:
        return Exists(c[1], span=span_between(c[0], c[1]))

    # ------------------------------------------------------------------ expressions

    sum = product = atom = _only
    parenthesized = itemgetter(1)

    def add(self, c: list[Any]) -> BinOp:
        return _binary("+", c)

    def subtract(self, c: list[Any]) -> BinOp:
        return _binary("-", c)

    def multiply(self, c: list[Any]) -> BinOp:
        return _binary("*", c)

    def divide(self, c: list[Any]) -> BinOp:
        return _binary("/", c)

    def negate(self, c: list[Any]) -> Expr:
        minus, value = c[0], _expr(c[1])
        if isinstance(value, Lit) and (type(value.value) is int or type(value.value) is Decimal):
            return Lit(-value.value, span=span_between(minus, value))
        return Neg(value, span=span_between(minus, value))

    def string(self, c: list[Token]) -> Lit:
        return _new_lit(text_value(c[0]), token_span(c[0]))

    def number(self, c: list[Token]) -> Lit:
        return _new_lit(number_value(c[0]), token_span(c[0]))

    def negative_number(self, c: list[Token]) -> Lit:
        return Lit(-number_value(c[1]), span=span_between(c[0], c[1]))

    def true(self, c: list[Token]) -> Lit:
        return Lit(value=True, span=token_span(c[0]))

    def false(self, c: list[Token]) -> Lit:
        return Lit(value=False, span=token_span(c[0]))

    def null(self, c: list[Token]) -> Lit:
        return Lit(None, span=token_span(c[0]))

    def list_literal(self, c: list[Any]) -> ListLit:
        items = tuple(_expr(item) for item in _nodes(c))
        return ListLit(items, span=span_between(c[0], c[-1]))

    def map_literal(self, c: list[Any]) -> MapLit:
        entries = tuple(cast("tuple[str, Expr]", e) for e in c if isinstance(e, tuple))
        return MapLit(entries, span=span_between(c[0], c[-1]))

    def map_entry(self, c: list[Any]) -> tuple[str, Expr]:
        return text_value(c[0]), _expr(c[2])

    def literal_entry(self, c: list[Any]) -> tuple[str, Expr]:
        return text_value(c[0]), c[2]

    def constant(self, c: list[Token]) -> ConstRef:
        return ConstRef(c[0].value, span=token_span(c[0]))

    def subscript(self, c: list[Any]) -> Subscript:
        return Subscript(c[0], _expr(c[2]), span=span_between(c[0], c[3]))

    def call(self, c: list[Any]) -> Call:
        name = c[0]
        args = tuple(_expr(a) for a in _nodes(c[1:]))
        return Call(name.value, args, name_span=token_span(name), span=span_between(name, c[-1]))

    # ------------------------------------------------------------------ paths

    field = custom_data = _only

    def field_path(self, c: list[Token]) -> Path:
        segment = _new_field(c[0].value, False, token_span(c[0]))
        return _new_path((segment,), "current", segment.span)

    def custom_data_path(self, c: list[Token]) -> Path:
        segment = custom_data_value(c[0])
        return _new_path((segment,), "current", segment.span)

    # Each step below is `(path | "$") step`: the builder extends the path, or starts a `$` one.

    def dotted_field(self, c: list[Any]) -> Path:
        return _extend(c[0], _new_field(c[2].value, False, token_span(c[2])))

    def dotted_custom_data(self, c: list[Any]) -> Path:
        return _extend(c[0], custom_data_value(c[2]))

    def quoted_field(self, c: list[Any]) -> Path:
        return _extend(c[0], Field(text_value(c[2]), quoted=True, span=span_between(c[1], c[3])))

    def index(self, c: list[Any]) -> Path:
        return _extend(c[0], Index(index_value(c[2]), span=span_between(c[1], c[3])))

    def negative_index(self, c: list[Any]) -> Path:
        return _extend(c[0], Index(-index_value(c[3]), span=span_between(c[1], c[4])))

    def wildcard(self, c: list[Any]) -> Path:
        return _extend(c[0], Wildcard(span=span_between(c[1], c[3])))

    def where(self, c: list[Any]) -> Path:
        return _extend(c[0], Where(_condition(c[3]), span=span_between(c[1], c[4])))


def _name(token: Token) -> Name:
    """The value of a header's text in double quotes."""
    return Name(text_value(token), span=token_span(token))


def _binary(op: ArithOp, c: list[Any]) -> BinOp:
    left, right = c[0], c[2]
    return _new_binop(op, _expr(left), _expr(right), span_between(left, right))


def _extend(base: Path | Token, segment: Segment) -> Path:
    """``base`` (a path, or the ``$`` that starts one) with one more segment."""
    if isinstance(base, Token):
        return _new_path((segment,), "root", span_between(base, segment))
    return _new_path((*base.segments, segment), base.anchor, span_between(base, segment))
