"""The checker: a rule set's AST through a fixed list of named stages (OPA's compiler is the model).

Each stage is a :class:`Stage`: a function of the shared :class:`CheckContext` that reads the AST
and adds diagnostics. The stages run in the order of :data:`STAGES`, all of them even after
errors, so a file's problems are reported together (up to the sink's limit).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Protocol

from procrules.language.checker.actions import check_rules
from procrules.language.checker.context import CheckContext
from procrules.language.checker.structure import (
    check_consts,
    check_header,
    check_reachability,
    check_rule_names,
    check_rule_scopes,
)
from procrules.language.diagnostics import DiagnosticSink
from procrules.language.schema import record_types

if TYPE_CHECKING:
    from procrules.language.ast import RuleSet


class Stage(Protocol):
    """One step of the checker."""

    def __call__(self, ctx: CheckContext, /) -> None: ...


#: The checker's stages, in order, each with the name it is known by.
STAGES: tuple[tuple[str, Stage], ...] = (
    ("header", check_header),
    ("consts", check_consts),
    ("rule_names", check_rule_names),
    ("rule_scopes", check_rule_scopes),
    ("rules", check_rules),
    ("reachability", check_reachability),
)


def check(
    ruleset: RuleSet, sink: DiagnosticSink | None = None, *, partial: bool = False
) -> CheckContext:
    """Run every stage over ``ruleset``; the diagnostics are in the returned context's sink.

    ``partial`` says the file had syntax errors, so parts of it may be missing from the AST:
    uses of constants that are not defined are then not reported (they may be in those parts).
    """
    ctx = CheckContext(
        ruleset=ruleset, sink=sink or DiagnosticSink(), known_types=record_types(), partial=partial
    )
    for _name, stage in STAGES:
        stage(ctx)
    return ctx


__all__ = ["STAGES", "CheckContext", "Stage", "check"]
