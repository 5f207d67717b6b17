"""The record model: type dispatch, field rules (exact path-qualified messages), unknown fields
kept at every level, and the JSON normal form."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone
from decimal import Decimal
from typing import Any

import pytest

from procrules import jsonio
from procrules.records import (
    RECORD_TYPES,
    Address,
    CustomDataEntry,
    Customer,
    Invoice,
    Order,
    OrderRow,
    Product,
    Record,
    RecordError,
    dump_record,
    normalize_record,
    parse_record,
)

CONN = "5377568eb7e165e3b38af6eece4a0001"


def errors(obj: Any, record_type: str | None = None) -> list[tuple[str, str]]:
    with pytest.raises(RecordError) as info:
        parse_record(obj, record_type)
    return info.value.errors


def test_record_types() -> None:
    assert {"Order": Order, "Invoice": Invoice, "Product": Product} == RECORD_TYPES
    assert all(issubclass(model, Record) for model in RECORD_TYPES.values())


@pytest.mark.parametrize(
    ("obj", "record_type", "model"),
    [
        ({}, None, Order),
        ({"recordType": "Invoice"}, None, Invoice),
        ({"recordType": "Product"}, None, Product),
        ({}, "Product", Product),
        ({"recordType": "Invoice"}, "Invoice", Invoice),
        ({"recordType": None}, "Invoice", Invoice),
    ],
)
def test_parse_record_picks_the_type(
    obj: dict[str, Any], record_type: str | None, model: type
) -> None:
    assert type(parse_record(obj, record_type)) is model


@pytest.mark.parametrize(
    ("obj", "record_type", "expected"),
    [
        (
            {"recordType": "Invoice"},
            "Order",
            [("recordType", '"Invoice" disagrees with the record type Order')],
        ),
        (
            {"recordType": "order"},
            None,
            [("recordType", 'unknown record type "order" (expected Order, Invoice or Product)')],
        ),
        (
            {},
            "Customer",
            [("", 'unknown record type "Customer" (expected Order, Invoice or Product)')],
        ),
        ([], None, [("", "a record is a JSON object, not []")]),
        ({"recordType": True}, None, [("recordType", "not a string: true")]),
    ],
)
def test_record_type_errors(
    obj: Any, record_type: str | None, expected: list[tuple[str, str]]
) -> None:
    assert errors(obj, record_type) == expected


def test_model_rejects_a_record_type_of_another_model() -> None:
    with pytest.raises(ValueError, match="disagrees with the record type Product"):
        Product.model_validate({"recordType": "Order"})


@pytest.mark.parametrize(
    ("obj", "record_type", "expected"),
    [
        (
            {"rows": [{}, {}, {"quantity": "abc"}]},
            "Order",
            [("rows[2].quantity", 'not a decimal number: "abc"')],
        ),
        ({"totalInclVat": True}, "Order", [("totalInclVat", "not a decimal number: true")]),
        ({"shippingCost": "NaN"}, "Order", [("shippingCost", 'not a decimal number: "NaN"')]),
        ({"stock": 1.5}, "Product", [("stock", "not an integer: 1.5")]),
        ({"stock": False}, "Product", [("stock", "not an integer: false")]),
        (
            {"createdAt": "yesterday"},
            "Order",
            [("createdAt", 'not an ISO 8601 datetime: "yesterday"')],
        ),
        (
            {"lastModified": 1700000000},
            "Order",
            [("lastModified", "not an ISO 8601 datetime: 1700000000")],
        ),
        ({"dueDate": "2024-02-30"}, "Invoice", [("dueDate", 'not an ISO 8601 date: "2024-02-30"')]),
        (
            {"invoiceDate": "2024-01-01T00:00:00Z"},
            "Invoice",
            [("invoiceDate", 'not an ISO 8601 date: "2024-01-01T00:00:00Z"')],
        ),
        ({"orderNumber": True}, "Order", [("orderNumber", "not a string: true")]),
        ({"customer": "Ann"}, "Order", [("customer", 'not an object: "Ann"')]),
        ({"customer": {"email": ["a"]}}, "Order", [("customer.email", 'not a string: ["a"]')]),
        ({"rows": {"sku": "A"}}, "Order", [("rows", 'not a list: {"sku": "A"}')]),
        ({"rows": [7]}, "Invoice", [("rows[0]", "not an object: 7")]),
        ({"tags": ["a", None]}, "Order", [("tags[1]", "not a string: null")]),
        ({"categories": "shoes"}, "Product", [("categories", 'not a list: "shoes"')]),
        (
            {"attributes": {"Colour name": None}},
            "Product",
            [('attributes["Colour name"]', "not a string: null")],
        ),
        ({"odd key": {1, 2}}, "Order", [('$["odd key"]', "not a JSON value: {1, 2}")]),
        (
            {"billingAddress": {"extra": float("nan")}},
            "Order",
            [("billingAddress.extra", "not a JSON value: NaN")],
        ),
        (
            {"deliveryAddress": {"city": 5.5, "countryCode": False}, "rows": [{"vatRate": "25%"}]},
            "Order",
            [
                ("deliveryAddress.countryCode", "not a string: false"),
                ("rows[0].vatRate", 'not a decimal number: "25%"'),
            ],
        ),
    ],
)
def test_field_errors_have_paths(
    obj: Any, record_type: str, expected: list[tuple[str, str]]
) -> None:
    assert errors(obj, record_type) == expected


def test_record_error_message_joins_all_errors() -> None:
    with pytest.raises(RecordError) as info:
        parse_record({"rows": [{"quantity": "x"}], "totalVat": "y"})
    assert str(info.value) == (
        'rows[0].quantity: not a decimal number: "x"; totalVat: not a decimal number: "y"'
    )
    assert isinstance(info.value, ValueError)


def test_no_field_is_required() -> None:
    for name in RECORD_TYPES:
        assert normalize_record({}, name) == {}
    for part in (Customer, Address, OrderRow):
        assert part.model_validate({}).model_dump(exclude_unset=True) == {}


def test_fields_absent_from_input_stay_absent() -> None:
    out = normalize_record({"orderNumber": "1", "rows": [{"sku": "A"}]})
    assert out == {"orderNumber": "1", "rows": [{"sku": "A"}]}


def test_list_fields_default_to_empty() -> None:
    order = parse_record({})
    assert isinstance(order, Order)
    assert (order.tags, order.rows, order.customData) == ([], [], {})
    product = parse_record({}, "Product")
    assert isinstance(product, Product)
    assert (product.categories, product.attributes) == ([], {})


def test_null_lists_and_maps_read_as_empty() -> None:
    obj = {"tags": None, "categories": None, "attributes": None, "customData": None}
    assert normalize_record(obj, "Product") == {
        "tags": [],
        "categories": [],
        "attributes": {},
        "customData": {},
    }


def test_unknown_fields_are_kept_at_every_level() -> None:
    obj = {
        "top": {"n": 1, "list": [True, None]},
        "customer": {"loyalty": "gold"},
        "billingAddress": {"floor": 3},
        "deliveryAddress": {"door": "B"},
        "rows": [{"meta": [1, 2], "sku": "A"}],
        "customData": {"|x-a|k": {"type": "string", "value": "v", "note": "n"}},
    }
    out = normalize_record(obj)
    assert out["top"] == {"n": 1, "list": [True, None]}
    assert out["customer"] == {"loyalty": "gold"}
    assert out["billingAddress"] == {"floor": 3}
    assert out["deliveryAddress"] == {"door": "B"}
    assert out["rows"] == [{"sku": "A", "meta": [1, 2]}]
    assert out["customData"]["|x-a|k"]["note"] == "n"


def test_unknown_decimals_are_kept_as_exact_numbers() -> None:
    out = normalize_record({"weightKg": Decimal("1.50"), "rows": [{"x": {"y": 2.5}}]})
    assert out == {"weightKg": Decimal("1.50"), "rows": [{"x": {"y": Decimal("2.5")}}]}
    text = jsonio.dumps(out)
    assert '"weightKg": 1.50' in text
    assert '{"y": 2.5}' in text


@pytest.mark.parametrize(
    ("raw", "written"),
    [
        (549, "549"),
        (Decimal("549.00"), "549.00"),
        ("549.00", "549.00"),
        (12.5, "12.5"),
        ("-0.10", "-0.10"),
        ("1E+3", "1000"),
    ],
)
def test_money_is_exact_and_written_as_string(raw: object, written: str) -> None:
    out = normalize_record({"totalInclVat": raw, "rows": [{"quantity": raw}]})
    assert out == {"totalInclVat": written, "rows": [{"quantity": written}]}


def test_every_decimal_field_is_a_decimal() -> None:
    names = [
        "quantity", "pricePerUnitExclVat", "vatRate", "discount", "totalExclVat", "totalInclVat",
        "totalVat", "shippingCost", "discountTotal", "price", "purchasePrice", "weight",
    ]  # fmt: skip
    found = {
        name
        for model in (Order, Invoice, Product, OrderRow)
        for name, info in model.model_fields.items()
        if info.annotation == (Decimal | None)
    }
    assert found == set(names)


@pytest.mark.parametrize(
    ("raw", "written"),
    [
        ("2024-03-01T10:00:00", "2024-03-01T10:00:00Z"),
        ("2024-03-01T10:00:00Z", "2024-03-01T10:00:00Z"),
        ("2024-03-01T10:00:00+00:00", "2024-03-01T10:00:00Z"),
        ("2024-03-01T10:00:00.250+02:00", "2024-03-01T10:00:00.250000+02:00"),
        ("2024-03-01", "2024-03-01T00:00:00Z"),
        (datetime(2024, 3, 1, 10, 0), "2024-03-01T10:00:00Z"),
    ],
)
def test_datetimes(raw: object, written: str) -> None:
    order = parse_record({"createdAt": raw})
    assert order.createdAt is not None
    assert order.createdAt.tzinfo is not None
    assert normalize_record({"createdAt": raw}) == {"createdAt": written}


def test_datetime_with_offset_is_the_same_instant() -> None:
    order = parse_record({"createdAt": "2024-03-01T12:00:00+02:00"})
    assert order.createdAt == datetime(2024, 3, 1, 10, 0, tzinfo=UTC)
    assert order.createdAt.utcoffset() == timezone(timedelta(hours=2)).utcoffset(None)


def test_dates() -> None:
    invoice = parse_record({"invoiceDate": "2024-03-01", "dueDate": date(2024, 3, 31)}, "Invoice")
    assert isinstance(invoice, Invoice)
    assert invoice.invoiceDate == date(2024, 3, 1)
    assert dump_record(invoice) == {"invoiceDate": "2024-03-01", "dueDate": "2024-03-31"}


def test_numbers_for_string_fields_are_read_as_text() -> None:
    assert normalize_record({"orderNumber": 1001, "customer": {"customerNumber": 42}}) == {
        "orderNumber": "1001",
        "customer": {"customerNumber": "42"},
    }


def test_stock_and_attributes() -> None:
    out = normalize_record({"stock": "12", "attributes": {"Colour name": "Red"}}, "Product")
    assert out == {"stock": 12, "attributes": {"Colour name": "Red"}}


def test_annotations_are_introspectable() -> None:
    fields = Order.model_fields
    assert fields["orderNumber"].annotation == (str | None)
    assert fields["createdAt"].annotation == (datetime | None)
    assert fields["tags"].annotation == list[str]
    assert fields["rows"].annotation == list[OrderRow]
    assert fields["customer"].annotation == (Customer | None)
    assert fields["billingAddress"].annotation == (Address | None)
    assert fields["customData"].annotation == dict[str, CustomDataEntry]
    assert OrderRow.model_fields["customData"].annotation == dict[str, CustomDataEntry]
    assert Invoice.model_fields["dueDate"].annotation == (date | None)
    assert Product.model_fields["stock"].annotation == (int | None)
    assert Product.model_fields["attributes"].annotation == dict[str, str]
    assert Product.model_fields["categories"].annotation == list[str]


def test_record_fields_follow_records_md() -> None:
    common = {"localId", "recordType", "source", "createdAt", "lastModified", "tags", "customData"}
    assert set(Record.model_fields) == common
    assert set(Customer.model_fields) == {
        "customerNumber",
        "name",
        "email",
        "phone",
        "type",
        "vatNumber",
    }
    assert set(Address.model_fields) == {
        "name", "company", "street", "street2", "postalCode", "city", "region", "countryCode",
        "email", "phone",
    }  # fmt: skip
    assert set(OrderRow.model_fields) == {
        "rowId", "sku", "name", "quantity", "pricePerUnitExclVat", "vatRate", "discount",
        "totalExclVat", "totalInclVat", "customData",
    }  # fmt: skip
    assert set(Order.model_fields) - common == {
        "orderNumber", "orderStatus", "shippingStatus", "currency", "customer", "billingAddress",
        "deliveryAddress", "rows", "paymentMethod", "shippingMethod", "forwarderCode",
        "shippingCost", "discountTotal", "totalExclVat", "totalVat", "totalInclVat", "note",
    }  # fmt: skip
    assert set(Invoice.model_fields) - common == {
        "invoiceNumber", "orderNumber", "invoiceStatus", "currency", "invoiceDate", "dueDate",
        "customer", "billingAddress", "deliveryAddress", "rows", "totalExclVat", "totalVat",
        "totalInclVat",
    }  # fmt: skip
    assert set(Product.model_fields) - common == {
        "sku", "manufacturerSku", "ean", "title", "description", "brand", "status", "price",
        "purchasePrice", "currency", "vatRate", "stock", "weight", "categories", "attributes",
    }  # fmt: skip


def test_a_full_order_in_normal_form_reads_back_unchanged() -> None:
    order = {
        "localId": "0123456789abcdef0123456789abcdef",
        "recordType": "Order",
        "source": CONN,
        "createdAt": "2024-03-01T10:00:00Z",
        "tags": ["web"],
        "customData": {
            f"{CONN}|connector.woocommerce|meta.x": {
                "connectionId": CONN,
                "moduleId": "connector.woocommerce",
                "key": "meta.x",
                "type": "json",
                "value": {"a": ["1.5", 2]},
            }
        },
        "orderNumber": "727",
        "orderStatus": "onHold",
        "customer": {"name": "Ann Berg", "type": "private"},
        "deliveryAddress": {"countryCode": "SE", "street2": None},
        "rows": [{"rowId": "315", "sku": "A", "quantity": "2", "totalInclVat": "549.00"}],
        "shippingCost": "0.00",
        "totalInclVat": "549.00",
    }
    assert normalize_record(order) == order
