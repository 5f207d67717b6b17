"""Code generation for conditions: comparisons with LANGUAGE.md's null rules, quantifiers,
``is`` checks, ``exists`` and bool values.

A comparison is false whenever a side is null (section 12), so every comparison is generated as
``(a := left) is not None and (b := right) is not None and <test>``, where ``<test>`` is chosen
at load time from the static types: Python's own operator where the types are known to agree
(two strings, two numbers, two dates), a literal list turned into a ``frozenset`` for ``in``, a
regex compiled once for ``matches``; a checking helper from :mod:`procrules.engine.values`
(which raises an evaluation error for values that cannot be compared) where they are not.
String literals compared with date fields are parsed at load time.

With ``trace`` set on the emitter (``Book.explain``), every leaf condition also reports its
operands and outcome to the state's trace; ``apply`` uses code generated without it.
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from procrules.engine import values as v
from procrules.engine.paths import exists_test
from procrules.engine.sharing import UNSET
from procrules.engine.trace import NOT_EVALUATED, TraceNode, leaf
from procrules.language import ast
from procrules.language import types as t
from procrules.language.checker.literals import compile_regex, parse_iso

if TYPE_CHECKING:
    from procrules.engine.codegen import Code, Emitter, Env

HELPERS: dict[str, Any] = {
    "_equal": v.equal,
    "_order": v.order,
    "_member": v.member,
    "_contains": v.contains,
    "_startswith": v.startswith,
    "_endswith": v.endswith,
    "_matches": v.matches,
    "_empty": v.is_empty,
    "_truthy": v.truthy,
    "_asv": v.as_values,
    "_inst": v.as_instant,
    "_leaf": leaf,
    "_NE": NOT_EVALUATED,
    "_U": UNSET,
}

_ORDER = {"<", "<=", ">", ">="}


def condition(em: Emitter, c: ast.Condition, env: Env) -> str:
    """The Python source of a condition (a bool expression over ``st`` and ``cur``)."""
    if not HELPERS.keys() <= em.ns.keys():
        em.ns.update(HELPERS)
    if isinstance(c, ast.And):
        return f"({condition(em, c.left, env)} and {condition(em, c.right, env)})"
    if isinstance(c, ast.Or):
        return f"({condition(em, c.left, env)} or {condition(em, c.right, env)})"
    if isinstance(c, ast.Not):
        return f"(not {condition(em, c.operand, env)})"
    local = em.shared.get(id(c)) if em.shared else None
    if local is not None:  # a test several rules make (:mod:`procrules.engine.sharing`)
        return f"({local} if {local} is not _U else ({local} := {_leaf_test(em, c, env)}))"
    return _leaf_test(em, c, env)


def _leaf_test(
    em: Emitter, c: ast.Compare | ast.IsCheck | ast.Exists | ast.Truthy, env: Env
) -> str:
    if isinstance(c, ast.Compare):
        return _compare(em, c, env)
    if isinstance(c, ast.IsCheck):
        return _is_check(em, c, env)
    if isinstance(c, ast.Exists):
        return _exists(em, c, env)
    return _truthy(em, c, env)


def _node(em: Emitter, c: ast.Condition, left: ast.Expr | None, op: str) -> str:
    return em.name(TraceNode(c.span, left.span if left is not None else c.span, op))


# ------------------------------------------------------------------------------ comparisons


def _split(op: str) -> tuple[str, bool]:
    return (op[4:], True) if op.startswith("not ") else (op, False)


def _prepare_right(em: Emitter, base: str, left: t.Type, right: Code) -> tuple[str, t.Type, str]:
    """The right operand's source, type and form (``value``, ``set`` or ``regex``)."""
    if not right.const:
        return right.src, right.type, "value"
    value = right.value
    if left.is_temporal and isinstance(value, str) and base not in ("in", "contains"):
        try:
            moment = parse_iso(value)
        except ValueError:
            return right.src, right.type, "value"
        if left.kind is t.Kind.DATETIME and not isinstance(moment, datetime):
            moment = v.as_instant(moment)
        kind = t.DATETIME if isinstance(moment, datetime) else t.DATE
        return em.name(moment), kind, "value"
    if base == "in" and isinstance(value, list):
        family = _set_family(value)
        if family is not None and (
            (family is t.Kind.STRING and left.kind in (t.Kind.STRING, t.Kind.ANY))
            or (family is t.Kind.DECIMAL and left.is_number)
        ):
            return em.name(frozenset(value)), right.type, "set"
    if base == "matches" and isinstance(value, str):
        return em.name(compile_regex(value)), right.type, "regex"
    return right.src, right.type, "value"


def _set_family(items: list[Any]) -> t.Kind | None:
    """``STRING`` for a list of strings, ``DECIMAL`` for one of numbers, else ``None``."""
    if items and all(isinstance(i, str) for i in items):
        return t.Kind.STRING
    if items and all(isinstance(i, int | Decimal) and not isinstance(i, bool) for i in items):
        return t.Kind.DECIMAL
    return None


def _test(
    em: Emitter,
    base: str,
    a: str,
    b: str,
    lt: t.Type,
    rt: t.Type,
    form: str,
    site: str,
    *,
    guess: bool = True,
) -> str:
    """``<test>`` on two non-null operands held in the names ``a`` and ``b``.

    Where one side's type is known only at run time (custom data) and the other is a string,
    the test checks the class first and takes Python's own operator when it is a string too.
    """
    if guess and lt.is_any and (rt.kind is t.Kind.STRING or form in ("set", "regex")):
        if form == "set":
            fast, slow = f"{a} in {b}", f"_member({a}, {b}, {site})"
        else:
            fast = _test(em, base, a, b, t.STRING, t.STRING, form, site)
            slow = _test(em, base, a, b, t.ANY, rt, form, site, guess=False)
        return f"({fast} if {a}.__class__ is _str else {slow})"
    if guess and rt.is_any and lt.kind is t.Kind.STRING and base not in ("in", "matches"):
        fast = _test(em, base, a, b, lt, t.STRING, form, site)
        slow = _test(em, base, a, b, lt, t.ANY, form, site, guess=False)
        return f"({fast} if {b}.__class__ is _str else {slow})"
    lk, rk = lt.kind, rt.kind
    if base in _ORDER or base in ("==", "!="):
        if (lt.is_number and rt.is_number) or (
            lk is rk and lk in (t.Kind.STRING, t.Kind.BOOL, t.Kind.DATE, t.Kind.DATETIME)
        ):
            return f"{a} {base} {b}"
        if lt.is_temporal and rt.is_temporal:
            return f"_inst({a}) {base} _inst({b})"
        if base == "==":
            return f"_equal({a}, {b}, {site})"
        if base == "!=":
            return f"(not _equal({a}, {b}, {site}))"
        return f"_order({em.name(base)}, {a}, {b}, {site})"
    if base == "in":
        return f"{a} in {b}" if form == "set" else f"_member({a}, {b}, {site})"
    if base == "contains":
        strings = lk is t.Kind.STRING or (
            lk is t.Kind.LIST and lt.element is not None and lt.element.kind is t.Kind.STRING
        )
        if strings and rk is t.Kind.STRING:
            return f"{b} in {a}"
        return f"_contains({a}, {b}, {site})"
    if base in ("startswith", "endswith"):
        if lk is rk is t.Kind.STRING:
            return f"{a}.{base}({b})"
        return f"_{base}({a}, {b}, {site})"
    # matches
    if form == "regex":
        if lk is t.Kind.STRING:
            return f"({b}.fullmatch({a}) is not None)"
        return f"_matches({a}, {b}, {site})"
    em.ns.setdefault("_matches_dyn", _matches_dynamic)
    return f"_matches_dyn({a}, {b}, {site})"


def _matches_dynamic(a: Any, pattern: Any, site: v.Site) -> bool:
    if not isinstance(pattern, str):
        v.fail(f"`matches` needs a pattern in text, not {v.kind_of(pattern)}", site)
    try:
        compiled = compile_regex(pattern)
    except ValueError as exc:
        v.fail(f"invalid regular expression {v.shown(pattern)}: {exc}", site)
    return v.matches(a, compiled, site)


def _compare(em: Emitter, c: ast.Compare, env: Env) -> str:
    left, right = em.expr(c.left, env), em.expr(c.right, env)
    base, negated = _split(c.op)
    site = em.site(c.left.span)
    element = _element_type(left) if c.quantifier else left.type
    if right.const and right.value is None:
        if base in ("==", "!="):
            test = "{a} is None" if base == "==" else "{a} is not None"
            return _is_like(em, c, left, test, c.quantifier, c.left)
        return "False"
    rsrc, rtype, form = _prepare_right(em, base, element, right)
    # A constant right operand is referred to by its identifier; else it is bound to ``b``.
    a = em.tmp()
    b = rsrc if right.const else em.tmp()
    test = _test(em, base, a, b, element, rtype, form, site)
    if negated:
        test = f"(not {test})"
    guard = f"{a} is not None" if right.const else f"{a} is not None and {b} is not None"
    if c.quantifier:
        return _quantified(em, c, left, (rsrc, right.src), b, f"{guard} and {test}", a)
    if em.trace:
        node = _node(em, c, c.left, c.op)
        shown = right.src  # a constant as written (not the set or regex made of it)
        right_value = shown if right.const else f"(({b} := {rsrc}) if {a} is not None else _NE)"
        return f"_leaf(st, {node}, ({a} := {left.src}), {right_value}, ({guard} and {test}))"
    if right.const:
        if left.read is not None:
            # The usual case first: the field holds a str (a Decimal) and needs no conversion.
            raw, usual, convert = left.read
            converted = convert.format(a=a)
            return (
                f"({test} if ({a} := {raw}).__class__ is {usual} "
                f"else (({a} := {converted}) is not None and {test}))"
            )
        return f"(({a} := {left.src}) is not None and {test})"
    return f"(({a} := {left.src}) is not None and ({b} := {rsrc}) is not None and {test})"


def _element_type(left: Code) -> t.Type:
    if left.multi:
        return left.type
    if left.type.kind is t.Kind.LIST:
        return left.type.element or t.ANY
    return t.ANY


def _quantified(
    em: Emitter, c: ast.Compare, left: Code, right: tuple[str, str], b: str, test: str, a: str
) -> str:
    """``any|all|none <values> <op> <right>``: a generated loop; the right operand is evaluated
    once, before it (a constant is a global of the loop's function). ``right`` is the right
    operand's source as used, and as written (a constant list, not the set made of it)."""
    rsrc, shown = right
    quantifier = c.quantifier or "any"
    const = b == rsrc
    if left.loop is not None and not em.trace:
        func = em.name(_fused(em, left, quantifier, a, test, "" if const else b))
        return f"{func}(st, cur)" if const else f"{func}(st, cur, {rsrc})"
    params = "st, cur, _v" if const else f"st, cur, _v, {b}"
    func = em.name(em.define(params, _loop(quantifier, a, test)))
    values = left.src if left.multi else f"_asv({left.src})"
    if em.trace:
        node = _node(em, c, c.left, f"{quantifier} {c.op}")
        vs = em.tmp()
        if const:
            return f"_leaf(st, {node}, ({vs} := {values}), {shown}, {func}(st, cur, {vs}))"
        rb = em.tmp()
        return (
            f"_leaf(st, {node}, ({vs} := {values}), ({rb} := {rsrc}), {func}(st, cur, {vs}, {rb}))"
        )
    if const:
        return f"{func}(st, cur, {values})"
    return f"{func}(st, cur, {values}, {rsrc})"


def _fused(em: Emitter, left: Code, quantifier: str, a: str, test: str, b: str) -> Any:
    """A quantifier looping over a multi-valued path in place (no list of its values is made);
    ``b``, when given, is the parameter that takes the right operand."""
    lines, indent = em.loops(left, a)
    if quantifier == "all":
        body = [f"{indent}if not ({test}):", f"{indent}    return False", "return True"]
    else:
        hit, miss = ("True", "False") if quantifier == "any" else ("False", "True")
        body = [f"{indent}if {test}:", f"{indent}    return {hit}", f"return {miss}"]
    return em.define("st, cur, " + b if b else "st, cur", lines + body)


def _loop(quantifier: str, a: str, test: str) -> list[str]:
    if quantifier == "all":
        return [f"for {a} in _v:", f"    if not ({test}):", "        return False", "return True"]
    hit, miss = ("True", "False") if quantifier == "any" else ("False", "True")
    return [f"for {a} in _v:", f"    if {test}:", f"        return {hit}", f"return {miss}"]


# ------------------------------------------------------------------------------ other tests


def _is_like(
    em: Emitter,
    c: ast.Condition,
    left: Code,
    template: str,
    quantifier: str | None,
    operand: ast.Expr,
) -> str:
    """A one-operand test (``is null``, ``is empty``, ``== null``); ``template`` uses ``{a}``."""
    a = em.tmp()
    op = getattr(c, "op", None) or _is_text(c)
    if quantifier and left.loop is not None and not em.trace:
        return f"{em.name(_fused(em, left, quantifier, a, template.format(a=a), ''))}(st, cur)"
    if quantifier:
        func = em.name(em.define("st, cur, _v", _loop(quantifier, a, template.format(a=a))))
        values = left.src if left.multi else f"_asv({left.src})"
        if em.trace:
            vs = em.tmp()
            node = _node(em, c, operand, f"{quantifier} {op}")
            return f"_leaf(st, {node}, ({vs} := {values}), _NE, {func}(st, cur, {vs}))"
        return f"{func}(st, cur, {values})"
    if em.trace:
        node = _node(em, c, operand, op)
        return f"_leaf(st, {node}, ({a} := {left.src}), _NE, ({template.format(a=a)}))"
    return "(" + template.format(a=f"({a} := {left.src})") + ")"


def _is_text(c: ast.Condition) -> str:
    if isinstance(c, ast.IsCheck):
        return f"is {'not ' if c.negated else ''}{c.kind}"
    return "exists" if isinstance(c, ast.Exists) else "is true"


def _is_check(em: Emitter, c: ast.IsCheck, env: Env) -> str:
    left = em.expr(c.operand, env)
    if c.kind == "null":
        template = "{a} is not None" if c.negated else "{a} is None"
    else:
        template = "not _empty({a})" if c.negated else "_empty({a})"
    return _is_like(em, c, left, template, c.quantifier, c.operand)


def _exists(em: Emitter, c: ast.Exists, env: Env) -> str:
    info = em.path_info(c.target, env)
    src = "False" if info.missing else f"{em.name(exists_test(info.steps))}(st, cur)"
    if em.trace:
        return f"_leaf(st, {_node(em, c, c.target, 'exists')}, _NE, _NE, {src})"
    return src


def _truthy(em: Emitter, c: ast.Truthy, env: Env) -> str:
    value = em.expr(c.expr, env)
    if value.type.kind is t.Kind.BOOL:
        template = "{a} is True"
    elif value.type.kind is t.Kind.NULL:
        return "False"
    else:
        template = "_truthy({a}, " + em.site(c.expr.span) + ")"
    return _is_like(em, c, value, template, None, c.expr)
