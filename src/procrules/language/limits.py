"""Limits on the shape of a rule file that keep every later stage safe.

The checker, the compiler and Python's own ``compile`` all recurse over an expression, so a
condition nested deeper than :data:`MAX_DEPTH` levels (some 125 ``or``-ed comparisons, or a
sum of as many terms) is refused here with an E502 diagnostic at the rule, and that rule is left
out of the later stages. The depth is measured iteratively: no input, however deep, can raise
RecursionError here.
"""

from __future__ import annotations

import dataclasses
from typing import TYPE_CHECKING, Any

from procrules.language import ast

if TYPE_CHECKING:
    from procrules.language.diagnostics import DiagnosticSink

#: The deepest nesting of conditions and expressions a rule may have.
MAX_DEPTH = 128


def depth(node: Any) -> int:
    """How deeply ``node`` nests (a leaf is 1), without recursion."""
    deepest = 0
    stack: list[tuple[Any, int]] = [(node, 1)]
    while stack:
        current, level = stack.pop()
        deepest = max(deepest, level)
        stack.extend((child, level + 1) for child in _children(current))
    return deepest


def _children(node: Any) -> list[Any]:
    if not dataclasses.is_dataclass(node) or isinstance(node, ast.Span):
        return []
    out: list[Any] = []
    for f in dataclasses.fields(node):
        value = getattr(node, f.name)
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
