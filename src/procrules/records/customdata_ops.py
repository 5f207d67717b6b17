"""Custom data operations on the JSON form: lookup (with ``*``), typed values, and the writes
(upsert, removal) with the ownership rule enforced by the writes themselves.

The engine works on records in their JSON normal form, where ``customData`` is a plain dict of
map key -> entry dict; every function here takes that dict directly. Lookups by an exact key are
one dict access; a key with ``*`` parts is matched part by part (:func:`key_matcher` compiles a
matcher once). ``lookup`` only reads map keys, so it works on a map of
:class:`~procrules.records.customdata.CustomDataEntry` as well.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import TYPE_CHECKING, Any, TypeVar

from procrules.records.customdata import (
    CustomDataEntry,
    CustomDataError,
    CustomDataType,
    OwnershipError,
    coerce_value,
    compose_key,
    infer_type,
    value_to_json,
)
from procrules.records.decimals import show_value

if TYPE_CHECKING:
    from collections.abc import Callable, Mapping, MutableMapping

__all__ = [
    "WILDCARD",
    "check_write",
    "entry_value",
    "get_value",
    "key_matcher",
    "lookup",
    "lookup_values",
    "make_entry",
    "remove",
    "remove_matching",
    "upsert",
]

WILDCARD = "*"
"""A key part that is exactly ``*`` matches any value of that part (the empty connection too)."""

V = TypeVar("V")


@lru_cache(maxsize=1024)
def key_matcher(connection: str | None, module: str, key: str) -> Callable[[str], bool]:
    """A predicate on map keys matching ``connection|module|key``; a ``*`` part matches any.

    Compiled once per pattern (cached), so it can be called for every key of every record.
    """
    pattern = r"\|".join(
        "[^|]*" if part == WILDCARD else re.escape(part) for part in (connection or "", module, key)
    )
    fullmatch = re.compile(pattern).fullmatch
    return lambda map_key: fullmatch(map_key) is not None


def lookup(
    custom_data: Mapping[str, V], connection: str | None, module: str, key: str
) -> list[tuple[str, V]]:
    """The ``(map key, entry)`` pairs matching ``connection|module|key``, in map order.

    ``None`` or ``""`` as the connection means no connection; a part that is exactly ``*``
    matches any value. Without ``*`` this is a single dict access.
    """
    conn = connection or ""
    if WILDCARD not in (conn, module, key):
        map_key = f"{conn}|{module}|{key}"
        entry = custom_data.get(map_key)
        return [] if entry is None else [(map_key, entry)]
    matches = key_matcher(conn, module, key)
    return [(k, e) for k, e in custom_data.items() if matches(k)]


def entry_value(entry: Mapping[str, Any] | CustomDataEntry) -> Any:
    """The typed value of an entry: str, bool, int, Decimal or a JSON value."""
    if isinstance(entry, CustomDataEntry):
        return entry.value
    return coerce_value(entry.get("type", ""), entry.get("value"))


def lookup_values(
    custom_data: Mapping[str, Any], connection: str | None, module: str, key: str
) -> list[Any]:
    """The typed values of the entries matching ``connection|module|key`` (see :func:`lookup`)."""
    return [entry_value(e) for _, e in lookup(custom_data, connection, module, key)]


def get_value(custom_data: Mapping[str, Any], connection: str | None, module: str, key: str) -> Any:
    """The typed value stored under the exact key ``connection|module|key``, or ``None``."""
    entry = custom_data.get(f"{connection or ''}|{module}|{key}")
    return None if entry is None else entry_value(entry)


def _shown_key(connection: str, module: str, key: str) -> str:
    """The key as the rule language writes it: ``customData[c|m|k]``, quoted only when a part
    holds what the bare form cannot (``]``, a quote, white space)."""
    text = f"{connection}|{module}|{key}"
    if any(ch in text for ch in ']"') or any(ch.isspace() for ch in text):
        return f"customData[{show_value(text)}]"
    return f"customData[{text}]"


def check_write(
    connection: str | None, module: str, key: str, writer_connection: str | None
) -> str:
    """Check that ``writer_connection`` may write the entry ``connection|module|key``.

    A write needs a valid key with no ``*``, and either an ``x-`` module or the writer's own
    connection as the entry's connection. Returns the map key; raises :class:`CustomDataError`
    for an invalid key and :class:`OwnershipError` for a write the writer does not own.
    """
    conn = connection or ""
    where = _shown_key(conn, module, key)
    if WILDCARD in conn or WILDCARD in module or WILDCARD in key:
        raise CustomDataError(f'cannot write {where}: "*" is not allowed in a written key')
    try:
        map_key = compose_key(conn, module, key)
    except CustomDataError as exc:
        raise CustomDataError(f"cannot write {where}: {exc}") from None
    if module.startswith("x-") or (conn and conn == writer_connection):
        return map_key
    owner = f"connection {show_value(conn)}" if conn else "no connection"
    writer = f"connection {show_value(writer_connection)}" if writer_connection else "no connection"
    raise OwnershipError(
        f"cannot write {where}: module {show_value(module)} is not an x- module and the entry "
        f"belongs to {owner} (writer: {writer})"
    )


def make_entry(
    connection: str | None,
    module: str,
    key: str,
    value: object,
    value_type: CustomDataType | None = None,
) -> dict[str, Any]:
    """A valid entry in JSON normal form; the type is inferred from the value unless given.

    Checks the key and the value but not ownership (see :func:`check_write`).
    """
    compose_key(connection, module, key)
    if value_type is None:
        value_type = infer_type(value)
    typed = coerce_value(value_type, value)
    entry: dict[str, Any] = {"connectionId": connection} if connection else {}
    entry.update(moduleId=module, key=key, type=value_type, value=value_to_json(value_type, typed))
    return entry


def upsert(
    custom_data: MutableMapping[str, Any],
    connection: str | None,
    module: str,
    key: str,
    value: object,
    value_type: CustomDataType | None = None,
    *,
    writer_connection: str | None,
) -> dict[str, Any] | None:
    """Create or update the one entry ``connection|module|key`` (never the whole map).

    The type is inferred from ``value`` unless ``value_type`` names it. Unknown fields of an
    entry being updated are kept. Returns the entry that was replaced, or ``None``.
    Raises :class:`OwnershipError` / :class:`CustomDataError` before changing anything.
    """
    map_key = check_write(connection, module, key, writer_connection)
    entry = make_entry(connection, module, key, value, value_type)
    previous: dict[str, Any] | None = custom_data.get(map_key)
    if previous:
        entry.update((k, v) for k, v in previous.items() if k not in entry and k != "connectionId")
    custom_data[map_key] = entry
    return previous


def remove(
    custom_data: MutableMapping[str, Any],
    connection: str | None,
    module: str,
    key: str,
    *,
    writer_connection: str | None,
) -> dict[str, Any] | None:
    """Remove the entry ``connection|module|key`` (no ``*``); returns it, or ``None`` if absent.

    Ownership is checked whether or not the entry exists.
    """
    map_key = check_write(connection, module, key, writer_connection)
    removed: dict[str, Any] | None = custom_data.pop(map_key, None)
    return removed


def remove_matching(
    custom_data: MutableMapping[str, Any],
    connection: str | None,
    module: str,
    key: str,
    *,
    writer_connection: str | None,
) -> list[tuple[str, Any]]:
    """Remove every entry matching ``connection|module|key``; returns the removed pairs.

    ``*`` is allowed only as the whole connection or key part, and only for an ``x-`` module
    (LANGUAGE.md §12); without ``*`` this is :func:`remove`.
    """
    conn = connection or ""
    if WILDCARD not in conn and WILDCARD not in module and WILDCARD not in key:
        removed = remove(custom_data, conn, module, key, writer_connection=writer_connection)
        return [] if removed is None else [(compose_key(conn, module, key), removed)]
    where = _shown_key(conn, module, key)
    partial = (WILDCARD in conn and conn != WILDCARD) or (WILDCARD in key and key != WILDCARD)
    if partial or WILDCARD in module or not module.startswith("x-"):
        raise CustomDataError(
            f'cannot remove {where}: "*" is allowed only as the whole connection or key part '
            "of an x- module"
        )
    try:
        compose_key(conn, module, key)
    except CustomDataError as exc:
        raise CustomDataError(f"cannot remove {where}: {exc}") from None
    matched = lookup(custom_data, conn, module, key)
    for map_key, _ in matched:
        del custom_data[map_key]
    return matched
