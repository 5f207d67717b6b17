"""Render one :class:`rulegen.RuleSpec` condition for every engine, keeping procrules' semantics.

Targets: a hand-written Python expression (the baseline), a rule-engine expression, a CEL
expression, JsonLogic JSON and a zen-engine expression. The translations keep LANGUAGE.md
section 12 exactly, which costs each target what it costs a person writing the rule by hand:

- a comparison (``== != < <= > >=``, ``in``, ``contains``, ``startswith``, ``endswith`` and the
  ``not`` forms) is false when a side is null or missing: every target guards it (``x is not
  None and …``); ``not (…)`` is plain negation;
- ``any`` over no values is false, ``all`` and ``none`` are true; an element that lacks the field
  contributes null (so ``all rows[*].quantity > 0`` is false when a row has no quantity);
- ``customData[*|m|k]`` ranges over every entry with that module and key, whatever its connection;
  ``customData[c|m|k]`` is one entry, null when missing; the value of a string entry is its
  ``value``.

Target notes: rule-engine, zen and Python read a missing attribute as null; CEL needs ``has()`` and
a type test (cel-python 0.5 has no overload of ``!=`` between a map or a double and ``null``);
JsonLogic's ``var`` splits on ``.`` and cannot iterate a map, so its data holds custom data as a
list of entries (:func:`jsonlogic_data`), and ``all`` over an empty list is false there, so ``all``
is written ``none … !``. JsonLogic has no ``lower``; cel-python 0.5 has no ``lowerAscii``: both get
a one-line host function ``lower``.
"""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any

from rulegen import (
    CD,
    And,
    AnyCD,
    Cmp,
    Cond,
    Count,
    Elem,
    Exists,
    Field,
    In,
    IsEmpty,
    IsNull,
    Lit,
    Lower,
    Not,
    Or,
    Quant,
    RowsAnyCD,
    RowsOf,
    Scalar,
    StrOp,
)

Leaf = Cmp | In | StrOp | IsNull | IsEmpty


def _left(cond: Leaf) -> Scalar:
    return cond.ref if isinstance(cond, IsNull | IsEmpty) else cond.left


# ============================================================================ Python (baseline)


class PythonSource:
    """Python expressions over ``rec`` (a dict as ``jsonio.loads`` gives it); constants (decimal
    literals, membership sets) are hoisted into ``self.consts`` as module-level names."""

    def __init__(self) -> None:
        self.consts: dict[str, Any] = {}
        self._n = 0

    def _tmp(self) -> str:
        self._n += 1
        return f"_v{self._n}"

    def const(self, value: Any) -> str:
        for name, known in self.consts.items():
            if type(known) is type(value) and known == value and str(known) == str(value):
                return name
        name = f"K{len(self.consts)}"
        self.consts[name] = value
        return name

    def lit(self, value: Lit) -> str:
        if isinstance(value, Decimal):
            return self.const(value)
        return repr(value)

    def scalar(self, ref: Scalar, elem: str) -> str:
        if isinstance(ref, Elem):
            return elem
        if isinstance(ref, Field):
            src = "rec"
            for part in ref.path[:-1]:
                src = f"({src}.get({part!r}) or {{}})"
            return f"{src}.get({ref.path[-1]!r})"
        if isinstance(ref, Lower):
            v = self._tmp()
            return f"(({v} := {self.scalar(ref.arg, elem)}) and {v}.lower())"
        if isinstance(ref, Count):
            return f"len(rec.get({ref.path[0]!r}) or ())"
        return f"((rec.get('customData') or {{}}).get({ref.map_key!r}) or {{}}).get('value')"

    def leaf(self, cond: Leaf, elem: str) -> str:
        left = self.scalar(_left(cond), elem)
        if isinstance(cond, IsNull):
            return f"{left} is {'not ' if cond.negate else ''}None"
        if isinstance(cond, IsEmpty):
            return f"bool({left})" if cond.negate else f"not {left}"
        if isinstance(cond, Cmp) and cond.op == "==" and not isinstance(cond.right, Scalar):
            return f"{left} == {self.lit(cond.right)}"  # None == literal is False already
        if isinstance(cond, In) and not cond.negate:
            return f"{left} in {self.const(frozenset(cond.values))}"
        v = self._tmp()
        guard = f"({v} := {left}) is not None"
        if isinstance(cond, Cmp):
            if isinstance(cond.right, Scalar):
                w = self._tmp()
                right = self.scalar(cond.right, elem)
                return f"({guard} and ({w} := {right}) is not None and {v} {cond.op} {w})"
            return f"({guard} and {v} {cond.op} {self.lit(cond.right)})"
        if isinstance(cond, In):
            return f"({guard} and {v} not in {self.const(frozenset(cond.values))})"
        test = f"{cond.text!r} in {v}" if cond.op == "contains" else f"{v}.{cond.op}({cond.text!r})"
        return f"({guard} and {'not ' if cond.negate else ''}{test})"

    def quant(self, cond: Quant) -> str:
        src = cond.src
        match = "if e.get('moduleId') == {m!r} and e.get('key') == {k!r}"
        if isinstance(src, RowsOf):
            loop = "for r in (rec.get('rows') or ())"
            elem = f"r.get({src.field!r})"
        elif isinstance(src, AnyCD):
            loop = "for e in (rec.get('customData') or {}).values() " + match.format(
                m=src.module, k=src.key
            )
            elem = "e.get('value')"
        else:
            loop = (
                "for r in (rec.get('rows') or ()) for e in (r.get('customData') or {}).values() "
                + match.format(m=src.module, k=src.key)
            )
            elem = "e.get('value')"
        pred = self.leaf(cond.pred, elem)
        if cond.q == "any":
            return f"any({pred} {loop})"
        if cond.q == "all":
            return f"all({pred} {loop})"
        return f"not any({pred} {loop})"

    def cond(self, cond: Cond) -> str:
        if isinstance(cond, And | Or):
            op = " and " if isinstance(cond, And) else " or "
            return "(" + op.join(self.cond(c) for c in cond.items) + ")"
        if isinstance(cond, Not):
            return f"not {self.cond(cond.item)}"
        if isinstance(cond, Quant):
            return self.quant(cond)
        if isinstance(cond, Exists):
            ref = cond.ref
            if isinstance(ref, CD):
                return f"{ref.map_key!r} in (rec.get('customData') or {{}})"
            return (
                f"any(e.get('moduleId') == {ref.module!r} and e.get('key') == {ref.key!r} "
                "for e in (rec.get('customData') or {}).values())"
            )
        return self.leaf(cond, "")


# ============================================================================ rule-engine


def _q(text: str) -> str:
    return json.dumps(text, ensure_ascii=False)


def _num(value: Lit, kind: str) -> str:
    """A number literal; a decimal field's literal is a double in CEL (it has no int/double mix)."""
    if kind == "dec":
        return repr(float(value))
    return str(value)


class RuleEngineSource:
    """rule-engine (zeroSteiner) expressions; records are the same dicts (``Decimal`` native).
    Keys of a mapping are read with ``["key"]`` (``&["key"]`` where the mapping may be null):
    the dot form is a deprecated fallback in rule-engine 5 that tries an attribute first."""

    def scalar(self, ref: Scalar, elem: str) -> str:
        if isinstance(ref, Elem):
            return elem
        if isinstance(ref, Field):
            return ref.path[0] + "".join(f"&[{_q(p)}]" for p in ref.path[1:])
        if isinstance(ref, Lower):
            return f"{self.scalar(ref.arg, elem)}&.as_lower"
        if isinstance(ref, Count):
            return f"({ref.path[0]} != null ? {ref.path[0]}.length : 0)"
        return f'customData&[{_q(ref.map_key)}]&["value"]'

    def lit(self, value: Lit) -> str:
        return _q(value) if isinstance(value, str) else str(value)

    def leaf(self, cond: Leaf, elem: str) -> str:
        left = self.scalar(_left(cond), elem)
        if isinstance(cond, IsNull):
            return f"{left} {'!=' if cond.negate else '=='} null"
        if isinstance(cond, IsEmpty):
            test = f'({left} != null and {left} != "")'
            return test if cond.negate else f"not {test}"
        guard = f"{left} != null"
        if isinstance(cond, Cmp):
            if isinstance(cond.right, Scalar):
                right = self.scalar(cond.right, elem)
                return f"({guard} and {right} != null and {left} {cond.op} {right})"
            return f"({guard} and {left} {cond.op} {self.lit(cond.right)})"
        if isinstance(cond, In):
            values = "[" + ", ".join(_q(v) for v in cond.values) + "]"
            test = f"{left} in {values}"
        elif cond.op == "contains":
            test = f"{_q(cond.text)} in {left}"
        else:
            test = f"{left}.{'starts_with' if cond.op == 'startswith' else 'ends_with'}("
            test += f"{_q(cond.text)})"
        return f"({guard} and {f'not ({test})' if cond.negate else test})"

    def quant(self, cond: Quant) -> str:
        src = cond.src
        fn = {"any": "$any", "all": "$all", "none": "$any"}[cond.q]
        if isinstance(src, RowsOf):
            body = f"{fn}([{self.leaf(cond.pred, f'r&[{_q(src.field)}]')} for r in rows])"
            if cond.q == "any":
                return f"(rows != null and {body})"
            return f"(rows == null or {'not ' if cond.q == 'none' else ''}{body})"
        match = f'e["moduleId"] == {_q(src.module)} and e["key"] == {_q(src.key)}'
        inner = self.leaf(cond.pred, 'e["value"]')
        if isinstance(src, AnyCD):
            body = f"{fn}([{inner} for e in (customData != null ? customData.values : []) "
            body += f"if {match}])"
        else:
            cds = '(r&["customData"] != null ? r["customData"].values : [])'
            body = f"{fn}([{fn}([{inner} for e in {cds} if {match}]) for r in "
            body += "(rows != null ? rows : [])])"
        return f"not {body}" if cond.q == "none" else body

    def cond(self, cond: Cond) -> str:
        if isinstance(cond, And | Or):
            op = " and " if isinstance(cond, And) else " or "
            return "(" + op.join(self.cond(c) for c in cond.items) + ")"
        if isinstance(cond, Not):
            return f"not {self.cond(cond.item)}"
        if isinstance(cond, Quant):
            return self.quant(cond)
        if isinstance(cond, Exists):
            ref = cond.ref
            if isinstance(ref, CD):
                return f"customData&[{_q(ref.map_key)}] != null"
            match = f'e["moduleId"] == {_q(ref.module)} and e["key"] == {_q(ref.key)}'
            return (
                f"[e for e in (customData != null ? customData.values : []) if {match}].length > 0"
            )
        return self.leaf(cond, "")


# ============================================================================ CEL


_CEL_TYPE = {"str": "string", "dec": "double", "int": "int"}


class CelSource:
    """CEL expressions over the variable ``r`` (the record, converted with ``celpy.json_to_cel``
    from data with floats for decimals)."""

    def __init__(self) -> None:
        self._n = 0

    def _var(self) -> str:
        self._n += 1
        return f"x{self._n}"

    @staticmethod
    def _reach(base: str, path: tuple[str, ...]) -> tuple[str, list[str]]:
        """The expression of a path and the guards that its parents are maps that have it."""
        guards: list[str] = []
        expr = base
        for n, part in enumerate(path):
            if n:
                guards.append(f"type({expr}) == map")
            guards.append(f"has({expr}.{part})")
            expr = f"{expr}.{part}"
        return expr, guards

    def scalar(self, ref: Scalar, elem: tuple[str, list[str]]) -> tuple[str, list[str]]:
        """The expression of a value and the guards under which it may be read (not null-safe)."""
        if isinstance(ref, Elem):
            return elem
        if isinstance(ref, Field):
            return self._reach("r", ref.path)
        if isinstance(ref, Lower):
            expr, guards = self.scalar(ref.arg, elem)
            return f"lower({expr})", [*guards, f"type({expr}) == string"]
        if isinstance(ref, Count):
            expr, guards = self._reach("r", ref.path)
            return f"({' && '.join(guards)} && type({expr}) == list ? size({expr}) : 0)", []
        entry = f"r.customData[{_q(ref.map_key)}]"
        guards = ["has(r.customData)", f"{_q(ref.map_key)} in r.customData", f"has({entry}.value)"]
        return f"{entry}.value", guards

    def typed(self, ref: Scalar, elem: tuple[str, list[str]], kind: str) -> tuple[str, str]:
        """The expression and the guard that it is a non-null value of its kind."""
        expr, guards = self.scalar(ref, elem)
        if isinstance(ref, Count | Lower):
            return expr, " && ".join(guards) or "true"
        return expr, " && ".join([*guards, f"type({expr}) == {_CEL_TYPE[kind]}"])

    def leaf(self, cond: Leaf, elem: tuple[str, list[str]]) -> str:
        ref = _left(cond)
        if isinstance(cond, IsNull):
            expr, guards = self.scalar(ref, elem)
            present = " && ".join([*guards, f"type({expr}) != null_type"])
            return f"({present})" if cond.negate else f"!({present})"
        expr, guard = self.typed(ref, elem, ref.kind)
        if isinstance(cond, IsEmpty):
            present = f"({guard} && size({expr}) > 0)"
            return present if cond.negate else f"!{present}"
        if isinstance(cond, Cmp):
            if isinstance(cond.right, Scalar):
                right, rguard = self.typed(cond.right, elem, cond.right.kind)
                return f"({guard} && {rguard} && {expr} {cond.op} {right})"
            value = _q(cond.right) if isinstance(cond.right, str) else _num(cond.right, ref.kind)
            return f"({guard} && {expr} {cond.op} {value})"
        if isinstance(cond, In):
            values = "[" + ", ".join(_q(v) for v in cond.values) + "]"
            test = f"{expr} in {values}"
        elif cond.op == "contains":
            test = f"{expr}.contains({_q(cond.text)})"
        else:
            test = f"{expr}.{'startsWith' if cond.op == 'startswith' else 'endsWith'}"
            test += f"({_q(cond.text)})"
        return f"({guard} && {f'!({test})' if cond.negate else test})"

    def quant(self, cond: Quant) -> str:
        src = cond.src
        macro = "all" if cond.q == "all" else "exists"
        if isinstance(src, RowsOf):
            x = self._var()
            elem = self._reach(x, (src.field,))
            body = f"r.rows.{macro}({x}, {self.leaf(cond.pred, elem)})"
            present = "has(r.rows) && type(r.rows) == list"
        else:
            holder, present = "r", "has(r.customData) && type(r.customData) == map"
            x = ""
            if isinstance(src, RowsAnyCD):
                x = self._var()
                holder = x
            k = self._var()
            entry = f"{holder}.customData[{k}]"
            match = f"{entry}.moduleId == {_q(src.module)} && {entry}.key == {_q(src.key)}"
            pred = self.leaf(cond.pred, (f"{entry}.value", [f"has({entry}.value)"]))
            inner = f"!({match}) || {pred}" if cond.q == "all" else f"{match} && {pred}"
            body = f"{holder}.customData.{macro}({k}, {inner})"
            if isinstance(src, RowsAnyCD):
                guard = f"has({x}.customData) && type({x}.customData) == map"
                row = f"!({guard}) || {body}" if cond.q == "all" else f"{guard} && {body}"
                body = f"r.rows.{macro}({x}, {row})"
                present = "has(r.rows) && type(r.rows) == list"
        if cond.q == "any":
            return f"({present} && {body})"
        if cond.q == "all":
            return f"(!({present}) || {body})"
        return f"(!({present}) || !{body})"

    def cond(self, cond: Cond) -> str:
        if isinstance(cond, And | Or):
            op = " && " if isinstance(cond, And) else " || "
            return "(" + op.join(self.cond(c) for c in cond.items) + ")"
        if isinstance(cond, Not):
            return f"!{self.cond(cond.item)}"
        if isinstance(cond, Quant):
            return self.quant(cond)
        if isinstance(cond, Exists):
            ref = cond.ref
            present = "has(r.customData) && type(r.customData) == map"
            if isinstance(ref, CD):
                return f"({present} && {_q(ref.map_key)} in r.customData)"
            k = self._var()
            entry = f"r.customData[{k}]"
            match = f"{entry}.moduleId == {_q(ref.module)} && {entry}.key == {_q(ref.key)}"
            return f"({present} && r.customData.exists({k}, {match}))"
        return self.leaf(cond, ("", []))


# ============================================================================ JsonLogic


def jsonlogic_data(value: Any) -> Any:
    """A record as JsonLogic takes it: custom data maps (of the record and of rows) as lists of
    entries -- ``var`` cannot address a key holding ``.`` and no operation iterates a map."""
    out = dict(value)
    if isinstance(out.get("customData"), dict):
        out["customData"] = list(out["customData"].values())
    if isinstance(out.get("rows"), list):
        out["rows"] = [jsonlogic_data(r) if isinstance(r, dict) else r for r in out["rows"]]
    return out


def _cd_match(module: str, key: str, conn: str | None = None) -> dict[str, Any]:
    tests: list[Any] = [
        {"===": [{"var": "moduleId"}, module]},
        {"===": [{"var": "key"}, key]},
    ]
    if conn == "":
        tests.append({"!": {"var": "connectionId"}})
    elif conn is not None:
        tests.append({"===": [{"var": "connectionId"}, conn]})
    return {"and": tests}


class JsonLogicSource:
    """JsonLogic (panzi-json-logic) rules; data from :func:`jsonlogic_data` with floats."""

    def scalar(self, ref: Scalar, elem: Any) -> Any:
        if isinstance(ref, Elem):
            return elem
        if isinstance(ref, Field):
            return {"var": ".".join(ref.path)}
        if isinstance(ref, Lower):
            return {"lower": [self.scalar(ref.arg, elem)]}
        if isinstance(ref, Count):
            return {"var": [f"{ref.path[0]}.length", 0]}
        raise TypeError("an exact custom-data read is a quantifier over at most one entry")

    def leaf(self, cond: Leaf, elem: Any) -> Any:
        ref = _left(cond)
        if isinstance(ref, CD):  # an exact entry: "any" over the (at most one) matching entry
            entries = {"filter": [{"var": "customData"}, _cd_match(ref.module, ref.key, ref.conn)]}
            if isinstance(cond, IsNull):
                present = {"some": [entries, {"!==": [{"var": "value"}, None]}]}
                return present if cond.negate else {"!": present}
            return {"some": [entries, self.leaf(_with_left(cond, Elem("str")), {"var": "value"})]}
        left = self.scalar(ref, elem)
        if isinstance(cond, IsNull):
            return {"!==" if cond.negate else "===": [left, None]}
        if isinstance(cond, IsEmpty):
            return {"!!" if cond.negate else "!": [left]}
        guard = {"!==": [left, None]}
        if isinstance(cond, Cmp):
            if isinstance(cond.right, Scalar):
                right = self.scalar(cond.right, elem)
                op = {"==": "===", "!=": "!=="}.get(cond.op, cond.op)
                return {"and": [guard, {"!==": [right, None]}, {op: [left, right]}]}
            value = cond.right
            if isinstance(value, Decimal) or ref.kind == "dec":
                value = float(value)
            op = {"==": "===", "!=": "!=="}.get(cond.op, cond.op)
            return {"and": [guard, {op: [left, value]}]}
        if isinstance(cond, In):
            test: Any = {"in": [left, list(cond.values)]}
        elif cond.op == "contains":
            test = {"in": [cond.text, left]}
        elif cond.op == "startswith":
            test = {"===": [{"substr": [left, 0, len(cond.text)]}, cond.text]}
        else:
            test = {"===": [{"substr": [left, -len(cond.text)]}, cond.text]}
        if cond.negate:
            test = {"!": [test]}
        return {"and": [guard, test]}

    def quant(self, cond: Quant) -> Any:
        src = cond.src
        if isinstance(src, RowsOf):
            items: Any = {"var": "rows"}
            pred = self.leaf(cond.pred, {"var": src.field})
        else:
            items = {"filter": [{"var": "customData"}, _cd_match(src.module, src.key)]}
            pred = self.leaf(cond.pred, {"var": "value"})
        if cond.q == "all":  # JsonLogic's "all" of an empty list is false: write none-of-not
            pred = {"!": [pred]}
        if isinstance(src, RowsAnyCD):
            inner = {"none" if cond.q == "all" else "some": [items, pred]}
            items = {"var": "rows"}
            pred = {"!": [inner]} if cond.q == "all" else inner
        op = {"any": "some", "all": "none", "none": "none"}[cond.q]
        return {op: [items, pred]}

    def cond(self, cond: Cond) -> Any:
        if isinstance(cond, And | Or):
            op = "and" if isinstance(cond, And) else "or"
            return {op: [self.cond(c) for c in cond.items]}
        if isinstance(cond, Not):
            return {"!": [self.cond(cond.item)]}
        if isinstance(cond, Quant):
            return self.quant(cond)
        if isinstance(cond, Exists):
            ref = cond.ref
            conn = ref.conn if isinstance(ref, CD) else None
            entries = {"filter": [{"var": "customData"}, _cd_match(ref.module, ref.key, conn)]}
            return {"some": [entries, True]}
        return self.leaf(cond, None)


def _with_left(cond: Leaf, left: Scalar) -> Leaf:
    if isinstance(cond, IsNull | IsEmpty):
        return type(cond)(left, cond.negate)
    if isinstance(cond, Cmp):
        return Cmp(cond.op, left, cond.right)
    if isinstance(cond, In):
        return In(left, cond.values, cond.const, cond.negate)
    return StrOp(cond.op, left, cond.text, cond.negate)


# ============================================================================ zen-engine


class ZenSource:
    """zen-engine (GoRules ZEN) expressions over the record's fields (data with floats)."""

    def scalar(self, ref: Scalar, elem: str) -> str:
        if isinstance(ref, Elem):
            return elem
        if isinstance(ref, Field):
            return ".".join(ref.path)
        if isinstance(ref, Lower):
            return f"lower({self.scalar(ref.arg, elem)})"
        if isinstance(ref, Count):
            return f"len({ref.path[0]} ?? [])"
        return f"customData[{_q(ref.map_key)}].value"

    def leaf(self, cond: Leaf, elem: str) -> str:
        ref = _left(cond)
        if isinstance(ref, Lower):  # lower(null) is an error in zen: guard its argument
            lowered = self.leaf(_with_left(cond, Elem("str")), self.scalar(ref, elem))
            return f"({self.scalar(ref.arg, elem)} != null and {lowered})"
        left = self.scalar(ref, elem)
        if isinstance(cond, IsNull):
            return f"{left} {'!=' if cond.negate else '=='} null"
        if isinstance(cond, IsEmpty):
            test = f'({left} != null and {left} != "")'
            return test if cond.negate else f"not {test}"
        guard = f"{left} != null"
        if isinstance(cond, Cmp):
            if isinstance(cond.right, Scalar):
                right = self.scalar(cond.right, elem)
                return f"({guard} and {right} != null and {left} {cond.op} {right})"
            value = _q(cond.right) if isinstance(cond.right, str) else str(cond.right)
            return f"({guard} and {left} {cond.op} {value})"
        if isinstance(cond, In):
            values = "[" + ", ".join(_q(v) for v in cond.values) + "]"
            return f"({guard} and {left} {'not in' if cond.negate else 'in'} {values})"
        fn = {"contains": "contains", "startswith": "startsWith", "endswith": "endsWith"}[cond.op]
        test = f"{fn}({left}, {_q(cond.text)})"
        return f"({guard} and {'not ' if cond.negate else ''}{test})"

    def quant(self, cond: Quant) -> str:
        src = cond.src
        if isinstance(src, RowsOf):
            pred = self.leaf(cond.pred, f"#.{src.field}")
            return f"{cond.q if cond.q != 'any' else 'some'}(rows ?? [], {pred})"
        match = f"#.moduleId == {_q(src.module)} and #.key == {_q(src.key)}"
        holder = "customData" if isinstance(src, AnyCD) else "#.customData"
        entries = f"filter(values({holder} ?? {{}}), {match})"
        pred = self.leaf(cond.pred, "#.value")
        if isinstance(src, AnyCD):
            return f"{cond.q if cond.q != 'any' else 'some'}({entries}, {pred})"
        if cond.q == "all":
            return f"all(rows ?? [], all({entries}, {pred}))"
        inner = f"some({entries}, {pred})"
        return f"{'some' if cond.q == 'any' else 'none'}(rows ?? [], {inner})"

    def cond(self, cond: Cond) -> str:
        if isinstance(cond, And | Or):
            op = " and " if isinstance(cond, And) else " or "
            return "(" + op.join(self.cond(c) for c in cond.items) + ")"
        if isinstance(cond, Not):
            return f"not ({self.cond(cond.item)})"
        if isinstance(cond, Quant):
            return self.quant(cond)
        if isinstance(cond, Exists):
            ref = cond.ref
            if isinstance(ref, CD):
                return f"customData[{_q(ref.map_key)}] != null"
            match = f"#.moduleId == {_q(ref.module)} and #.key == {_q(ref.key)}"
            return f"some(values(customData ?? {{}}), {match})"
        return self.leaf(cond, "")
