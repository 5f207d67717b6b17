"""Records: the platform's Order, Invoice and Product model, exact decimals, and custom data.

This package owns the record model (RECORDS.md) and custom data (the seed documents): reading a
JSON object into a record and writing its JSON normal form, exact decimal numbers, and the custom
data key, entry, typed values, lookup, writes and ownership rule. Its public names are exported
here; the submodules are internal.
"""

from __future__ import annotations

from procrules.records.base import RecordError, format_path
from procrules.records.convert import dump_record, normalize_record, parse_record
from procrules.records.customdata import (
    CUSTOM_DATA_TYPES,
    CustomDataEntry,
    CustomDataError,
    CustomDataType,
    OwnershipError,
    coerce_value,
    compose_key,
    dump_entry,
    infer_type,
    parse_key,
    value_to_json,
)
from procrules.records.customdata_ops import (
    WILDCARD,
    check_write,
    entry_value,
    get_value,
    key_matcher,
    lookup,
    lookup_values,
    make_entry,
    remove,
    remove_matching,
    upsert,
)
from procrules.records.decimals import format_decimal, json_value, to_decimal, to_integer
from procrules.records.model import (
    RECORD_TYPES,
    Address,
    Customer,
    Invoice,
    Order,
    OrderRow,
    Product,
    Record,
)

__all__ = [
    "CUSTOM_DATA_TYPES",
    "RECORD_TYPES",
    "WILDCARD",
    "Address",
    "CustomDataEntry",
    "CustomDataError",
    "CustomDataType",
    "Customer",
    "Invoice",
    "Order",
    "OrderRow",
    "OwnershipError",
    "Product",
    "Record",
    "RecordError",
    "check_write",
    "coerce_value",
    "compose_key",
    "dump_entry",
    "dump_record",
    "entry_value",
    "format_decimal",
    "format_path",
    "get_value",
    "infer_type",
    "json_value",
    "key_matcher",
    "lookup",
    "lookup_values",
    "make_entry",
    "normalize_record",
    "parse_key",
    "parse_record",
    "remove",
    "remove_matching",
    "to_decimal",
    "to_integer",
    "upsert",
    "value_to_json",
]
