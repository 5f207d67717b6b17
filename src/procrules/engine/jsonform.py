"""The JSON normal form of values, directed by their static type (RECORDS.md's output rules).

What the engine writes into the working record and reports as a change's ``before``/``after`` is
JSON in the records package's normal form: decimal fields as strings with their exact digits
(numbers in ``json`` custom data and unknown fields stay numbers, ``Decimal`` when not whole),
datetimes as ISO 8601 (``Z`` for UTC), dates as ISO dates, custom-data entries normalised. The
walker follows the schema type of the place the value belongs to, so ``1`` written into a decimal
field is ``"1"`` and a row added from a map literal gets its decimals as strings.

:func:`written` is strict (a value that does not fit its field is an evaluation error: nothing
invalid is ever written); :func:`shown_json` is lenient (for the ``before`` of a change, and the
fallback form of a record that the record model cannot read): it never raises.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any

from procrules.engine.values import EvalError, Site, fail, read_date, read_datetime, shown
from procrules.language import types as t
from procrules.records import (
    CustomDataError,
    coerce_value,
    format_decimal,
    json_value,
    to_decimal,
    to_integer,
    value_to_json,
)

_ZERO = timedelta(0)
_ENTRY_FIELDS = ("connectionId", "moduleId", "key", "type", "value")


def datetime_text(moment: datetime) -> str:
    """A datetime as the record model writes it: ISO 8601, ``Z`` for UTC."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    text = moment.isoformat()
    if moment.utcoffset() == _ZERO and text.endswith("+00:00"):
        return text[:-6] + "Z"
    return text


def plain(value: Any) -> Any:
    """Any engine value in JSON form without a schema (as :func:`procrules.records.json_value`
    has it: numbers stay numbers, exact ``Decimal`` for non-integers), times as ISO text."""
    if value is None or value.__class__ in (str, int, bool):
        return value
    if isinstance(value, Decimal | float):
        return to_decimal(value)
    if isinstance(value, datetime):
        return datetime_text(value)
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, dict):
        return {str(k): plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [plain(v) for v in value]
    return json_value(value)


def written(value: Any, typ: t.Type, site: Site | None) -> Any:
    """``value`` in the normal form of a field of type ``typ``; raises :class:`EvalError`."""
    try:
        return _normal(value, typ)
    except (ValueError, TypeError, EvalError) as exc:
        message = exc.message if isinstance(exc, EvalError) else str(exc)
        fail(f"{site.text + ': ' if site and site.text else ''}{message}", site)


def shown_json(value: Any, typ: t.Type) -> Any:
    """``value`` in normal form where it can be, else as plain JSON; never raises. An object or
    list is shown part by part: only a part that is no JSON at all (NaN, an object of another
    class) becomes its text."""
    try:
        return _normal(value, typ)
    except (ValueError, TypeError, EvalError):
        pass
    if isinstance(value, dict):
        if typ.kind is t.Kind.CUSTOM_DATA:
            return {str(k): _shown_entry(k, e) for k, e in value.items()}
        return {str(k): shown_json(v, _part_type(typ, k)) for k, v in value.items()}
    if isinstance(value, list | tuple):
        element = (typ.element or t.ANY) if typ.kind is t.Kind.LIST else t.ANY
        return [shown_json(v, element) for v in value]
    try:
        return plain(value)
    except (ValueError, TypeError):
        return shown(value)


def _part_type(typ: t.Type, key: Any) -> t.Type:
    if typ.kind is t.Kind.OBJECT:
        return (typ.fields or {}).get(key, t.ANY)
    if typ.kind is t.Kind.MAP:
        return typ.element or t.ANY
    if typ.kind is t.Kind.CUSTOM_DATA:
        return t.CUSTOM_DATA
    return t.ANY


def _shown_entry(map_key: Any, entry: Any) -> Any:
    try:
        return normal_entry(str(map_key), entry)
    except (ValueError, TypeError):
        return shown_json(entry, t.ANY)


def _normal(value: Any, typ: t.Type) -> Any:
    kind = typ.kind
    if value is None:
        if kind is t.Kind.LIST:
            return []
        if kind is t.Kind.CUSTOM_DATA:
            return {}
        return None
    if kind is t.Kind.STRING:
        if isinstance(value, str):
            return value
        if isinstance(value, int | Decimal | float) and not isinstance(value, bool):
            return str(value) if isinstance(value, int) else format_decimal(to_decimal(value))
        raise ValueError(f"not a string: {shown(value)}")
    if kind is t.Kind.DECIMAL:
        return format_decimal(to_decimal(value))
    if kind is t.Kind.INTEGER:
        return to_integer(value)
    if kind is t.Kind.BOOL:
        if isinstance(value, bool):
            return value
        raise ValueError(f"not a bool (true or false): {shown(value)}")
    if kind is t.Kind.DATETIME:
        moment = read_datetime(value.isoformat() if isinstance(value, date) else value, None)
        return datetime_text(moment) if moment is not None else None
    if kind is t.Kind.DATE:
        if isinstance(value, datetime):
            return value.astimezone(UTC).date().isoformat()
        day = read_date(value, None)
        return day.isoformat() if day is not None else None
    if kind is t.Kind.LIST:
        if not isinstance(value, list | tuple):
            raise ValueError(f"not a list: {shown(value)}")
        element = typ.element or t.ANY
        return [_normal(v, element) for v in value]
    if kind is t.Kind.MAP:
        if not isinstance(value, dict):
            raise ValueError(f"not a map: {shown(value)}")
        element = typ.element or t.ANY
        return {k: _normal(v, element) for k, v in value.items()}
    if kind is t.Kind.OBJECT:
        if not isinstance(value, dict):
            raise ValueError(f"not an object: {shown(value)}")
        fields = typ.fields or {}
        return {k: _normal(v, fields.get(k, t.ANY)) for k, v in value.items()}
    if kind is t.Kind.CUSTOM_DATA:
        if not isinstance(value, dict):
            raise ValueError(f"not a custom data map: {shown(value)}")
        return {k: normal_entry(k, e) for k, e in value.items()}
    return plain(value)


def entry_json_value(entry: Any) -> Any:
    """A custom-data entry's value in its JSON form (as output writes it)."""
    if not isinstance(entry, dict):
        return plain(entry)
    kind = entry.get("type")
    raw = entry.get("value")
    try:
        return value_to_json(str(kind), coerce_value(str(kind), raw))
    except CustomDataError:
        return plain(raw)


def normal_entry(map_key: str, entry: Any) -> Any:
    """One custom-data entry in normal form: key parts filled in from the map key, the value in
    the JSON form of its type, ``connectionId`` left out for an entry of no connection."""
    if not isinstance(entry, dict):
        return plain(entry)
    parts = map_key.split("|")
    conn = entry.get("connectionId", parts[0] if len(parts) == 3 else None)
    out: dict[str, Any] = {"connectionId": plain(conn)} if conn else {}
    if len(parts) == 3:
        out["moduleId"] = plain(entry.get("moduleId", parts[1]))
        out["key"] = plain(entry.get("key", parts[2]))
    out.update((k, plain(entry[k])) for k in ("moduleId", "key", "type") if k in entry)
    if "value" in entry or "type" in entry:
        out["value"] = entry_json_value(entry)
    out.update((k, plain(v)) for k, v in entry.items() if k not in _ENTRY_FIELDS)
    return out
