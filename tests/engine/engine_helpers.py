"""Helpers for the engine tests: books from rule text, and a plain order to run them on."""

from __future__ import annotations

import copy
from typing import Any

from procrules import Book, Context, Result

CONN = "5377568eb7e165e3b38af6eece4a0001"
OTHER = "99999999999999999999999999990002"


def book_of(*texts: str) -> Book:
    """A book of one rule set per text, run in the order given."""
    return Book.from_sources({f"{i:02d}-t.rules": text for i, text in enumerate(texts)})


def run(text: str, record: dict[str, Any], **context: Any) -> Result:
    """Apply one rule set to a deep copy of ``record`` and check the input stayed as it was."""
    given = copy.deepcopy(record)
    result = book_of(text).apply(given, Context(**context))
    assert given == record, "the input record was mutated"
    return result


def cd_entry(conn: str, module: str, key: str, kind: str, value: Any) -> tuple[str, dict[str, Any]]:
    entry: dict[str, Any] = {"moduleId": module, "key": key, "type": kind, "value": value}
    if conn:
        entry = {"connectionId": conn, **entry}
    return f"{conn}|{module}|{key}", entry


def order(**fields: Any) -> dict[str, Any]:
    """A small order; keyword arguments replace or add fields."""
    base: dict[str, Any] = {
        "recordType": "Order",
        "orderNumber": "1001",
        "orderStatus": "new",
        "currency": "SEK",
        "source": CONN,
        "createdAt": "2024-03-01T10:00:00Z",
        "customer": {"name": "Ann", "email": "ann@example.com", "type": "private"},
        "deliveryAddress": {"name": "Ann", "city": "Umeå", "countryCode": "SE"},
        "billingAddress": {"name": "Ann Inc", "city": "Oslo", "countryCode": "NO"},
        "rows": [
            {"rowId": "1", "sku": "SKU-1", "quantity": "2", "pricePerUnitExclVat": "100.00"},
            {"rowId": "2", "sku": "GIFTWRAP-RED", "quantity": 1, "pricePerUnitExclVat": "10"},
            {"rowId": "3", "sku": "SKU-3", "quantity": "1.5", "pricePerUnitExclVat": 20.5},
        ],
        "tags": ["web"],
        "shippingCost": "49.00",
        "totalInclVat": "549.00",
        "customData": dict(
            [
                cd_entry(
                    CONN, "connector.woocommerce", "meta._wc_klarna_environment", "string", "test"
                ),
                cd_entry(CONN, "connector.woocommerce", "meta.count", "integer", "12"),
                cd_entry("", "x-acme", "flag", "bool", "true"),
                cd_entry(
                    "",
                    "x-acme",
                    "payload",
                    "json",
                    '{"lines": [{"sku": "A", "qty": 2}, {"sku": "B", "qty": 1.5}]}',
                ),
                cd_entry(
                    OTHER, "connector.woocommerce", "meta._wc_klarna_environment", "string", "live"
                ),
            ]
        ),
    }
    base.update(fields)
    return base


def fired(result: Result) -> list[str]:
    return [f.rule for f in result.fired]


def fires(condition: str, record: dict[str, Any] | None = None, header: str = "for Order") -> bool:
    """Whether a rule with this condition fires on ``record`` (default: :func:`order`)."""
    text = f'{header}\nrule "r"\nwhen {condition}\nthen log "yes"\nend\n'
    result = run(text, order() if record is None else record)
    assert result.status == "ok", result.to_dict()
    return fired(result) == ["r"]


def error_of(condition: str, record: dict[str, Any] | None = None) -> str:
    """The evaluation error message of a condition (it must give one)."""
    text = f'for Order\nrule "r"\nwhen {condition}\nthen log "yes"\nend\n'
    result = run(text, order() if record is None else record)
    assert result.status == "error", result.to_dict()
    assert result.error is not None
    return result.error.message
