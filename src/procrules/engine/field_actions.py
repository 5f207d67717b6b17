"""Actions on a fields-only path (``set shippingStatus = …``, ``add "…" to tags``): their one
location is known at load time, so they skip the general locator of :mod:`procrules.engine.paths`
and, once the record is copied, the container walk of :class:`State`. The most common actions of
real rule sets; :mod:`procrules.engine.actions` picks these where they apply.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from procrules.engine.jsonform import shown_json, written
from procrules.engine.paths import location_text
from procrules.engine.state import same_json
from procrules.engine.values import EvalError, Site, fail, kind_of
from procrules.language import types as t

if TYPE_CHECKING:
    from procrules.engine.codegen import PathInfo
    from procrules.engine.state import State

Action = Callable[["State"], "str | None"]

#: What ``getattr(value, "constant", NOT_CONSTANT)`` gives for a value that is not a constant.
NOT_CONSTANT: Any = object()


def _field_at(rec: Any, parent: tuple[str, ...], last: str) -> tuple[bool, Any]:
    """Where a fields-only path leads: whether it has a location (no value that is not an
    object in the way) and the value there (``None`` where it leads nowhere)."""
    v = rec
    for name in parent:
        if v.__class__ is dict:
            v = v.get(name)
        elif v is not None:
            return False, None
    if v.__class__ is dict:
        return True, v.get(last)
    return v is None, None


def set_field(names: tuple[str, ...], typ: t.Type, value: Callable[..., Any], site: Site) -> Action:
    """``set`` of a fields-only path: :func:`_put` at its one location, found without the
    general locator."""
    parent, last = names[:-1], names[-1]
    text = location_text(names)
    text_field = typ.kind is t.Kind.STRING
    constant = getattr(value, "constant", NOT_CONSTANT)
    if not parent and text_field and constant.__class__ is str:
        return _set_text_of_top_field(last, constant, typ, site)

    def run(st: State) -> None:
        new = value(st, st.rec) if constant is NOT_CONSTANT else constant
        if parent:
            found, raw = _field_at(st.rec, parent, last)
            if not found:
                return
        else:
            raw = st.rec.get(last)
        if text_field and new.__class__ is str and (raw is None or raw.__class__ is str):
            if raw == new:
                return
            before, after = raw, new
        else:
            try:
                after = written(new, typ, None)
            except EvalError as exc:
                raise EvalError(f"cannot set {text}: {exc.message}", site) from None
            before = shown_json(raw, typ)
            if same_json(before, after):
                return
        rec = st.rec
        owned = st.owned
        if parent or owned is None or id(rec) not in owned:
            rec = st.container(parent, site)
        rec[last] = after
        st.change_at(text, before, after)

    return run


def _set_text_of_top_field(last: str, new: str, typ: t.Type, site: Site) -> Action:
    """``set forwarderCode = "PNL"``, the usual set: :func:`set_field` with the value and the
    location known at load time, :meth:`State.change_at` written out."""
    slow = set_field((last,), typ, lambda _st, _cur: new, site)
    path = location_text((last,))

    def run_set_text(st: State) -> None:
        rec = st.rec
        raw = rec.get(last)
        if raw is not None and raw.__class__ is not str:
            slow(st)  # a number or a bool given for a text field: its normal form decides
            return
        if raw == new:
            return
        owned = st.owned
        if owned is None or id(rec) not in owned:
            rec = st.container((), site)
        rec[last] = new
        rule = st.rule
        assert rule is not None
        st.changes.append((rule.ruleset, rule.name, path, raw, new))

    return run_set_text


def add_to_field(
    names: tuple[str, ...],
    info: PathInfo,
    element: t.Type,
    value: Callable[..., Any],
    site: Site,
) -> Action:
    """``add`` to a fields-only path (``tags``): at its one location."""
    parent, last = names[:-1], names[-1]
    text_items = element.kind is t.Kind.STRING
    constant = getattr(value, "constant", NOT_CONSTANT)
    if not parent and text_items and constant.__class__ is str:
        return _add_text_to_top_field(last, constant, info, element, site)

    def run(st: State) -> None:
        new = value(st, st.rec)
        if new is None:
            return
        found, raw = _field_at(st.rec, parent, last)
        if not found:
            return
        if raw is not None and raw.__class__ is not list:
            fail(f"cannot add to {info.site.text}: it is {kind_of(raw)}, not a list", site)
        item = new if new.__class__ is str and text_items else written(new, element, site)
        current = raw or []
        if already_in(item, current, element):
            return
        n = len(current)
        _append(st, st.container(parent, site), last, raw, item)
        st.change((*names, n), None, item)

    return run


def _add_text_to_top_field(
    last: str, item: str, info: PathInfo, element: t.Type, site: Site
) -> Action:
    """``add "text" to tags``, the usual add: :func:`add_to_field` with the item and the
    location known at load time, and its steps (:func:`already_in`, :meth:`State.change_at`)
    written out, as it runs for many rules of a record."""
    paths = tuple(location_text((last, n)) for n in range(_KNOWN_PATHS))

    def run_add_text(st: State) -> None:
        rec = st.rec
        raw = rec.get(last)
        if raw is None:
            n = 0
        elif raw.__class__ is list:
            if _STR_ONLY.issuperset(map(type, raw)):
                if item in raw:
                    return
            elif already_in(item, raw, element):
                return
            n = len(raw)
        else:
            fail(f"cannot add to {info.site.text}: it is {kind_of(raw)}, not a list", site)
        owned = st.owned
        if owned is None or id(rec) not in owned:
            rec = st.container((), site)
        _append(st, rec, last, raw, item)
        rule = st.rule
        assert rule is not None
        path = paths[n] if n < _KNOWN_PATHS else location_text((last, n))
        st.changes.append((rule.ruleset, rule.name, path, None, item))

    return run_add_text


#: how many change paths of a list field (``tags[0]`` …) an add keeps ready
_KNOWN_PATHS = 32


def _append(st: State, holder: dict[str, Any], last: str, raw: list[Any] | None, item: Any) -> None:
    """Put ``item`` at the end of the list ``raw`` at ``holder[last]`` (``holder`` is owned):
    in place when this evaluation made that list already, else into a copy it owns."""
    owned = st.owned
    assert owned is not None  # the holder is owned, so the record was copied
    if raw is not None and id(raw) in owned:
        raw.append(item)
    else:
        grown = [*(raw or ()), item]
        owned[id(grown)] = grown
        holder[last] = grown


_STR_ONLY = frozenset({str})


def already_in(item: Any, current: list[Any], element: t.Type) -> bool:
    """Whether ``add`` of ``item`` changes nothing: a string, number or bool already in the
    list (compared as JSON values in the list's normal form); a map or list is always added."""
    if isinstance(item, dict | list):
        return False
    if item.__class__ is str and _STR_ONLY.issuperset(map(type, current)):
        return item in current  # the usual list of tags: no conversion needed
    return any(same_json(item, shown_json(e, element)) for e in current)
