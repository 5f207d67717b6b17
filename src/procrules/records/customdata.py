"""Custom data: the entry model, its value types, the ``connectionId|moduleId|key`` map key, and
validation of a whole ``customData`` map (as the seed documents and RECORDS.md define them).

Reading, writing and ownership of entries in the JSON form (what the engine works on) live in
:mod:`procrules.records.customdata_ops`.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from decimal import Decimal
from typing import TYPE_CHECKING, Annotated, Any, Literal, get_args

from pydantic import (
    Field,
    ValidationError,
    ValidationInfo,
    WrapValidator,
    field_serializer,
    field_validator,
)

from procrules.records.base import OpenModel, errors_of, raise_errors
from procrules.records.decimals import (
    format_decimal,
    json_value,
    show_value,
    to_decimal,
    to_integer,
)

if TYPE_CHECKING:
    from pydantic import ValidatorFunctionWrapHandler

__all__ = [
    "CUSTOM_DATA_TYPES",
    "CustomDataEntry",
    "CustomDataError",
    "CustomDataMap",
    "CustomDataType",
    "OwnershipError",
    "coerce_value",
    "compose_key",
    "dump_entry",
    "infer_type",
    "parse_key",
    "value_to_json",
]

CustomDataType = Literal["string", "bool", "integer", "decimal", "json"]
CUSTOM_DATA_TYPES: tuple[CustomDataType, ...] = get_args(CustomDataType)
_TYPES_TEXT = "string, bool, integer, decimal or json"


class CustomDataError(ValueError):
    """A custom data key, entry or value that breaks the seed documents' rules."""


class OwnershipError(CustomDataError):
    """A write (upsert or removal) of an entry the writer does not own."""


# ---------------------------------------------------------------------------------------------
# Keys


def _part_problem(name: str, part: str, *, mandatory: bool) -> str | None:
    if mandatory and not part:
        return f"{name} must not be empty"
    if "|" in part:
        return f'{name} must not contain "|": {show_value(part)}'
    return None


def compose_key(connection: str | None, module: str, key: str) -> str:
    """The map key ``connectionId|moduleId|key``; ``None`` or ``""`` means no connection."""
    conn = connection or ""
    for name, part, mandatory in (
        ("connectionId", conn, False),
        ("moduleId", module, True),
        ("key", key, True),
    ):
        problem = _part_problem(name, part, mandatory=mandatory)
        if problem:
            raise CustomDataError(problem)
    return f"{conn}|{module}|{key}"


def _key_problem(parts: list[str]) -> str | None:
    if len(parts) != 3:
        return "expected connectionId|moduleId|key"
    if not parts[1]:
        return "moduleId is empty"
    if not parts[2]:
        return "key is empty"
    return None


def parse_key(map_key: str) -> tuple[str, str, str]:
    """Split a map key into ``(connection, module, key)``; the connection is ``""`` for none."""
    parts = map_key.split("|")
    problem = _key_problem(parts)
    if problem:
        raise CustomDataError(f"invalid custom data key {show_value(map_key)}: {problem}")
    return parts[0], parts[1], parts[2]


# ---------------------------------------------------------------------------------------------
# Values


def _reject_constant(name: str) -> Any:
    raise ValueError(name)


_DECODER = json.JSONDecoder(parse_float=Decimal, parse_constant=_reject_constant)


def coerce_value(value_type: str, raw: object) -> Any:
    """Read ``raw`` as a value of ``value_type``: str, bool, int, Decimal, or a JSON value.

    Any type may arrive as a JSON string (``"true"``, ``"12"``, ``"12.50"``, ``"{\\"a\\":1}"``).
    A string for ``json`` is read as JSON text when it is valid JSON text, and as the string
    itself otherwise (``"wc_order_5a22"`` stays that string); :func:`value_to_json` writes a
    string that would be misread (``"12"``) as JSON text, so reading back is always lossless.
    JSON values come back in the normal form of :func:`~procrules.records.decimals.json_value`.
    """
    if value_type == "string":
        if isinstance(raw, str):
            return raw
        raise CustomDataError(f"not a string: {show_value(raw)}")
    if value_type == "bool":
        if isinstance(raw, bool):
            return raw
        if raw in ("true", "false") and isinstance(raw, str):
            return raw == "true"
        raise CustomDataError(f"not a bool (true or false): {show_value(raw)}")
    try:
        if value_type == "integer":
            return to_integer(raw)
        if value_type == "decimal":
            return to_decimal(raw)
    except ValueError as exc:
        raise CustomDataError(str(exc)) from None
    if value_type == "json":
        if isinstance(raw, str):
            raw = _read_json_text(raw)
        try:
            return json_value(raw)
        except ValueError as exc:
            raise CustomDataError(str(exc)) from None
    raise CustomDataError(f"not a custom data type: {show_value(value_type)} ({_TYPES_TEXT})")


def _read_json_text(text: str) -> Any:
    """JSON text as its value; text that is not JSON is the string itself."""
    try:
        return _DECODER.decode(text)
    except (ValueError, RecursionError):
        return text


def value_to_json(value_type: str, value: Any) -> Any:
    """The JSON form of a typed value: decimals as exact strings, json values as themselves.

    A json value that is a string is written bare unless it would read back as something else
    (``"12"``, ``"true"``, ``"[1]"``): then it is written as JSON text, ``"\\"12\\""``.
    """
    if value_type == "decimal" and isinstance(value, Decimal):
        return format_decimal(value)
    if value_type == "json" and isinstance(value, str) and _read_json_text(value) != value:
        return json.dumps(value, ensure_ascii=False)
    return value


def infer_type(value: object) -> CustomDataType:
    """The custom data type of a Python value (``None``, dicts and lists are ``json``)."""
    if isinstance(value, bool):
        return "bool"
    if isinstance(value, int):
        return "integer"
    if isinstance(value, Decimal | float):
        return "decimal"
    if isinstance(value, str):
        return "string"
    if value is None or isinstance(value, dict | list | tuple):
        return "json"
    raise CustomDataError(
        f"cannot infer a custom data type for a {type(value).__name__} value: {show_value(value)}"
    )


# ---------------------------------------------------------------------------------------------
# The entry model


def _check_part(value: object, name: str, *, mandatory: bool) -> str:
    if not isinstance(value, str):
        raise ValueError(f"not a string: {show_value(value)}")
    problem = _part_problem(name, value, mandatory=mandatory)
    if problem:
        raise ValueError(problem.removeprefix(f"{name} "))
    return value


class CustomDataEntry(OpenModel):
    """One custom data entry ``{connectionId, moduleId, key, type, value}``.

    ``connectionId`` is ``None`` for an entry that belongs to no connection (``""`` reads as
    ``None``) and is then left out of the output. ``value`` holds the typed value: ``str``,
    ``bool``, ``int``, ``Decimal`` or a normal-form JSON value. Unknown fields are kept.
    """

    connectionId: str | None = Field(default=None, exclude_if=lambda c: c is None)  # noqa: N815
    moduleId: str  # noqa: N815
    key: str
    type: CustomDataType
    value: Any

    @field_validator("connectionId", mode="before")
    @classmethod
    def _connection(cls, value: object) -> str | None:
        if value is None or value == "":
            return None
        return _check_part(value, "connectionId", mandatory=False)

    @field_validator("moduleId", "key", mode="before")
    @classmethod
    def _module_or_key(cls, value: object, info: ValidationInfo) -> str:
        return _check_part(value, str(info.field_name), mandatory=True)

    @field_validator("type", mode="before")
    @classmethod
    def _type(cls, value: object) -> object:
        if value not in CUSTOM_DATA_TYPES:
            raise ValueError(f"not a custom data type: {show_value(value)} ({_TYPES_TEXT})")
        return value

    @field_validator("value")
    @classmethod
    def _value(cls, value: Any, info: ValidationInfo) -> Any:
        value_type = info.data.get("type")
        return value if value_type is None else coerce_value(value_type, value)

    @field_serializer("value", when_used="always")
    def _dump_value(self, value: Any) -> Any:
        return value_to_json(self.type, value)

    @property
    def map_key(self) -> str:
        """The key this entry is stored under: ``connectionId|moduleId|key``."""
        return f"{self.connectionId or ''}|{self.moduleId}|{self.key}"


def dump_entry(entry: CustomDataEntry) -> dict[str, Any]:
    """The JSON normal form of one entry."""
    return entry.model_dump(mode="python")


# ---------------------------------------------------------------------------------------------
# The map: keys agree with entries


def _prepare(map_key: str, entry: Mapping[str, Any]) -> tuple[Mapping[str, Any], str | None]:
    """Fill ``connectionId``/``moduleId``/``key`` that the entry omits from its map key, and say
    how the key disagrees with the fields the entry does give."""
    parts = map_key.split("|")
    problem = _key_problem(parts)
    if problem:
        return entry, f"invalid key: {problem}"
    missing = [f for f in ("connectionId", "moduleId", "key") if f not in entry]
    if missing:
        entry = dict(entry)
        for name, part in zip(("connectionId", "moduleId", "key"), parts, strict=True):
            if name in missing and part:
                entry[name] = part
    conn = entry.get("connectionId")
    disagree = []
    if (conn is None or isinstance(conn, str)) and (conn or "") != parts[0]:
        disagree.append(f"connectionId is {show_value(conn)}")
    for name, part in (("moduleId", parts[1]), ("key", parts[2])):
        given = entry[name]
        if isinstance(given, str) and given != part:
            disagree.append(f"{name} is {show_value(given)}")
    if disagree:
        return entry, "key does not agree with the entry: " + ", ".join(disagree)
    return entry, None


def _validate_map(value: Any, handler: ValidatorFunctionWrapHandler) -> Any:
    if value is None:
        value = {}
    if not isinstance(value, Mapping):
        return handler(value)
    prepared: dict[Any, Any] = {}
    problems: list[tuple[tuple[int | str, ...], str]] = []
    for map_key, entry in value.items():
        if isinstance(map_key, str) and (type(entry) is dict or isinstance(entry, Mapping)):
            entry, problem = _prepare(map_key, entry)  # noqa: PLW2901
            if problem:
                problems.append(((map_key,), problem))
        elif isinstance(entry, CustomDataEntry) and entry.map_key != map_key:
            problem = f"key does not agree with the entry, whose key is {show_value(entry.map_key)}"
            problems.append(((map_key,), problem))
        prepared[map_key] = entry
    try:
        result = handler(prepared)
    except ValidationError as exc:
        if not problems:
            raise
        order = {k: i for i, k in enumerate(prepared)}
        combined = problems + errors_of(exc)
        combined.sort(key=lambda e: order.get(e[0][0], -1) if e[0] else -1)
        raise_errors(combined, "customData", value)
    if problems:
        raise_errors(problems, "customData", value)
    return result


CustomDataMap = Annotated[dict[str, CustomDataEntry], WrapValidator(_validate_map)]
"""A ``customData`` map: every key agrees with its entry; ``null`` reads as ``{}``."""
