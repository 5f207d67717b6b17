"""The comparison rules of ``expect: record`` (and of change values): subsets, lists, numbers."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from procrules.testing.compare import UNSET, differences, matches, scalar_matches, show


@pytest.mark.parametrize(
    ("expected", "actual", "same"),
    [
        # numbers written in YAML match numbers and numeric texts of equal value
        (Decimal("549.00"), "549.00", True),
        (Decimal("549.00"), "549.0", True),
        (549, "549.00", True),
        (0, "0.00", True),
        (Decimal("549.00"), Decimal("549"), True),
        (Decimal("549.00"), 549, True),
        (Decimal("549.001"), "549.00", False),
        (Decimal("0.1"), "0.10000000000000000001", False),
        (Decimal("-50.00"), "-50", True),
        (1, "1", True),
        (1, "one", False),
        (1, True, False),  # a bool is not a number
        (0, False, False),
        # quoted texts match exactly that text ...
        ("549.00", "549.00", True),
        ("549.0", "549.00", False),
        ("NO", "NO", True),
        ("no", "NO", False),
        # ... or a JSON number of equal value (custom data decimals are numbers)
        ("12.50", Decimal("12.5"), True),
        ("12.5x", Decimal("12.5"), False),
        # booleans and null
        (True, True, True),
        (True, "true", False),
        (False, 0, False),
        (None, None, True),
        (None, "", False),
        ("", None, False),
    ],
)
def test_scalars(expected: Any, actual: Any, same: bool) -> None:
    assert scalar_matches(expected, actual) is same


def test_mappings_are_subsets_at_every_depth() -> None:
    actual = {"a": 1, "b": {"c": "x", "d": "y"}, "e": [1, 2]}
    assert matches({"b": {"c": "x"}}, actual)
    assert matches({}, actual)
    assert not matches({"b": {"c": "z"}}, actual)
    assert differences({"b": {"c": "z"}, "a": 1}, actual, "record") == [("record.b.c", "z", "x")]


def test_null_matches_a_missing_field() -> None:
    assert matches({"x": None}, {"a": 1})
    assert matches({"x": None}, {"x": None})
    assert differences({"x": 1}, {"a": 1}, "record") == [("record.x", 1, UNSET)]


def test_lists_are_compared_whole_with_elements_as_subsets() -> None:
    rows = [{"sku": "A", "quantity": "1"}, {"sku": "B", "quantity": "2"}]
    assert matches([{"sku": "A"}, {"sku": "B", "quantity": 2}], rows)
    assert not matches([{"sku": "A"}], rows)  # one element fewer
    assert not matches([{"sku": "B"}, {"sku": "A"}], rows)  # order counts
    assert differences([{"sku": "A"}, {"sku": "C"}], rows, "record.rows") == [
        ("record.rows[1].sku", "C", "B")
    ]
    assert differences(["a"], ["a", "b"], "record.tags") == [("record.tags", ["a"], ["a", "b"])]


def test_a_mapping_against_a_value_of_another_kind() -> None:
    assert differences({"a": {"b": 1}}, {"a": "text"}, "r") == [("r.a", {"b": 1}, "text")]
    assert differences({"a": [1]}, {"a": None}, "r") == [("r.a", [1], None)]


def test_paths_of_odd_keys_are_bracketed() -> None:
    actual = {"customData": {"|x-acme|k": {"value": "a"}}}
    assert differences({"customData": {"|x-acme|k": {"value": "b"}}}, actual, "record") == [
        ('record.customData["|x-acme|k"].value', "b", "a")
    ]


def test_show_writes_exact_decimals_and_quoted_texts() -> None:
    assert show(Decimal("549.00")) == "549.00"
    assert show("549.00") == '"549.00"'
    assert show({"a": [True, None]}) == '{"a": [true, null]}'
    assert show(UNSET) == "…"
