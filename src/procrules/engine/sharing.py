"""Shared tests: a costly test that several rules of a rule set make is computed once a record.

Rule sets repeat themselves: ``exists customData[*|connector.woocommerce|meta.source]`` in ten
rules, ``all rows[*].quantity > 0`` in five. Within one rule set's fused function
(:mod:`procrules.engine.fused`), a test whose every read is of data that no action of the rule
set writes has the same outcome from the first rule to the last. So the function keeps the outcome
of each such test that appears in two rules or more in a local (``_m0``), computed where the test
is first evaluated and taken from the local after that::

    (_m0 if _m0 is not _U else (_m0 := <the test>))

The first evaluation is where the test would first have been evaluated anyway, so an evaluation
error is raised at the same rule as without sharing (and ends the record's evaluation: nothing
reads the local after it).

Which tests (:func:`shared_tests`): the leaf tests (a comparison, ``is`` check, ``exists`` or bool
value; not ``and``/``or``/``not``) that are *costly* -- a quantifier, ``exists``, a function call,
a custom-data read or a multi-valued path: a plain field comparison costs about as little as the
local -- and read only data that the rule set does not write (:mod:`procrules.engine.indexing`),
with no function whose result changes between calls (``now()``, ``today()``). Two tests are the
same when they are written the same, literal types included (:func:`shape`; ``1`` is not
``true``).
"""

from __future__ import annotations

import dataclasses
from typing import TYPE_CHECKING, Any

from procrules.engine.functions import IMPURE
from procrules.engine.indexing import Writes, trail, unaffected
from procrules.language import ast

#: The value of a shared test's local before the test is evaluated (``_U`` in generated code).
UNSET: Any = object()

if TYPE_CHECKING:
    from collections.abc import Hashable, Iterable, Iterator

_LEAVES = (ast.Compare, ast.IsCheck, ast.Exists, ast.Truthy)


def _compared(cls: type) -> tuple[str, ...]:
    """The fields of an AST node class that take part in equality (not its span)."""
    names = _COMPARED.get(cls)
    if names is None:
        names = _COMPARED[cls] = tuple(f.name for f in dataclasses.fields(cls) if f.compare)
    return names


_COMPARED: dict[type, tuple[str, ...]] = {}


def shape(node: Any) -> Hashable:
    """A key equal for two nodes written the same, wherever they stand (spans left out);
    literals keep their type, so ``1``, ``1.0`` and ``true`` differ."""
    if isinstance(node, str):
        return node
    if isinstance(node, tuple):
        return tuple(shape(item) for item in node)
    cls = type(node)
    if dataclasses.is_dataclass(cls):
        return (cls.__name__, *(shape(getattr(node, name)) for name in _compared(cls)))
    return (cls.__name__, repr(node))


def _nodes(node: Any) -> Iterator[Any]:
    """``node`` and every AST node under it (paths' segments and filters included)."""
    yield node
    for name in _compared(type(node)):
        value = getattr(node, name)
        for item in value if isinstance(value, tuple) else (value,):
            if dataclasses.is_dataclass(item):
                yield from _nodes(item)


def _worth_sharing(leaf: ast.Condition, written: Writes) -> bool:
    costly = isinstance(leaf, ast.Exists) or getattr(leaf, "quantifier", None) is not None
    for node in _nodes(leaf):
        if isinstance(node, ast.Call):
            if node.name in IMPURE:
                return False
            costly = True
        elif isinstance(node, ast.Path):
            if not unaffected(trail(node), written):
                return False
            costly = costly or node.is_multi
        elif isinstance(node, ast.CustomDataRef):
            costly = True
    return costly


def leaves(condition: ast.Condition) -> Iterator[ast.Condition]:
    """The leaf tests of a condition, through ``and``, ``or`` and ``not``."""
    if isinstance(condition, ast.And | ast.Or):
        yield from leaves(condition.left)
        yield from leaves(condition.right)
    elif isinstance(condition, ast.Not):
        yield from leaves(condition.operand)
    elif isinstance(condition, _LEAVES):
        yield condition


def shared_tests(conditions: Iterable[ast.Condition], writes: Writes) -> dict[int, str]:
    """The leaf tests of ``conditions`` (the conditions of one rule set's rules for one record
    type) to share, by ``id`` of the node, each with the name of its local: ``_m0``, ``_m1``…;
    a test shares a local with every test written the same."""
    found: dict[Hashable, list[ast.Condition]] = {}
    for condition in conditions:
        for leaf in leaves(condition):
            if _worth_sharing(leaf, writes):
                found.setdefault(shape(leaf), []).append(leaf)
    out: dict[int, str] = {}
    groups = [same for same in found.values() if len(same) > 1]
    for n, same in enumerate(groups):
        out.update((id(leaf), f"_m{n}") for leaf in same)
    return out
