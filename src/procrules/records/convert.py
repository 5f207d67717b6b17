"""JSON object <-> record: :func:`parse_record`, :func:`dump_record` and the normal form.

The normal form of a record is a JSON-compatible dict (only dict, list, str, int, bool, None):
camelCase names, decimals as exact strings, datetimes in ISO 8601 (``Z`` for UTC), custom data
normalised, and only the fields the input had (a record read without ``tags`` is written without
``tags``). Reading the normal form back gives the same record.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from pydantic import ValidationError

from procrules.records.base import RecordError, errors_of, format_path
from procrules.records.decimals import show_value
from procrules.records.fast import fast_normalize
from procrules.records.model import RECORD_TYPES, Order, Record, unknown_record_type

__all__ = ["dump_record", "normalize_record", "parse_record"]


def parse_record(obj: Mapping[str, Any], record_type: str | None = None) -> Record:
    """Read a JSON object as a record of the type it names (``recordType``) or ``record_type``.

    Without either the record is an Order. A ``recordType`` that disagrees with ``record_type``,
    or any invalid field, raises :class:`RecordError` listing every problem with its path.
    """
    if record_type is not None and record_type not in RECORD_TYPES:
        raise RecordError([("", unknown_record_type(record_type))])
    if not isinstance(obj, Mapping):
        raise RecordError([("", f"a record is a JSON object, not {show_value(obj)}")])
    if record_type is None:
        named = obj.get("recordType")
        model = RECORD_TYPES.get(named, Order) if isinstance(named, str) else Order
    else:
        model = RECORD_TYPES[record_type]
    try:
        return model.model_validate(obj)
    except ValidationError as exc:
        raise RecordError([(format_path(loc), msg) for loc, msg in errors_of(exc)]) from None


def dump_record(record: Record) -> dict[str, Any]:
    """The JSON normal form of a record: only the fields that are set, camelCase, exact decimals."""
    return record.model_dump(mode="python", exclude_unset=True)


def normalize_record(obj: Mapping[str, Any], record_type: str | None = None) -> dict[str, Any]:
    """``dump_record(parse_record(obj, record_type))``: the JSON normal form of ``obj``, or
    :class:`RecordError`.

    A usual record is normalised by a hand-written fast path that gives the same result
    (:mod:`procrules.records.fast`); anything unusual, every invalid record included, takes the
    pydantic path, which words the errors.
    """
    normal = fast_normalize(obj, record_type)
    if normal is not None:
        return normal
    return dump_record(parse_record(obj, record_type))
