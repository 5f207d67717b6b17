"""Stages that check the shape of a rule set: header, consts, rule names, scopes, reachability.

Each stage is a function of a :class:`CheckContext`; they run in the order of
``procrules.language.checker.STAGES`` and leave what later stages need in the context (the
resolved scope of the rule set and of each rule, the const table).
"""

from __future__ import annotations

from procrules.language import ast
from procrules.language import types as t
from procrules.language.checker.context import DIRECTIONS, CheckContext, RuleScope
from procrules.language.checker.expressions import literal_type
from procrules.language.schema import suggest


def check_header(ctx: CheckContext) -> None:
    """Record types and directions of the rule set's header; resolves the rule-set scope."""
    scope = ctx.ruleset.scope
    ctx.set_types = _record_types(ctx, scope.record_types) or tuple(ctx.known_types)
    if scope.record_types is not None and not _record_types(ctx, scope.record_types):
        ctx.set_types = tuple(ctx.known_types)  # every name was wrong: check against all types
    ctx.set_directions = _directions(ctx, scope.directions) or DIRECTIONS
    ctx.set_connection = scope.connection.value if scope.connection else None


def _record_types(ctx: CheckContext, names: tuple[ast.Name, ...] | None) -> tuple[str, ...]:
    if names is None:
        return ()
    out: list[str] = []
    for name in names:
        if name.value in ctx.known_types:
            if name.value not in out:
                out.append(name.value)
            continue
        near = suggest(name.value, ctx.known_types)
        hint = (
            f'did you mean "{near}"?' if near else "record types are " + ", ".join(ctx.known_types)
        )
        ctx.sink.error("E206", f'unknown record type "{name.value}"', name.span, hint)
    return tuple(out)


def _directions(ctx: CheckContext, names: tuple[ast.Name, ...] | None) -> tuple[str, ...]:
    if names is None:
        return ()
    out: list[str] = []
    for name in names:
        if name.value in DIRECTIONS:
            out.append(name.value)
        else:
            ctx.sink.error(
                "E100",
                f'unknown direction "{name.value}"',
                name.span,
                "write `on import`, `on export` or `on import, export`",
            )
    return tuple(out)


def check_consts(ctx: CheckContext) -> None:
    """Each const defined once, bound to a literal; builds the const table."""
    for const in ctx.ruleset.consts:
        if const.name in ctx.consts:
            first = ctx.consts[const.name][0]
            ctx.sink.error(
                "E203",
                f'constant "{const.name}" is already defined on line {first.name_span.line}',
                const.name_span,
                "give it another name, or remove one of the two definitions",
            )
            continue
        ctx.consts[const.name] = (const, _literal_type(ctx, const.value))


def _literal_type(ctx: CheckContext, value: ast.Expr) -> t.Type:
    if isinstance(value, ast.Lit):
        return literal_type(value.value)
    if isinstance(value, ast.ListLit):
        element = t.NULL
        for item in value.items:
            element = t.join(element, _literal_type(ctx, item))
        return t.list_of(element)
    if isinstance(value, ast.MapLit):
        element = t.NULL
        for _, item in value.items:
            element = t.join(element, _literal_type(ctx, item))
        return t.map_of(element)
    ctx.sink.error(
        "E208",
        "a constant must be a literal: text, a number, true/false, null, a list or a map",
        value.span,
    )
    return t.ANY


def check_rule_names(ctx: CheckContext) -> None:
    """Rule names are unique within a rule set."""
    seen: dict[str, ast.Rule] = {}
    for rule in ctx.ruleset.rules:
        if rule.name in seen:
            ctx.sink.error(
                "E204",
                f'rule name "{rule.name}" is already used on line {seen[rule.name].name_span.line}',
                rule.name_span,
                "rule names must be unique within a rule set",
            )
        else:
            seen[rule.name] = rule


def check_rule_scopes(ctx: CheckContext) -> None:
    """Resolves each rule's scope; warns (W102) about a rule whose scope excludes every record."""
    for rule in ctx.ruleset.rules:
        own = rule.scope
        types = ctx.set_types
        if own.record_types is not None:
            named = _record_types(ctx, own.record_types)
            types = tuple(n for n in named if n in ctx.set_types)
        directions = ctx.set_directions
        if own.directions is not None:
            directions = tuple(d for d in _directions(ctx, own.directions) if d in directions)
        connection = ctx.set_connection
        conflict = False
        if own.connection is not None:
            conflict = connection is not None and own.connection.value != connection
            connection = own.connection.value
        scope = RuleScope(types, directions, connection)
        ctx.rule_scopes[id(rule)] = scope
        if scope.empty or conflict:
            ctx.sink.warning(
                "W102",
                f'rule "{rule.name}" can never fire: {_why_empty(ctx, rule, scope, conflict)}',
                rule.keyword_span,
                "remove the rule's `for`/`on`/`connection`, or move it to a rule set that fits",
            )
            # Check the rule against what it names itself, so its paths are judged for its types.
            own_types = _known_only(ctx, own.record_types) or ctx.set_types
            ctx.rule_scopes[id(rule)] = RuleScope(own_types, ctx.set_directions, connection)


def _known_only(ctx: CheckContext, names: tuple[ast.Name, ...] | None) -> tuple[str, ...]:
    return tuple(n.value for n in names or () if n.value in ctx.known_types)


def _why_empty(ctx: CheckContext, rule: ast.Rule, scope: RuleScope, conflict: bool) -> str:
    if not scope.record_types and rule.scope.record_types is not None:
        own = ", ".join(n.value for n in rule.scope.record_types)
        return f"it is for {own}, but the rule set is for {', '.join(ctx.set_types)}"
    if not scope.directions:
        own = ", ".join(n.value for n in rule.scope.directions or ())
        return f"it runs on {own}, but the rule set runs on {', '.join(ctx.set_directions)}"
    assert rule.scope.connection is not None
    return (
        f'it is for connection "{rule.scope.connection.value}", '
        f'but the rule set is for connection "{ctx.set_connection}"'
    )


def check_reachability(ctx: CheckContext) -> None:
    """Warns (W101) about rules after one that always stops, ignores or fails every record."""
    stopper: ast.Rule | None = None
    for rule in ctx.ruleset.rules:
        if stopper is not None:
            ctx.sink.warning(
                "W101",
                f'rule "{rule.name}" can never run: rule "{stopper.name}" on line '
                f"{stopper.keyword_span.line} always ends the rule set before it",
                rule.keyword_span,
                f'give rule "{stopper.name}" a `when` condition, or move this rule above it',
            )
        elif _always_ends(rule):
            stopper = rule


def _always_ends(rule: ast.Rule) -> bool:
    if rule.disabled or rule.scope != ast.Scope():
        return False
    unconditional = rule.condition is None or (
        isinstance(rule.condition, ast.Truthy)
        and isinstance(rule.condition.expr, ast.Lit)
        and rule.condition.expr.value is True
    )
    return unconditional and any(
        isinstance(a, ast.Stop | ast.Ignore | ast.Fail) for a in rule.actions
    )
