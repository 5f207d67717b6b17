"""Limits on the shape of rule files and records that keep every later stage safe.

Rule files (docs/robustness.md, "Limits"): the file size is E501 (:mod:`frontend`). The checker,
the compiler and Python's own ``compile`` all recurse over an expression, so a condition nested
deeper than :data:`MAX_DEPTH` levels (some 125 ``or``-ed comparisons, or a sum of as many terms)
is refused here with an E502 diagnostic at the rule, and that rule is left out of the later
stages. The depth is measured iteratively: no input, however deep, can raise RecursionError here.
A file with more than :data:`MAX_RULES` rules is E503 at the first rule past the limit, and the
rules from there on are left out. A number literal longer than :data:`MAX_NUMBER_DIGITS` digits
is E104 (:mod:`literals`).

Records: :func:`record_problem` says why a JSON value is too large to be a record (nesting, a
string, a list), in one pass; ``procrules run`` checks every record it reads with it,
and ``Book.apply`` every record that is not already in normal form.
"""

from __future__ import annotations

import dataclasses
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from procrules.language import ast

if TYPE_CHECKING:
    from procrules.language.diagnostics import DiagnosticSink

#: The deepest nesting of conditions and expressions a rule may have.
MAX_DEPTH = 128
#: The most rules one file may have (E503).
MAX_RULES = 10_000
#: The most digits a number literal may have (E104); records' decimals have the same range.
MAX_NUMBER_DIGITS = 1_000

#: The deepest nesting of objects and lists in a record (the record itself is level 1).
MAX_RECORD_DEPTH = 200
#: The longest string in a record, in characters.
MAX_STRING_CHARS = 1_000_000
#: The most elements of one list, or entries of one object, in a record.
MAX_LIST_ITEMS = 100_000
#: The longest input line (or JSON document element) ``procrules run`` reads as a record, in bytes.
MAX_INPUT_BYTES = 16_000_000


def depth(node: Any) -> int:
    """How deeply ``node`` nests (a leaf is 1), without recursion."""
    deepest = 0
    stack: list[tuple[Any, int]] = [(node, 1)]
    while stack:
        current, level = stack.pop()
        deepest = max(deepest, level)
        stack.extend((child, level + 1) for child in _children(current))
    return deepest


_NODE_FIELDS: dict[type, tuple[str, ...]] = {}


def _node_fields(cls: type) -> tuple[str, ...]:
    """The fields of an AST node class that can hold child nodes (not its spans), once a class."""
    found = _NODE_FIELDS.get(cls)
    if found is None:
        is_node = dataclasses.is_dataclass(cls) and cls is not ast.Span
        fields = dataclasses.fields(cls) if is_node else ()
        found = _NODE_FIELDS[cls] = tuple(f.name for f in fields if "span" not in f.name)
    return found


def _children(node: Any) -> list[Any]:
    out: list[Any] = []
    for name in _node_fields(type(node)):
        value = getattr(node, name)
        if isinstance(value, tuple):
            for item in value:
                if isinstance(item, tuple):  # MapLit items: (key, value)
                    out.extend(v for v in item if dataclasses.is_dataclass(v))
                elif dataclasses.is_dataclass(item):
                    out.append(item)
        elif dataclasses.is_dataclass(value) and not isinstance(value, ast.Span):
            out.append(value)
    return out


def drop_too_deep(ruleset: ast.RuleSet, sink: DiagnosticSink) -> ast.RuleSet:
    """``ruleset`` without the consts and rules nested deeper than :data:`MAX_DEPTH`, each of
    them reported as E502."""
    kept: list[ast.Const | ast.Rule] = []
    for item in ruleset.items:
        if depth(item) <= MAX_DEPTH:
            kept.append(item)
            continue
        where = item.keyword_span if isinstance(item, ast.Rule) else item.name_span
        what = f'rule "{item.name}"' if isinstance(item, ast.Rule) else f'constant "{item.name}"'
        sink.error(
            "E502",
            f"{what} nests conditions or values more than {MAX_DEPTH} levels deep",
            where,
            'split it into several rules, or test membership in a list: x in ["a", "b", …]',
        )
    if len(kept) == len(ruleset.items):
        return ruleset
    return dataclasses.replace(ruleset, items=tuple(kept))


def drop_too_many(ruleset: ast.RuleSet, sink: DiagnosticSink) -> ast.RuleSet:
    """``ruleset`` with at most :data:`MAX_RULES` rules: the first rule past the limit is E503,
    and it and every rule after it are left out (the consts are kept)."""
    count = 0
    kept: list[ast.Const | ast.Rule] = []
    for item in ruleset.items:
        if isinstance(item, ast.Rule):
            count += 1
            if count == MAX_RULES + 1:
                sink.error(
                    "E503",
                    f"the file has more than {MAX_RULES:,} rules; this is rule {count:,}",
                    item.keyword_span,
                    "split the rules over several files",
                )
            if count > MAX_RULES:
                continue
        kept.append(item)
    if count <= MAX_RULES:
        return ruleset
    return dataclasses.replace(ruleset, items=tuple(kept))


_LEAVES = frozenset({type(None), bool, int, float, Decimal})


def record_problem(value: Any) -> str | None:
    """Why the JSON value ``value`` is too large to be read as a record, or ``None``.

    One pass over every object and list: nesting deeper than :data:`MAX_RECORD_DEPTH`, a string
    longer than :data:`MAX_STRING_CHARS`, a list or an object with more than
    :data:`MAX_LIST_ITEMS` elements. (Object keys are not measured.) The pass recurses (it is
    the faster walk, and stops at :data:`MAX_RECORD_DEPTH` levels); called with too little of
    Python's stack left for that, it walks level by level instead.
    """
    cls = value.__class__
    if cls is not dict and cls is not list and not isinstance(value, dict | list):
        return _too_long() if isinstance(value, str) and len(value) > MAX_STRING_CHARS else None
    if len(value) > MAX_LIST_ITEMS:
        return _too_many(value)
    try:
        return _walk(value, 1)
    except RecursionError:
        return _walk_levels(value)


def _walk(  # the defaults make the hot names locals: this runs for every value of a record
    current: Any,
    depth: int,
    _str: type = str,
    _dict: type = dict,
    _list: type = list,
    _leaves: frozenset[type] = _LEAVES,
    _len: Any = len,
    _type: Any = type,
    _chars: int = MAX_STRING_CHARS,
) -> str | None:
    """:func:`record_problem` of the items of the object or list ``current`` (measured already)
    at level ``depth``: the usual classes first, by identity (``type(x)``, which the interpreter
    calls faster than it reads ``x.__class__``), ``isinstance`` only for others."""
    cls = _type(current)
    is_map = cls is _dict or (cls is not _list and isinstance(current, dict))
    for item in current.values() if is_map else current:
        cls = _type(item)
        if cls is _str:
            if _len(item) > _chars:
                return _too_long()
        elif cls in _leaves:
            continue
        elif cls is _dict or cls is _list or isinstance(item, dict | list):
            if depth >= MAX_RECORD_DEPTH:
                return _too_deep()
            if _len(item) > MAX_LIST_ITEMS:
                return _too_many(item)
            if (problem := _walk(item, depth + 1)) is not None:
                return problem
        elif isinstance(item, str) and _len(item) > MAX_STRING_CHARS:
            return _too_long()
    return None


def _walk_levels(value: Any) -> str | None:
    """:func:`record_problem` without recursion: level by level."""
    level: list[Any] = [value]
    depth = 1
    while level:
        below: list[Any] = []
        push = below.append
        for current in level:
            if len(current) > MAX_LIST_ITEMS:
                return _too_many(current)
            for item in current.values() if isinstance(current, dict) else current:
                if isinstance(item, dict | list):
                    push(item)
                elif isinstance(item, str) and len(item) > MAX_STRING_CHARS:
                    return _too_long()
        if below and depth >= MAX_RECORD_DEPTH:
            return _too_deep()
        level = below
        depth += 1
    return None


def _too_many(current: Any) -> str:
    what = "an object" if isinstance(current, dict) else "a list"
    return f"the record has {what} of more than {MAX_LIST_ITEMS:,} elements"


def _too_deep() -> str:
    return f"the record nests objects and lists more than {MAX_RECORD_DEPTH} levels deep"


def _too_long() -> str:
    return f"the record has a string of more than {MAX_STRING_CHARS:,} characters"
