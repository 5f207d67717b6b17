"""Conditions at run time: comparisons, null rules, decimals, dates, quantifiers, where, ``$``."""

from __future__ import annotations

import pytest
from engine_helpers import CONN, error_of, fires, order

# ----------------------------------------------------------------------------- comparisons


@pytest.mark.parametrize(
    ("condition", "expected"),
    [
        ('orderStatus == "new"', True),
        ('orderStatus == "New"', False),
        ('orderStatus != "new"', False),
        ('orderStatus != "onHold"', True),
        ('orderStatus < "o"', True),
        ('orderStatus <= "new"', True),
        ('orderStatus > "new"', False),
        ('orderStatus >= "new"', True),
        ('orderStatus in ["new", "onHold"]', True),
        ('orderStatus not in ["new", "onHold"]', False),
        ('orderStatus not in ["completed"]', True),
        ('customer.email contains "@example"', True),
        ('customer.email not contains "@example"', False),
        ('customer.email startswith "ann@"', True),
        ('customer.email not startswith "ann@"', False),
        ('customer.email endswith ".com"', True),
        ('customer.email not endswith ".com"', False),
        ('customer.email matches "[a-z]+@example\\\\.com"', True),
        ('customer.email matches "ann"', False),  # the whole value must match
        ('customer.email not matches "ann"', True),
        ('tags contains "web"', True),
        ('tags not contains "web"', False),
        ('tags contains "shop"', False),
    ],
)
def test_comparison_operators(condition: str, expected: bool) -> None:
    assert fires(condition) is expected


@pytest.mark.parametrize(
    ("condition", "expected"),
    [
        ("totalInclVat == 549", True),  # "549.00" from a string, integer literal
        ("totalInclVat == 549.0", True),
        ("totalInclVat > 548.99", True),
        ("totalInclVat >= 549.01", False),
        ("totalInclVat < 550", True),
        ("totalInclVat != 549", False),
        ("rows[0].quantity == 2", True),  # "2"
        ("rows[1].quantity == 2", False),  # 1 (a JSON integer)
        ("rows[2].pricePerUnitExclVat == 20.5", True),  # a float in the input
        ("0.1 + 0.2 == 0.3", True),
        ("shippingCost + 0.01 == 49.01", True),
        ("totalInclVat * 2 == 1098", True),
        ("totalInclVat / 4 == 137.25", True),
        ("totalInclVat - shippingCost == 500", True),
        ("-shippingCost == -49", True),
        ("totalInclVat in [549, 100]", True),
        ("totalInclVat in [549.001]", False),
        ("rows[0].quantity in [1, 2]", True),
    ],
)
def test_decimals_are_exact(condition: str, expected: bool) -> None:
    assert fires(condition) is expected


# ----------------------------------------------------------------------------- null rules


@pytest.mark.parametrize(
    ("condition", "expected"),
    [
        ('note == "x"', False),
        ('note != "x"', False),  # any comparison with null is false
        ('note < "x"', False),
        ('note in ["x"]', False),
        ('note not in ["x"]', False),
        ('note contains "x"', False),
        ('note not contains "x"', False),
        ('note startswith "x"', False),
        ('note not startswith "x"', False),
        ('note matches "x"', False),
        ('note not matches "x"', False),
        ("note == null", True),
        ("note != null", False),
        ("orderStatus != null", True),
        ("note is null", True),
        ("note is not null", False),
        ("note is empty", True),
        ("orderStatus is empty", False),
        ("orderStatus is not empty", True),
        ('not (note == "x")', True),  # `not` is plain negation
        ('not (note != "x")', True),
        ('note != "x" or note is null', True),
        ("shippingStatus == orderStatus", False),
        ("orderStatus == shippingStatus", False),
        ("customer.vatNumber is null", True),
        ("billingAddress.region is null", True),
        ('paymentMethod + "x" == null', True),  # concatenation with null is null
        ("discountTotal + 1 is null", True),  # arithmetic with null is null
        ("count(rows[*].discount) == 0", True),
        ("sum(rows[*].discount) == 0", True),
        ("min(rows[*].discount) is null", True),
        ("max(rows[*].discount) is null", True),
    ],
)
def test_null_rules(condition: str, expected: bool) -> None:
    assert fires(condition) is expected


def test_list_fields_default_to_empty() -> None:
    bare = {"recordType": "Order"}
    assert fires("count(rows) == 0", bare)
    assert fires("tags is empty", bare)
    assert fires('not (tags contains "x")', bare)
    assert not fires('any rows[*].sku == "x"', bare)
    assert fires('all rows[*].sku == "x"', bare)
    assert fires('none rows[*].sku == "x"', bare)
    assert fires("sum(rows[*].quantity) == 0", bare)


@pytest.mark.parametrize(
    ("condition", "expected"),
    [
        ("is empty", True),
    ],
)
def test_empty_values(condition: str, expected: bool) -> None:
    for value in ("", [], None):
        rec = order(note=value) if not isinstance(value, list) else order(tags=value)
        field = "tags" if isinstance(value, list) else "note"
        assert fires(f"{field} {condition}", rec) is expected
    assert fires("attributes is empty", {"recordType": "Product", "attributes": {}}, "")


# ----------------------------------------------------------------------------- quantifiers


@pytest.mark.parametrize(
    ("condition", "expected"),
    [
        ('any rows[*].sku startswith "GIFTWRAP"', True),
        ('all rows[*].sku startswith "GIFTWRAP"', False),
        ('none rows[*].sku startswith "GIFTWRAP"', False),
        ('none rows[*].sku startswith "NOPE"', True),
        ("all rows[*].quantity > 0", True),
        ("all rows[*].discount > 0", False),  # rows lack the field: null is not > 0
        ("any rows[*].discount is null", True),
        ("all rows[*].discount is null", True),
        ("none rows[*].sku is null", True),
        ("any rows[*].quantity >= 2", True),
        ("all rows[*].quantity >= 1.5", False),
        ('any tags == "web"', True),
        ('all tags == "web"', True),
        ("any rows[*].quantity in [1.5, 7]", True),
        ('all rows[*].rowId in ["1", "2", "3"]', True),
    ],
)
def test_quantifiers(condition: str, expected: bool) -> None:
    assert fires(condition) is expected


def test_quantifiers_over_no_values() -> None:
    rec = order(rows=[])
    assert not fires('any rows[*].sku == "x"', rec)
    assert fires('all rows[*].sku == "x"', rec)
    assert fires('none rows[*].sku == "x"', rec)


# ----------------------------------------------------------------------------- paths


@pytest.mark.parametrize(
    ("condition", "expected"),
    [
        ('rows[0].sku == "SKU-1"', True),
        ('rows[-1].sku == "SKU-3"', True),
        ("rows[7].sku is null", True),  # past the end: null, not an error
        ("rows[-9].sku is null", True),
        ("count(rows[where quantity > 1]) == 2", True),
        ('any rows[where quantity > 1].sku == "SKU-3"', True),
        ('all rows[where sku startswith "SKU"].quantity > 1', True),
        ('count(rows[where $.currency == "SEK"]) == 3', True),  # $ inside where is the root
        ('count(rows[where $.currency == "EUR"]) == 0', True),
        ("sum(rows[*].quantity) == 4.5", True),
        ("min(rows[*].quantity) == 1", True),
        ("max(rows[*].pricePerUnitExclVat) == 100", True),
        ("count(rows[where customData[|x-acme|gift] == true]) == 1", True),
        ('$.orderStatus == "new"', True),
        ('deliveryAddress.countryCode in ["SE", "NO"]', True),
    ],
)
def test_paths(condition: str, expected: bool) -> None:
    rec = order()
    rec["rows"][1]["customData"] = {
        "|x-acme|gift": {"moduleId": "x-acme", "key": "gift", "type": "bool", "value": True}
    }
    assert fires(condition, rec) is expected


def test_map_fields_and_bracketed_names() -> None:
    product = {"recordType": "Product", "attributes": {"Colour name": "Red"}, "stock": "4"}
    assert fires('attributes["Colour name"] == "Red"', product, "for Product")
    assert fires('attributes["Size"] is null', product, "for Product")
    assert fires("stock == 4", product, "for Product")


# ----------------------------------------------------------------------------- dates


@pytest.mark.parametrize(
    ("condition", "expected"),
    [
        ('createdAt >= "2024-01-01"', True),
        ('createdAt > "2024-03-01"', True),  # date-only literal: midnight UTC
        ('createdAt < "2024-03-01T10:00:01Z"', True),
        ('createdAt == "2024-03-01T11:00:00+01:00"', True),  # same instant
        ('createdAt == "2024-03-01T10:00:00"', True),  # naive is UTC
        ('createdAt < "2024-03-01"', False),
        ("createdAt > lastModified", False),  # null
        ('days_between(createdAt, "2024-03-11T09:00:00Z") == 9', True),  # truncated
        ('days_between("2024-03-11", createdAt) == -9', True),
        ('date(createdAt) == date("2024-03-01")', True),
        ('add_days(createdAt, 1) > "2024-03-02"', True),
        ('add_days(date(createdAt), -1) == date("2024-02-29")', True),
    ],
)
def test_dates(condition: str, expected: bool) -> None:
    assert fires(condition) is expected


def test_naive_datetime_in_input_is_utc() -> None:
    rec = order(createdAt="2024-03-01T10:00:00")
    assert fires('createdAt == "2024-03-01T10:00:00Z"', rec)


def test_invoice_date_fields() -> None:
    invoice = {"recordType": "Invoice", "invoiceDate": "2024-05-01", "dueDate": "2024-05-31"}
    assert fires('invoiceDate < "2024-05-02"', invoice, "for Invoice")
    assert fires("days_between(invoiceDate, dueDate) == 30", invoice, "for Invoice")
    assert fires('dueDate > "2024-05-30T23:00:00Z"', invoice, "for Invoice")


# ----------------------------------------------------------------------------- run-time types


def test_string_operator_on_non_string_is_an_evaluation_error() -> None:
    count = f"customData[{CONN}|connector.woocommerce|meta.count]"
    assert error_of(f'{count} == "12"').startswith("cannot compare a number with a string")
    message = error_of('any customData[*|connector.woocommerce|meta.count] startswith "1"')
    assert message == "`startswith` works on strings, not a number (12)"


def test_string_plus_number_at_run_time_is_an_evaluation_error() -> None:
    count = f"customData[{CONN}|connector.woocommerce|meta.count]"
    message = error_of(f'{count} + "x" == "12x"')
    assert message.startswith("cannot add a number and a string")


def test_bad_decimal_in_input_is_an_evaluation_error() -> None:
    assert error_of("totalInclVat > 1", order(totalInclVat="12,50")) == (
        'totalInclVat: not a decimal number: "12,50"'
    )


def test_division_by_zero_is_an_evaluation_error() -> None:
    assert error_of("totalInclVat / 0 > 1") == "division by zero (549.00 / 0)"


def test_bool_valued_expressions() -> None:
    assert fires("customData[|x-acme|flag]")
    assert not fires("customData[|x-acme|nope]")
    assert fires("not customData[|x-acme|nope]")
    assert error_of("customData[|x-acme|payload]").endswith("is a map, not true or false")
