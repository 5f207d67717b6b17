"""The WooCommerce connector: REST API v3 orders interpreted into platform Orders (import).

The mapping is the contract table in ``RECORDS.md`` ("The WooCommerce connector"). What the
table does not say, decided here:

* ``localId`` is ``md5(f"{connection_id}|{wc id}")`` in hex: the same WooCommerce order imported
  through the same connection always gets the same id. An order without an ``id`` is an error.
* Money and quantities are read exactly as :class:`~decimal.Decimal` (strings like ``"549.00"``,
  JSON numbers, or Decimals from ``json.loads(..., parse_float=Decimal)``; a float is read through
  its ``repr``). ``totalExclVat = total - total_tax`` and a row's
  ``totalInclVat = total + total_tax`` are exact Decimal arithmetic (an inexact result is an error).
* Empty strings map to absent fields; an address with no field left is absent. ``customer.type``
  is ``company`` when ``billing.company`` is non-empty, else ``private``.
* ``date_created_gmt`` / ``date_modified_gmt`` carry no offset in WooCommerce and are read as UTC
  (an explicit offset is converted to UTC).
* Custom data (module ``connector.woocommerce``, connection = the import's connection id):

  - ``meta.<key>`` for each ``meta_data`` entry: type ``string`` for a string (an empty string
    stays ``""`` -- the empty-string rule is for record fields, not meta values), ``bool``,
    ``integer`` for a JSON number without a fraction, ``decimal`` for one with a fraction (or
    exponent), ``json`` for an object, a list or null. A key given more than once becomes ONE entry
    of type ``json`` whose value is the list of all its values in input order (nothing is lost).
    A meta key that cannot be part of a custom-data key (not a non-empty string, or containing
    ``|``) gets no ``meta.`` entry; it is still kept in ``raw.meta_data``.
  - ``raw.<field>`` (type ``json``) for every top-level field the table's left column does not
    name, including ``meta_data`` itself (it holds the meta entries' WooCommerce ids and order),
    and ``shipping_lines`` whole. A null field gets no entry.
  - ``raw.billing`` / ``raw.shipping``: only the address fields the mapping does not use (e.g.
    ``shipping.phone`` in newer versions is mapped; an unknown field is kept here).
  - Rows: a line item's ``meta_data`` becomes ``meta.<key>`` entries in the row's ``customData``
    the same way, and every line-item field the table does not map (``product_id``,
    ``variation_id``, ``tax_class``, ``subtotal``, ``subtotal_tax``, ``taxes``, ``meta_data``, ...)
    is kept as a row ``raw.<field>`` entry.
  - Values pass through the record model's normal form: a ``json`` entry holding a JSON string is
    written as its JSON text (``"\\"3.1.2\\""``), and a non-integral number inside a ``json``
    value becomes its exact decimal string.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from datetime import UTC, datetime
from decimal import Decimal, Inexact, localcontext
from typing import Any

from procrules.records import RecordError, compose_key, normalize_record, to_decimal

__all__ = [
    "ADDRESS_FIELDS",
    "LINE_ITEM_MAPPED_FIELDS",
    "MODULE_ID",
    "ORDER_MAPPED_FIELDS",
    "WooCommerceError",
    "convert_order",
    "convert_payload",
    "local_id",
    "map_status",
]

#: The custom-data module of every entry this connector creates.
MODULE_ID = "connector.woocommerce"

#: Top-level order fields the contract table maps. ``shipping_lines`` is not listed: only its first
#: ``method_id`` is mapped, so it is kept raw whole like every unlisted field.
ORDER_MAPPED_FIELDS: frozenset[str] = frozenset(
    {
        "number",
        "status",
        "currency",
        "date_created_gmt",
        "date_modified_gmt",
        "customer_id",
        "billing",
        "shipping",
        "line_items",
        "total",
        "total_tax",
        "shipping_total",
        "discount_total",
        "payment_method",
        "customer_note",
    }
)

#: Line-item fields the table maps onto a row; every other line-item field is kept raw.
LINE_ITEM_MAPPED_FIELDS: frozenset[str] = frozenset(
    {"id", "sku", "name", "quantity", "price", "total", "total_tax"}
)

#: WooCommerce address field -> platform address field (``first_name``/``last_name`` -> ``name``).
ADDRESS_FIELDS: dict[str, str] = {
    "company": "company",
    "address_1": "street",
    "address_2": "street2",
    "postcode": "postalCode",
    "city": "city",
    "state": "region",
    "country": "countryCode",
    "email": "email",
    "phone": "phone",
}
_NAME_FIELDS = ("first_name", "last_name")

_STATUS_MAP = {"pending": "new", "on-hold": "onHold"}

#: Precision for the two sums; far beyond any money value, and Inexact is trapped anyway.
_PRECISION = 200


class WooCommerceError(ValueError):
    """Input that is not a WooCommerce order; the message names the order and the field."""


def local_id(connection_id: str, wc_id: object) -> str:
    """The platform id of WooCommerce order ``wc_id`` imported through ``connection_id``."""
    return hashlib.md5(f"{connection_id}|{wc_id}".encode(), usedforsecurity=False).hexdigest()


def map_status(status: str) -> str:
    """``pending`` -> ``new``, ``on-hold`` -> ``onHold``, others camelCased on ``-``/``_``."""
    if status in _STATUS_MAP:
        return _STATUS_MAP[status]
    head, *rest = status.replace("_", "-").split("-")
    return head + "".join(part[:1].upper() + part[1:] for part in rest)


def _describe(value: object) -> str:
    """A short description of a JSON value for an error message."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float | Decimal):
        return f"the number {value}"
    if isinstance(value, str):
        text = value if len(value) <= 40 else value[:37] + "..."
        return "the string " + json.dumps(text, ensure_ascii=False)
    if isinstance(value, list):
        return "an array"
    if isinstance(value, Mapping):
        return "an object"
    return f"a {type(value).__name__}"


class _Order:
    """Conversion state of one order: its label for messages and the connection id."""

    def __init__(self, connection_id: str, index: int | None) -> None:
        self.connection_id = connection_id
        self.index = index
        self.wc_id: object = None

    @property
    def label(self) -> str:
        text = "order" if self.index is None else f"order [{self.index}]"
        return text if self.wc_id is None else f"{text} (id {self.wc_id})"

    def error(self, field: str, problem: str) -> WooCommerceError:
        return WooCommerceError(f'{self.label}: field "{field}": {problem}')

    def expected(self, field: str, what: str, value: object) -> WooCommerceError:
        return self.error(field, f"expected {what}, got {_describe(value)}")

    # -- scalar readers ---------------------------------------------------------------------

    def text(self, value: object, field: str) -> str | None:
        """A string field; ``""`` and null are absent."""
        if value is None or value == "":
            return None
        if not isinstance(value, str):
            raise self.expected(field, "a string", value)
        return value

    def ident(self, value: object, field: str) -> str | None:
        """An id-like field given as a string or an integer; ``""`` and null are absent."""
        if isinstance(value, int) and not isinstance(value, bool):
            return str(value)
        if value is None or isinstance(value, str):
            return self.text(value, field)
        raise self.expected(field, "a string or an integer", value)

    def number(self, value: object, field: str) -> Decimal | None:
        """An exact decimal from a string, a JSON number or a Decimal; ``""``/null are absent."""
        if value is None or value == "":
            return None
        try:
            return to_decimal(value)
        except ValueError:
            raise self.expected(field, "a number", value) from None

    def utc(self, value: object, field: str) -> str | None:
        """A WooCommerce ``*_gmt`` datetime as an ISO 8601 string in UTC."""
        text = self.text(value, field)
        if text is None:
            return None
        try:
            moment = datetime.fromisoformat(text)
        except ValueError:
            raise self.expected(field, "an ISO 8601 datetime", value) from None
        if moment.tzinfo is None:
            moment = moment.replace(tzinfo=UTC)
        return moment.astimezone(UTC).isoformat()

    def exact(self, a: Decimal, b: Decimal, sign: int, field: str) -> Decimal:
        """``a + sign * b`` exactly."""
        with localcontext() as ctx:
            ctx.prec = _PRECISION
            ctx.traps[Inexact] = True
            try:
                return a + b if sign > 0 else a - b
            except Inexact:
                raise self.error(field, "the sum cannot be computed exactly") from None

    # -- custom data ------------------------------------------------------------------------

    def entry(self, key: str, type_: str, value: object) -> tuple[str, dict[str, Any]]:
        """One custom-data entry of this connector, with its map key."""
        if type_ == "json" and isinstance(value, str):
            value = json.dumps(value, ensure_ascii=False)  # a json string value is JSON text
        map_key = compose_key(self.connection_id, MODULE_ID, key)
        return map_key, {
            "connectionId": self.connection_id,
            "moduleId": MODULE_ID,
            "key": key,
            "type": type_,
            "value": value,
        }

    def raw(self, custom: dict[str, Any], name: str, value: object, field: str) -> None:
        """Keep ``value`` as ``raw.<name>`` (type json) unless it is null."""
        if value is None:
            return
        if "|" in name:
            raise self.error(field, "a field name containing '|' cannot be kept as custom data")
        map_key, entry = self.entry(f"raw.{name}", "json", value)
        custom[map_key] = entry

    def meta(self, custom: dict[str, Any], meta_data: object, field: str) -> None:
        """``meta.<key>`` entries for a ``meta_data`` list (see the module docstring)."""
        if meta_data is None:
            return
        if not isinstance(meta_data, list):
            raise self.expected(field, "an array", meta_data)
        grouped: dict[str, list[object]] = {}
        for position, item in enumerate(meta_data):
            where = f"{field}[{position}]"
            if not isinstance(item, Mapping):
                raise self.expected(where, "an object with key and value", item)
            key = item.get("key")
            if key is not None and not isinstance(key, str):
                raise self.expected(f"{where}.key", "a string", key)
            if not key or "|" in key:
                continue  # no valid custom-data key; the entry stays in raw.meta_data
            grouped.setdefault(key, []).append(item.get("value"))
        for key, values in grouped.items():
            if len(values) == 1:
                type_, value = _meta_type(values[0])
            else:
                type_, value = "json", values
            map_key, entry = self.entry(f"meta.{key}", type_, value)
            custom[map_key] = entry


def _meta_type(value: object) -> tuple[str, object]:
    """The custom-data type of a single meta value, and the value in that type's form."""
    if isinstance(value, str):
        return "string", value
    if isinstance(value, bool):
        return "bool", value
    if isinstance(value, int):
        return "integer", value
    if isinstance(value, Decimal):
        return "decimal", value
    if isinstance(value, float):
        return "decimal", Decimal(repr(value))
    return "json", value


def _put(target: dict[str, Any], name: str, value: object) -> None:
    if value is not None:
        target[name] = value


def _address(
    order: _Order, value: object, field: str, custom: dict[str, Any]
) -> dict[str, Any] | None:
    """A platform address from a WooCommerce ``billing``/``shipping`` object."""
    if value is None or value == []:  # PHP serialises an empty array as []
        return None
    if not isinstance(value, Mapping):
        raise order.expected(field, "an object", value)
    address: dict[str, Any] = {}
    names = [order.text(value.get(part), f"{field}.{part}") for part in _NAME_FIELDS]
    _put(address, "name", " ".join(part for part in names if part) or None)
    for wc_name, name in ADDRESS_FIELDS.items():
        _put(address, name, order.text(value.get(wc_name), f"{field}.{wc_name}"))
    unmapped = {
        key: item
        for key, item in value.items()
        if key not in ADDRESS_FIELDS and key not in _NAME_FIELDS
    }
    if unmapped:
        order.raw(custom, field, unmapped, field)
    return address or None


def _row(order: _Order, item: object, field: str) -> dict[str, Any]:
    """A platform order row from a WooCommerce line item."""
    if not isinstance(item, Mapping):
        raise order.expected(field, "an object", item)
    row: dict[str, Any] = {}
    _put(row, "rowId", order.ident(item.get("id"), f"{field}.id"))
    _put(row, "sku", order.text(item.get("sku"), f"{field}.sku"))
    _put(row, "name", order.text(item.get("name"), f"{field}.name"))
    _put(row, "quantity", order.number(item.get("quantity"), f"{field}.quantity"))
    _put(row, "pricePerUnitExclVat", order.number(item.get("price"), f"{field}.price"))
    total = order.number(item.get("total"), f"{field}.total")
    total_tax = order.number(item.get("total_tax"), f"{field}.total_tax")
    _put(row, "totalExclVat", total)
    if total is not None and total_tax is not None:
        row["totalInclVat"] = order.exact(total, total_tax, +1, f"{field}.total")
    custom: dict[str, Any] = {}
    order.meta(custom, item.get("meta_data"), f"{field}.meta_data")
    for key, value in item.items():
        if key not in LINE_ITEM_MAPPED_FIELDS:
            order.raw(custom, key, value, f"{field}.{key}")
    if custom:
        row["customData"] = custom
    return row


def convert_order(
    wc: Mapping[str, Any], connection_id: str, *, index: int | None = None
) -> dict[str, Any]:
    """Interpret one WooCommerce REST v3 order as a platform Order in JSON normal form.

    ``index`` (the order's position in a payload) only appears in error messages.
    Raises :class:`WooCommerceError` for input that is not a WooCommerce order.
    """
    if not isinstance(connection_id, str) or not connection_id or "|" in connection_id:
        raise ValueError(f"invalid connection id {connection_id!r}: non-empty, without '|'")
    order = _Order(connection_id, index)
    if not isinstance(wc, Mapping):
        raise WooCommerceError(
            f"{order.label}: expected a WooCommerce order (a JSON object), got {_describe(wc)}"
        )
    wc_id = order.ident(wc.get("id"), "id")
    if wc_id is None:
        raise order.error("id", "missing; the order id is needed for the record's localId")
    order.wc_id = wc_id

    record: dict[str, Any] = {
        "localId": local_id(connection_id, wc_id),
        "recordType": "Order",
        "source": connection_id,
    }
    custom: dict[str, Any] = {}
    _put(record, "orderNumber", order.ident(wc.get("number"), "number"))
    status = order.text(wc.get("status"), "status")
    _put(record, "orderStatus", None if status is None else map_status(status))
    _put(record, "currency", order.text(wc.get("currency"), "currency"))
    _put(record, "createdAt", order.utc(wc.get("date_created_gmt"), "date_created_gmt"))
    _put(record, "lastModified", order.utc(wc.get("date_modified_gmt"), "date_modified_gmt"))

    billing = _address(order, wc.get("billing"), "billing", custom)
    shipping = _address(order, wc.get("shipping"), "shipping", custom)
    customer: dict[str, Any] = {}
    customer_number = order.ident(wc.get("customer_id"), "customer_id")
    _put(customer, "customerNumber", None if customer_number == "0" else customer_number)
    for name in ("name", "email", "phone"):
        _put(customer, name, (billing or {}).get(name))
    customer["type"] = "company" if (billing or {}).get("company") else "private"
    record["customer"] = customer
    _put(record, "billingAddress", billing)
    _put(record, "deliveryAddress", shipping)

    line_items = wc.get("line_items")
    if line_items is not None:
        if not isinstance(line_items, list):
            raise order.expected("line_items", "an array", line_items)
        record["rows"] = [
            _row(order, item, f"line_items[{position}]") for position, item in enumerate(line_items)
        ]

    _put(record, "paymentMethod", order.text(wc.get("payment_method"), "payment_method"))
    shipping_lines = wc.get("shipping_lines")
    if shipping_lines is not None:
        if not isinstance(shipping_lines, list):
            raise order.expected("shipping_lines", "an array", shipping_lines)
        if shipping_lines:
            first = shipping_lines[0]
            if not isinstance(first, Mapping):
                raise order.expected("shipping_lines[0]", "an object", first)
            method = order.text(first.get("method_id"), "shipping_lines[0].method_id")
            _put(record, "shippingMethod", method)
    _put(record, "shippingCost", order.number(wc.get("shipping_total"), "shipping_total"))
    _put(record, "discountTotal", order.number(wc.get("discount_total"), "discount_total"))
    total = order.number(wc.get("total"), "total")
    total_tax = order.number(wc.get("total_tax"), "total_tax")
    if total is not None and total_tax is not None:
        record["totalExclVat"] = order.exact(total, total_tax, -1, "total")
    _put(record, "totalVat", total_tax)
    _put(record, "totalInclVat", total)
    _put(record, "note", order.text(wc.get("customer_note"), "customer_note"))

    order.meta(custom, wc.get("meta_data"), "meta_data")
    for key, value in wc.items():
        if key not in ORDER_MAPPED_FIELDS:
            order.raw(custom, key, value, key)
    record["customData"] = custom
    try:
        return normalize_record(record, "Order")
    except RecordError as exc:
        raise WooCommerceError(f"{order.label}: the converted record is not valid: {exc}") from exc


def convert_payload(payload: Any, connection_id: str) -> list[dict[str, Any]]:
    """Convert one WooCommerce order (a JSON object) or a JSON array of orders."""
    if isinstance(payload, Mapping):
        return [convert_order(payload, connection_id)]
    if isinstance(payload, list):
        return [
            convert_order(item, connection_id, index=position)
            for position, item in enumerate(payload)
        ]
    raise WooCommerceError(
        "expected a WooCommerce order (a JSON object) or an array of orders, "
        f"got {_describe(payload)}"
    )
