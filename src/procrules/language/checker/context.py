"""What the checker's stages share: the rule set, the diagnostics, consts, and the typing scope.

:class:`CheckContext` is built once per file and handed to every stage in turn; stages read the
AST and add diagnostics, and the earlier stages leave behind what later ones need (the const
table, the scope of each rule).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from procrules.language import types as t

if TYPE_CHECKING:
    from procrules.language import ast
    from procrules.language.diagnostics import DiagnosticSink

DIRECTIONS = ("import", "export")


@dataclass(frozen=True, slots=True)
class Info:
    """What is known of an expression: its type, and whether it has several values."""

    type: t.Type
    multi: bool = False


@dataclass(frozen=True, slots=True)
class RuleScope:
    """The effective scope of one rule: the rule set's narrowed by the rule's own header."""

    record_types: tuple[str, ...]
    directions: tuple[str, ...]
    connection: str | None

    @property
    def empty(self) -> bool:
        return not self.record_types or not self.directions


@dataclass(slots=True)
class Env:
    """The typing environment of an expression: the record (root) and the current object.

    Inside ``[where …]`` the current object is the list element; elsewhere it is the root.
    ``type_names`` names the record types in scope, for messages.
    """

    root: t.Type
    current: t.Type
    type_names: tuple[str, ...]
    scope: RuleScope

    def inside(self, element: t.Type) -> Env:
        return Env(self.root, element, self.type_names, self.scope)


@dataclass(slots=True)
class CheckContext:
    ruleset: ast.RuleSet
    sink: DiagnosticSink
    known_types: dict[str, t.Type]
    consts: dict[str, tuple[ast.Const, t.Type]] = field(default_factory=dict)
    set_types: tuple[str, ...] = ()
    set_directions: tuple[str, ...] = DIRECTIONS
    set_connection: str | None = None
    rule_scopes: dict[int, RuleScope] = field(default_factory=dict)
    #: The file had syntax errors: parts of it (consts among them) may be missing.
    partial: bool = False

    def scope_of(self, rule: ast.Rule) -> RuleScope:
        return self.rule_scopes.get(
            id(rule), RuleScope(self.set_types, self.set_directions, self.set_connection)
        )

    def env_for(self, scope: RuleScope) -> Env:
        names = scope.record_types or self.set_types
        return Env(
            merged_type(self.known_types, names), merged_type(self.known_types, names), names, scope
        )


def merged_type(known: dict[str, t.Type], names: tuple[str, ...]) -> t.Type:
    """One object type holding the fields of every named record type (first one wins)."""
    if len(names) == 1:
        return known[names[0]]
    fields: dict[str, t.Type] = {}
    for name in names:
        for key, ftype in (known[name].fields or {}).items():
            if key not in fields:
                fields[key] = ftype
            elif fields[key] != ftype:
                fields[key] = t.ANY
    shown = ", ".join(names[:-1]) + " or " + names[-1]
    return t.Type(t.Kind.OBJECT, name=shown, fields=fields)
