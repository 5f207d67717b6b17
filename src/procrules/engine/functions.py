"""The built-in functions (LANGUAGE.md section 8) and the arithmetic operators, at run time.

:data:`FUNCTIONS` has exactly the names of ``procrules.language.builtins.SIGNATURES`` (a test
keeps the two tables equal). Every function takes the :class:`~procrules.engine.values.Site` of
its call first, then its evaluated arguments. The generated code returns ``null`` without calling
a function when a required argument is ``null`` (section 8), except for the functions listed in
:data:`NULL_AWARE` (``coalesce`` and the aggregates), which see their nulls.
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from decimal import ROUND_CEILING, ROUND_FLOOR, ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

from procrules import jsonio
from procrules.engine.jsonform import datetime_text, plain
from procrules.engine.values import (
    EvalError,
    Site,
    as_values,
    fail,
    kind_of,
    order,
    shown,
    temporal,
)
from procrules.language.checker.literals import RegexError, compile_regex
from procrules.records import format_decimal, to_decimal

Function = Callable[..., Any]

# -------------------------------------------------------------------------------- operators


def _number(value: object, site: Site | None, verb: str) -> int | Decimal:
    if value.__class__ is int or value.__class__ is Decimal:
        return value
    if isinstance(value, float):
        return to_decimal(value)
    raise EvalError(f"cannot {verb} {kind_of(value)} ({shown(value)})", site)


def arith(op: str, a: object, b: object, site: Site | None) -> Any:
    """``a op b`` when the static types leave it open: numbers, or ``+`` on two strings."""
    if a is None or b is None:
        return None
    if op == "+" and isinstance(a, str) and isinstance(b, str):
        return a + b
    verb = {"+": "add", "-": "subtract", "*": "multiply", "/": "divide"}[op]
    if isinstance(a, str) or isinstance(b, str):
        fail(
            f"cannot {verb} {kind_of(a)} and {kind_of(b)} ({shown(a)} and {shown(b)}); "
            "convert a number to text first with string(…)",
            site,
        )
    x, y = _number(a, site, verb), _number(b, site, verb)
    if op == "+":
        return x + y
    if op == "-":
        return x - y
    if op == "*":
        return x * y
    return divide(x, y, site)


def divide(a: object, b: object, site: Site | None) -> Decimal | None:
    """Exact decimal division; by zero is an evaluation error."""
    if a is None or b is None:
        return None
    x, y = _number(a, site, "divide"), _number(b, site, "divide")
    if y == 0:
        fail(f"division by zero ({shown(x)} / {shown(y)})", site)
    return Decimal(x) / Decimal(y)


def negate(a: object, site: Site | None) -> Any:
    if a is None:
        return None
    return -_number(a, site, "negate")


# -------------------------------------------------------------------------------- text


def _text(value: object, site: Site | None, name: str) -> str:
    if not isinstance(value, str):
        fail(f"{name}() works on a string, not {kind_of(value)} ({shown(value)})", site)
    return value


def _int_arg(value: object, site: Site | None, name: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int | Decimal):
        fail(f"{name}() needs a whole number, not {kind_of(value)} ({shown(value)})", site)
    if isinstance(value, Decimal) and value != value.to_integral_value():
        fail(f"{name}() needs a whole number, not {shown(value)}", site)
    return int(value)


def f_lower(site: Site, s: object) -> str:
    return _text(s, site, "lower").lower()


def f_upper(site: Site, s: object) -> str:
    return _text(s, site, "upper").upper()


def f_trim(site: Site, s: object) -> str:
    return _text(s, site, "trim").strip()


def f_length(site: Site, s: object) -> int:
    if not isinstance(s, str | list | dict):
        raise EvalError(f"length() works on a string or a list, not {kind_of(s)}", site)
    return len(s)


def f_substring(site: Site, s: object, start: object, length: object = None) -> str:
    text = _text(s, site, "substring")
    begin = _int_arg(start, site, "substring")
    part = text[begin:] if begin >= 0 else text[max(len(text) + begin, 0) :]
    if length is None:
        return part
    return part[: max(_int_arg(length, site, "substring"), 0)]


def f_replace(site: Site, s: object, old: object, new: object) -> str:
    text = _text(s, site, "replace")
    before, after = _text(old, site, "replace"), _text(new, site, "replace")
    return text.replace(before, after) if before else text


def f_regex_replace(site: Site, s: object, pattern: object, new: object) -> str:
    text = _text(s, site, "regex_replace")
    try:
        compiled = compile_regex(_text(pattern, site, "regex_replace"))
    except RegexError as exc:
        fail(f"invalid regular expression: {exc}", site)
    try:
        return str(compiled.sub(_text(new, site, "regex_replace"), text))
    except Exception as exc:  # noqa: BLE001 - re2 reports a bad replacement in several ways
        fail(f"regex_replace(): invalid replacement {shown(new)}: {exc}", site)


def f_split(site: Site, s: object, sep: object) -> list[str]:
    text, by = _text(s, site, "split"), _text(sep, site, "split")
    return text.split(by) if by else list(text)


def f_join(site: Site, items: object, sep: object) -> str:
    by = _text(sep, site, "join")
    return by.join(f_string(site, v) for v in as_values(items) if v is not None)


_TAG = re.compile(r"<[^<>]*>")
_SPACE = re.compile(r"\s+")


def f_strip_html(site: Site, s: object) -> str:
    """Tags removed, entities decoded, runs of white space made one space, ends trimmed."""
    text = _TAG.sub(" ", _text(s, site, "strip_html"))
    return _SPACE.sub(" ", html.unescape(text)).strip()


# -------------------------------------------------------------------------------- numbers


def f_round(site: Site, n: object, places: object = None) -> Decimal:
    """Half away from zero (``round(-2.5) == -3``), to ``places`` decimals (default 0)."""
    value = Decimal(_number(n, site, "round"))
    digits = 0 if places is None else _int_arg(places, site, "round")
    try:
        return value.quantize(Decimal(1).scaleb(-digits), rounding=ROUND_HALF_UP)
    except InvalidOperation:
        fail(f"round(): cannot round {shown(value)} to {digits} places", site)


def f_floor(site: Site, n: object) -> int:
    return int(Decimal(_number(n, site, "floor")).to_integral_value(rounding=ROUND_FLOOR))


def f_ceil(site: Site, n: object) -> int:
    return int(Decimal(_number(n, site, "ceil")).to_integral_value(rounding=ROUND_CEILING))


def f_abs(site: Site, n: object) -> int | Decimal:
    number = _number(n, site, "abs")
    return -number if number < 0 else number


def f_count(site: Site, values: object) -> int:
    return sum(1 for v in as_values(values) if v is not None)


def f_sum(site: Site, values: object) -> int | Decimal:
    total: int | Decimal = 0
    for v in as_values(values):
        if v is not None:
            total += _number(v, site, "sum")
    return total


def _extreme(site: Site, values: object, op: str) -> Any:
    best: Any = None
    for v in as_values(values):
        if v is not None and (best is None or order(op, v, best, site)):
            best = v
    return best


def f_min(site: Site, values: object) -> Any:
    return _extreme(site, values, "<")


def f_max(site: Site, values: object) -> Any:
    return _extreme(site, values, ">")


def f_coalesce(site: Site, *values: object) -> Any:
    return next((v for v in values if v is not None), None)


_NUMBER_TEXT = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)")


def f_number(site: Site, x: object) -> Decimal:
    """A number from text (``"12.50"``) or a number; ``"12,50"`` is an error, not a guess."""
    if isinstance(x, str):
        text = x.strip()
        if _NUMBER_TEXT.fullmatch(text):
            return Decimal(text)
        fail(f"number(): {shown(x)} is not a number (write it like 12.50)", site)
    if isinstance(x, bool) or not isinstance(x, int | Decimal | float):
        fail(f"number(): cannot make a number of {kind_of(x)} ({shown(x)})", site)
    return Decimal(_number(x, site, "convert"))


def f_string(site: Site, x: object) -> str:
    if isinstance(x, str):
        return x
    if isinstance(x, bool):
        return "true" if x else "false"
    if isinstance(x, Decimal | float):
        return format_decimal(to_decimal(x))
    if isinstance(x, datetime):
        return datetime_text(x)
    if isinstance(x, list | dict):
        return jsonio.dumps(plain(x))
    return str(plain(x))


def _mapping(site: Site, m: object, name: str) -> dict[Any, Any]:
    if not isinstance(m, dict):
        fail(f"{name}() needs a map, not {kind_of(m)}", site)
    return m


def f_keys(site: Site, m: object) -> list[Any]:
    return list(_mapping(site, m, "keys"))


def f_values(site: Site, m: object) -> list[Any]:
    return list(_mapping(site, m, "values").values())


# -------------------------------------------------------------------------------- dates


def f_now(site: Site) -> datetime:
    return datetime.now(UTC)


def f_today(site: Site) -> date:
    return datetime.now(UTC).date()


def f_date(site: Site, s: object) -> date:
    value = temporal(s, site)
    return value.astimezone(UTC).date() if isinstance(value, datetime) else value


_DAY_US = 86_400_000_000


def f_days_between(site: Site, a: object, b: object) -> int:
    """``b - a`` in whole days; with times, truncated toward zero."""
    x, y = temporal(a, site), temporal(b, site)
    if not isinstance(x, datetime) and not isinstance(y, datetime):
        return (y - x).days
    delta = _instant(y) - _instant(x)
    micro = delta // timedelta(microseconds=1)
    days = abs(micro) // _DAY_US
    return days if micro >= 0 else -days


def _instant(value: date) -> datetime:
    if isinstance(value, datetime):
        return value
    return datetime(value.year, value.month, value.day, tzinfo=UTC)


def f_add_days(site: Site, d: object, n: object) -> date:
    value = temporal(d, site)
    days = _int_arg(n, site, "add_days")
    try:
        return value + timedelta(days=days)
    except OverflowError:
        fail(f"add_days(): the date goes out of range ({shown(value)} + {days} days)", site)


FUNCTIONS: dict[str, Function] = {
    "lower": f_lower,
    "upper": f_upper,
    "trim": f_trim,
    "length": f_length,
    "substring": f_substring,
    "replace": f_replace,
    "regex_replace": f_regex_replace,
    "split": f_split,
    "join": f_join,
    "strip_html": f_strip_html,
    "round": f_round,
    "floor": f_floor,
    "ceil": f_ceil,
    "abs": f_abs,
    "count": f_count,
    "sum": f_sum,
    "min": f_min,
    "max": f_max,
    "coalesce": f_coalesce,
    "number": f_number,
    "string": f_string,
    "keys": f_keys,
    "values": f_values,
    "now": f_now,
    "today": f_today,
    "date": f_date,
    "days_between": f_days_between,
    "add_days": f_add_days,
}

#: Functions that see null arguments (all others give null for a null argument).
NULL_AWARE = frozenset({"coalesce", "count", "sum", "min", "max"})
#: Functions whose result depends on more than their arguments (never folded at load time).
IMPURE = frozenset({"now", "today"})
