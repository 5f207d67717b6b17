"""The compiler: a checked rule file -> a :class:`CompiledRuleSet` of :class:`CompiledRule`.

Each rule is compiled once per record type in its scope, against that type's schema: a path is
typed exactly (``rows`` is a list of rows for an Order) and a field the type lacks reads as null
(LANGUAGE.md section 12, "Scope") -- so the generated code needs no run-time type dispatch. The
rule's condition becomes generated source, its actions closures (:mod:`procrules.engine.actions`);
then each record type's rules become one generated function (:mod:`procrules.engine.fused`) with
the conditions inline, the reads of fields no rule writes done once
(:mod:`procrules.engine.indexing`) and the costly tests several rules make computed once
(:mod:`procrules.engine.sharing`). Disabled rules are not compiled: they never run.

Functions for ``explain`` (trace mode) are compiled separately, on first use, by
:func:`compile_traced`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from procrules.engine.actions import FAIL, IGNORE, STOP, Action, compile_action
from procrules.engine.codegen import Emitter, Env
from procrules.engine.conditions import condition
from procrules.engine.fused import FusedRule, FusedRuleSet, fuse
from procrules.engine.indexing import Read, Trail, Writes, key_first, written_trails
from procrules.engine.result import FiredRule
from procrules.engine.sharing import shared_tests
from procrules.language import ast
from procrules.language.checker import check
from procrules.language.schema import record_types

if TYPE_CHECKING:
    from procrules.language.checker.context import CheckContext
    from procrules.language.frontend import CheckedFile

Condition = Callable[[Any, Any], Any]


@dataclass(frozen=True, slots=True, eq=False)
class CompiledRule:
    """One rule: its effective scope, and per record type its condition and actions."""

    ruleset: str
    file: str
    name: str
    line: int
    column: int
    disabled: bool
    types: frozenset[str]
    directions: frozenset[str]
    connection: str | None
    fired: FiredRule
    node: ast.Rule
    actions: dict[str, tuple[Action, ...]] = field(default_factory=dict)

    def in_scope(self, record_type: str, direction: str, connection: str | None) -> bool:
        return (
            record_type in self.types
            and direction in self.directions
            and (self.connection is None or self.connection == connection)
        )


@dataclass(frozen=True, slots=True, eq=False)
class CompiledRuleSet:
    """One rule file, compiled. ``checked`` keeps the file's text and diagnostics."""

    name: str
    file: str
    checked: CheckedFile
    rules: tuple[CompiledRule, ...]
    consts: dict[str, ast.Const]
    #: per record type, the function that runs the rules in scope for it (:mod:`fused`)
    fused: dict[str, FusedRuleSet] = field(default_factory=dict)


def _emitter(checked: CheckedFile, ctx: CheckContext, *, trace: bool) -> Emitter:
    consts = {name: const for name, (const, _type) in ctx.consts.items()}
    return Emitter(consts, checked.file.label, trace=trace)


def compile_file(checked: CheckedFile) -> CompiledRuleSet:
    """Compile one checked rule file (which must have no errors)."""
    ruleset = checked.ruleset
    assert ruleset is not None, "compile_file needs a parsed file"
    assert checked.ok, "compile_file needs a file without errors"
    ctx = checked.context or check(ruleset)
    em = _emitter(checked, ctx, trace=False)
    known = record_types()
    name = checked.name
    rules: list[CompiledRule] = []
    by_type: dict[str, list[FusedRule]] = {}
    trails: dict[str, set[Trail]] = {}
    conditions: dict[str, list[ast.Condition]] = {}
    for rule in ruleset.rules:
        if not rule.disabled:
            for record_type in ctx.scope_of(rule).record_types:
                trails.setdefault(record_type, set()).update(written_trails(rule.actions))
                if rule.condition is not None:
                    conditions.setdefault(record_type, []).append(rule.condition)
    written = {record_type: Writes(found) for record_type, found in trails.items()}
    shared = {rt: shared_tests(conds, written[rt]) for rt, conds in conditions.items()}
    for rule in ruleset.rules:
        scope = ctx.scope_of(rule)
        compiled = CompiledRule(
            ruleset=name,
            file=checked.file.label,
            name=rule.name,
            line=rule.keyword_span.line,
            column=rule.keyword_span.column,
            disabled=rule.disabled,
            types=frozenset(scope.record_types),
            directions=frozenset(scope.directions),
            connection=scope.connection,
            fired=FiredRule(name, rule.name),
            node=rule,
        )
        if not rule.disabled:
            signals = tuple(_SIGNALS.get(type(action)) for action in rule.actions)
            for record_type in scope.record_types:
                env = Env(known[record_type], known[record_type])
                em.shared = shared.get(record_type)
                src, reads = _fused_condition(em, rule, env, written[record_type])
                em.shared = None
                actions = tuple(compile_action(em, action, env) for action in rule.actions)
                compiled.actions[record_type] = actions
                fused = FusedRule(compiled, src, actions, signals, reads)
                by_type.setdefault(record_type, []).append(fused)
        rules.append(compiled)
    runs = {
        record_type: fuse(em, fused, sorted({*shared.get(record_type, {}).values()}))
        for record_type, fused in by_type.items()
    }
    em.flush(final=True)
    consts = {n: c for n, (c, _t) in ctx.consts.items()}
    return CompiledRuleSet(name, checked.file.label, checked, tuple(rules), consts, runs)


#: The actions that end a rule set's evaluation (``stop``) or the record's.
_SIGNALS: dict[type, str] = {ast.Stop: STOP, ast.Ignore: IGNORE, ast.Fail: FAIL}


def _fused_condition(
    em: Emitter, rule: ast.Rule, env: Env, written: Writes
) -> tuple[str | None, tuple[Read, ...]]:
    """A rule's condition source for its fused function (its key test first), and the reads in
    it that the function may share (:mod:`procrules.engine.indexing`)."""
    if rule.condition is None:
        return None, ()
    start = len(em.reads)
    src = condition(em, key_first(rule.condition, written), env)
    shared = tuple(read for read in em.reads[start:] if not written.meets(read.names))
    return src, shared


def _condition(em: Emitter, rule: ast.Rule, env: Env, written: Writes) -> Condition | None:
    if rule.condition is None:
        return None
    return em.function(condition(em, key_first(rule.condition, written), env))


def compile_traced(ruleset: CompiledRuleSet) -> dict[tuple[str, str], Condition | None]:
    """Conditions generated in trace mode, per (rule name, record type). Each tests its
    operands in the order ``apply`` does (its key test first, :func:`indexing.key_first`), so
    that a dry-run shows what a run does, errors included."""
    checked = ruleset.checked
    assert checked.ruleset is not None
    ctx = checked.context or check(checked.ruleset)
    em = _emitter(checked, ctx, trace=True)
    known = record_types()
    trails: dict[str, set[Trail]] = {}
    for rule in ruleset.rules:
        if not rule.disabled:
            for record_type in rule.types:
                trails.setdefault(record_type, set()).update(written_trails(rule.node.actions))
    written = {record_type: Writes(found) for record_type, found in trails.items()}
    out: dict[tuple[str, str], Condition | None] = {}
    for rule in ruleset.rules:
        if rule.disabled:
            continue
        for record_type in rule.types:
            env = Env(known[record_type], known[record_type])
            out[(rule.name, record_type)] = _condition(em, rule.node, env, written[record_type])
    em.flush(final=True)
    return out
