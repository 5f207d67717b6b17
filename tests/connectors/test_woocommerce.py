"""The WooCommerce import: real REST v3 orders (rules/records/woocommerce) to platform Orders."""

from __future__ import annotations

import copy
import hashlib
import json
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from procrules.connectors.woocommerce import (
    WooCommerceError,
    convert_order,
    convert_payload,
    map_status,
)
from procrules.records import entry_value, json_value, parse_record

FIXTURES = Path(__file__).resolve().parents[2] / "rules" / "records" / "woocommerce"
CONN = "5377568eb7e165e3b38af6eece4a0001"
MODULE = "connector.woocommerce"
KLARNA = "indigosleep_Heroku-NCFI_klarna_payments_order_on-hold_PII-REDACTED.json"
RETRIEVE = "wc-rest-api-docs_v3_retrieve-order_727.json"
UPDATE = "wc-rest-api-docs_v3_update-order_727.json"
LIST = "wc-rest-api-docs_v3_list-orders.json"


def words(text: str) -> set[str]:
    return set(text.split())


#: Top-level WooCommerce fields the contract table maps (written out here, not imported, so the
#: test checks the module); every other non-null field, and shipping_lines, must be kept raw.
MAPPED_ORDER_FIELDS = words(
    "number status currency date_created_gmt date_modified_gmt customer_id billing shipping "
    "line_items total total_tax shipping_total discount_total payment_method customer_note"
)
MAPPED_LINE_ITEM_FIELDS = {"id", "sku", "name", "quantity", "price", "total", "total_tax"}
MAPPED_ADDRESS_FIELDS = words(
    "first_name last_name company address_1 address_2 postcode city state country email phone"
)


def load(name: str) -> Any:
    return json.loads((FIXTURES / name).read_text(encoding="utf-8"), parse_float=Decimal)


def orders_of(name: str) -> list[dict[str, Any]]:
    payload = load(name)
    return payload if isinstance(payload, list) else [payload]


def key(name: str) -> str:
    return f"{CONN}|{MODULE}|{name}"


def entry(record: dict[str, Any], name: str) -> dict[str, Any]:
    result: dict[str, Any] = record["customData"][key(name)]
    return result


def value(record: dict[str, Any], name: str) -> Any:
    """The typed value of an entry (a json entry's JSON text read back)."""
    return entry_value(entry(record, name))


def expected_entry(name: str, type_: str, val: Any) -> dict[str, Any]:
    return {"connectionId": CONN, "moduleId": MODULE, "key": name, "type": type_, "value": val}


@pytest.fixture(scope="module")
def klarna() -> dict[str, Any]:
    return convert_order(load(KLARNA), CONN)


@pytest.fixture(scope="module")
def order_727() -> dict[str, Any]:
    return convert_order(load(RETRIEVE), CONN)


# -- every fixture -------------------------------------------------------------------------------


FIXTURE_FILES = sorted(p.name for p in FIXTURES.glob("*.json"))


def test_the_fixtures_are_in_the_repository() -> None:
    assert sorted([KLARNA, LIST, RETRIEVE, UPDATE]) == FIXTURE_FILES
    assert (FIXTURES / "SOURCES.md").is_file()


@pytest.mark.parametrize("name", FIXTURE_FILES)
def test_every_fixture_converts_to_valid_orders(name: str) -> None:
    orders = orders_of(name)
    records = convert_payload(load(name), CONN)
    assert len(records) == len(orders)
    for wc, record in zip(orders, records, strict=True):
        parse_record(record)  # raises when invalid
        assert record["recordType"] == "Order"
        assert record["source"] == CONN
        expected_id = hashlib.md5(f"{CONN}|{wc['id']}".encode(), usedforsecurity=False)
        assert record["localId"] == expected_id.hexdigest()
        assert record["orderNumber"] == wc["number"]
        json.dumps(record)  # JSON normal form: no Decimal, no datetime objects


@pytest.mark.parametrize("name", FIXTURE_FILES)
def test_nothing_of_the_input_is_dropped(name: str) -> None:
    for wc, record in zip(orders_of(name), convert_payload(load(name), CONN), strict=True):
        for field, val in wc.items():
            if val is None or field in MAPPED_ORDER_FIELDS:
                assert key(f"raw.{field}") not in record["customData"], field
                continue
            assert entry(record, f"raw.{field}")["type"] == "json", field
            assert value(record, f"raw.{field}") == json_value(val)
        for part in ("billing", "shipping"):
            assert set(wc[part]) <= MAPPED_ADDRESS_FIELDS
        for item, row in zip(wc["line_items"], record["rows"], strict=True):
            for field, val in item.items():
                if field in MAPPED_LINE_ITEM_FIELDS:
                    continue
                assert value(row, f"raw.{field}") == json_value(val)
            for meta in item["meta_data"]:
                assert value(row, f"meta.{meta['key']}") == meta["value"]
        for meta in wc["meta_data"]:
            assert value(record, f"meta.{meta['key']}") == meta["value"]


def test_conversion_is_deterministic_and_idempotent_through_the_model() -> None:
    first = convert_payload(load(LIST), CONN)
    assert convert_payload(load(LIST), CONN) == first
    other = convert_payload(load(LIST), "otherconnection")
    assert [r["localId"] for r in other] != [r["localId"] for r in first]
    assert first[0]["localId"] != first[1]["localId"]


# -- the Klarna order (indigosleep) --------------------------------------------------------------


def test_klarna_order_fields(klarna: dict[str, Any]) -> None:
    assert klarna["localId"] == hashlib.md5(b"%s|12334343" % CONN.encode()).hexdigest()
    assert klarna["orderNumber"] == "3520"
    assert klarna["orderStatus"] == "onHold"
    assert klarna["currency"] == "USD"
    assert klarna["paymentMethod"] == "klarna_payments"
    assert klarna["shippingMethod"] == "free_shipping:1"
    assert klarna["totalInclVat"] == "549.00"
    assert klarna["totalVat"] == "0.00"
    assert klarna["totalExclVat"] == "549.00"
    assert klarna["shippingCost"] == "0.00"
    assert klarna["discountTotal"] == "0.00"
    assert klarna.get("note") is None  # customer_note ""
    assert klarna["customer"] == {
        "customerNumber": "141",
        "name": "REDACTED REDACTED",
        "email": "REDACTED",
        "phone": "REDACTED",
        "type": "private",
    }


def test_klarna_order_dates_are_utc(klarna: dict[str, Any]) -> None:
    created = parse_record(klarna).createdAt
    modified = parse_record(klarna).lastModified
    assert created is not None
    assert modified is not None
    assert created.isoformat() == "2017-12-02T19:30:17+00:00"
    assert modified.isoformat() == "2017-12-02T19:33:48+00:00"


def test_klarna_order_addresses(klarna: dict[str, Any]) -> None:
    address = {
        "name": "REDACTED REDACTED",
        "street": "REDACTED",
        "postalCode": "29681",
        "city": "Simpsonville",
        "region": "SC",
        "countryCode": "US",
    }
    billing = {k: v for k, v in klarna["billingAddress"].items() if v is not None}
    delivery = {k: v for k, v in klarna["deliveryAddress"].items() if v is not None}
    assert billing == address | {"email": "REDACTED", "phone": "REDACTED"}
    assert delivery == address  # company "" and address_2 "" are absent


def test_klarna_order_meta_custom_data(klarna: dict[str, Any]) -> None:
    assert entry(klarna, "meta._wc_klarna_environment") == expected_entry(
        "meta._wc_klarna_environment", "string", "live"
    )
    assert entry(klarna, "meta._wc_klarna_country") == expected_entry(
        "meta._wc_klarna_country", "string", "US"
    )
    assert entry(klarna, "meta._wc_klarna_order_id") == expected_entry(
        "meta._wc_klarna_order_id", "string", "0720b05d-c8f2-5d22-9519-17d7ba135cda"
    )
    # an empty meta value stays an empty string: "empty means absent" is for record fields
    assert entry(klarna, "meta.taptap-hide-checkbox") == expected_entry(
        "meta.taptap-hide-checkbox", "string", ""
    )
    assert value(klarna, "meta._download_permissions_granted") == "yes"


def test_klarna_order_raw_custom_data(klarna: dict[str, Any]) -> None:
    raw = sorted(k.rsplit("|", 1)[1] for k in klarna["customData"] if "|raw." in k)
    assert raw == sorted(
        "raw." + f
        for f in words(
            "id parent_id order_key created_via version date_created date_modified discount_tax "
            "shipping_tax cart_tax prices_include_tax customer_ip_address customer_user_agent "
            "payment_method_title transaction_id date_paid date_paid_gmt cart_hash meta_data "
            "tax_lines shipping_lines fee_lines coupon_lines refunds"
        )
    )  # date_completed and date_completed_gmt are null: no entry
    assert len(klarna["customData"]) == len(raw) + 5  # + the five meta entries
    assert entry(klarna, "raw.id") == expected_entry("raw.id", "json", 12334343)
    assert value(klarna, "raw.prices_include_tax") is False
    assert value(klarna, "raw.date_created") == "2017-12-02T14:30:17"
    # the model writes a json entry holding a JSON string as its JSON text
    assert entry(klarna, "raw.version")["value"] == "3.1.2"
    assert value(klarna, "raw.tax_lines") == []
    shipping_lines = value(klarna, "raw.shipping_lines")
    assert shipping_lines[0]["method_title"] == "Free shipping"
    assert shipping_lines[0]["meta_data"][0]["value"] == (
        "Comfort Always\u00ae Classic Mattress - Queen \u00d7 1"
    )
    assert value(klarna, "raw.meta_data")[0] == {
        "id": 74511,
        "key": "taptap-hide-checkbox",
        "value": "",
    }


def test_klarna_order_row(klarna: dict[str, Any]) -> None:
    (row,) = klarna["rows"]
    assert row["rowId"] == "922"
    assert row["sku"] == "C-MAT-QU-01"
    assert row["name"] == "Comfort Always\u00ae Classic Mattress - Queen"
    assert row["quantity"] == "1"
    assert row["pricePerUnitExclVat"] == "549"
    assert row["totalExclVat"] == "549.00"
    assert row["totalInclVat"] == "549.00"
    assert entry(row, "meta.pa_mattress-size") == expected_entry(
        "meta.pa_mattress-size", "string", "queen"
    )
    assert value(row, "raw.product_id") == 3024
    assert value(row, "raw.variation_id") == 3050
    assert value(row, "raw.tax_class") == ""
    assert value(row, "raw.subtotal") == "549.00"
    assert value(row, "raw.subtotal_tax") == "0.00"
    assert value(row, "raw.taxes") == []
    assert value(row, "raw.meta_data") == [
        {"id": 7100, "key": "pa_mattress-size", "value": "queen"}
    ]
    assert len(row["customData"]) == 8


# -- the documentation's order 727 ---------------------------------------------------------------


def test_order_727_totals_and_customer(order_727: dict[str, Any]) -> None:
    assert order_727["orderStatus"] == "processing"
    assert order_727["totalInclVat"] == "29.35"
    assert order_727["totalVat"] == "1.35"
    assert order_727["totalExclVat"] == "28.00"
    assert order_727["shippingCost"] == "10.00"
    assert order_727["shippingMethod"] == "flat_rate"
    assert order_727["paymentMethod"] == "bacs"
    customer = order_727["customer"]
    assert customer.get("customerNumber") is None  # customer_id 0: a guest
    assert customer["name"] == "John Doe"
    assert customer["email"] == "john.doe@example.com"
    assert customer["phone"] == "(555) 555-5555"
    assert customer["type"] == "private"
    assert value(order_727, "meta._download_permissions_granted") == "yes"
    assert value(order_727, "raw.customer_ip_address") == ""  # "" is not null: kept
    assert value(order_727, "raw._links")["self"] == [
        {"href": "https://example.com/wp-json/wc/v3/orders/727"}
    ]


def test_order_727_rows(order_727: dict[str, Any]) -> None:
    simple, variation = order_727["rows"]
    assert simple["rowId"] == "315"
    assert simple.get("sku") is None  # sku ""
    assert simple["name"] == "Woo Single #1"
    assert simple["quantity"] == "2"
    assert simple["pricePerUnitExclVat"] == "3"
    assert simple["totalExclVat"] == "6.00"
    assert simple["totalInclVat"] == "6.45"
    assert value(simple, "raw.taxes") == [{"id": 75, "total": "0.45", "subtotal": "0.45"}]
    assert not any("|meta." in k for k in simple["customData"])
    assert variation["rowId"] == "316"
    assert variation["sku"] == "Bar3"
    assert variation["totalInclVat"] == "12.90"
    assert entry(variation, "meta.pa_color") == expected_entry("meta.pa_color", "string", "black")
    assert entry(variation, "meta.size") == expected_entry("meta.size", "string", "M Test")
    assert value(variation, "raw.variation_id") == 23


def test_updated_order_727() -> None:
    record = convert_order(load(UPDATE), CONN)
    assert record["orderStatus"] == "completed"
    assert parse_record(record).lastModified.isoformat() == "2017-03-22T19:30:35+00:00"  # type: ignore[union-attr]
    assert value(record, "raw.date_completed_gmt") == "2017-03-22T19:30:35"
    assert value(record, "meta._order_stock_reduced") == "yes"
    assert record["localId"] == convert_order(load(RETRIEVE), CONN)["localId"]


def test_list_of_orders() -> None:
    first, second = convert_payload(load(LIST), CONN)
    assert [first["orderNumber"], second["orderNumber"]] == ["727", "723"]
    assert value(first, "meta._order_stock_reduced") == "yes"
    assert key("meta._order_stock_reduced") not in second["customData"]
    assert second["orderStatus"] == "completed"
    assert second["customer"]["customerNumber"] == "26"
    assert second["customer"]["name"] == "Jo\u00e3o Silva"
    assert second["billingAddress"]["countryCode"] == "BR"
    assert second["billingAddress"]["postalCode"] == "12345-000"
    assert second["totalExclVat"] == "39.00"
    assert value(second, "raw.refunds") == [
        {"id": 726, "refund": "", "total": "-10.00"},
        {"id": 724, "refund": "", "total": "-9.00"},
    ]
    assert key("raw.date_paid") not in second["customData"]  # null


# -- the mapping rules on small orders -----------------------------------------------------------


def minimal(**fields: Any) -> dict[str, Any]:
    return {"id": 5, "number": "5"} | fields


@pytest.mark.parametrize(
    ("status", "expected"),
    [
        ("pending", "new"),
        ("on-hold", "onHold"),
        ("processing", "processing"),
        ("completed", "completed"),
        ("cancelled", "cancelled"),
        ("refunded", "refunded"),
        ("failed", "failed"),
        ("checkout-draft", "checkoutDraft"),
        ("wc-awaiting_shipment", "wcAwaitingShipment"),
    ],
)
def test_status_mapping(status: str, expected: str) -> None:
    assert map_status(status) == expected
    assert convert_order(minimal(status=status), CONN)["orderStatus"] == expected


def test_company_customer_and_empty_strings() -> None:
    billing = {"first_name": "", "last_name": "Ek", "company": "Ek AB", "email": "", "phone": ""}
    record = convert_order(minimal(billing=billing, customer_id="77", status=""), CONN)
    assert record["customer"]["type"] == "company"
    assert record["customer"]["name"] == "Ek"
    assert record["customer"]["customerNumber"] == "77"
    assert record["customer"].get("email") is None
    assert record.get("orderStatus") is None
    address = {k: v for k, v in record["billingAddress"].items() if v is not None}
    assert address == {"name": "Ek", "company": "Ek AB"}
    assert record.get("deliveryAddress") is None


def test_unmapped_address_fields_are_kept_raw() -> None:
    shipping = {"first_name": "A", "last_name": "B", "phone": "123", "vat": "SE1"}
    record = convert_order(minimal(shipping=shipping), CONN)
    assert record["deliveryAddress"]["phone"] == "123"
    assert entry(record, "raw.shipping") == expected_entry("raw.shipping", "json", {"vat": "SE1"})


def test_money_is_exact() -> None:
    wc = minimal(
        total="12345678901234567890123456789.99",
        total_tax=Decimal("0.01"),
        shipping_total=10,
        line_items=[
            {"id": 1, "quantity": Decimal("1.5"), "price": 0.1, "total": "0.1", "total_tax": "0.2"}
        ],
    )
    record = convert_order(wc, CONN)
    assert record["totalExclVat"] == "12345678901234567890123456789.98"
    assert record["totalVat"] == "0.01"
    assert record["shippingCost"] == "10"
    (row,) = record["rows"]
    assert row["quantity"] == "1.5"
    assert row["pricePerUnitExclVat"] == "0.1"
    assert row["totalInclVat"] == "0.3"  # 0.1 + 0.2 in floats would be 0.30000000000000004


def test_missing_tax_gives_no_derived_total() -> None:
    record = convert_order(minimal(total="10.00", line_items=[{"id": 1, "total": "4"}]), CONN)
    assert record["totalInclVat"] == "10.00"
    assert record.get("totalExclVat") is None
    assert record["rows"][0].get("totalInclVat") is None


def test_dates_with_an_offset_are_converted_to_utc() -> None:
    wc = minimal(date_created_gmt="2024-05-01T23:30:00-02:00", date_modified_gmt="")
    parsed = parse_record(convert_order(wc, CONN))
    assert parsed.createdAt is not None
    assert parsed.createdAt.isoformat() == "2024-05-02T01:30:00+00:00"
    assert parsed.lastModified is None


def test_meta_value_types() -> None:
    meta = [
        {"id": 1, "key": "s", "value": "12"},
        {"id": 2, "key": "i", "value": 12},
        {"id": 3, "key": "d", "value": Decimal("12.50")},
        {"id": 4, "key": "b", "value": True},
        {"id": 5, "key": "o", "value": {"a": [1, "x"]}},
        {"id": 6, "key": "l", "value": ["x"]},
        {"id": 7, "key": "n", "value": None},
        {"id": 8, "key": "a|b", "value": "kept only in raw.meta_data"},
    ]
    record = convert_order(minimal(meta_data=meta), CONN)
    assert entry(record, "meta.s") == expected_entry("meta.s", "string", "12")
    assert entry(record, "meta.i") == expected_entry("meta.i", "integer", 12)
    assert entry(record, "meta.d") == expected_entry("meta.d", "decimal", "12.50")
    assert entry(record, "meta.b") == expected_entry("meta.b", "bool", True)
    assert entry(record, "meta.o") == expected_entry("meta.o", "json", {"a": [1, "x"]})
    assert entry(record, "meta.l") == expected_entry("meta.l", "json", ["x"])
    assert entry(record, "meta.n") == expected_entry("meta.n", "json", None)
    assert not any("a|b" in k for k in record["customData"])
    assert value(record, "raw.meta_data")[7]["key"] == "a|b"


def test_a_duplicate_meta_key_keeps_every_value_in_a_json_list() -> None:
    meta = [
        {"id": 1, "key": "tag", "value": "a"},
        {"id": 2, "key": "other", "value": "x"},
        {"id": 3, "key": "tag", "value": 2},
    ]
    record = convert_order(minimal(meta_data=meta), CONN)
    assert entry(record, "meta.tag") == expected_entry("meta.tag", "json", ["a", 2])
    assert entry(record, "meta.other") == expected_entry("meta.other", "string", "x")


def test_the_input_is_not_modified() -> None:
    wc = load(KLARNA)
    before = copy.deepcopy(wc)
    convert_order(wc, CONN)
    assert wc == before


# -- errors --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("payload", "message"),
    [
        (
            "an order",
            (
                "expected a WooCommerce order (a JSON object) or an array of orders, "
                'got the string "an order"'
            ),
        ),
        (None, "expected a WooCommerce order (a JSON object) or an array of orders, got null"),
        (
            [minimal(), 5],
            "order [1]: expected a WooCommerce order (a JSON object), got the number 5",
        ),
        ([[]], "order [0]: expected a WooCommerce order (a JSON object), got an array"),
        (
            [minimal(id=727, status=5)],
            'order [0] (id 727): field "status": expected a string, got the number 5',
        ),
        (
            minimal(id=727, total="12,50"),
            'order (id 727): field "total": expected a number, got the string "12,50"',
        ),
        (minimal(id=9, total=True), 'order (id 9): field "total": expected a number, got true'),
        (
            [minimal(), minimal(id=8, line_items=[{"id": 1}, {"id": 2, "total": [1]}])],
            'order [1] (id 8): field "line_items[1].total": expected a number, got an array',
        ),
        (
            minimal(id=9, billing="Stockholm"),
            'order (id 9): field "billing": expected an object, got the string "Stockholm"',
        ),
        (
            minimal(id=9, meta_data=[{"key": 7, "value": "x"}]),
            'order (id 9): field "meta_data[0].key": expected a string, got the number 7',
        ),
        (
            minimal(id=9, date_created_gmt="yesterday"),
            (
                'order (id 9): field "date_created_gmt": expected an ISO 8601 datetime, '
                'got the string "yesterday"'
            ),
        ),
        (
            {"number": "1"},
            'order: field "id": missing; the order id is needed for the record\'s localId',
        ),
    ],
)
def test_input_that_is_not_an_order(payload: Any, message: str) -> None:
    with pytest.raises(WooCommerceError) as caught:
        convert_payload(payload, CONN)
    assert str(caught.value) == message


def test_an_invalid_connection_id_is_refused() -> None:
    with pytest.raises(ValueError, match=r"invalid connection id 'a\|b'"):
        convert_order(minimal(), "a|b")
