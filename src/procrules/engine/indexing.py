"""Indexing a rule set's reads: which field reads its rules may share, and which test goes first.

Within one rule set's fused function (:mod:`procrules.engine.fused`), a field that no action of
the rule set writes has the same value from the first rule to the last. So:

- the function reads such a field once, at its start, into a local, and every rule's condition
  uses the local (:func:`hoistable`; the fields written are :func:`written_prefixes`);
- a rule whose condition is an ``and`` of tests, one of which is an equality or membership test
  of such a field against constants (``currency == "SEK"``, ``deliveryAddress.countryCode in
  NORDIC``), makes that test first (:func:`key_first`): one comparison of a local rules the rule
  out for most records, before any costlier test (a quantifier over rows, a custom-data scan).

The outcome of a condition does not depend on the order of its ``and`` operands. An evaluation
error can: a test that would raise (a field holding the wrong type) is not evaluated when the
key test rules the rule out first -- the rule does not fire, as it would not have fired anyway.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from procrules.language import ast

if TYPE_CHECKING:
    from collections.abc import Iterable

Names = tuple[str, ...]

#: The attributes of each kind of action that name the paths it writes.
TARGETS: dict[type, tuple[str, ...]] = {
    ast.Set: ("target",),
    ast.Copy: ("target",),
    ast.Remove: ("target",),
    ast.Add: ("target",),
    ast.Replace: ("target",),
    ast.Swap: ("left", "right"),
}


def field_names(path: ast.Path) -> Names | None:
    """The names of a path made of fields only (``deliveryAddress.countryCode``), else ``None``."""
    names = []
    for seg in path.segments:
        if not isinstance(seg, ast.Field):
            return None
        names.append(seg.name)
    return tuple(names)


def written_prefixes(actions: Iterable[ast.Action]) -> set[Names]:
    """What ``actions`` may change, as field-name prefixes: a write to ``rows[*].sku`` may change
    anything under ``rows``, one to ``customData[…]`` anything under ``customData``."""
    out: set[Names] = set()
    for action in actions:
        for attr in TARGETS.get(type(action), ()):
            path: ast.Path = getattr(action, attr)
            names: list[str] = []
            for seg in path.segments:
                if isinstance(seg, ast.Field):
                    names.append(seg.name)
                    continue
                if isinstance(seg, ast.CustomDataRef):
                    names.append("customData")
                break
            out.add(tuple(names))
    return out


def hoistable(names: Names, written: set[Names]) -> bool:
    """Whether a read of ``names`` gives the same value all through the rule set: no write goes
    to it, into it, or to an object on the way to it."""
    return not any(names[: len(w)] == w or w[: len(names)] == names for w in written)


def key_first(condition: ast.Condition, written: set[Names]) -> ast.Condition:
    """``condition`` with its first key test (see the module docstring) moved to the front of
    its top-level ``and`` chain; unchanged when there is none, or it is first already."""
    operands = _conjuncts(condition)
    for i, operand in enumerate(operands):
        if _is_key_test(operand, written):
            if i == 0:
                return condition
            ordered = [operand, *operands[:i], *operands[i + 1 :]]
            result = ordered[0]
            for nxt in ordered[1:]:
                result = ast.And(result, nxt, span=condition.span)
            return result
    return condition


def _conjuncts(condition: ast.Condition) -> list[ast.Condition]:
    if isinstance(condition, ast.And):
        return [*_conjuncts(condition.left), *_conjuncts(condition.right)]
    return [condition]


def _is_key_test(c: ast.Condition, written: set[Names]) -> bool:
    if not isinstance(c, ast.Compare) or c.quantifier is not None or c.op not in ("==", "in"):
        return False
    if not isinstance(c.left, ast.Path):
        return False
    names = field_names(c.left)
    if names is None or not hoistable(names, written):
        return False
    right = c.right
    if isinstance(right, ast.ListLit):
        return all(isinstance(item, ast.Lit) for item in right.items)
    if isinstance(right, ast.Lit):
        return right.value is not None
    return isinstance(right, ast.ConstRef)
