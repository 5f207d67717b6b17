"""Compiled actions (LANGUAGE.md sections 9 and 12): each action becomes a closure ``run(st)``.

A closure returns ``None`` to go on, or one of :data:`STOP`, :data:`IGNORE`, :data:`FAIL`.
Writes first find their locations read-only (:func:`procrules.engine.paths.locator`), then write
copy-on-write through the state, recording one change per location whose JSON value changes
(a write that leaves the value as it was records nothing). Values are written in the JSON normal
form of the field's static type (:func:`procrules.engine.jsonform.written`).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from procrules.engine import functions as fn
from procrules.engine.field_actions import NOT_CONSTANT, add_to_field, already_in, set_field
from procrules.engine.jsonform import shown_json, written
from procrules.engine.paths import CDKey, Location, Step, location_text, locator
from procrules.engine.state import same_json
from procrules.engine.values import EvalError, Site, fail, kind_of, read_string
from procrules.language import ast
from procrules.language import types as t

if TYPE_CHECKING:
    from procrules.engine.codegen import Emitter, Env, PathInfo
    from procrules.engine.state import State

Action = Callable[["State"], "str | None"]
STOP, IGNORE, FAIL = "stop", "ignore", "fail"


def compile_action(em: Emitter, action: ast.Action, env: Env) -> Action:
    site = Site(action.span)
    if isinstance(action, ast.Set):
        value = _value(em, action.value, env)
        return _set(em, action.target, env, value, action.as_type, site)
    if isinstance(action, ast.Copy):
        value = _value(em, action.source, env)
        return _set(em, action.target, env, value, None, site)
    if isinstance(action, ast.Remove):
        return _remove(em.path_info(action.target, env), site)
    if isinstance(action, ast.Add):
        value = _value(em, action.value, env)
        return _add(em.path_info(action.target, env), value, site)
    if isinstance(action, ast.Replace):
        old = em.function(_value_src(em, action.old, env))
        new = em.function(_value_src(em, action.new, env))
        return _replace(em.path_info(action.target, env), old, new, site)
    if isinstance(action, ast.Swap):
        return _swap(em.path_info(action.left, env), em.path_info(action.right, env), site)
    if isinstance(action, ast.Log):
        return _message(_value(em, action.message, env), "info", None, site)
    if isinstance(action, ast.Ignore):
        reason = action.reason
        if reason is None:
            return lambda st: IGNORE
        return _message(_value(em, reason, env), "warning", IGNORE, site)
    if isinstance(action, ast.Fail):
        return _message(_value(em, action.reason, env), "error", FAIL, site)
    return lambda st: STOP


def _value_src(em: Emitter, expr: ast.Expr, env: Env) -> str:
    code = em.expr(expr, env)
    return code.src


def _value(em: Emitter, expr: ast.Expr, env: Env) -> Callable[..., Any]:
    """The value of an expression as a function ``(st, cur)``; a constant's is a closure (no
    generated code to run)."""
    code = em.expr(expr, env)
    if code.const:
        return _Constant(code.value)
    return em.function(code.src)


class _Constant:
    """The value function of a constant; ``constant`` lets an action use the value itself."""

    __slots__ = ("constant",)

    def __init__(self, constant: Any) -> None:
        self.constant = constant

    def __call__(self, st: State, cur: Any) -> Any:
        return self.constant


def _static_fields(info: PathInfo) -> tuple[str, ...] | None:
    """The field names of a path made of fields only (``deliveryAddress.countryCode``), whose
    one location is known before the record is: else ``None``."""
    if info.missing or not all(step.kind == "field" for step in info.steps):
        return None
    return tuple(step.name for step in info.steps)


def _message(text: Callable[..., Any], level: str, signal: str | None, site: Site) -> Action:
    constant = getattr(text, "constant", NOT_CONSTANT)
    if constant is not NOT_CONSTANT:
        shown = "null" if constant is None else fn.f_string(site, constant)
        return ConstantMessage(level, shown, signal)

    def run(st: State) -> str | None:
        value = text(st, st.rec)
        st.message(level, "null" if value is None else fn.f_string(site, value))
        return signal

    return run


class ConstantMessage:
    """``log "text"`` (or ``ignore``/``fail`` with a constant reason): the message is known at
    load time, so a fused function appends it inline (:mod:`procrules.engine.fused`)."""

    __slots__ = ("level", "signal", "text")

    def __init__(self, level: str, text: str, signal: str | None) -> None:
        self.level, self.text, self.signal = level, text, signal

    def __call__(self, st: State) -> str | None:
        st.message(self.level, self.text)
        return self.signal


# ------------------------------------------------------------------------------ targets


def _whole_custom_data(info: PathInfo) -> bool:
    return info.type.kind is t.Kind.CUSTOM_DATA


def _refuse(info: PathInfo, site: Site) -> Action:
    def run(st: State) -> str | None:
        fail(
            f"{info.site.text}: custom data is written one entry at a time; write "
            "customData[<connection>|<module>|<key>]",
            site,
        )

    return run


def _noop(st: State) -> None:
    return None


def _split_cd(info: PathInfo) -> tuple[Callable[[State], list[tuple[Location, Any]]], CDKey]:
    """For a path ending in ``customData[…]``: a locator of the holders, and the key."""
    last = info.steps[-1]
    assert last.cd is not None
    return locator(info.steps[:-1]), last.cd


def _holders(st: State, locate: Callable[[State], list[tuple[Location, Any]]]) -> list[Location]:
    return [keys for keys, holder in locate(st) if holder is None or holder.__class__ is dict]


def _in_entry(keys: Location) -> bool:
    """Whether a location is inside a custom-data json value: the write rewrites the entry, and
    the change reported is the entry's (its value before and after)."""
    return any(isinstance(k, CDKey) for k in keys)


def _put(st: State, keys: Location, value: Any, typ: t.Type, raw: Any, site: Site) -> None:
    """Write ``value`` (an engine value) at a located place, recording the change."""
    if (
        value.__class__ is str
        and typ.kind is t.Kind.STRING
        and (raw is None or raw.__class__ is str)
        and not _in_entry(keys)
    ):
        # The common case, without the general conversions: text into a text field.
        if raw != value:
            st.write(keys, value, site)
            st.change(keys, raw, value)
        return
    try:
        after = written(value, typ, None)
    except EvalError as exc:
        raise EvalError(f"cannot set {location_text(keys)}: {exc.message}", site) from None
    if _in_entry(keys):
        st.write(keys, after, site)
        return
    before = shown_json(raw, typ)
    if same_json(before, after):
        return
    st.write(keys, after, site)
    st.change(keys, before, after)


# ------------------------------------------------------------------------------ set / copy


def _set(
    em: Emitter,
    target: ast.Path,
    env: Env,
    value: Callable[..., Any],
    as_type: str | None,
    site: Site,
) -> Action:
    info = em.path_info(target, env)
    if info.missing:
        return _noop
    if _whole_custom_data(info):
        return _refuse(info, site)
    if info.steps[-1].kind == "cd":
        holders, cd = _split_cd(info)
        if len(info.steps) == 1:  # the record's own custom data: one holder, the record
            text = getattr(value, "constant", NOT_CONSTANT)
            if text.__class__ is str and as_type in (None, "string"):

                def run_own_text(st: State) -> None:
                    st.cd_set_string((), cd, text, site)

                return run_own_text

            def run_own_cd(st: State) -> None:
                st.cd_set((), cd, value(st, st.rec), as_type, site)

            return run_own_cd

        def run_cd(st: State) -> None:
            new = value(st, st.rec)
            for keys in _holders(st, holders):
                st.cd_set(keys, cd, new, as_type, site)

        return run_cd
    names = _static_fields(info)
    if names is not None:
        return set_field(names, info.type, value, site)
    locate, typ = locator(info.steps), info.type

    def run(st: State) -> None:
        new = value(st, st.rec)
        for keys, raw in locate(st):
            _put(st, keys, new, typ, raw, site)

    return run


# ------------------------------------------------------------------------------ remove


def _remove(info: PathInfo, site: Site) -> Action:
    if info.missing:
        return _noop
    if _whole_custom_data(info):
        return _refuse(info, site)
    last: Step = info.steps[-1]
    if last.kind == "cd":
        locate_entries = locator(info.steps)

        def run_cd(st: State) -> None:
            for keys, _value in locate_entries(st):
                st.cd_remove(keys[:-1], keys[-1], site)

        return run_cd
    locate = locator(info.steps)
    typ = info.type
    parent = info.types[-2]
    if last.kind in ("index", "wild", "where") or parent.kind is t.Kind.MAP:
        return _remove_elements(locate, typ, site)
    empty: Any = [] if typ.kind is t.Kind.LIST else None

    def run(st: State) -> None:
        for keys, raw in locate(st):
            _put(st, keys, empty, typ, raw, site)

    return run


def _remove_elements(
    locate: Callable[[State], list[tuple[Location, Any]]], typ: t.Type, site: Site
) -> Action:
    """Remove list elements (one change each, with its index before the action) or map keys."""

    def run(st: State) -> None:
        found = locate(st)
        if not found:
            return
        for keys, raw in found:
            if not _in_entry(keys):
                st.change(keys, shown_json(raw, typ), None)
        for keys, _raw in sorted(found, key=_removal_order):
            st.delete(keys, site)

    return run


def _removal_order(item: tuple[Location, Any]) -> tuple[Location, int]:
    """Elements of one list from the last to the first, so earlier indexes stay valid."""
    keys = item[0]
    last = keys[-1]
    return (keys[:-1], -last if isinstance(last, int) else 0)


# ------------------------------------------------------------------------------ add


def _add(info: PathInfo, value: Callable[..., Any], site: Site) -> Action:
    if info.missing:
        return _noop
    locate = locator(info.steps)
    element = info.type.element if info.type.kind is t.Kind.LIST else None
    element = element or t.ANY

    names = _static_fields(info)
    if names is not None:
        return add_to_field(names, info, element, value, site)

    def run(st: State) -> None:
        new = value(st, st.rec)
        if new is None:
            return
        for keys, raw in locate(st):
            if raw is not None and raw.__class__ is not list:
                fail(f"cannot add to {info.site.text}: it is {kind_of(raw)}, not a list", site)
            item = written(new, element, site)
            current = raw or []
            if already_in(item, current, element):
                continue
            st.write(keys, [*current, item], site)
            if not _in_entry(keys):
                st.change((*keys, len(current)), None, item)

    return run


# ------------------------------------------------------------------------------ replace


def _replace(
    info: PathInfo, old: Callable[..., Any], new: Callable[..., Any], site: Site
) -> Action:
    if info.missing:
        return _noop
    locate = locator(info.steps)
    typ = info.type
    is_cd = info.steps[-1].kind == "cd"

    def run(st: State) -> None:
        before, after = old(st, st.rec), new(st, st.rec)
        if before is None or after is None:
            return
        if not isinstance(before, str) or not isinstance(after, str):
            bad = before if not isinstance(before, str) else after
            fail(f"replace works with text, not {kind_of(bad)}", site)
        if not before:
            return
        for keys, raw in locate(st):
            text = read_string(raw, info.site) if not is_cd else raw
            if text is None:
                continue
            if not isinstance(text, str):
                fail(f"replace works in text, but {info.site.text} is {kind_of(text)}", site)
            changed = text.replace(before, after)
            if changed == text:
                continue
            if is_cd:
                st.cd_set(keys[:-1], keys[-1], changed, None, site)
            else:
                _put(st, keys, changed, typ, raw, site)

    return run


# ------------------------------------------------------------------------------ swap


def _swap(left: PathInfo, right: PathInfo, site: Site) -> Action:
    if left.missing or right.missing:
        return _noop
    if _whole_custom_data(left) or _whole_custom_data(right):
        return _refuse(left if _whole_custom_data(left) else right, site)
    find_left, find_right = locator(left.steps), locator(right.steps)

    def run(st: State) -> None:
        a, b = find_left(st), find_right(st)
        if not a or not b:
            return
        (ka, va), (kb, vb) = a[0], b[0]
        if isinstance(ka[-1], CDKey) or isinstance(kb[-1], CDKey):
            _swap_custom_data(st, (ka, left.type), (kb, right.type), site)
            return
        ja, jb = shown_json(va, left.type), shown_json(vb, right.type)
        new_a, new_b = written(vb, left.type, site), written(va, right.type, site)
        if same_json(ja, new_a) and same_json(jb, new_b):
            return
        st.write(ka, new_a, site)
        st.write(kb, new_b, site)
        st.change(ka, ja, new_a)
        st.change(kb, jb, new_b)

    return run


def _swap_custom_data(
    st: State, left: tuple[Location, t.Type], right: tuple[Location, t.Type], site: Site
) -> None:
    """Swap where a side is a custom-data entry: each side takes the other's value (an entry
    keeps the other entry's type; a missing entry, or null, removes it)."""
    sides = [(keys, typ, _entry_at(st, keys), st.read(keys)) for keys, typ in (left, right)]
    for (keys, typ, _entry, _value), (_k, _t, other_entry, other_value) in (
        (sides[0], sides[1]),
        (sides[1], sides[0]),
    ):
        last = keys[-1]
        if isinstance(last, CDKey):
            if other_value is None:
                st.cd_remove(keys[:-1], last, site)
            else:
                kind = other_entry.get("type") if isinstance(other_entry, dict) else None
                st.cd_set(keys[:-1], last, other_value, kind, site)
        else:
            _put(st, keys, other_value, typ, _value, site)


def _entry_at(st: State, keys: Location) -> Any:
    last = keys[-1]
    if not isinstance(last, CDKey):
        return None
    data = st.read((*keys[:-1], "customData"))
    return data.get(last.map_key) if isinstance(data, dict) else None
