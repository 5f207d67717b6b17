"""Checking of conditions: comparisons, quantifiers, ``is`` checks, ``exists`` and bool values.

Positions follow LANGUAGE.md section 11: a type mismatch points at the start of the comparison's
left operand. A quantifier (``any``/``all``/``none``) ranges over a multi-valued operand or a list
value; several values without one are refused with the quantifier to add.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING

from procrules.language import ast
from procrules.language import types as t
from procrules.language.checker.context import Info
from procrules.language.checker.expressions import show

if TYPE_CHECKING:
    from procrules.language.checker.context import Env
    from procrules.language.checker.expressions import Typer

_ORDER_OPS = {"<", "<=", ">", ">="}
_TEXT_OPS = {"startswith", "not startswith", "endswith", "not endswith", "matches", "not matches"}
_MEMBER_OPS = {"in", "not in"}
_CONTAINS_OPS = {"contains", "not contains"}


def check_condition(typer: Typer, cond: ast.Condition, env: Env) -> None:
    if isinstance(cond, ast.And | ast.Or):
        check_condition(typer, cond.left, env)
        check_condition(typer, cond.right, env)
    elif isinstance(cond, ast.Not):
        check_condition(typer, cond.operand, env)
    elif isinstance(cond, ast.Exists):
        typer.path(cond.target, env)
    elif isinstance(cond, ast.Truthy):
        info = typer.single(cond.expr, env)
        kind = info.type.kind
        if not (info.type.is_any or kind in (t.Kind.BOOL, t.Kind.NULL)):
            typer.sink.error(
                "E309",
                f"{show(cond.expr)} is {info.type.describe()}, not a condition",
                cond.expr.span,
                f"compare it, e.g. {show(cond.expr)} == …, or {show(cond.expr)} is not empty",
            )
    elif isinstance(cond, ast.IsCheck):
        _operand(typer, cond.operand, cond.quantifier, env, f"is {cond.kind}")
    else:
        _compare(typer, cond, env)


def _operand(
    typer: Typer, expr: ast.Expr, quantifier: str | None, env: Env, op_text: str
) -> t.Type:
    """Type the left operand of a test; returns the type of each value tested."""
    info = typer.expr(expr, env)
    if quantifier is None:
        if info.multi:
            typer.sink.error(
                "E304",
                f"{show(expr)} has several values; say which must match: any, all or none",
                expr.span,
                f"write: any {show(expr)} {op_text} …",
            )
        return info.type
    if info.multi:
        return info.type
    if info.type.kind is t.Kind.LIST:
        return info.type.element or t.ANY
    if info.type.is_any:
        return t.ANY
    typer.sink.error(
        "E305",
        f"`{quantifier}` needs several values, but {show(expr)} has one",
        expr.span,
        f"use [*] or [where …] in the path, or leave out `{quantifier}`",
    )
    return info.type


def _compare(typer: Typer, cond: ast.Compare, env: Env) -> None:
    op = cond.op
    left = _operand(typer, cond.left, cond.quantifier, env, op)
    right_info = typer.expr(cond.right, env)
    right = right_info.type
    if right_info.multi and op not in _MEMBER_OPS:
        typer.sink.error(
            "E304",
            f"{show(cond.right)} has several values here",
            cond.right.span,
            "put the field with several values on the left, after any, all or none",
        )
    elif right_info.multi:
        right = t.list_of(right)
    if isinstance(cond.right, ast.Lit) and cond.right.value is None and op in ("==", "!="):
        return
    where = cond.left.span
    if op in _MEMBER_OPS:
        _membership(typer, cond, left, right)
    elif op in _CONTAINS_OPS:
        _contains(typer, cond, left, right)
    elif op in _TEXT_OPS:
        _text_op(typer, cond, left, right)
    else:
        _date_literals(typer, left, right, cond)
        if not t.comparable(left, right):
            _mismatch(typer, left, right, where, cond)
        elif op in _ORDER_OPS and not (t.orderable(left) and t.orderable(right)):
            typer.sink.error(
                "E308", f"{left.describe()} has no order: {op} cannot compare it", where
            )


def _mismatch(
    typer: Typer, left: t.Type, right: t.Type, where: ast.Span, cond: ast.Compare
) -> None:
    hint = None
    if left.kind is t.Kind.STRING and right.is_number and isinstance(cond.right, ast.Lit):
        hint = f'to compare as text, write "{cond.right.value}"'
    elif (
        left.is_number
        and isinstance(cond.right, ast.Lit)
        and isinstance(cond.right.value, str)
        and _is_number_text(cond.right.value)
    ):
        hint = f"to compare as a number, write {cond.right.value} without quotes"
    typer.sink.error(
        "E301", f"cannot compare {left.describe()} with {right.describe()}", where, hint
    )


def _is_number_text(text: str) -> bool:
    try:
        return Decimal(text).is_finite()
    except InvalidOperation:
        return False


def _date_literals(typer: Typer, left: t.Type, right: t.Type, cond: ast.Compare) -> None:
    if left.is_temporal and right.kind is t.Kind.STRING:
        text = typer.literal_text(cond.right)
        if text is not None:
            typer.check_date(text, cond.right.span)


def _membership(typer: Typer, cond: ast.Compare, left: t.Type, right: t.Type) -> None:
    if right.kind is t.Kind.MAP:
        typer.sink.error(
            "E308",
            f"`{cond.op}` needs a list on the right, not a map",
            cond.left.span,
            f"to test the keys, write keys({show(cond.right)})",
        )
        return
    if right.kind is t.Kind.LIST:
        element = right.element or t.ANY
        if not t.comparable(left, element):
            _mismatch(typer, left, element, cond.left.span, cond)
        return
    if not (right.is_any or right.kind is t.Kind.NULL):
        hint = "to look for text inside text, use contains" if right.kind is t.Kind.STRING else None
        typer.sink.error(
            "E308",
            f"`{cond.op}` needs a list on the right, not {right.describe()}",
            cond.left.span,
            hint,
        )


def _contains(typer: Typer, cond: ast.Compare, left: t.Type, right: t.Type) -> None:
    if left.kind is t.Kind.STRING:
        if not (right.kind in (t.Kind.STRING, t.Kind.NULL) or right.is_any):
            typer.sink.error(
                "E301",
                f"a string can only contain a string, not {right.describe()}",
                cond.left.span,
            )
    elif left.kind is t.Kind.LIST:
        element = left.element or t.ANY
        if not t.comparable(element, right):
            _mismatch(typer, element, right, cond.left.span, cond)
    elif not (left.is_any or left.kind is t.Kind.NULL):
        typer.sink.error(
            "E308", f"`{cond.op}` needs a string or a list, not {left.describe()}", cond.left.span
        )


def _text_op(typer: Typer, cond: ast.Compare, left: t.Type, right: t.Type) -> None:
    word = cond.op.removeprefix("not ")
    for side, typ in ((cond.left, left), (cond.right, right)):
        if not (typ.kind in (t.Kind.STRING, t.Kind.NULL) or typ.is_any):
            hint = f"convert it first: string({show(side)})" if typ.is_number else None
            typer.sink.error(
                "E308", f"`{word}` works on strings, not {typ.describe()}", cond.left.span, hint
            )
            return
    if word == "matches":
        text = typer.literal_text(cond.right)
        if text is not None:
            typer.check_regex(text, cond.right.span)


__all__ = ["Info", "check_condition"]
