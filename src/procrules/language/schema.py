"""The record schema as the checker sees it: static types of every field, from the pydantic models.

The record model (``procrules.records``) is the single source of truth; this module walks each
model's ``model_fields`` annotations once and turns them into
:class:`~procrules.language.types.Type`
trees, so a path such as ``deliveryAddress.countryCode`` can be typed and a misspelt field
refused with a suggestion.
"""

from __future__ import annotations

import difflib
import types as pytypes
import typing
from datetime import date, datetime
from decimal import Decimal
from functools import cache
from typing import Any

from pydantic import BaseModel

from procrules.language import types as t


def _type_of(annotation: Any, seen: dict[type[BaseModel], t.Type]) -> t.Type:
    origin = typing.get_origin(annotation)
    args = typing.get_args(annotation)
    if origin is typing.Annotated:
        return _type_of(args[0], seen)
    if origin in (typing.Union, pytypes.UnionType):
        real = [a for a in args if a is not type(None)]
        return _type_of(real[0], seen) if len(real) == 1 else t.ANY
    if origin in (list, tuple):
        return t.list_of(_type_of(args[0], seen) if args else t.ANY)
    if origin is dict:
        value = args[1] if len(args) == 2 else Any
        if isinstance(value, type) and value.__name__ == "CustomDataEntry":
            return t.CUSTOM_DATA
        return t.map_of(_type_of(value, seen))
    if isinstance(annotation, type):
        if issubclass(annotation, BaseModel):
            return _object_type(annotation, seen)
        return _SCALARS.get(annotation, t.ANY)
    return t.ANY


_SCALARS: dict[type, t.Type] = {
    str: t.STRING,
    bool: t.BOOL,
    int: t.INTEGER,
    Decimal: t.DECIMAL,
    datetime: t.DATETIME,
    date: t.DATE,
}


def _object_type(model: type[BaseModel], seen: dict[type[BaseModel], t.Type]) -> t.Type:
    if model in seen:
        return seen[model]
    fields: dict[str, t.Type] = {}
    obj = t.Type(t.Kind.OBJECT, name=model.__name__, fields=fields)
    seen[model] = obj
    for name, info in model.model_fields.items():
        key = info.alias or name
        fields[key] = _type_of(info.annotation, seen)
    return obj


@cache
def record_types() -> dict[str, t.Type]:
    """Each record type name (``Order``, …) with its object type; built once per process."""
    from procrules.records import RECORD_TYPES

    seen: dict[type[BaseModel], t.Type] = {}
    return {name: _object_type(model, seen) for name, model in RECORD_TYPES.items()}


def suggest(name: str, candidates: typing.Iterable[str], cutoff: float = 0.6) -> str | None:
    """The closest candidate to a misspelt name, if any is close enough."""
    pool = list(candidates)
    exact = {c.lower(): c for c in pool}
    if name.lower() in exact:
        return exact[name.lower()]
    found = difflib.get_close_matches(name, pool, n=1, cutoff=cutoff)
    return found[0] if found else None
