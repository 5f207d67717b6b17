"""The record model (RECORDS.md): Order, Invoice, Product and their parts, as pydantic v2 models.

Attribute names are the JSON names (camelCase), so ``model_fields`` is the schema the rule checker
types paths against; annotations stay plain (``Decimal | None``, ``list[str]``, …) and the reading
and writing rules ride on ``Annotated`` metadata. Every model keeps unknown input fields
(``extra="allow"``), brought into the JSON normal form on reading (see
:func:`~procrules.records.decimals.json_value`). No field is required.
"""

# ruff: noqa: N815 - the attribute names are the JSON field names, which are camelCase

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Annotated, ClassVar

from pydantic import (
    BeforeValidator,
    ConfigDict,
    Field,
    PlainSerializer,
    PlainValidator,
    field_validator,
)

from procrules.records.base import OpenModel
from procrules.records.customdata import CustomDataMap  # noqa: TC001 - pydantic needs it at run time
from procrules.records.decimals import DecimalField, IntegerField, show_value

__all__ = [
    "RECORD_TYPES",
    "Address",
    "Customer",
    "Invoice",
    "Order",
    "OrderRow",
    "Part",
    "Product",
    "Record",
    "unknown_record_type",
]

_ZERO = timedelta(0)


def _read_datetime(value: object) -> datetime | None:
    if value is None:
        return None
    if isinstance(value, datetime):
        moment = value
    elif isinstance(value, str):
        try:
            moment = datetime.fromisoformat(value)
        except ValueError:
            raise ValueError(f"not an ISO 8601 datetime: {show_value(value)}") from None
    else:
        raise ValueError(f"not an ISO 8601 datetime: {show_value(value)}")
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment


def _write_datetime(moment: datetime) -> str:
    text = moment.isoformat()
    if moment.utcoffset() == _ZERO and text.endswith("+00:00"):
        return text[:-6] + "Z"
    return text


def _read_date(value: object) -> date | None:
    if value is None:
        return None
    if isinstance(value, date) and not isinstance(value, datetime):
        return value
    if isinstance(value, str):
        try:
            return date.fromisoformat(value)
        except ValueError:
            pass
    raise ValueError(f"not an ISO 8601 date: {show_value(value)}")


def _empty_if_null(value: object) -> object:
    return [] if value is None else value


def _empty_map_if_null(value: object) -> object:
    return {} if value is None else value


DateTimeField = Annotated[
    datetime | None,
    PlainValidator(_read_datetime),
    PlainSerializer(_write_datetime, return_type=str, when_used="unless-none"),
]
DateField = Annotated[
    date | None,
    PlainValidator(_read_date),
    PlainSerializer(date.isoformat, return_type=str, when_used="unless-none"),
]


def unknown_record_type(name: str) -> str:
    """The message for a record type name that is not Order, Invoice or Product."""
    return f"unknown record type {show_value(name)} (expected Order, Invoice or Product)"


StringList = Annotated[list[str], BeforeValidator(_empty_if_null)]
StringMap = Annotated[dict[str, str], BeforeValidator(_empty_map_if_null)]


class Part(OpenModel):
    """Common base of every record model and part: keeps unknown fields, in JSON normal form.

    Numbers given for string fields are read as their text (``"orderNumber": 1001`` -> ``"1001"``).
    """

    model_config = ConfigDict(extra="allow", coerce_numbers_to_str=True)


class Customer(Part):
    """``customer``: who ordered or is invoiced."""

    customerNumber: str | None = None
    name: str | None = None
    email: str | None = None
    phone: str | None = None
    type: str | None = None
    vatNumber: str | None = None


class Address(Part):
    """``billingAddress`` / ``deliveryAddress``."""

    name: str | None = None
    company: str | None = None
    street: str | None = None
    street2: str | None = None
    postalCode: str | None = None
    city: str | None = None
    region: str | None = None
    countryCode: str | None = None
    email: str | None = None
    phone: str | None = None


class OrderRow(Part):
    """One row of an Order or an Invoice."""

    rowId: str | None = None
    sku: str | None = None
    name: str | None = None
    quantity: DecimalField = None
    pricePerUnitExclVat: DecimalField = None
    vatRate: DecimalField = None
    discount: DecimalField = None
    totalExclVat: DecimalField = None
    totalInclVat: DecimalField = None
    customData: CustomDataMap = Field(default_factory=dict)


class Record(Part):
    """The fields every record has. ``recordType``, when present, names a known type; on a
    concrete record type it must name that type."""

    record_type: ClassVar[str | None] = None

    localId: str | None = None
    recordType: str | None = None
    source: str | None = None
    createdAt: DateTimeField = None
    lastModified: DateTimeField = None
    tags: StringList = Field(default_factory=list)
    customData: CustomDataMap = Field(default_factory=dict)

    @field_validator("recordType")
    @classmethod
    def _known_type(cls, value: str | None) -> str | None:
        if value is None:
            return None
        if value not in RECORD_TYPES:
            raise ValueError(unknown_record_type(value))
        if cls.record_type is not None and value != cls.record_type:
            raise ValueError(
                f"{show_value(value)} disagrees with the record type {cls.record_type}"
            )
        return value


class Order(Record):
    """An order (RECORDS.md, **Order**)."""

    record_type: ClassVar[str | None] = "Order"

    orderNumber: str | None = None
    orderStatus: str | None = None
    shippingStatus: str | None = None
    currency: str | None = None
    customer: Customer | None = None
    billingAddress: Address | None = None
    deliveryAddress: Address | None = None
    rows: Annotated[list[OrderRow], BeforeValidator(_empty_if_null)] = Field(default_factory=list)
    paymentMethod: str | None = None
    shippingMethod: str | None = None
    forwarderCode: str | None = None
    shippingCost: DecimalField = None
    discountTotal: DecimalField = None
    totalExclVat: DecimalField = None
    totalVat: DecimalField = None
    totalInclVat: DecimalField = None
    note: str | None = None


class Invoice(Record):
    """An invoice (RECORDS.md, **Invoice**); its rows are :class:`OrderRow`."""

    record_type: ClassVar[str | None] = "Invoice"

    invoiceNumber: str | None = None
    orderNumber: str | None = None
    invoiceStatus: str | None = None
    currency: str | None = None
    invoiceDate: DateField = None
    dueDate: DateField = None
    customer: Customer | None = None
    billingAddress: Address | None = None
    deliveryAddress: Address | None = None
    rows: Annotated[list[OrderRow], BeforeValidator(_empty_if_null)] = Field(default_factory=list)
    totalExclVat: DecimalField = None
    totalVat: DecimalField = None
    totalInclVat: DecimalField = None


class Product(Record):
    """A product (RECORDS.md, **Product**)."""

    record_type: ClassVar[str | None] = "Product"

    sku: str | None = None
    manufacturerSku: str | None = None
    ean: str | None = None
    title: str | None = None
    description: str | None = None
    brand: str | None = None
    status: str | None = None
    price: DecimalField = None
    purchasePrice: DecimalField = None
    currency: str | None = None
    vatRate: DecimalField = None
    stock: IntegerField = None
    weight: DecimalField = None
    categories: StringList = Field(default_factory=list)
    attributes: StringMap = Field(default_factory=dict)


RECORD_TYPES: dict[str, type[Record]] = {"Order": Order, "Invoice": Invoice, "Product": Product}
"""Each record type name with its model."""
