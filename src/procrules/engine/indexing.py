"""What a rule set writes, which reads its rules may share, and which test goes first.

The actions of a rule set write to statically known places (:func:`written_trails`: field names
and custom-data entries down to the first index, wildcard or filter), kept as a tree
(:class:`Writes`) that answers "may a write change what this path reads?" in one walk. A field
or entry that no action writes has the same value from the first rule to the last. So, within
one rule set's fused function (:mod:`procrules.engine.fused`):

- the function reads such a field once, at its start, into a local, and every rule's condition
  uses the local (the compiler asks :meth:`Writes.meets` of each read);
- a rule whose condition is an ``and`` of tests, one of which is an equality or membership test
  of such a field against constants (``currency == "SEK"``, ``deliveryAddress.countryCode in
  NORDIC``), makes that test first (:func:`key_first`): one comparison of a local rules the rule
  out for most records, before any costlier test (a quantifier over rows, a custom-data scan);
- costly tests several rules make are computed once (:mod:`procrules.engine.sharing`).

The outcome of a condition does not depend on the order of its ``and`` operands. An evaluation
error can: a test that would raise (a field holding the wrong type) is not evaluated when the
key test rules the rule out first -- the rule does not fire, as it would not have fired anyway.
``explain`` uses the same order, so a dry-run shows what a run does.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from procrules.language import ast

if TYPE_CHECKING:
    from collections.abc import Iterable

Names = tuple[str, ...]
#: One step of a path as far as writes are concerned: a field name, or a custom-data entry
#: (connection, module, key; ``*`` matches anything).
Component = str | tuple[str, str, str]
Trail = tuple[Component, ...]

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


def trail(path: ast.Path) -> Trail:
    """What a path reads or writes, as far as it is known statically: its field names and
    custom-data entries up to the first index, wildcard or filter (everything under that point
    may be read or written)."""
    out: list[Component] = []
    for seg in path.segments:
        if isinstance(seg, ast.Field):
            out.append(seg.name)
        elif isinstance(seg, ast.CustomDataRef):
            out += ["customData", (seg.connection, seg.module, seg.key)]
        else:
            break
    return tuple(out)


def written_trails(actions: Iterable[ast.Action]) -> set[Trail]:
    """What ``actions`` may change."""
    return {
        trail(getattr(action, attr)) for action in actions for attr in TARGETS.get(type(action), ())
    }


def _may_meet(a: Component, b: Component) -> bool:
    if isinstance(a, str) or isinstance(b, str):
        return a == b
    return all(x == y or "*" in (x, y) for x, y in zip(a, b, strict=True))


class Writes:
    """What a rule set's actions may change (their trails), as a tree for quick questions: a
    rule set may write hundreds of custom-data entries (one per rule), and every path of every
    condition is asked about."""

    __slots__ = ("end", "entries", "fields")

    def __init__(self, trails: Iterable[Trail] = ()) -> None:
        self.end = False  #: a write ends here: everything under this point may change
        self.fields: dict[str, Writes] = {}
        self.entries: dict[str, dict[tuple[str, str, str], Writes]] = {}  #: by module
        for written in trails:
            self._add(written)

    def _add(self, written: Trail) -> None:
        node = self
        for component in written:
            if isinstance(component, str):
                node = node.fields.setdefault(component, Writes())
            else:
                module = node.entries.setdefault(component[1], {})
                node = module.setdefault(component, Writes())
        node.end = True

    def meets(self, read: Trail) -> bool:
        """Whether a write may change what ``read`` reads: one goes to it, into it, or to an
        object on the way to it."""
        if self.end:
            return True
        if not read:
            return bool(self.fields or self.entries)
        head, rest = read[0], read[1:]
        if isinstance(head, str):
            child = self.fields.get(head)
            return child is not None and child.meets(rest)
        modules = self.entries.values() if head[1] == "*" else [self.entries.get(head[1], {})]
        modules = [*modules, self.entries.get("*", {})] if head[1] != "*" else modules
        return any(
            _may_meet(head, entry) and child.meets(rest)
            for module in modules
            for entry, child in module.items()
        )


def unaffected(read: Trail, written: Writes | set[Trail]) -> bool:
    """Whether no write in ``written`` can change what ``read`` reads: none goes to it, into it,
    or to an object on the way to it."""
    writes = written if isinstance(written, Writes) else Writes(written)
    return not writes.meets(read)


def key_first(condition: ast.Condition, written: Writes) -> ast.Condition:
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


def _is_key_test(c: ast.Condition, written: Writes) -> bool:
    if not isinstance(c, ast.Compare) or c.quantifier is not None or c.op not in ("==", "in"):
        return False
    if not isinstance(c.left, ast.Path):
        return False
    names = field_names(c.left)
    if names is None or written.meets(names):
        return False
    right = c.right
    if isinstance(right, ast.ListLit):
        return all(isinstance(item, ast.Lit) for item in right.items)
    if isinstance(right, ast.Lit):
        return right.value is not None
    return isinstance(right, ast.ConstRef)


@dataclass(frozen=True, slots=True)
class Read:
    """A read of a record's field as generated (a fields-only path outside ``[where …]``): its
    source, the field names, and whether the field is a decimal (read through ``_rdec``)."""

    src: str
    names: tuple[str, ...]
    decimal: bool = False
