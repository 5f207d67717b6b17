"""The fast path of :func:`~procrules.records.normalize_record`: a hand-written normaliser for the
common case, with the pydantic models as the reference.

:func:`fast_normalize` gives exactly the JSON normal form that ``dump_record(parse_record(…))``
gives (same keys, same order, same values and types) for the records it accepts, and ``None`` for
anything unusual: any value it would have to refuse, and any input it does not handle itself (a
``Mapping`` that is not a ``dict``, a float where a string is expected, a ``CustomDataEntry``
object, …). The caller then takes the pydantic path, so every error message stays that path's.
A property test (``tests/records/test_fast_normalize.py``) checks the two agree.

The field tables are derived from the pydantic models at import time: a field whose type or
validators this module does not recognise is read as "unusual" (the record takes the pydantic
path), so a change to the model can make this path slower, never wrong. The values are read by
the same functions the models use (:mod:`~procrules.records.decimals`, ``coerce_value``,
``value_to_json``, the datetime readers and writers), with shortcuts for the usual values that
give the same result: a string is itself, a decimal already in plain form is its own text
(:func:`_decimal`), a JSON value is copied container by container (:func:`_json`).
"""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING, Any, Final, get_args, get_origin

from pydantic import (
    AfterValidator,
    BeforeValidator,
    PlainSerializer,
    PlainValidator,
    WrapSerializer,
    WrapValidator,
)

from procrules.records import customdata as cd
from procrules.records import decimals, model

if TYPE_CHECKING:
    from collections.abc import Mapping

    from procrules.records.base import OpenModel

__all__ = ["fast_normalize"]


class _Unusual(Exception):  # noqa: N818 - a signal, not an error
    """Raised inside the fast path: leave this record to the pydantic path."""


_MISSING: Final = object()

# Field kinds.
_STR, _DEC, _DATETIME, _DATE, _INT, _STRLIST, _STRMAP, _PART, _ROWS, _CD, _RTYPE, _BAIL = range(12)

Spec = tuple[tuple[str, int, Any], ...]

#: A decimal string in the form ``format_decimal`` writes: ``Decimal(s)`` formatted is ``s``.
_PLAIN_DECIMAL = re.compile(r"-?(?:0|[1-9][0-9]{0,40})(?:\.[0-9]{1,40})?").fullmatch
_INT_LIMIT = 10**40  # ints below this (in size) are in range and are their own str()
_MAX = decimals.MAX_EXPONENT


_VALIDATORS = (PlainValidator, BeforeValidator, AfterValidator, WrapValidator)
_SERIALIZERS = (PlainSerializer, WrapSerializer)


def _functions(meta: list[Any]) -> tuple[list[Any], list[Any]] | None:
    """The validator and the serializer functions of a field's ``Annotated`` metadata; ``None``
    when it holds anything else (a constraint, say)."""
    if not all(isinstance(m, _VALIDATORS + _SERIALIZERS) for m in meta):
        return None
    return (
        [m.func for m in meta if isinstance(m, _VALIDATORS)],
        [m.func for m in meta if isinstance(m, _SERIALIZERS)],
    )


#: (validators, serializers) of the scalar field types, and their kinds.
_SCALARS: list[tuple[list[Any], list[Any], int]] = [
    ([decimals._read_decimal], [decimals.format_decimal], _DEC),
    ([decimals._read_integer], [], _INT),
    ([model._read_datetime], [model._write_datetime], _DATETIME),
    ([model._read_date], [date.isoformat], _DATE),
]


def _kind(cls: type[OpenModel], name: str) -> tuple[int, Any]:
    """How the fast path reads field ``name`` of ``cls`` (``_BAIL`` when it cannot)."""
    info = cls.model_fields[name]
    functions = _functions(info.metadata)
    if functions is None:
        return _BAIL, None
    validators, serializers = functions
    annotation = info.annotation
    decorated = {
        field
        for dec in cls.__pydantic_decorators__.field_validators.values()
        for field in dec.info.fields
    }
    if name == "recordType" and issubclass(cls, model.Record):
        usual = annotation == (str | None) and not validators and not serializers
        return (_RTYPE, None) if usual else (_BAIL, None)
    if name in decorated or info.exclude or info.exclude_if is not None:
        return _BAIL, None
    for reads, writes, kind in _SCALARS:
        if validators == reads and serializers == writes:
            return kind, None
    if serializers:
        return _BAIL, None
    if name == "customData" and annotation == dict[str, cd.CustomDataEntry]:
        usual = validators == [cd._validate_map]
        return (_CD, None) if usual else (_BAIL, None)
    if annotation == (str | None) and not validators:
        return _STR, None
    if annotation == list[str] and validators == [model._empty_if_null]:
        return _STRLIST, None
    if annotation == dict[str, str] and validators == [model._empty_map_if_null]:
        return _STRMAP, None
    if get_origin(annotation) is list and validators == [model._empty_if_null]:
        (row,) = get_args(annotation)
        spec = _spec(row) if isinstance(row, type) and issubclass(row, model.Part) else None
        return (_BAIL, None) if spec is None else (_ROWS, spec)
    args = get_args(annotation)
    if not validators and len(args) == 2 and args[1] is type(None):
        part = args[0]
        spec = _spec(part) if isinstance(part, type) and issubclass(part, model.Part) else None
        return (_BAIL, None) if spec is None else (_PART, spec)
    return _BAIL, None


_SPECS: dict[type, tuple[Spec, frozenset[str]] | None] = {}


def _usual_model(cls: type[OpenModel]) -> bool:
    """The model has only the validators and serializers this module reproduces."""
    decorators = cls.__pydantic_decorators__
    return (
        set(decorators.model_validators) <= {"_normalize_extras"}
        and not decorators.model_serializers
        and not decorators.field_serializers
        and set(decorators.field_validators) <= {"_known_type"}
        and dict(cls.model_config) == {"extra": "allow", "coerce_numbers_to_str": True}
    )


def _spec(cls: type[OpenModel]) -> tuple[Spec, frozenset[str]] | None:
    """The fields of ``cls`` in declaration order with their kinds, and the set of their names;
    ``None`` for a model with validation this module does not reproduce."""
    if cls not in _SPECS:
        fields = tuple((name, *_kind(cls, name)) for name in cls.model_fields)
        _SPECS[cls] = (fields, frozenset(cls.model_fields)) if _usual_model(cls) else None
    return _SPECS[cls]


_RECORD_SPECS = {
    name: spec for name, cls in model.RECORD_TYPES.items() if (spec := _spec(cls)) is not None
}
_ENTRY_FIELDS = frozenset({"connectionId", "moduleId", "key", "type", "value"})
_ENTRY_USUAL = set(cd.CustomDataEntry.model_fields) == _ENTRY_FIELDS and set(
    cd.CustomDataEntry.__pydantic_decorators__.field_validators
) == {"_connection", "_module_or_key", "_type", "_value"}
_ENTRY_TYPES = frozenset(cd.CUSTOM_DATA_TYPES)


# ---------------------------------------------------------------------------------- values


def _text(value: Any) -> str | None:
    """A string field: a string, or an int's text (as ``coerce_numbers_to_str`` does)."""
    cls = value.__class__
    if cls is str or value is None:
        return value  # type: ignore[no-any-return]
    if cls is int:
        return str(value)
    raise _Unusual


def _decimal(value: Any) -> str | None:
    """A money field's normal form: ``format_decimal(to_decimal(value))``.

    Shortcuts for the usual inputs, which give the same text: a ``Decimal`` whose ``str`` has no
    exponent is written by ``format(…, "f")`` as that ``str`` (and when that text is at most
    ``MAX_EXPONENT`` long, neither exponent can be out of range); a plain decimal string is its
    own normal form; so is a small ``int``'s ``str``.
    """
    cls = value.__class__
    if cls is Decimal:
        if value.is_finite():
            text = str(value)
            if "E" not in text and len(text) <= _MAX:
                return text
    elif cls is str:
        if _PLAIN_DECIMAL(value):
            return value  # type: ignore[no-any-return]
    elif cls is int:
        if -_INT_LIMIT < value < _INT_LIMIT:
            return str(value)
    elif value is None:
        return None
    return decimals.format_decimal(decimals.to_decimal(value))


def _json(value: Any) -> Any:
    """``json_value(value)`` for the usual JSON values (a fresh copy of every container)."""
    cls = value.__class__
    if cls is str or cls is int or cls is bool or value is None:
        return value
    if cls is dict:
        out = {}
        for key, item in value.items():
            if key.__class__ is not str:
                raise _Unusual
            out[key] = _json(item)
        return out
    if cls is list:
        return [_json(item) for item in value]
    if cls is Decimal and value.is_finite():
        text = str(value)
        if "E" not in text and len(text) <= _MAX:  # in range, as for _decimal
            return value
    return decimals.json_value(value)


def _extras(obj: dict[Any, Any], out: dict[str, Any], names: frozenset[str]) -> None:
    """Copy the unknown fields of ``obj`` into ``out`` in their normal form, in input order."""
    for name, value in obj.items():
        if name not in names:
            if name.__class__ is not str:
                raise _Unusual
            out[name] = _json(value)


# ---------------------------------------------------------------------------------- models


def _part(obj: Any, spec: tuple[Spec, frozenset[str]]) -> dict[str, Any]:
    """One model's normal form: the fields ``obj`` has in declaration order, then its extras."""
    if obj.__class__ is not dict:
        raise _Unusual
    fields, names = spec
    out: dict[str, Any] = {}
    get = obj.get
    for name, kind, arg in fields:
        value = get(name, _MISSING)
        if value is _MISSING:
            continue
        if kind == _STR:
            out[name] = value if value.__class__ is str else _text(value)
        elif kind == _DEC:
            out[name] = _decimal(value)
        elif kind == _CD:
            out[name] = _custom_data(value)
        elif kind == _ROWS:
            if value is None:
                out[name] = []
            elif value.__class__ is list:
                out[name] = [_part(row, arg) for row in value]
            else:
                raise _Unusual
        elif kind == _PART:
            out[name] = None if value is None else _part(value, arg)
        elif kind == _RTYPE:
            out[name] = value  # checked by fast_normalize
        elif kind == _STRLIST:
            if value is None:
                out[name] = []
            elif value.__class__ is list:
                out[name] = [item if item.__class__ is str else _str_item(item) for item in value]
            else:
                raise _Unusual
        elif value is None:
            if kind == _STRMAP:
                out[name] = {}
            elif kind == _BAIL:
                raise _Unusual
            else:
                out[name] = None
        elif kind == _DATETIME:
            out[name] = model._write_datetime(model._read_datetime(value))  # type: ignore[arg-type]
        elif kind == _DATE:
            out[name] = model._read_date(value).isoformat()  # type: ignore[union-attr]
        elif kind == _INT:
            out[name] = decimals.to_integer(value)
        elif kind == _STRMAP:
            out[name] = _str_map(value)
        else:
            raise _Unusual
    if len(out) != len(obj):
        _extras(obj, out, names)
    return out


def _str_item(item: Any) -> str:
    text = _text(item)
    if text is None:
        raise _Unusual
    return text


def _str_map(value: Any) -> dict[str, str]:
    if value.__class__ is not dict:
        raise _Unusual
    out: dict[str, str] = {}
    for key, item in value.items():
        if key.__class__ is not str:
            raise _Unusual
        out[key] = item if item.__class__ is str else _str_item(item)
    return out


def _custom_data(value: Any) -> dict[str, Any]:
    """A ``customData`` map's normal form (entries keep their order)."""
    if value is None:
        return {}
    if value.__class__ is not dict or not _ENTRY_USUAL:
        raise _Unusual
    out: dict[str, Any] = {}
    for map_key, entry in value.items():
        if map_key.__class__ is not str or entry.__class__ is not dict:
            raise _Unusual
        parts = map_key.split("|")
        if len(parts) != 3:
            raise _Unusual
        conn_part, module_part, key_part = parts
        if not module_part or not key_part:
            raise _Unusual
        given = 2  # type and value: both required
        conn = entry.get("connectionId", _MISSING)
        if conn is _MISSING:
            conn = conn_part  # filled in from the key ("" stays absent)
        elif conn is None or conn == "":
            given += 1
            if conn_part:
                raise _Unusual  # disagrees with the key
        elif conn.__class__ is str and conn == conn_part:
            given += 1
        else:
            raise _Unusual
        module = entry.get("moduleId", _MISSING)
        if module is not _MISSING:
            given += 1
            if module.__class__ is not str or module != module_part:
                raise _Unusual
        key = entry.get("key", _MISSING)
        if key is not _MISSING:
            given += 1
            if key.__class__ is not str or key != key_part:
                raise _Unusual
        value_type = entry.get("type")
        if value_type.__class__ is not str or value_type not in _ENTRY_TYPES:
            raise _Unusual
        raw = entry.get("value", _MISSING)
        if raw is _MISSING:
            raise _Unusual
        written: Any
        if value_type == "string" and raw.__class__ is str:
            written = raw
        elif value_type == "json" and raw.__class__ is not str:
            written = _json(raw)  # coerce_value and value_to_json change no other JSON value
        elif value_type == "decimal" and raw is not None:
            written = _decimal(raw)
        else:
            written = cd.value_to_json(value_type, cd.coerce_value(value_type, raw))
        normal: dict[str, Any] = (
            {"connectionId": conn, "moduleId": module_part, "key": key_part}
            if conn
            else {"moduleId": module_part, "key": key_part}
        )
        normal["type"] = value_type
        normal["value"] = written
        if len(entry) != given:
            _extras(entry, normal, _ENTRY_FIELDS)
        out[map_key] = normal
    return out


# ---------------------------------------------------------------------------------- records


def fast_normalize(obj: Mapping[str, Any], record_type: str | None = None) -> dict[str, Any] | None:
    """The JSON normal form of ``obj`` as ``normalize_record`` gives it, or ``None`` when the
    record is anything but usual (then the pydantic path decides, and words any error)."""
    if obj.__class__ is not dict:
        return None
    named = obj.get("recordType")
    if record_type is None:
        record_type = "Order" if named is None else named
    if named is not None and named != record_type:
        return None
    spec = _RECORD_SPECS.get(record_type) if record_type.__class__ is str else None
    if spec is None:
        return None
    try:
        return _part(obj, spec)
    except Exception:  # noqa: BLE001 - anything unusual goes the pydantic way
        return None
