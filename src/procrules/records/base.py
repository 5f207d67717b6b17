"""What every model of the package shares: :class:`OpenModel`, the base that keeps unknown fields,
and the error reporting (:class:`RecordError`, pydantic errors turned into path messages).

Every validation problem of a record is reported as ``(path, message)``: the path in the rule
language's form (``rows[2].quantity``, ``customData["|x-acme|k"].value``), the message in the
project's own words (``not a decimal number: "abc"``), never pydantic's default text where a
better one is known.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, ClassVar, NoReturn

from pydantic import BaseModel, ConfigDict, ValidationError, model_validator
from pydantic_core import InitErrorDetails, PydanticCustomError

from procrules.records.decimals import json_value, show_value

if TYPE_CHECKING:
    from collections.abc import Iterable, Sequence

    from pydantic_core import ErrorDetails

__all__ = [
    "MAP_FIELDS",
    "OpenModel",
    "RecordError",
    "error_message",
    "errors_of",
    "format_path",
    "raise_errors",
]

MAP_FIELDS = frozenset({"customData", "attributes"})
"""Fields whose items are addressed by key (``customData["c|m|k"]``), not by field name."""

_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_ERROR_TYPE = "procrules"


class RecordError(ValueError):
    """A record that cannot be read. ``errors`` lists every problem as ``(path, message)``."""

    def __init__(self, errors: Sequence[tuple[str, str]]) -> None:
        self.errors: list[tuple[str, str]] = list(errors)
        super().__init__("; ".join(f"{p}: {m}" if p else m for p, m in self.errors))


def format_path(loc: Iterable[int | str]) -> str:
    """``("rows", 2, "quantity")`` -> ``rows[2].quantity``; map keys and odd names in ``["…"]``."""
    out: list[str] = []
    keyed = False
    for item in loc:
        if isinstance(item, int):
            out.append(f"[{item}]")
        elif keyed or not _NAME.fullmatch(item):
            out.append(f"[{show_value(item)}]" if out else f"$[{show_value(item)}]")
        else:
            out.append(f".{item}" if out else item)
        keyed = not keyed and isinstance(item, str) and item in MAP_FIELDS
    return "".join(out)


_MESSAGES = {
    "missing": "missing",
    "string_type": "not a string",
    "model_type": "not an object",
    "model_attributes_type": "not an object",
    "dict_type": "not an object",
    "list_type": "not a list",
    "bool_type": "not a bool",
    "literal_error": "not an allowed value",
}


def error_message(err: ErrorDetails) -> str:
    """The project's message for one pydantic error (``ValueError`` texts are used as they are)."""
    kind = err["type"]
    ctx = err.get("ctx") or {}
    if kind == "value_error" and "error" in ctx:
        return str(ctx["error"])
    if kind == _ERROR_TYPE:
        return str(ctx["message"])
    if kind == "missing":
        return "missing"
    if kind in _MESSAGES:
        return f"{_MESSAGES[kind]}: {show_value(err['input'])}"
    return err["msg"]


def errors_of(exc: ValidationError) -> list[tuple[tuple[int | str, ...], str]]:
    """The ``(loc, message)`` pairs of a pydantic ``ValidationError``."""
    return [(tuple(e["loc"]), error_message(e)) for e in exc.errors()]


def raise_errors(
    errors: Sequence[tuple[tuple[int | str, ...], str]], title: str, value: Any
) -> NoReturn:
    """Raise ``errors`` as a pydantic ``ValidationError`` from inside a validator, keeping locs."""
    raise ValidationError.from_exception_data(
        title,
        [
            InitErrorDetails(
                type=PydanticCustomError(_ERROR_TYPE, "{message}", {"message": message}),
                loc=loc,
                input=value,
            )
            for loc, message in errors
        ],
    )


class OpenModel(BaseModel):
    """A model that keeps unknown input fields, brought into the JSON normal form on reading
    (:func:`~procrules.records.decimals.json_value`: ``1.5`` becomes ``"1.5"``), so that a
    record reads back from its output unchanged."""

    model_config = ConfigDict(extra="allow")

    _field_names: ClassVar[frozenset[str]] = frozenset()

    @classmethod
    def __pydantic_init_subclass__(cls, **kwargs: Any) -> None:
        super().__pydantic_init_subclass__(**kwargs)
        cls._field_names = frozenset(cls.model_fields)

    @model_validator(mode="before")
    @classmethod
    def _normalize_extras(cls, data: Any) -> Any:
        if type(data) is not dict and not isinstance(data, Mapping):
            return data
        unknown = data.keys() - cls._field_names
        if not unknown:
            return data
        out = dict(data)
        problems: list[tuple[tuple[int | str, ...], str]] = []
        for name in unknown:
            try:
                out[name] = json_value(data[name])
            except ValueError as exc:
                problems.append(((name,), str(exc)))
        if problems:
            raise_errors(problems, cls.__name__, data)
        return out
