"""The stage that types every rule's condition and actions, and checks what actions write.

Writes must go to a field of the record (not to a constant or a computed value), with a value
that fits the field; custom-data writes obey the seeds' rules (LANGUAGE.md sections 9 and 12):
no wildcard in ``set``, wildcards in ``remove`` only in the connection and key of an ``x-``
module, non-empty module and key, and the ownership rule wherever the text decides it.
"""

from __future__ import annotations

from procrules.language import ast
from procrules.language import types as t
from procrules.language.checker.context import CheckContext, Env, Info
from procrules.language.checker.expressions import Typer, literal_type, path_text, show

_READ_ONLY = {"recordType"}
_VALUE_CHECKS: dict[str, t.Kind] = {
    "string": t.Kind.STRING,
    "bool": t.Kind.BOOL,
    "integer": t.Kind.INTEGER,
    "decimal": t.Kind.DECIMAL,
}


def check_rules(ctx: CheckContext) -> None:
    """Types conditions and actions of every rule (disabled ones too: they are checked)."""
    typer = Typer(ctx)
    for rule in ctx.ruleset.rules:
        scope = ctx.scope_of(rule)
        env = ctx.env_for(scope)
        if rule.condition is not None:
            typer.condition(rule.condition, env)
        for action in rule.actions:
            _action(typer, action, env)


def _action(typer: Typer, action: ast.Action, env: Env) -> None:
    match action:
        case ast.Set(target, value, as_type):
            target_info = _writable(typer, target, env, "set")
            value_info = typer.expr(value, env)
            cd = _custom_data_target(target)
            if cd is not None:
                _check_cd_write(typer, cd, env, removing=False)
                _check_as(typer, value, as_type)
            elif as_type is not None:
                typer.sink.error(
                    "E310",
                    "`as` names the type of a custom-data value only",
                    action.span,
                    "leave out `as …` for a record field",
                )
            _check_fits(typer, target, target_info, value, value_info, env)
        case ast.Remove(target):
            _writable(typer, target, env, "remove")
            cd = _custom_data_target(target)
            if cd is not None:
                _check_cd_write(typer, cd, env, removing=True)
        case ast.Add(value, target):
            info = _writable(typer, target, env, "add to")
            value_info = typer.single(value, env)
            if info.type.kind is t.Kind.LIST:
                element = Info(info.type.element or t.ANY)
                _check_fits(typer, target, element, value, value_info, env)
            elif not info.type.is_any:
                typer.sink.error(
                    "E312",
                    f"add needs a list, but {path_text(target)} is {info.type.describe()}",
                    target.span,
                )
        case ast.Replace(old, new, target):
            for part in (old, new):
                info = typer.single(part, env)
                if not (info.type.kind in (t.Kind.STRING, t.Kind.NULL) or info.type.is_any):
                    typer.sink.error(
                        "E303", f"replace works with text, not {info.type.describe()}", part.span
                    )
            info = _writable(typer, target, env, "replace in")
            if not (info.type.kind in (t.Kind.STRING, t.Kind.NULL) or info.type.is_any):
                typer.sink.error(
                    "E308",
                    f"replace works in text, but {path_text(target)} is {info.type.describe()}",
                    target.span,
                )
        case ast.Copy(source, target):
            source_info = typer.path(source, env)
            target_info = _writable(typer, target, env, "copy to")
            cd = _custom_data_target(target)
            if cd is not None:
                _check_cd_write(typer, cd, env, removing=False)
            _check_fits(typer, target, target_info, source, Info(source_info.type), env)
        case ast.Swap(left, right):
            a = _writable(typer, left, env, "swap")
            b = _writable(typer, right, env, "swap")
            for side in (left, right):
                cd = _custom_data_target(side)
                if cd is not None:
                    _check_cd_write(typer, cd, env, removing=False)
            if not (t.assignable(a.type, b.type) and t.assignable(b.type, a.type)):
                typer.sink.error(
                    "E311", f"cannot swap {a.type.describe()} and {b.type.describe()}", left.span
                )
        case ast.Log(message) | ast.Fail(message):
            typer.single(message, env)
        case ast.Ignore(reason) if reason is not None:
            typer.single(reason, env)
        case _:
            pass


def _writable(typer: Typer, target: ast.Path, env: Env, verb: str) -> Info:
    info = typer.path(target, env)
    if not target.segments:
        typer.sink.error("E310", f"cannot {verb} the whole record", target.span)
    elif (
        len(target.segments) == 1
        and isinstance(target.segments[0], ast.Field)
        and target.segments[0].name in _READ_ONLY
    ):
        typer.sink.error(
            "E310", f"{target.segments[0].name} cannot be changed by a rule", target.span
        )
    return info


def _custom_data_target(path: ast.Path) -> ast.CustomDataRef | None:
    """The custom-data reference a write goes to, when the path ends in one."""
    last = path.segments[-1] if path.segments else None
    return last if isinstance(last, ast.CustomDataRef) else None


def _check_cd_write(typer: Typer, ref: ast.CustomDataRef, env: Env, *, removing: bool) -> None:
    sink = typer.sink
    shown = f"customData[{ref.dict_key}]"
    x_module = ref.module.startswith("x-")
    if not removing and ref.is_wildcard:
        sink.error(
            "E402",
            f"{shown}: `*` is not allowed in a key that is written",
            ref.span,
            "name the connection, module and key of the one entry to set",
        )
        return
    if removing and ref.is_wildcard and (ref.module == "*" or not x_module):
        sink.error(
            "E402",
            f"{shown}: `*` may stand only for the connection or the key, and only in an x- module",
            ref.span,
            "name the module, e.g. customData[*|x-acme|*]",
        )
        return
    if not ref.module or not ref.key or x_module:
        return
    own = env.scope.connection
    if ref.connection == "":
        sink.error(
            "E401",
            f'cannot write {shown}: module "{ref.module}" is not an x- module and the entry '
            "belongs to no connection",
            ref.span,
            'write to a module of your own, e.g. "x-acme", or to the rule set\'s connection',
        )
    elif ref.connection != "*" and own is not None and ref.connection != own:
        sink.error(
            "E401",
            f'cannot write {shown}: the entry belongs to connection "{ref.connection}", but this '
            f'rule set runs for connection "{own}"',
            ref.span,
            "only entries of an x- module or of the rule set's own connection may be written",
        )


def _check_as(typer: Typer, value: ast.Expr, as_type: str | None) -> None:
    if as_type is None or not isinstance(value, ast.Lit) or value.value is None:
        return
    kind = _VALUE_CHECKS.get(as_type)
    actual = literal_type(value.value)
    if kind is None:
        return
    fits = actual.kind is kind or (kind is t.Kind.DECIMAL and actual.kind is t.Kind.INTEGER)
    if actual.kind is t.Kind.STRING and kind is not t.Kind.STRING:
        fits = _string_reads_as(str(value.value), kind)
    if not fits:
        typer.sink.error("E405", f"{show(value)} is not a valid {as_type} value", value.span)


def _string_reads_as(text: str, kind: t.Kind) -> bool:
    """Values may arrive as strings for any type (RECORDS.md): ``"12"`` is a valid integer."""
    from decimal import Decimal, InvalidOperation

    if kind is t.Kind.BOOL:
        return text in ("true", "false")
    try:
        number = Decimal(text)
    except InvalidOperation:
        return False
    return number.is_finite() and (kind is t.Kind.DECIMAL or number == number.to_integral_value())


def _check_fits(
    typer: Typer, target: ast.Path, target_info: Info, value: ast.Expr, value_info: Info, env: Env
) -> None:
    if value_info.multi and target_info.type.kind is not t.Kind.LIST:
        typer.sink.error(
            "E304",
            f"{show(value)} has several values here",
            value.span,
            "use sum(), count(), min() or max() to make one value of them",
        )
        return
    value_type = t.list_of(value_info.type) if value_info.multi else value_info.type
    if isinstance(value, ast.MapLit) and target_info.type.kind is t.Kind.OBJECT:
        _check_map_keys(typer, value, target_info.type, env)
        return
    if not t.assignable(target_info.type, value_type):
        typer.sink.error(
            "E311",
            f"{path_text(target)} holds {_precise(target_info.type)}, "
            f"it cannot be set to {_precise(value_type)}",
            value.span,
        )
    elif target_info.type.is_temporal:
        text = typer.literal_text(value)
        if text is not None:
            typer.check_date(text, value.span)


def _precise(typ: t.Type) -> str:
    """Like ``describe``, but telling whole numbers from decimals (``stock = 1.5``)."""
    if typ.kind is t.Kind.INTEGER:
        return "a whole number"
    if typ.kind is t.Kind.DECIMAL:
        return "a decimal number"
    return typ.describe()


def _check_map_keys(typer: Typer, value: ast.MapLit, target: t.Type, env: Env) -> None:
    """A map literal written into an object (``add {…} to rows``): its keys must be fields."""
    from procrules.language.schema import suggest

    fields = target.fields or {}
    for key, item in value.items:
        if key not in fields:
            near = suggest(key, fields)
            typer.sink.error(
                "E201",
                f'unknown field "{key}" in {target.name}',
                item.span,
                f'did you mean "{near}"?' if near else None,
            )
            continue
        item_type = typer.single(item, env).type
        if not t.assignable(fields[key], item_type):
            typer.sink.error(
                "E311",
                f'"{key}" holds {fields[key].describe()}, it cannot be set '
                f"to {item_type.describe()}",
                item.span,
            )
