"""Exact numbers: reading decimals and integers from JSON input, writing them back digit for digit.

This module owns the number rules of the record model and of custom data: money and quantities
are :class:`~decimal.Decimal` (never ``float``), read from JSON numbers or numeric strings and
written as strings that keep the exact digits (``"549.00"`` stays ``"549.00"``). It also owns
:func:`json_value`, which brings an arbitrary JSON value into the normal form (no floats, no
decimals: non-integral numbers become their exact string), and :func:`show_value`, the way every
error message of :mod:`procrules.records` quotes an input value.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from decimal import Decimal, InvalidOperation
from typing import Annotated, Any

from pydantic import PlainSerializer, PlainValidator

__all__ = [
    "MAX_EXPONENT",
    "DecimalField",
    "IntegerField",
    "format_decimal",
    "json_value",
    "show_value",
    "to_decimal",
    "to_integer",
]

MAX_EXPONENT = 1000
"""Largest power of ten a decimal may reach either side of the point (guards ``1e999999999``)."""

_NUMBER = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?")
#: The usual decimal text, a subset of ``_NUMBER``: short, so always in range.
_PLAIN = re.compile(r"-?[0-9]{1,40}(?:\.[0-9]{1,40})?").fullmatch
_SHOWN_MAX = 80


def show_value(value: object) -> str:
    """Quote an input value in an error message: as JSON where it is JSON, else ``repr``."""
    if isinstance(value, Decimal):
        text = str(value)
    elif isinstance(value, str | bool | int | float | list | dict) or value is None:
        try:
            text = json.dumps(value, ensure_ascii=False, default=str)
        except ValueError:  # a self-referencing container
            text = repr(value)
    else:
        text = repr(value)
    return text if len(text) <= _SHOWN_MAX else text[: _SHOWN_MAX - 1] + "…"


def _checked(d: Decimal, raw: object) -> Decimal:
    if not d.is_finite():
        raise ValueError(f"not a decimal number: {show_value(raw)}")
    exponent = d.as_tuple().exponent
    assert isinstance(exponent, int)  # finite
    if abs(exponent) > MAX_EXPONENT or abs(d.adjusted()) > MAX_EXPONENT:
        raise ValueError(f"decimal number out of range: {show_value(raw)}")
    return d


def to_decimal(value: object) -> Decimal:
    """Read an exact decimal from a JSON number (int, float, Decimal) or a numeric string.

    A float is read through its shortest ``repr`` so ``12.5`` stays ``12.5``. ``bool`` is not a
    number; NaN, infinities, strings with spaces, underscores or words are refused with
    ``ValueError("not a decimal number: …")``.
    """
    if value.__class__ is str and _PLAIN(value):  # the usual case, first
        return Decimal(value)
    if isinstance(value, Decimal):
        return _checked(value, value)
    if isinstance(value, bool):
        raise ValueError(f"not a decimal number: {show_value(value)}")
    if isinstance(value, int):
        return _checked(Decimal(value), value)
    if isinstance(value, float):
        return _checked(Decimal(repr(value)), value)
    if isinstance(value, str) and _NUMBER.fullmatch(value):
        try:
            return _checked(Decimal(value), value)
        except InvalidOperation:  # pragma: no cover - the pattern admits only valid literals
            pass
    raise ValueError(f"not a decimal number: {show_value(value)}")


def format_decimal(d: Decimal) -> str:
    """Write a decimal with its exact digits and no exponent (``Decimal("1E+3")`` -> ``"1000"``)."""
    if not d.is_finite():
        raise ValueError(f"not a decimal number: {show_value(d)}")
    return format(d, "f")


def to_integer(value: object) -> int:
    """Read an integer: an int, or a number or numeric string with no fractional part (``"12"``,
    ``12.0``). ``bool`` and ``1.5`` are refused with ``ValueError("not an integer: …")``."""
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    try:
        d = to_decimal(value)
    except ValueError:
        raise ValueError(f"not an integer: {show_value(value)}") from None
    if d != d.to_integral_value():
        raise ValueError(f"not an integer: {show_value(value)}")
    return int(d)


def json_value(value: object) -> Any:
    """Bring a JSON value into the normal form: dict, list, str, int, bool, None, Decimal.

    A non-integral number stays a number: ``Decimal`` (from ``parse_float=Decimal``) as it is,
    a ``float`` as the ``Decimal`` of its shortest repr, so ``1.5`` is never turned into text and
    never loses digits; the JSON writer (:mod:`procrules.jsonio`) writes it as a JSON number.
    Tuples become lists. Anything else (NaN, infinities, other objects) raises ``ValueError``.
    """
    if value is None or isinstance(value, str | bool | int):
        return value
    if isinstance(value, Decimal | float):
        try:
            number = to_decimal(value)
        except ValueError:
            raise ValueError(f"not a JSON value: {show_value(value)}") from None
        return number
    if type(value) is dict or isinstance(value, Mapping):
        out: dict[str, Any] = {}
        for k, v in value.items():
            if not isinstance(k, str):
                raise ValueError(f"not a JSON object key: {show_value(k)}")
            out[k] = json_value(v)
        return out
    if isinstance(value, list | tuple):
        return [json_value(v) for v in value]
    raise ValueError(f"not a JSON value: {show_value(value)}")


def _read_decimal(value: object) -> Decimal | None:
    return None if value is None else to_decimal(value)


def _read_integer(value: object) -> int | None:
    return None if value is None else to_integer(value)


DecimalField = Annotated[
    Decimal | None,
    PlainValidator(_read_decimal),
    PlainSerializer(format_decimal, return_type=str, when_used="unless-none"),
]
"""An optional exact decimal: read by :func:`to_decimal`, written by :func:`format_decimal`."""

IntegerField = Annotated[int | None, PlainValidator(_read_integer)]
"""An optional integer field, read by :func:`to_integer`."""
