"""Exact decimals and integers: what reads, what is refused (exact messages), what is written."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from procrules.records import format_decimal, json_value, to_decimal, to_integer
from procrules.records.decimals import show_value


@pytest.mark.parametrize(
    ("raw", "written"),
    [
        (12, "12"),
        (-7, "-7"),
        (12.5, "12.5"),
        (0.1, "0.1"),
        (1e20, "100000000000000000000"),
        (Decimal("549.00"), "549.00"),
        ("549.00", "549.00"),
        ("-0.50", "-0.50"),
        ("+3", "3"),
        (".5", "0.5"),
        ("5.", "5"),
        ("1e3", "1000"),
        ("1E-2", "0.01"),
        ("0.000", "0.000"),
    ],
)
def test_to_decimal_reads_exact_digits(raw: object, written: str) -> None:
    assert format_decimal(to_decimal(raw)) == written


def test_to_decimal_keeps_trailing_zeros() -> None:
    assert to_decimal("549.00").as_tuple() == Decimal("549.00").as_tuple()
    assert to_decimal(Decimal("12.50")).as_tuple() == Decimal("12.50").as_tuple()


def test_float_goes_through_repr_not_binary_expansion() -> None:
    assert to_decimal(12.5) == Decimal("12.5")
    assert to_decimal(0.1) == Decimal("0.1")  # Decimal(0.1) would be 0.1000000000000000055…


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ("abc", 'not a decimal number: "abc"'),
        ("", 'not a decimal number: ""'),
        (" 25", 'not a decimal number: " 25"'),
        ("1_000", 'not a decimal number: "1_000"'),
        ("12,50", 'not a decimal number: "12,50"'),
        ("NaN", 'not a decimal number: "NaN"'),
        ("Infinity", 'not a decimal number: "Infinity"'),
        ("0x10", 'not a decimal number: "0x10"'),
        (True, "not a decimal number: true"),
        (False, "not a decimal number: false"),
        (None, "not a decimal number: null"),
        ([1], "not a decimal number: [1]"),
        ({"a": 1}, 'not a decimal number: {"a": 1}'),
        (float("nan"), "not a decimal number: NaN"),
        (float("inf"), "not a decimal number: Infinity"),
        (Decimal("NaN"), "not a decimal number: NaN"),
        (Decimal("-Infinity"), "not a decimal number: -Infinity"),
        ("1e1001", 'decimal number out of range: "1e1001"'),
        ("1e-1001", 'decimal number out of range: "1e-1001"'),
    ],
)
def test_to_decimal_refuses(raw: object, message: str) -> None:
    with pytest.raises(ValueError) as info:
        to_decimal(raw)
    assert str(info.value) == message


def test_format_decimal_refuses_nan() -> None:
    with pytest.raises(ValueError, match=r"^not a decimal number: NaN$"):
        format_decimal(Decimal("NaN"))


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        (12, 12),
        (-3, -3),
        ("12", 12),
        ("-3", -3),
        (Decimal("12.0"), 12),
        (12.0, 12),
        ("1e3", 1000),
        (10**30, 10**30),
    ],
)
def test_to_integer_reads(raw: object, expected: int) -> None:
    value = to_integer(raw)
    assert value == expected
    assert type(value) is int


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        (1.5, "not an integer: 1.5"),
        ("1.5", 'not an integer: "1.5"'),
        (Decimal("0.1"), "not an integer: 0.1"),
        (True, "not an integer: true"),
        ("abc", 'not an integer: "abc"'),
        (None, "not an integer: null"),
    ],
)
def test_to_integer_refuses(raw: object, message: str) -> None:
    with pytest.raises(ValueError) as info:
        to_integer(raw)
    assert str(info.value) == message


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        (None, None),
        ("x", "x"),
        (True, True),
        (3, 3),
        (Decimal("1.50"), Decimal("1.50")),
        (1.5, Decimal("1.5")),
        ((1, 2), [1, 2]),
        ({"a": [Decimal("2.0"), {"b": None}]}, {"a": [Decimal("2.0"), {"b": None}]}),
    ],
)
def test_json_value_normal_form(raw: object, expected: object) -> None:
    assert json_value(raw) == expected


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ({1: "a"}, "not a JSON object key: 1"),
        ({1, 2}, "not a JSON value: {1, 2}"),
        ([Decimal("NaN")], "not a JSON value: NaN"),
        ({"a": float("inf")}, "not a JSON value: Infinity"),
    ],
)
def test_json_value_refuses(raw: object, message: str) -> None:
    with pytest.raises(ValueError) as info:
        json_value(raw)
    assert str(info.value) == message


def test_show_value_truncates_long_values() -> None:
    shown = show_value("x" * 200)
    assert len(shown) == 80
    assert shown.endswith("…")


finite_decimals = st.decimals(allow_nan=False, allow_infinity=False, places=6) | st.decimals(
    allow_nan=False, allow_infinity=False, min_value=-(10**15), max_value=10**15
)


@given(finite_decimals)
def test_written_decimal_reads_back_to_the_same_value_and_text(d: Decimal) -> None:
    text = format_decimal(d)
    assert to_decimal(text) == d
    assert format_decimal(to_decimal(text)) == text
    assert "E" not in text
    assert "e" not in text


@given(st.floats(allow_nan=False, allow_infinity=False, min_value=-1e300, max_value=1e300))
def test_float_reads_as_its_shortest_repr(f: float) -> None:
    d = to_decimal(f)
    assert d == Decimal(repr(f))
    assert float(d) == f
