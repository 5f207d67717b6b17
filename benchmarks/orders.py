"""A seeded generator of realistic platform Orders, as JSON text (one order a line).

An order has 1-8 rows, a customer, billing and delivery addresses (different in some orders),
totals computed exactly with decimals (written as JSON numbers with two decimals, so
``procrules.jsonio.loads`` reads them as ``Decimal``), and custom data as the WooCommerce import
leaves it: entries of two connections (``…|connector.woocommerce|meta._wc_klarna_environment`` on
Klarna orders, the attribution source type, the payment method title, a json ``raw.shipping_lines``,
``meta.pa_color``/``meta.pa_size`` in rows) and entries of no connection (``|x-acme|segment``).

Fields are sometimes missing or null the way real data has them (guest orders without a customer
number, no e-mail, no note, an explicit ``"discountTotal": null``, a row without quantity), so
the null semantics of LANGUAGE.md section 12 are exercised.
"""

from __future__ import annotations

import random
from decimal import Decimal
from typing import Any

from rulegen import (
    COLOURS,
    CONN_A,
    CONN_B,
    KLARNA_ENV,
    PA_COLOR,
    PAY_TITLE,
    PAYMENTS,
    SHIPPING,
    SOURCE_TYPE,
    STATUSES,
    WOO,
)

from procrules import jsonio

CENT = Decimal("0.01")
COUNTRIES = ["SE"] * 8 + ["NO", "NO", "DK", "DK", "FI", "DE", "DE", "US", "GB", "NL"]
FIRST = ["Anna", "Erik", "Åsa", "Lars", "Maria", "Johan", "Sofia", "Karl", "Emma", "Olof", "Ines"]
LAST = ["Svensson", "Johansson", "Öberg", "Nilsson", "Berg", "Lind", "Smith", "Müller", "Holm"]
STREETS = ["Storgatan", "Kungsvägen", "Drottninggatan", "Main Street", "Hauptstraße", "Strandvägen"]
CITIES = ["Stockholm", "Göteborg", "Malmö", "Oslo", "København", "Helsinki", "Berlin", "London"]
PRODUCTS = ["T-shirt", "Hoodie", "Mug", "Poster", "Sneakers", "Cap", "Gift card", "Socks"]


def _entry(conn: str, module: str, key: str, typ: str, value: Any) -> tuple[str, dict[str, Any]]:
    entry: dict[str, Any] = {"moduleId": module, "key": key, "type": typ, "value": value}
    if conn:
        entry = {"connectionId": conn, **entry}
    return f"{conn}|{module}|{key}", entry


def _address(rng: random.Random, name: str, company: str | None, country: str) -> dict[str, Any]:
    address: dict[str, Any] = {
        "name": name,
        "company": company,
        "street": f"{rng.choice(STREETS)} {rng.randint(1, 120)}",
        "postalCode": f"{rng.randint(10000, 99999)}",
        "city": rng.choice(CITIES),
        "countryCode": country,
    }
    if rng.random() < 0.5:
        address["phone"] = f"+46 70 {rng.randint(1000000, 9999999)}"
    return address


def _row(rng: random.Random, n: int, source: str) -> dict[str, Any]:
    quantity = rng.choice([1, 1, 1, 2, 2, 3, 5])
    price = (Decimal(rng.randint(500, 120000)) / 100).quantize(CENT)
    vat = rng.choice([Decimal("0.25"), Decimal("0.25"), Decimal("0.12"), Decimal("0.06")])
    excl = (price * quantity).quantize(CENT)
    incl = (excl * (1 + vat)).quantize(CENT)
    row: dict[str, Any] = {
        "rowId": str(n + 1),
        "sku": f"SKU-{rng.randint(0, 9)}{rng.randint(0, 999):03d}",
        "name": rng.choice(PRODUCTS),
        "quantity": quantity,
        "pricePerUnitExclVat": price,
        "vatRate": vat,
        "totalExclVat": excl,
        "totalInclVat": incl,
    }
    if rng.random() < 0.01:
        del row["quantity"]  # a connector that lost it: `all rows[*].quantity > 0` is false
    if rng.random() < 0.05:
        row["sku"] = "GIFTWRAP-1"
    if rng.random() < 0.4:
        row["customData"] = dict(
            [
                _entry(source, WOO, PA_COLOR, "string", rng.choice(COLOURS)),
                _entry(source, WOO, "meta.pa_size", "string", rng.choice("SMLX")),
            ]
        )
    return row


def order(rng: random.Random, n: int) -> dict[str, Any]:
    """One order (a JSON object with ``Decimal`` money)."""
    source = CONN_A if rng.random() < 0.7 else CONN_B
    first, last = rng.choice(FIRST), rng.choice(LAST)
    name = f"{first} {last}"
    company = f"{last} AB" if rng.random() < 0.2 else None
    country = rng.choice(COUNTRIES)
    rows = [_row(rng, i, source) for i in range(rng.randint(1, 8))]
    shipping = rng.choice([Decimal("0.00"), Decimal("49.00"), Decimal("79.00"), Decimal("99.00")])
    excl = sum((r["totalExclVat"] for r in rows), Decimal("0.00")) + shipping
    incl = sum((r["totalInclVat"] for r in rows), Decimal("0.00")) + shipping * Decimal("1.25")
    incl = incl.quantize(CENT)
    payment = rng.choice(PAYMENTS)
    customer: dict[str, Any] = {"name": name, "type": "company" if company else "private"}
    if rng.random() < 0.75:
        customer["customerNumber"] = str(rng.randint(1000, 99999))
    if rng.random() < 0.9:
        domain = f"example{rng.randint(0, 9)}.com"
        customer["email"] = f"{first.lower()}.{last.lower()}@{domain}"
    if rng.random() < 0.05:
        del customer["type"]
    rec: dict[str, Any] = {
        "localId": f"{rng.getrandbits(128):032x}",
        "recordType": "Order",
        "source": source,
        "createdAt": f"2024-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}T10:{n % 60:02d}:00Z",
        "orderNumber": str(100000 + n),
        "orderStatus": rng.choice(STATUSES),
        "currency": rng.choice(["SEK", "SEK", "SEK", "EUR", "NOK", "DKK", "USD"]),
        "customer": customer,
        "billingAddress": _address(rng, name, company, country),
        "deliveryAddress": _address(rng, name, company, country),
        "rows": rows,
        "paymentMethod": payment,
        "shippingCost": shipping,
        "totalExclVat": excl,
        "totalVat": incl - excl,
        "totalInclVat": incl,
        "tags": ["web"] if rng.random() < 0.3 else [],
    }
    if rng.random() < 0.15:
        rec["deliveryAddress"] = _address(rng, name, None, rng.choice(COUNTRIES))
    if rng.random() < 0.9:
        rec["shippingMethod"] = rng.choice(SHIPPING)
    draw = rng.random()
    if draw < 0.3:
        rec["discountTotal"] = (Decimal(rng.randint(0, 20000)) / 100).quantize(CENT)
    elif draw < 0.5:
        rec["discountTotal"] = None
    draw = rng.random()
    if draw < 0.2:
        rec["note"] = "Leave at the door, please."
    elif draw < 0.3:
        rec["note"] = ""
    entries = [
        _entry(
            source, WOO, PAY_TITLE, "string", {"klarna_payments": "Klarna"}.get(payment, "Card")
        ),
        _entry(
            source, WOO, "raw.shipping_lines", "json", [{"method_id": "flat_rate", "total": 49}]
        ),
    ]
    if payment == "klarna_payments":
        env = rng.choices(["live", "test", "eu-test", "us-test"], [85, 8, 4, 3])[0]
        entries.append(_entry(source, WOO, KLARNA_ENV, "string", env))
        if rng.random() < 0.1:  # the order also passed through the other shop
            other = CONN_B if source == CONN_A else CONN_A
            entries.append(_entry(other, WOO, KLARNA_ENV, "string", rng.choice(["live", "test"])))
    if rng.random() < 0.6:
        kind = rng.choice(["organic", "typein", "utm", "referral"])
        entries.append(_entry(source, WOO, SOURCE_TYPE, "string", kind))
    if rng.random() < 0.7:
        segment = "vip" if rng.random() < 0.15 else "regular"
        entries.append(_entry("", "x-acme", "segment", "string", segment))
    rec["customData"] = dict(entries)
    return rec


def order_lines(n: int, seed: int = 11) -> list[str]:
    """``n`` orders as JSON text, one per line, deterministic for a seed."""
    rng = random.Random(seed)
    return [jsonio.dumps(order(rng, i)) for i in range(n)]
