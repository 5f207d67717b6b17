"""Fuzzing records: whatever a connector sends, ``Book.apply`` ends with a status and a reason.

Records per schema (nulls, missing parts, wrong types, huge strings, floats, NaN, bools for
decimals, wrong custom data, unknown fields), mutated example records, records over the limits
(1,000+ levels of nesting in an unknown field and in a ``json`` custom-data value) and values that
are no object at all go through every example rule set of ``rules/`` (each directory and each
file) in several contexts. Each ends ``ok``/``ignored``/``failed``/``error`` with its reason, its
``to_dict()`` is written by ``jsonio.dumps``, and ``explain`` agrees with ``apply``.
"""

from __future__ import annotations

import math
from decimal import Decimal
from typing import Any

import pytest
from fuzz_helpers import (
    CONN,
    EXAMPLE_RECORDS,
    assert_applies,
    assert_result,
    contexts,
    deep,
    example_books,
    fuzz,
    records,
)
from hypothesis import given
from hypothesis import strategies as st

import procrules
from procrules.language.limits import (
    MAX_LIST_ITEMS,
    MAX_RECORD_DEPTH,
    MAX_STRING_CHARS,
    record_problem,
)
from procrules.records import RecordError, normalize_record

BOOKS = example_books()
ORDER_CONTEXT = procrules.Context("Order", "import", CONN)


def test_every_example_rule_set_is_fuzzed() -> None:
    names = [name for name, _ in BOOKS]
    assert "rules/orders" in names
    assert "rules/products" in names
    assert "rules/orders/10-intake.rules" in names
    assert len(EXAMPLE_RECORDS) >= 20


@fuzz(10)
@given(st.data())
def test_apply_never_raises_and_every_result_is_written(data: st.DataObject) -> None:
    record = data.draw(records(), label="record")
    statuses = set()
    for _name, book in BOOKS:
        context = data.draw(contexts(), label="context")
        statuses.add(assert_applies(book, record, context))
    assert statuses


_NAN_ENTRY = {"connectionId": math.nan, "moduleId": "connector.woocommerce", "key": "k",
              "type": "string", "value": "v"}  # fmt: skip


@pytest.mark.parametrize(
    "record",
    [
        {"recordType": "new", "currency": math.nan},  # to_dict raised: plain(nan)
        {"localId": Decimal("NaN")},  # to_dict raised: shown(Decimal("NaN"))
        {"createdAt": Decimal("NaN")},
        {"customData": {f"{CONN}|connector.woocommerce|k": _NAN_ENTRY}},  # NaN in the output
        {"recordType": "order", "someUnknownField": deep(1_200)},  # RecursionError in to_dict
    ],
    ids=["unknown-type-nan", "decimal-nan", "datetime-nan", "custom-data-nan", "deep-bad-type"],
)
def test_records_that_crashed_to_dict(record: dict[str, Any]) -> None:
    for _name, book in BOOKS:
        for context in (ORDER_CONTEXT, procrules.Context()):
            assert_applies(book, record, context)


@fuzz(3)
@given(records(), contexts())
def test_normal_form_input_gives_the_same_result(record: Any, context: procrules.Context) -> None:
    """``apply(record)`` and ``apply(normalize_record(record), normal=True)`` agree.

    Records with binary floats are left out: a float in a text field is written ``"1e+16"`` by
    the record model and ``"10000000000000000"`` by the engine (a known difference, reported)."""
    if not isinstance(record, dict) or record_problem(record) is not None or _has_float(record):
        return
    try:
        normal = normalize_record(record, context.record_type)
    except (RecordError, ValueError):
        return
    for _name, book in BOOKS[:2]:
        given_as_is = book.apply(record, context).to_dict()
        given_normal = book.apply(normal, context, normal=True).to_dict()
        assert given_normal == given_as_is


def _has_float(value: Any) -> bool:
    if isinstance(value, dict):
        return any(_has_float(v) for v in value.values())
    if isinstance(value, list):
        return any(_has_float(v) for v in value)
    return isinstance(value, float)


DEEP = 1_200
DEEP_JSON = {"|x-acme|p": {"moduleId": "x-acme", "key": "p", "type": "json", "value": deep(DEEP)}}


@pytest.mark.parametrize(
    "record",
    [
        {"orderNumber": "1", "someUnknownField": deep(DEEP)},
        {"orderNumber": "1", "customData": DEEP_JSON},
        {"orderNumber": "1", "rows": [{"sku": "A", "customData": DEEP_JSON}]},
        {"orderNumber": "1", "note": deep(DEEP)},
        {"orderNumber": "1", "rows": deep(DEEP)},
        {"orderNumber": "1", "someUnknownField": deep(MAX_RECORD_DEPTH)},
        {"orderNumber": "1", "note": "n" * (MAX_STRING_CHARS + 1)},
        {"orderNumber": "1", "tags": ["t"] * (MAX_LIST_ITEMS + 1)},
        {"orderNumber": "1", "attributes": dict.fromkeys(map(str, range(MAX_LIST_ITEMS + 1)), "")},
    ],
    ids=[
        "deep-unknown", "deep-json-custom-data", "deep-json-row-custom-data", "deep-note",
        "deep-rows", "depth-201", "huge-string", "huge-list", "huge-object",
    ],
)  # fmt: skip
def test_records_over_the_limits_are_errors_with_a_clear_reason(record: dict[str, Any]) -> None:
    for _name, book in BOOKS[:2]:
        result = book.apply(record, ORDER_CONTEXT)
        as_dict = assert_result(result)
        assert result.status == "error"
        assert as_dict["record"] is None
        assert as_dict["error"]["message"].startswith("the record ")
        assert (
            "levels deep" in as_dict["error"]["message"]
            or "more than" in as_dict["error"]["message"]
        )


def test_a_record_just_within_the_limits_is_evaluated() -> None:
    record = {
        "orderNumber": "1",
        "someUnknownField": deep(MAX_RECORD_DEPTH - 2),
        "note": "n" * MAX_STRING_CHARS,
        "tags": ["t"] * 1000,
    }
    assert record_problem(record) is None
    for _name, book in BOOKS[:2]:
        result = book.apply(record, ORDER_CONTEXT)
        assert assert_result(result)["record"] is not None


@pytest.mark.parametrize(
    "value",
    [float("nan"), float("inf"), 1e308, True, "NaN", "1e999999", [1], {"a": 1}, "12,50"],
    ids=repr,
)
@pytest.mark.parametrize("field", ["totalInclVat", "discountTotal", "shippingCost"])
def test_wrong_numbers_for_decimals_are_errors_or_unchanged(field: str, value: Any) -> None:
    record = {**EXAMPLE_RECORDS[0], field: value}
    for _name, book in BOOKS:
        assert_applies(book, record, ORDER_CONTEXT)
