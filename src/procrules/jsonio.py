"""JSON in and out, exactly: every non-integral number is a ``Decimal``, never a float.

Reading uses ``parse_float=Decimal``; writing uses simplejson, which writes a ``Decimal`` as a
JSON number with its exact digits (the standard library cannot). Money fields of a record are
already strings in the normal form; the ``Decimal`` numbers that remain are the ones inside
``json`` custom data and unknown fields, which stay numbers as they came in.

Compact writing (every result line of ``procrules run``) goes through one encoder made once, with
``namedtuple_as_object`` off: otherwise simplejson looks up ``_asdict`` on every object and list
it writes, which doubles the time. The only difference is that a named tuple, no JSON value of a
record, would be written as an array (as ``json_value`` reads it) rather than an object.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import simplejson


def _reject_constant(name: str) -> Any:
    raise ValueError(f"{name} is not a JSON number")


def loads(text: str | bytes) -> Any:
    """Parse JSON text; decimals as ``Decimal``; NaN and Infinity refused."""
    return simplejson.loads(text, parse_float=Decimal, parse_constant=_reject_constant)


_COMPACT = simplejson.JSONEncoder(
    use_decimal=True, ensure_ascii=False, allow_nan=False, namedtuple_as_object=False
)


def dumps(value: Any, *, indent: int | None = None) -> str:
    """Write JSON: ``Decimal`` as an exact number, non-ASCII text as it is."""
    if indent is None:
        return _COMPACT.encode(value)
    return simplejson.dumps(
        value, use_decimal=True, ensure_ascii=False, indent=indent, allow_nan=False
    )


JSONDecodeError = simplejson.JSONDecodeError
