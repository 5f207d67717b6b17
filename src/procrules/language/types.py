"""The static types of the rule language, and the words used for them in diagnostics.

A :class:`Type` is what the checker knows of a value: a scalar (string, integer, decimal, bool,
datetime, date, null), a list or map with an element type, an object with named fields (a record,
an address, a row) or custom data. ``ANY`` stands for a value known only at run time (custom
data, parsed JSON); every check passes for it and the run-time check decides.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum


class Kind(StrEnum):
    STRING = "string"
    INTEGER = "integer"
    DECIMAL = "decimal"
    BOOL = "bool"
    DATETIME = "datetime"
    DATE = "date"
    NULL = "null"
    LIST = "list"
    MAP = "map"
    OBJECT = "object"
    CUSTOM_DATA = "customData"
    ANY = "any"


@dataclass(frozen=True, slots=True)
class Type:
    """A static type. ``element`` is a list's element or a map's value type; ``fields`` and
    ``name`` describe an object (``Order``, ``Address``, …)."""

    kind: Kind
    element: Type | None = None
    name: str | None = None
    fields: dict[str, Type] | None = field(default=None, compare=False, hash=False)

    # -- predicates ---------------------------------------------------------------------------

    @property
    def is_any(self) -> bool:
        return self.kind is Kind.ANY

    @property
    def is_number(self) -> bool:
        return self.kind in (Kind.INTEGER, Kind.DECIMAL)

    @property
    def is_temporal(self) -> bool:
        return self.kind in (Kind.DATETIME, Kind.DATE)

    @property
    def is_collection(self) -> bool:
        return self.kind in (Kind.LIST, Kind.MAP)

    def field_type(self, name: str) -> Type | None:
        if self.kind is Kind.MAP:
            return self.element or ANY
        if self.kind is Kind.ANY:
            return ANY
        if self.fields is None:
            return None
        return self.fields.get(name)

    def describe(self) -> str:
        """The type in a business user's words, with an article: ``a string``, ``a list``."""
        if self.kind is Kind.OBJECT:
            return f"an {self.name}" if (self.name or "x")[0] in "AEIOU" else f"a {self.name}"
        return _WORDS[self.kind]


_WORDS: dict[Kind, str] = {
    Kind.STRING: "a string",
    Kind.INTEGER: "a number",
    Kind.DECIMAL: "a number",
    Kind.BOOL: "a bool (true or false)",
    Kind.DATETIME: "a date and time",
    Kind.DATE: "a date",
    Kind.NULL: "null",
    Kind.LIST: "a list",
    Kind.MAP: "a map",
    Kind.OBJECT: "an object",
    Kind.CUSTOM_DATA: "the custom data map",
    Kind.ANY: "a value",
}

STRING = Type(Kind.STRING)
INTEGER = Type(Kind.INTEGER)
DECIMAL = Type(Kind.DECIMAL)
BOOL = Type(Kind.BOOL)
DATETIME = Type(Kind.DATETIME)
DATE = Type(Kind.DATE)
NULL = Type(Kind.NULL)
ANY = Type(Kind.ANY)
CUSTOM_DATA = Type(Kind.CUSTOM_DATA)


def list_of(element: Type) -> Type:
    return Type(Kind.LIST, element=element)


def map_of(value: Type) -> Type:
    return Type(Kind.MAP, element=value)


def join(a: Type, b: Type) -> Type:
    """The type that holds values of both (for list literals, coalesce, min/max)."""
    if a == b or b.kind is Kind.NULL:
        return a
    if a.kind is Kind.NULL:
        return b
    if a.is_number and b.is_number:
        return DECIMAL
    if a.kind is b.kind is Kind.LIST:
        return list_of(join(a.element or ANY, b.element or ANY))
    return ANY


def comparable(a: Type, b: Type) -> bool:
    """Whether ``==``/``<``… between values of these types can ever be meaningful."""
    if a.is_any or b.is_any or a.kind is Kind.NULL or b.kind is Kind.NULL:
        return True
    if a.is_number and b.is_number:
        return True
    if a.is_temporal and (b.is_temporal or b.kind is Kind.STRING):
        return True
    if b.is_temporal and a.kind is Kind.STRING:
        return True
    if a.kind is b.kind:
        return True
    return a.kind in (Kind.OBJECT, Kind.MAP) and b.kind in (Kind.OBJECT, Kind.MAP)


def orderable(a: Type) -> bool:
    """Whether ``<``/``>`` make sense for values of this type."""
    return a.is_any or a.is_number or a.is_temporal or a.kind in (Kind.STRING, Kind.NULL)


def assignable(target: Type, value: Type) -> bool:
    """Whether a value of type ``value`` may be written into a field of type ``target``."""
    if target.is_any or value.is_any or value.kind is Kind.NULL:
        return True
    if target.is_number and value.is_number:
        return target.kind is Kind.DECIMAL or value.kind is Kind.INTEGER
    if target.is_temporal and value.kind in (Kind.STRING, Kind.DATE, Kind.DATETIME):
        return True
    if target.kind is Kind.OBJECT:
        return value.kind in (Kind.OBJECT, Kind.MAP) and (
            value.name is None or value.name == target.name
        )
    if target.kind is Kind.LIST and value.kind is Kind.LIST:
        return assignable(target.element or ANY, value.element or ANY)
    if target.kind is Kind.MAP and value.kind in (Kind.MAP, Kind.OBJECT):
        return True
    return target.kind is value.kind
