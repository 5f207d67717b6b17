"""Signatures of the built-in functions (LANGUAGE.md section 8), for the checker.

Each function has its parameters (by kind), optional parameters, and a result type. The
implementations live in ``procrules.engine.functions`` under the same names; a test keeps the two
tables equal. Aggregates (``count``, ``sum``, ``min``, ``max``) are the only functions that take a
multi-valued path.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum

from procrules.language import types as t


class Param(StrEnum):
    """What an argument must be, in the words of a diagnostic."""

    STRING = "a string"
    NUMBER = "a number"
    INTEGER = "a whole number"
    LIST = "a list"
    MAP = "a map"
    TEXT_OR_LIST = "a string or a list"
    TEMPORAL = "a date, a date and time, or an ISO date in quotes"
    VALUES = "a list or a field with several values"
    ANY = "a value"


ResultRule = Callable[[list[t.Type]], t.Type]


@dataclass(frozen=True, slots=True)
class Signature:
    name: str
    params: tuple[Param, ...]
    result: ResultRule
    optional: tuple[Param, ...] = ()
    variadic: bool = False  # the last parameter repeats (coalesce)
    aggregate: bool = False  # the first argument may be multi-valued

    def arity_text(self) -> str:
        lo, hi = len(self.params), len(self.params) + len(self.optional)
        if self.variadic:
            return f"{lo} or more arguments"
        if lo == hi:
            return "1 argument" if lo == 1 else f"{lo} arguments"
        return f"{lo} or {hi} arguments" if hi == lo + 1 else f"{lo} to {hi} arguments"

    def accepts_count(self, n: int) -> bool:
        lo, hi = len(self.params), len(self.params) + len(self.optional)
        return n >= lo if self.variadic else lo <= n <= hi

    def param(self, index: int) -> Param:
        every = self.params + self.optional
        return every[min(index, len(every) - 1)]


def _const(result: t.Type) -> ResultRule:
    return lambda _args: result


def _same_as_first(args: list[t.Type]) -> t.Type:
    return args[0] if args and not args[0].is_any else t.ANY


def _element_of_first(args: list[t.Type]) -> t.Type:
    first = args[0] if args else t.ANY
    return (first.element or t.ANY) if first.kind is t.Kind.LIST else first


def _number_of_first(args: list[t.Type]) -> t.Type:
    first = _element_of_first(args)
    return first if first.is_number else t.DECIMAL


def _join_all(args: list[t.Type]) -> t.Type:
    out = t.NULL
    for a in args:
        out = t.join(out, a)
    return out


def _values_of(args: list[t.Type]) -> t.Type:
    first = args[0] if args else t.ANY
    return t.list_of(first.element or t.ANY) if first.kind is t.Kind.MAP else t.list_of(t.ANY)


_S, _N, _I = Param.STRING, Param.NUMBER, Param.INTEGER

SIGNATURES: dict[str, Signature] = {
    s.name: s
    for s in (
        Signature("lower", (_S,), _const(t.STRING)),
        Signature("upper", (_S,), _const(t.STRING)),
        Signature("trim", (_S,), _const(t.STRING)),
        Signature("length", (Param.TEXT_OR_LIST,), _const(t.INTEGER)),
        Signature("substring", (_S, _I), _const(t.STRING), optional=(_I,)),
        Signature("replace", (_S, _S, _S), _const(t.STRING)),
        Signature("regex_replace", (_S, _S, _S), _const(t.STRING)),
        Signature("split", (_S, _S), _const(t.list_of(t.STRING))),
        Signature("join", (Param.LIST, _S), _const(t.STRING)),
        Signature("strip_html", (_S,), _const(t.STRING)),
        Signature("round", (_N,), _const(t.DECIMAL), optional=(_I,)),
        Signature("floor", (_N,), _const(t.INTEGER)),
        Signature("ceil", (_N,), _const(t.INTEGER)),
        Signature("abs", (_N,), _same_as_first),
        Signature("count", (Param.VALUES,), _const(t.INTEGER), aggregate=True),
        Signature("sum", (Param.VALUES,), _number_of_first, aggregate=True),
        Signature("min", (Param.VALUES,), _element_of_first, aggregate=True),
        Signature("max", (Param.VALUES,), _element_of_first, aggregate=True),
        Signature("coalesce", (Param.ANY,), _join_all, variadic=True),
        Signature("number", (Param.ANY,), _const(t.DECIMAL)),
        Signature("string", (Param.ANY,), _const(t.STRING)),
        Signature("keys", (Param.MAP,), _const(t.list_of(t.STRING))),
        Signature("values", (Param.MAP,), _values_of),
        Signature("now", (), _const(t.DATETIME)),
        Signature("today", (), _const(t.DATE)),
        Signature("date", (Param.TEMPORAL,), _const(t.DATE)),
        Signature("days_between", (Param.TEMPORAL, Param.TEMPORAL), _const(t.INTEGER)),
        Signature("add_days", (Param.TEMPORAL, _I), _same_as_first),
    )
}


def accepts(param: Param, arg: t.Type) -> bool:
    """Whether an argument of static type ``arg`` can be given for ``param``."""
    if arg.is_any or arg.kind is t.Kind.NULL or param is Param.ANY:
        return True
    match param:
        case Param.STRING:
            return arg.kind is t.Kind.STRING
        case Param.NUMBER:
            return arg.is_number
        case Param.INTEGER:
            return arg.kind is t.Kind.INTEGER
        case Param.LIST | Param.VALUES:
            return arg.kind is t.Kind.LIST
        case Param.MAP:
            return arg.kind in (t.Kind.MAP, t.Kind.OBJECT)
        case Param.TEXT_OR_LIST:
            return arg.kind in (t.Kind.STRING, t.Kind.LIST)
        case Param.TEMPORAL:
            return arg.is_temporal or arg.kind is t.Kind.STRING
    return False  # pragma: no cover - every Param is matched above
