"""Typing of paths, expressions and conditions, with the diagnostics they give rise to.

:class:`Typer` walks one expression or condition in an :class:`Env` and returns its
:class:`Info` (type and whether it is multi-valued), reporting unknown fields and constants,
impossible comparisons, wrong calls, missing quantifiers, bad regexes and bad dates as it goes.
It never stops at the first problem: an erroneous part is typed ``ANY`` so the walk goes on
without a cascade of follow-up errors.
"""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING

from procrules.language import ast
from procrules.language import types as t
from procrules.language.builtins import SIGNATURES, Param, accepts
from procrules.language.checker.context import Env, Info
from procrules.language.checker.literals import RegexError, compile_regex, is_iso_date
from procrules.language.schema import record_types, suggest

if TYPE_CHECKING:
    from procrules.language.checker.context import CheckContext

ANY_INFO = Info(t.ANY)
_STRING_OPS = {"startswith", "endswith", "matches"}


def literal_type(value: object) -> t.Type:
    if value is None:
        return t.NULL
    if isinstance(value, bool):
        return t.BOOL
    if isinstance(value, int):
        return t.INTEGER
    if isinstance(value, Decimal):
        return t.DECIMAL
    return t.STRING


def show(expr: ast.Expr) -> str:
    """A short rendering of an expression for messages (paths and names, else its kind)."""
    if isinstance(expr, ast.Path):
        return path_text(expr)
    if isinstance(expr, ast.ConstRef):
        return expr.name
    if isinstance(expr, ast.Lit):
        return "null" if expr.value is None else _lit_text(expr.value)
    if isinstance(expr, ast.Call):
        return f"{expr.name}(…)"
    return "the expression"


def _lit_text(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return '"' + value + '"'
    return str(value)


def path_text(path: ast.Path) -> str:
    out = "$" if path.anchor == "root" else ""
    for seg in path.segments:
        if isinstance(seg, ast.Field):
            out += ("." if out else "") + seg.name
        elif isinstance(seg, ast.Index):
            out += f"[{seg.index}]"
        elif isinstance(seg, ast.Wildcard):
            out += "[*]"
        elif isinstance(seg, ast.Where):
            out += "[where …]"
        else:
            out += ("." if out else "") + f"customData[{seg.dict_key}]"
    return out or "$"


class Typer:
    """Types expressions and conditions of one rule set, reporting into the context's sink."""

    def __init__(self, ctx: CheckContext) -> None:
        self.ctx = ctx
        self.sink = ctx.sink

    # ----------------------------------------------------------------------------- paths

    def path(self, path: ast.Path, env: Env) -> Info:
        cur = env.root if path.anchor == "root" else env.current
        multi = False
        for seg in path.segments:
            if isinstance(seg, ast.Field):
                nxt = self._field(cur, seg, env)
            elif isinstance(seg, ast.CustomDataRef):
                nxt = self._custom_data(cur, seg, env)
                multi = multi or seg.is_wildcard
            elif isinstance(seg, ast.Index):
                nxt = self._element(cur, seg, "[" + str(seg.index) + "]")
            else:
                nxt = self._element(cur, seg, "[*]" if isinstance(seg, ast.Wildcard) else "[where]")
                multi = True
                if isinstance(seg, ast.Where) and nxt is not None:
                    self.condition(seg.condition, env.inside(nxt))
            if nxt is None:
                return Info(t.ANY, multi)
            cur = nxt
        return Info(cur, multi)

    def _field(self, cur: t.Type, seg: ast.Field, env: Env) -> t.Type | None:
        if cur.kind in (t.Kind.ANY, t.Kind.MAP):
            return cur.element or t.ANY if cur.kind is t.Kind.MAP else t.ANY
        if cur.kind is t.Kind.OBJECT:
            found = cur.field_type(seg.name)
            if found is not None:
                return found
            self._unknown_field(cur, seg, env)
            return None
        if cur.kind is t.Kind.LIST:
            self.sink.error(
                "E312",
                f'"{seg.name}" is not a field of a list',
                seg.span,
                f"write [*].{seg.name} for every element or [0].{seg.name} for the first",
            )
            return None
        if cur.kind is t.Kind.CUSTOM_DATA:
            self.sink.error(
                "E403",
                "custom data is read by its key, not as a field",
                seg.span,
                f"write customData[<connection>|<module>|{seg.name}]",
            )
            return None
        self.sink.error(
            "E312", f'"{seg.name}" is not a field: {cur.describe()} has no fields', seg.span
        )
        return None

    def _unknown_field(self, cur: t.Type, seg: ast.Field, env: Env) -> None:
        where = cur.name or "the record"
        fields = (cur.fields or {}).keys()
        close = suggest(seg.name, fields, cutoff=0.75)
        elsewhere: list[str] = []
        if cur is env.root:
            elsewhere = [n for n, rt in record_types().items() if seg.name in (rt.fields or {})]
        if close:
            hint = f'did you mean "{close}"?'
        elif elsewhere:
            hint = f'"{seg.name}" is a field of {" and ".join(elsewhere)}, not of {where}'
        elif near := suggest(seg.name, fields):
            hint = f'did you mean "{near}"?'
        elif cur is env.root:
            hint = "data with no place in the record belongs in custom data: customData[…]"
        else:
            hint = None
        self.sink.error("E201", f'unknown field "{seg.name}" in {where}', seg.span, hint)

    def _custom_data(self, cur: t.Type, seg: ast.CustomDataRef, env: Env) -> t.Type | None:
        holder = cur if cur.kind is not t.Kind.OBJECT else cur.field_type("customData")
        if cur.kind is not t.Kind.ANY and (holder is None or holder.kind is not t.Kind.CUSTOM_DATA):
            self.sink.error("E201", f"{cur.describe()} has no custom data", seg.span)
            return None
        if not seg.module or not seg.key:
            part = "module" if not seg.module else "key"
            self.sink.error(
                "E404",
                f"the {part} of a custom-data reference cannot be empty",
                seg.span,
                "write customData[<connection>|<module>|<key>]; only the connection may be empty",
            )
        return t.ANY

    def _element(self, cur: t.Type, seg: ast.Segment, text: str) -> t.Type | None:
        if cur.kind is t.Kind.LIST or (cur.kind is t.Kind.MAP and not isinstance(seg, ast.Index)):
            return cur.element or t.ANY
        if cur.kind is t.Kind.ANY:
            return t.ANY
        self.sink.error("E312", f"{text} needs a list, but this is {cur.describe()}", seg.span)
        return None

    # ----------------------------------------------------------------------------- expressions

    def expr(self, expr: ast.Expr, env: Env) -> Info:
        if isinstance(expr, ast.Lit):
            return Info(literal_type(expr.value))
        if isinstance(expr, ast.Path):
            return self.path(expr, env)
        if isinstance(expr, ast.ConstRef):
            return self.const(expr)
        if isinstance(expr, ast.ListLit):
            element = t.NULL
            for item in expr.items:
                element = t.join(element, self.single(item, env).type)
            return Info(t.list_of(element))
        if isinstance(expr, ast.MapLit):
            value = t.NULL
            for _, item in expr.items:
                value = t.join(value, self.single(item, env).type)
            return Info(t.map_of(value))
        if isinstance(expr, ast.Subscript):
            return self._subscript(expr, env)
        if isinstance(expr, ast.Neg):
            inner = self.single(expr.operand, env)
            if not (inner.type.is_number or inner.type.is_any or inner.type.kind is t.Kind.NULL):
                self.sink.error("E308", f"cannot negate {inner.type.describe()}", expr.span)
                return ANY_INFO
            return inner
        if isinstance(expr, ast.BinOp):
            return self._binop(expr, env)
        return self.call(expr, env)

    def single(self, expr: ast.Expr, env: Env, hint: str | None = None) -> Info:
        """Type an operand that must have one value; several values are an E304 error."""
        info = self.expr(expr, env)
        if info.multi:
            self.sink.error(
                "E304",
                f"{show(expr)} has several values here",
                expr.span,
                hint or "use sum(), count(), min() or max(), or a quantifier in a condition",
            )
            return Info(info.type)
        return info

    def const(self, ref: ast.ConstRef) -> Info:
        found = self.ctx.consts.get(ref.name)
        if found is None:
            if self.ctx.partial:
                return ANY_INFO  # the definition may be in a part that did not parse
            near = suggest(ref.name, self.ctx.consts.keys())
            hint = f'did you mean "{near}"?' if near else f"define it: const {ref.name} = …"
            self.sink.error("E202", f'undefined constant "{ref.name}"', ref.span, hint)
            return ANY_INFO
        return Info(found[1])

    def _subscript(self, expr: ast.Subscript, env: Env) -> Info:
        target = self.single(expr.target, env).type
        key = self.single(expr.key, env).type
        if target.kind is t.Kind.MAP:
            if not (key.kind in (t.Kind.STRING, t.Kind.NULL) or key.is_any):
                self.sink.error(
                    "E303", f"a map is looked up by a string, not {key.describe()}", expr.key.span
                )
            return Info(target.element or t.ANY)
        if target.kind is t.Kind.LIST:
            return Info(target.element or t.ANY)
        if not target.is_any:
            self.sink.error(
                "E312", f"{show(expr.target)} is {target.describe()}, not a map", expr.target.span
            )
        return ANY_INFO

    def _binop(self, expr: ast.BinOp, env: Env) -> Info:
        left = self.single(expr.left, env).type
        right = self.single(expr.right, env).type
        if left.is_any or right.is_any:
            return ANY_INFO
        if left.kind is t.Kind.NULL or right.kind is t.Kind.NULL:
            return Info(t.NULL)
        if left.is_number and right.is_number:
            int_result = expr.op != "/" and left.kind is right.kind is t.Kind.INTEGER
            return Info(t.INTEGER if int_result else t.DECIMAL)
        if expr.op == "+" and left.kind is right.kind is t.Kind.STRING:
            return Info(t.STRING)
        verb = {"+": "add", "-": "subtract", "*": "multiply", "/": "divide"}[expr.op]
        hint = None
        if expr.op == "+" and t.Kind.STRING in (left.kind, right.kind):
            hint = "to join text with a number, convert it first: string(…)"
        self.sink.error(
            "E308",
            f"cannot {verb} {left.describe()} and {right.describe()}",
            expr.left.span,
            hint,
        )
        return ANY_INFO

    def call(self, call: ast.Call, env: Env) -> Info:
        sig = SIGNATURES.get(call.name)
        if sig is None:
            near = suggest(call.name, SIGNATURES)
            hint = f'did you mean "{near}"?' if near else "see the list of functions in the docs"
            self.sink.error("E205", f'unknown function "{call.name}"', call.name_span, hint)
            for arg in call.args:
                self.expr(arg, env)
            return ANY_INFO
        if not sig.accepts_count(len(call.args)):
            n = len(call.args)
            given = "1 was given" if n == 1 else f"{n} were given"
            self.sink.error(
                "E302", f"{call.name}() takes {sig.arity_text()}, but {given}", call.name_span
            )
            for arg in call.args:
                self.expr(arg, env)
            return Info(sig.result([t.ANY] * len(call.args)))
        types: list[t.Type] = []
        for index, arg in enumerate(call.args):
            info = self.expr(arg, env)
            param = sig.param(index)
            if info.multi and not (sig.aggregate and index == 0):
                self.sink.error(
                    "E304",
                    f"{show(arg)} has several values here",
                    arg.span,
                    "use sum(), count(), min() or max() to make one value of them",
                )
            argtype = t.list_of(info.type) if info.multi else info.type
            if not accepts(param, argtype):
                self.sink.error(
                    "E303",
                    f"argument {index + 1} of {call.name}() must be {param.value}, "
                    f"not {argtype.describe()}",
                    call.name_span,
                )
            self._check_literal_arg(call.name, index, param, arg)
            types.append(argtype)
        return Info(sig.result(types))

    def _check_literal_arg(self, name: str, index: int, param: Param, arg: ast.Expr) -> None:
        text = self.literal_text(arg)
        if text is None:
            return
        if name == "regex_replace" and index == 1:
            self.check_regex(text, arg.span)
        elif param is Param.TEMPORAL:
            self.check_date(text, arg.span)

    def literal_text(self, expr: ast.Expr) -> str | None:
        """The text of a string literal, or of a const bound to one; else ``None``."""
        if isinstance(expr, ast.Lit) and isinstance(expr.value, str):
            return expr.value
        if isinstance(expr, ast.ConstRef) and expr.name in self.ctx.consts:
            value = self.ctx.consts[expr.name][0].value
            if isinstance(value, ast.Lit) and isinstance(value.value, str):
                return value.value
        return None

    def check_regex(self, pattern: str, span: ast.Span) -> None:
        try:
            compile_regex(pattern)
        except RegexError as exc:
            self.sink.error(
                "E306",
                f"invalid regular expression: {exc}",
                span,
                "patterns use RE2 syntax; escape special characters with \\\\",
            )

    def check_date(self, text: str, span: ast.Span) -> None:
        if not is_iso_date(text):
            self.sink.error(
                "E307",
                f'"{text}" is not a valid ISO 8601 date',
                span,
                'write a date as "2024-01-31" or "2024-01-31T12:00:00Z"',
            )

    # ----------------------------------------------------------------------------- conditions

    def condition(self, cond: ast.Condition, env: Env) -> None:
        # Imported here: conditions.py builds on this module's Typer.
        from procrules.language.checker.conditions import check_condition

        check_condition(self, cond, env)
