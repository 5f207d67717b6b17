"""Compiled paths: multi-valued readers, ``exists`` tests, write locators and concrete path text.

A path is compiled once, at load time, into a tuple of :class:`Step` objects (the code generator
resolves field names, static types and ``[where …]`` predicates); this module turns the steps into
closures. Single-valued paths never come here: the generator reads them inline with ``dict.get``.
The semantics are jsonpath-ng's, with LANGUAGE.md's null rules: a step that leads nowhere gives
``null`` (inside ``[*]`` one ``null`` per element), ``[*]``/``[where]`` over nothing give no value.

A *location* is the concrete place a write goes to: a tuple of keys from the record's root (field
names, 0-based list indexes, map keys, and :class:`CDKey` for a custom-data entry of the object
reached so far). Writes resolve their locations first, read-only, then write copy-on-write.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from procrules.engine.values import Site, fail
from procrules.language.grammar import RESERVED_WORDS
from procrules.records import CustomDataError, check_write, coerce_value

if TYPE_CHECKING:
    from procrules.engine.state import State

Pred = Callable[["State", Any], Any]
Values = list[Any]
Location = tuple[Any, ...]


class CDKey:
    """A custom-data entry as a location key: ``holder["customData"][map_key]``."""

    __slots__ = (
        "connection",
        "head",
        "key",
        "map_key",
        "matches",
        "module",
        "open",
        "suffix",
        "text",
        "wild",
    )

    def __init__(self, connection: str, module: str, key: str) -> None:
        self.connection = connection
        self.module = module
        self.key = key
        self.map_key = f"{connection}|{module}|{key}"
        self.text = f"customData[{self.map_key}]"  #: the change path of the record's own entry
        self.wild = "*" in (connection, module, key)
        self.matches = _key_matcher(connection, module, key) if self.wild else None
        # ``*|module|key``, the usual wildcard, is a suffix test on the map keys.
        only_connection = connection == "*" and "*" not in (module, key)
        self.suffix = f"|{module}|{key}" if only_connection else None
        #: a ``string`` entry of this key without its value (copied for each entry written)
        self.head: dict[str, str] = {"connectionId": connection} if connection else {}
        self.head.update(moduleId=module, key=key, type="string")
        #: any writer may write this entry (a valid key of an ``x-`` module): a write of it
        #: needs no ownership check at run time
        self.open = module.startswith("x-") and _writable(connection, module, key)

    def selects(self, map_key: str) -> bool:
        """Whether this key (a pattern when it has a ``*``) takes the entry ``map_key``."""
        if self.suffix is not None:
            return map_key.endswith(self.suffix) and map_key.count("|") == 2
        if self.matches is not None:
            return self.matches(map_key)
        return map_key == self.map_key

    def __eq__(self, other: object) -> bool:
        return isinstance(other, CDKey) and other.map_key == self.map_key

    def __hash__(self) -> int:
        return hash(("CDKey", self.map_key))

    def __repr__(self) -> str:
        return f"CDKey({self.map_key!r})"


def _writable(connection: str, module: str, key: str) -> bool:
    try:
        check_write(connection, module, key, None)
    except CustomDataError:
        return False
    return True


def _key_matcher(connection: str, module: str, key: str) -> Callable[[str], bool]:
    """A predicate on map keys; a part that is exactly ``*`` matches any value of that part
    (the empty connection too)."""
    wanted = [(i, part) for i, part in enumerate((connection, module, key)) if part != "*"]

    def matches(k: str) -> bool:
        parts = k.split("|")
        return len(parts) == 3 and all(parts[i] == part for i, part in wanted)

    return matches


class Step:
    """One compiled path segment.

    ``kind`` is ``field`` (``name``; ``missing`` when the record type has no such field, so the
    path is null), ``index`` (``index``), ``wild``, ``where`` (``pred``) or ``cd`` (``cd``, with
    ``wild`` set when a part is ``*``).
    """

    __slots__ = ("cd", "index", "kind", "missing", "name", "pred", "site", "wild")

    def __init__(
        self,
        kind: str,
        *,
        name: str = "",
        index: int = 0,
        pred: Pred | None = None,
        cd: CDKey | None = None,
        site: Site | None = None,
        missing: bool = False,
    ) -> None:
        self.kind = kind
        self.name = name
        self.index = index
        self.pred = pred
        self.cd = cd
        self.site = site
        self.missing = missing
        self.wild = cd is not None and cd.wild


# ---------------------------------------------------------------------------- custom data


def entry_typed(entry: Any, site: Site | None) -> Any:
    """The typed value of an entry in JSON form, read as the records package reads it (a string
    may hold any type; a json string is JSON text when it is valid JSON, else the string)."""
    if entry.__class__ is not dict:
        return None
    kind = entry.get("type")
    raw = entry.get("value")
    if kind == "string" and raw.__class__ is str:
        return raw
    if raw is None:
        return None
    try:
        return coerce_value(str(kind), raw)
    except CustomDataError as exc:
        fail(f"custom data {_entry_name(entry)}: {exc}", site)


def _entry_name(entry: dict[str, Any]) -> str:
    conn = entry.get("connectionId") or ""
    return f"[{conn}|{entry.get('moduleId')}|{entry.get('key')}]"


def cd_map(holder: Any) -> dict[str, Any] | None:
    if holder.__class__ is not dict:
        return None
    found = holder.get("customData")
    return found if found.__class__ is dict else None


def cd_value(holder: Any, map_key: str, site: Site | None) -> Any:
    """The typed value of the entry ``map_key`` of ``holder``'s custom data, or ``None``."""
    if holder.__class__ is not dict:
        return None
    found = holder.get("customData")
    if found.__class__ is not dict:
        return None
    entry = found.get(map_key)
    return None if entry is None else entry_typed(entry, site)


def cd_values(holder: Any, cd: CDKey, site: Site | None) -> list[Any]:
    """The typed values of the entries of ``holder``'s custom data that ``cd`` matches."""
    data = holder.get("customData") if holder.__class__ is dict else None
    if data.__class__ is not dict or not data:
        return []
    suffix = cd.suffix
    if suffix is None:
        return [entry_typed(data[k], site) for k in matching_keys(cd, data)]
    # ``*|module|key``, the usual wildcard: one pass, a string entry's text taken as it is.
    out: list[Any] = []
    for k, entry in data.items():
        if k.endswith(suffix) and k.count("|") == 2:
            if (
                entry.__class__ is dict
                and entry.get("type") == "string"
                and (raw := entry.get("value")).__class__ is str
            ):
                out.append(raw)
            else:
                out.append(entry_typed(entry, site))
    return out


def cd_values_of(st: State, holder: Any, cd: CDKey, site: Site | None) -> list[Any]:
    """:func:`cd_values`, remembered for the rest of the evaluation: many rules read the same
    wildcard (``customData[*|connector.woocommerce|…]``) of the same object. A custom-data write
    (:meth:`State.cd_set`, :meth:`State.cd_remove`: the only way a map changes in place) makes
    the state forget the reads of that map that the written key matches; a map that is replaced
    is another object (the memory holds a reference, so its id is not reused). The modules of
    the remembered patterns are kept too: a write of another module's entry (``x-…``, the usual
    write) forgets nothing and need not look."""
    data = holder.get("customData") if holder.__class__ is dict else None
    if data.__class__ is not dict or not data:
        return []
    memo = st.cd_memo
    key = (id(data), cd.map_key)
    if memo is None:
        memo = st.cd_memo = {}
    else:
        found = memo.get(key)
        if found is not None and found[0] is data:
            return found[1]
    values = cd_values(holder, cd, site)
    memo[key] = (data, values, cd)
    st.cd_memo_modules.add(cd.module)
    return values


def items(value: Any) -> Any:
    """What ``[*]`` ranges over: a list's elements, a map's values, else nothing."""
    if value.__class__ is list:
        return value
    if value.__class__ is dict:
        return value.values()
    return ()


def index(value: Any, i: int) -> Any:
    """``value[i]`` for a list (negative from the end), else ``None``."""
    if value.__class__ is list and -len(value) <= i < len(value):
        return value[i]
    return None


def subscript(target: Any, key: Any) -> Any:
    """``CONST[key]``: a map's value by key, a list's element by index; else null."""
    if key is None:
        return None
    if isinstance(target, dict):
        return target.get(key) if isinstance(key, str) else None
    if isinstance(target, list) and isinstance(key, int) and not isinstance(key, bool):
        return index(target, key)
    return None


def matching_keys(cd: CDKey, data: dict[str, Any] | None) -> list[str]:
    if not data:
        return []
    suffix = cd.suffix
    if suffix is not None:
        return [k for k in data if k.endswith(suffix) and k.count("|") == 2]
    matches = cd.matches
    if matches is None:
        return [cd.map_key] if cd.map_key in data else []
    return [k for k in data if matches(k)]


# ---------------------------------------------------------------------------- reading


def _step_values(step: Step, st: State, values: Values) -> Values:
    kind = step.kind
    if kind == "field":
        if step.missing:
            return [None] * len(values)
        name = step.name
        return [v.get(name) if v.__class__ is dict else None for v in values]
    if kind == "index":
        i = step.index
        return [index(v, i) for v in values]
    if kind == "cd":
        assert step.cd is not None
        if not step.wild:
            key, site = step.cd.map_key, step.site
            return [cd_value(v, key, site) for v in values]
        out: Values = []
        for v in values:
            data = cd_map(v)
            for k in matching_keys(step.cd, data):
                out.append(entry_typed(data[k], step.site))  # type: ignore[index]
        return out
    out = []
    pred = step.pred
    for v in values:
        items = v if v.__class__ is list else v.values() if v.__class__ is dict else ()
        if pred is None:
            out.extend(items)
        else:
            out.extend(e for e in items if pred(st, e))
    return out


def exists_test(steps: tuple[Step, ...]) -> Callable[[State, Any], bool]:
    """``exists <path>``: the last step finds something (a field present whatever its value, an
    index in range, an element, a custom-data entry)."""
    *head, last = steps

    def test(st: State, cur: Any) -> bool:
        values: Values = [cur]
        for step in head:
            values = _step_values(step, st, values)
        for v in values:
            if last.kind == "field":
                if not last.missing and v.__class__ is dict and last.name in v:
                    return True
            elif last.kind == "index":
                if v.__class__ is list and -len(v) <= last.index < len(v):
                    return True
            elif last.kind == "cd":
                assert last.cd is not None
                if matching_keys(last.cd, cd_map(v)):
                    return True
            elif _step_values(last, st, [v]):
                return True
        return False

    return test


# ---------------------------------------------------------------------------- locating


def locator(steps: tuple[Step, ...]) -> Callable[[State], list[tuple[Location, Any]]]:
    """The concrete locations a write path selects, with the value now at each (read-only).

    A field step through a missing object still yields a location (``set a.b = v`` creates
    ``a``); an index past the end, or a field of a record type that lacks it, yields none.
    """

    def locate(st: State) -> list[tuple[Location, Any]]:
        found: list[tuple[Location, Any]] = [((), st.rec)]
        for step in steps:
            found = _locate_step(step, st, found)
            if not found:
                break
        return found

    return locate


def _locate_step(
    step: Step, st: State, found: list[tuple[Location, Any]]
) -> list[tuple[Location, Any]]:
    out: list[tuple[Location, Any]] = []
    kind = step.kind
    for keys, v in found:
        if kind == "field":
            if step.missing:
                continue
            if v.__class__ is dict:
                out.append(((*keys, step.name), v.get(step.name)))
            elif v is None:
                out.append(((*keys, step.name), None))
        elif kind == "index":
            if v.__class__ is list and -len(v) <= step.index < len(v):
                i = step.index % len(v)
                out.append(((*keys, i), v[i]))
        elif kind == "cd":
            assert step.cd is not None
            if v.__class__ is not dict and v is not None:
                continue
            data = cd_map(v)
            if not step.wild:
                entry = data.get(step.cd.map_key) if data else None
                value = None if entry is None else entry_typed(entry, step.site)
                out.append(((*keys, step.cd), value))
                continue
            for k in matching_keys(step.cd, data):
                conn, module, key = k.split("|")
                out.append(((*keys, CDKey(conn, module, key)), entry_typed(data[k], step.site)))  # type: ignore[index]
        elif v.__class__ is list:
            out.extend(
                ((*keys, i), e) for i, e in enumerate(v) if step.pred is None or step.pred(st, e)
            )
        elif v.__class__ is dict:
            out.extend(
                ((*keys, k), e) for k, e in v.items() if step.pred is None or step.pred(st, e)
            )
    return out


# ---------------------------------------------------------------------------- path text

_IDENT = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_RESERVED = frozenset(RESERVED_WORDS)  # such a field is written ["in"] in a path


@lru_cache(maxsize=4096)
def location_text(keys: Location) -> str:
    """A location as the change's ``path``: ``rows[2].sku``, ``customData[c|m|k]``,
    ``attributes["Colour name"]``, ``$["in"]`` (remembered: the same locations recur record
    after record)."""
    out = ""
    for k in keys:
        if isinstance(k, CDKey):
            out += ("." if out else "") + f"customData[{k.map_key}]"
        elif isinstance(k, int):
            out += f"[{k}]"
        elif _IDENT.fullmatch(k) and k not in _RESERVED:
            out += ("." if out else "") + k
        else:
            out += ("" if out else "$") + "[" + json.dumps(k, ensure_ascii=False) + "]"
    return out
