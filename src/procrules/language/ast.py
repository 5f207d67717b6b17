"""The abstract syntax tree of a rule file.

Frozen, slotted dataclasses, one per construct of LANGUAGE.md (lark's ``create_ast`` example is the
model). Every node carries its source :class:`Span`; spans (and presentation-only details such as
whether a field was written in brackets) are excluded from equality, so two trees compare equal
when they mean the same thing wherever they were written. The formatter, the checker and the
compiler all work from these nodes; nothing downstream sees lark's parse tree.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Literal, TypeAlias

if TYPE_CHECKING:
    from decimal import Decimal


@dataclass(frozen=True, slots=True)
class Span:
    """Where a node stands in its file: 1-based line and column, end exclusive."""

    file: str
    line: int
    column: int
    end_line: int
    end_column: int

    def to(self, other: Span) -> Span:
        """The span from the start of ``self`` to the end of ``other``."""
        return Span(self.file, self.line, self.column, other.end_line, other.end_column)


NO_SPAN = Span("<none>", 0, 0, 0, 0)


def _span() -> Span:
    """The ``span`` field of every node: keyword-only, and not part of equality or repr."""
    return field(default=NO_SPAN, compare=False, repr=False, kw_only=True)


# --------------------------------------------------------------------------- expressions


LiteralValue: TypeAlias = "str | int | Decimal | bool | None"


@dataclass(frozen=True, slots=True)
class Lit:
    """A string, integer, decimal, bool or ``null`` literal. Decimals stay ``Decimal``."""

    value: str | int | Decimal | bool | None
    span: Span = _span()


@dataclass(frozen=True, slots=True)
class ListLit:
    """``[a, b, …]``."""

    items: tuple[Expr, ...]
    span: Span = _span()


@dataclass(frozen=True, slots=True)
class MapLit:
    """``{"key": value, …}``; keys are strings."""

    items: tuple[tuple[str, Expr], ...]
    span: Span = _span()


@dataclass(frozen=True, slots=True)
class ConstRef:
    """A use of a ``const`` by its UPPER_SNAKE name."""

    name: str
    span: Span = _span()


@dataclass(frozen=True, slots=True)
class Field:
    """A field step: ``.name`` or ``["name"]`` (``quoted``, presentation only)."""

    name: str
    quoted: bool = field(default=False, compare=False)
    span: Span = _span()


@dataclass(frozen=True, slots=True)
class Index:
    """``[n]``: a list element, negative from the end."""

    index: int
    span: Span = _span()


@dataclass(frozen=True, slots=True)
class Wildcard:
    """``[*]``: every element; makes the path multi-valued."""

    span: Span = _span()


@dataclass(frozen=True, slots=True)
class Where:
    """``[where <condition>]``: the elements for which the condition holds (multi-valued)."""

    condition: Condition
    span: Span = _span()


@dataclass(frozen=True, slots=True)
class CustomDataRef:
    """``customData[connection|module|key]``; a part equal to ``*`` is a wildcard.

    ``connection`` is ``""`` for an entry that belongs to no connection. ``quoted`` records
    whether the reference was written as ``customData["…"]`` (presentation only).
    """

    connection: str
    module: str
    key: str
    quoted: bool = field(default=False, compare=False)
    span: Span = _span()

    @property
    def is_wildcard(self) -> bool:
        return "*" in (self.connection, self.module, self.key)

    @property
    def dict_key(self) -> str:
        return f"{self.connection}|{self.module}|{self.key}"


Segment: TypeAlias = "Field | Index | Wildcard | Where | CustomDataRef"


@dataclass(frozen=True, slots=True)
class Path:
    """A path into the record: a sequence of segments.

    ``anchor`` says where it starts: ``"current"`` for a bare path (the record, or the element
    inside ``[where …]``), ``"root"`` for ``$``-paths, which always start at the record's root.
    """

    segments: tuple[Segment, ...]
    anchor: Literal["current", "root"] = "current"
    span: Span = _span()

    @property
    def is_multi(self) -> bool:
        return any(isinstance(s, Wildcard | Where) or _multi_cd(s) for s in self.segments)


def _multi_cd(s: Segment) -> bool:
    return isinstance(s, CustomDataRef) and s.is_wildcard


@dataclass(frozen=True, slots=True)
class Subscript:
    """``CONST[key]``: a lookup in a const map (or list)."""

    target: Expr
    key: Expr
    span: Span = _span()


@dataclass(frozen=True, slots=True)
class Neg:
    """Unary minus."""

    operand: Expr
    span: Span = _span()


ArithOp: TypeAlias = Literal["+", "-", "*", "/"]


@dataclass(frozen=True, slots=True)
class BinOp:
    """``left op right`` for ``+ - * /``."""

    op: ArithOp
    left: Expr
    right: Expr
    span: Span = _span()


@dataclass(frozen=True, slots=True)
class Call:
    """``name(args…)``; ``name_span`` is where the name stands (diagnostics point there)."""

    name: str
    args: tuple[Expr, ...]
    name_span: Span = field(default=NO_SPAN, compare=False, repr=False)
    span: Span = _span()


Expr: TypeAlias = "Lit | ListLit | MapLit | ConstRef | Path | Subscript | Neg | BinOp | Call"


# --------------------------------------------------------------------------- conditions

CompareOp: TypeAlias = Literal[
    "==",
    "!=",
    "<",
    "<=",
    ">",
    ">=",
    "in",
    "not in",
    "contains",
    "not contains",
    "startswith",
    "not startswith",
    "endswith",
    "not endswith",
    "matches",
    "not matches",
]
Quantifier: TypeAlias = Literal["any", "all", "none"]


@dataclass(frozen=True, slots=True)
class Compare:
    """``[quantifier] left op right``. The quantifier ranges over a multi-valued ``left``."""

    op: CompareOp
    left: Expr
    right: Expr
    quantifier: Quantifier | None = None
    span: Span = _span()


@dataclass(frozen=True, slots=True)
class IsCheck:
    """``[quantifier] operand is [not] null|empty``."""

    kind: Literal["null", "empty"]
    negated: bool
    operand: Expr
    quantifier: Quantifier | None = None
    span: Span = _span()


@dataclass(frozen=True, slots=True)
class Exists:
    """``exists <path or customData reference>``."""

    target: Path
    span: Span = _span()


@dataclass(frozen=True, slots=True)
class And:
    left: Condition
    right: Condition
    span: Span = _span()


@dataclass(frozen=True, slots=True)
class Or:
    left: Condition
    right: Condition
    span: Span = _span()


@dataclass(frozen=True, slots=True)
class Not:
    operand: Condition
    span: Span = _span()


@dataclass(frozen=True, slots=True)
class Truthy:
    """A bool-valued expression used as a condition (a bool field, a function call)."""

    expr: Expr
    span: Span = _span()


Condition: TypeAlias = "Compare | IsCheck | Exists | And | Or | Not | Truthy"


# --------------------------------------------------------------------------- actions

CustomDataType: TypeAlias = Literal["string", "bool", "integer", "decimal", "json"]


@dataclass(frozen=True, slots=True)
class Set:
    """``set <path> = <expr> [as <type>]`` (``as`` only for custom data)."""

    target: Path
    value: Expr
    as_type: CustomDataType | None = None
    span: Span = _span()


@dataclass(frozen=True, slots=True)
class Remove:
    """``remove <path>``."""

    target: Path
    span: Span = _span()


@dataclass(frozen=True, slots=True)
class Add:
    """``add <expr> to <list path>``."""

    value: Expr
    target: Path
    span: Span = _span()


@dataclass(frozen=True, slots=True)
class Replace:
    """``replace <old> with <new> in <path>``."""

    old: Expr
    new: Expr
    target: Path
    span: Span = _span()


@dataclass(frozen=True, slots=True)
class Copy:
    """``copy <source> to <target>``."""

    source: Path
    target: Path
    span: Span = _span()


@dataclass(frozen=True, slots=True)
class Swap:
    """``swap <left> and <right>``."""

    left: Path
    right: Path
    span: Span = _span()


@dataclass(frozen=True, slots=True)
class Log:
    """``log <text>``."""

    message: Expr
    span: Span = _span()


@dataclass(frozen=True, slots=True)
class Stop:
    """``stop``: no further rule of this rule set runs for the record."""

    span: Span = _span()


@dataclass(frozen=True, slots=True)
class Ignore:
    """``ignore ["reason"]``: the record is skipped by everything after."""

    reason: Expr | None = None
    span: Span = _span()


@dataclass(frozen=True, slots=True)
class Fail:
    """``fail "reason"``: the record fails."""

    reason: Expr
    span: Span = _span()


Action: TypeAlias = "Set | Remove | Add | Replace | Copy | Swap | Log | Stop | Ignore | Fail"


# --------------------------------------------------------------------------- structure


@dataclass(frozen=True, slots=True)
class Name:
    """A word with its place: a record type in ``for``, a direction in ``on``."""

    value: str
    span: Span = _span()


@dataclass(frozen=True, slots=True)
class Scope:
    """``for`` / ``on`` / ``connection``; ``None`` means not narrowed."""

    record_types: tuple[Name, ...] | None = None
    directions: tuple[Name, ...] | None = None
    connection: Name | None = None
    span: Span = _span()


@dataclass(frozen=True, slots=True)
class Const:
    """``const NAME = <literal>`` (the value is a literal, list or map of literals)."""

    name: str
    value: Expr
    name_span: Span = field(default=NO_SPAN, compare=False, repr=False)
    span: Span = _span()


@dataclass(frozen=True, slots=True)
class Rule:
    """One rule; ``keyword_span`` is where its ``rule`` keyword stands."""

    name: str
    condition: Condition | None
    actions: tuple[Action, ...]
    description: str | None = None
    tags: tuple[str, ...] = ()
    disabled: bool = False
    scope: Scope = field(default_factory=Scope)
    name_span: Span = field(default=NO_SPAN, compare=False, repr=False)
    keyword_span: Span = field(default=NO_SPAN, compare=False, repr=False)
    span: Span = _span()


@dataclass(frozen=True, slots=True)
class Comment:
    """A ``# …`` comment, kept for the formatter; ``text`` includes the ``#``."""

    text: str
    span: Span = _span()


@dataclass(frozen=True, slots=True)
class RuleSet:
    """One file: its header, and its consts and rules in source order."""

    file: str
    name: str | None
    scope: Scope
    items: tuple[Const | Rule, ...]
    comments: tuple[Comment, ...] = field(default=(), compare=False)
    name_span: Span | None = field(default=None, compare=False, repr=False)
    span: Span = _span()

    @property
    def consts(self) -> tuple[Const, ...]:
        return tuple(i for i in self.items if isinstance(i, Const))

    @property
    def rules(self) -> tuple[Rule, ...]:
        return tuple(i for i in self.items if isinstance(i, Rule))


Node: TypeAlias = (
    "Expr | Segment | Condition | Action | Name | Scope | Const | Rule | Comment | RuleSet"
)
