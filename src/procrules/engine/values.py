"""Run-time values: the engine's errors, reading record values by static type, and comparisons.

Values inside the engine are ``None``, ``str``, ``int``, ``Decimal``, ``bool``, ``datetime``
(always aware), ``date``, ``list`` and ``dict`` -- never ``float``. Field values are read from the
record's JSON form and coerced by the static type the schema gives the path (``"549.00"`` becomes
``Decimal("549.00")``); a value that cannot be read as its type is an evaluation error for the
record. The generated code calls these helpers only where the static types leave the question
open; every helper that can fail takes the :class:`Site` of the expression, so the error names the
line and column.
"""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, time
from decimal import Decimal
from typing import TYPE_CHECKING, Any, NoReturn

from procrules.language.checker.literals import parse_iso
from procrules.records import format_decimal, to_decimal, to_integer

if TYPE_CHECKING:
    from procrules.language.ast import Span


class Site:
    """Where an operation stands in a rule file, for the error it may raise."""

    __slots__ = ("span", "text")

    def __init__(self, span: Span, text: str = "") -> None:
        self.span = span
        self.text = text

    def __reduce__(self) -> tuple[Any, ...]:  # pragma: no cover - sites never leave a process
        return (Site, (self.span, self.text))


class EvalError(Exception):
    """An evaluation error for one record: a message and the place in the rule file."""

    def __init__(self, message: str, site: Site | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.site = site


def fail(message: str, site: Site | None) -> NoReturn:
    raise EvalError(message, site)


# ------------------------------------------------------------------------------------ describing


def kind_of(value: object) -> str:
    """A value's type in a business user's words (for messages)."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a bool"
    if isinstance(value, int | Decimal | float):
        return "a number"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, datetime):
        return "a date and time"
    if isinstance(value, date):
        return "a date"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a map"
    return "a value"


def shown(value: object) -> str:
    """A value quoted in a message, short."""
    if isinstance(value, str):
        text = json.dumps(value, ensure_ascii=False)
    elif isinstance(value, Decimal):
        text = format_decimal(value) if value.is_finite() else str(value)
    elif isinstance(value, bool):
        text = "true" if value else "false"
    elif value is None:
        text = "null"
    elif isinstance(value, datetime | date):
        text = value.isoformat()
    else:
        text = repr(value)
    return text if len(text) <= 60 else text[:59] + "…"


# ------------------------------------------------------------------------------ reading by type


def _where(site: Site | None) -> str:
    return f"{site.text}: " if site is not None and site.text else ""


#: decimals read from floats and texts, by value: a record repeats them (a row's total that
#: several rules read, a VAT rate), and so do records. A pure function's memory: emptied when
#: full, and never holding a zero (``0.0 == -0.0``, but their decimals differ).
_READ: dict[object, Decimal] = {}
_READ_MAX = 4096
_READ_CHARS = 40  #: longer texts are not remembered: 4,096 of them could hold gigabytes


def _decimal(value: object) -> Decimal:
    """:func:`to_decimal`, remembered for floats and texts; raises ``ValueError`` as it does."""
    cls = value.__class__
    if cls is not float and (cls is not str or len(value) > _READ_CHARS):  # type: ignore[arg-type]
        return to_decimal(value)
    found = _READ.get(value)
    if found is not None:
        return found
    read = to_decimal(value)
    if value and _READ_MAX:
        if len(_READ) >= _READ_MAX:  # full: start again, so that what records read now is kept
            _READ.clear()
        _READ[value] = read
    return read


def read_decimal(value: object, site: Site | None) -> Decimal | int | None:
    """A decimal field's value: ints stay ints (they compute exactly with decimals)."""
    if value is None or value.__class__ is Decimal or value.__class__ is int:
        return value
    try:
        return _decimal(value)
    except ValueError as exc:
        fail(f"{_where(site)}{exc}", site)


def early_decimal(value: object) -> object:
    """What :func:`read_decimal` gives for ``value`` where it succeeds, else ``value`` itself:
    a decimal field read once at the start of a fused function is converted there (a float or
    a normal-form text), and a value that is not a number stays as it is, so the rule that
    reads it fails as before, where it reads it."""
    if value is None or value.__class__ is Decimal or value.__class__ is int:
        return value
    try:
        return _decimal(value)
    except ValueError:
        return value


def read_integer(value: object, site: Site | None) -> int | None:
    if value is None or value.__class__ is int:
        return value
    try:
        return to_integer(value)
    except ValueError as exc:
        fail(f"{_where(site)}{exc}", site)


def read_string(value: object, site: Site | None) -> str | None:
    """A string field: numbers given for it read as their text (as the record model does)."""
    if value is None or isinstance(value, str):
        return value
    if isinstance(value, int | Decimal) and not isinstance(value, bool):
        return str(value)
    if isinstance(value, float):
        return format_decimal(to_decimal(value))
    fail(f"{_where(site)}not a string: {shown(value)}", site)


def read_bool(value: object, site: Site | None) -> bool | None:
    if value is None or isinstance(value, bool):
        return value
    fail(f"{_where(site)}not a bool (true or false): {shown(value)}", site)


def read_datetime(value: object, site: Site | None) -> datetime | None:
    """A datetime field: ISO text or a datetime; a naive time is UTC."""
    if value is None:
        return None
    if isinstance(value, datetime):
        return value if value.tzinfo is not None else value.replace(tzinfo=UTC)
    if isinstance(value, str):
        try:
            moment = datetime.fromisoformat(value)
        except ValueError:
            pass
        else:
            return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)
    fail(f"{_where(site)}not an ISO 8601 datetime: {shown(value)}", site)


def read_date(value: object, site: Site | None) -> date | None:
    if value is None:
        return None
    if isinstance(value, date) and not isinstance(value, datetime):
        return value
    if isinstance(value, str):
        try:
            return date.fromisoformat(value)
        except ValueError:
            pass
    fail(f"{_where(site)}not an ISO 8601 date: {shown(value)}", site)


def read_list(value: object, site: Site | None) -> list[Any]:
    """A list field: missing or null reads as ``[]`` (LANGUAGE.md section 12)."""
    if value is None:
        return []
    if isinstance(value, list):
        return value
    fail(f"{_where(site)}not a list: {shown(value)}", site)


def decimals_in(value: Any) -> Any:
    """A JSON value with every float turned into an exact ``Decimal`` (through its repr)."""
    if isinstance(value, float):
        return to_decimal(value)
    if isinstance(value, list):
        return [decimals_in(v) for v in value]
    if isinstance(value, dict):
        return {k: decimals_in(v) for k, v in value.items()}
    return value


# ---------------------------------------------------------------------------------- temporals


def as_instant(value: date | datetime) -> datetime:
    """A datetime as itself; a date as midnight UTC of that day."""
    if isinstance(value, datetime):
        return value
    return datetime.combine(value, time(0), tzinfo=UTC)


def parse_temporal(text: str, site: Site | None) -> date | datetime:
    try:
        return parse_iso(text)
    except ValueError:
        fail(f"{shown(text)} is not an ISO 8601 date", site)


def temporal(value: object, site: Site | None) -> date | datetime:
    """A date, a datetime, or ISO text read as one (for functions that take a date)."""
    if isinstance(value, datetime):
        return value if value.tzinfo is not None else value.replace(tzinfo=UTC)
    if isinstance(value, date):
        return value
    if isinstance(value, str):
        return parse_temporal(value, site)
    fail(f"not a date: {shown(value)}", site)


# -------------------------------------------------------------------------------- comparisons

_NUMBER, _STRING, _BOOL, _TIME, _LIST, _MAP = range(6)


def _family(value: object) -> int:
    cls = value.__class__
    if cls is str:
        return _STRING
    if cls is bool:
        return _BOOL
    if cls is int or cls is Decimal or cls is float:
        return _NUMBER
    if cls is datetime or cls is date:
        return _TIME
    if isinstance(value, list):
        return _LIST
    if isinstance(value, dict):
        return _MAP
    if isinstance(value, datetime | date):
        return _TIME
    return -1


def _mismatch(a: object, b: object, site: Site | None) -> NoReturn:
    fail(f"cannot compare {kind_of(a)} with {kind_of(b)} ({shown(a)} and {shown(b)})", site)


def _align(a: object, b: object, site: Site | None) -> tuple[Any, Any]:
    """Bring two non-null values into one comparable form, or raise."""
    fa, fb = _family(a), _family(b)
    if fa == fb:
        if fa == _TIME and a.__class__ is not b.__class__:
            return as_instant(a), as_instant(b)  # type: ignore[arg-type]
        if fa == _NUMBER and (a.__class__ is float or b.__class__ is float):
            return decimals_in(a), decimals_in(b)
        if fa < 0:
            _mismatch(a, b, site)
        return a, b
    if fa == _TIME and fb == _STRING:
        return _align(a, parse_temporal(b, site), site)  # type: ignore[arg-type]
    if fa == _STRING and fb == _TIME:
        return _align(parse_temporal(a, site), b, site)  # type: ignore[arg-type]
    _mismatch(a, b, site)


def equal(a: object, b: object, site: Site | None) -> bool:
    """``a == b`` for two non-null values of comparable types (else an evaluation error)."""
    x, y = _align(a, b, site)
    return bool(x == y)


def order(op: str, a: object, b: object, site: Site | None) -> bool:
    """``a < b`` (and friends) for two non-null orderable values."""
    x, y = _align(a, b, site)
    if _family(x) not in (_NUMBER, _STRING, _TIME):
        fail(f"{kind_of(a)} has no order: {op} cannot compare it", site)
    if op == "<":
        return bool(x < y)
    if op == "<=":
        return bool(x <= y)
    if op == ">":
        return bool(x > y)
    return bool(x >= y)


def member(a: object, items: object, site: Site | None) -> bool:
    """``a in items``: ``items`` a list (or a single value, then ``a == items``)."""
    if not isinstance(items, list | tuple | frozenset | set):
        if isinstance(items, dict):
            fail("`in` needs a list on the right, not a map", site)
        return equal(a, items, site)
    return any(v is not None and equal(a, v, site) for v in items)


def contains(a: object, b: object, site: Site | None) -> bool:
    """``a contains b``: a substring of a string, or an element of a list."""
    if isinstance(a, str):
        if not isinstance(b, str):
            fail(f"a string can only contain a string, not {kind_of(b)}", site)
        return b in a
    if isinstance(a, list):
        return any(v is not None and equal(v, b, site) for v in a)
    fail(f"`contains` needs a string or a list, not {kind_of(a)}", site)


def text_pair(op: str, a: object, b: object, site: Site | None) -> tuple[str, str]:
    if not isinstance(a, str) or not isinstance(b, str):
        bad = a if not isinstance(a, str) else b
        fail(f"`{op}` works on strings, not {kind_of(bad)} ({shown(bad)})", site)
    return a, b


def startswith(a: object, b: object, site: Site | None) -> bool:
    x, y = text_pair("startswith", a, b, site)
    return x.startswith(y)


def endswith(a: object, b: object, site: Site | None) -> bool:
    x, y = text_pair("endswith", a, b, site)
    return x.endswith(y)


def matches(a: object, pattern: Any, site: Site | None) -> bool:
    """The whole of ``a`` matches the compiled RE2 ``pattern``."""
    if not isinstance(a, str):
        fail(f"`matches` works on strings, not {kind_of(a)} ({shown(a)})", site)
    return pattern.fullmatch(a) is not None


def is_empty(value: object) -> bool:
    """``is empty``: null, ``""``, ``[]`` and ``{}``."""
    return value is None or (isinstance(value, str | list | dict) and len(value) == 0)


def truthy(value: object, site: Site | None) -> bool:
    """A bool-valued expression used as a condition: null is false, a non-bool is an error."""
    if value is None:
        return False
    if isinstance(value, bool):
        return value
    fail(f"{shown(value)} is {kind_of(value)}, not true or false", site)


def as_values(value: object) -> list[Any]:
    """The values a quantifier ranges over: a list's elements; null is none; else itself."""
    if isinstance(value, list):
        return value
    return [] if value is None else [value]
