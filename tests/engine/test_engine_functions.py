"""The built-in functions at run time (LANGUAGE.md sections 8 and 12)."""

from __future__ import annotations

from typing import Any

import pytest
from engine_helpers import fires, order, run

from procrules.engine.functions import FUNCTIONS
from procrules.language.builtins import SIGNATURES


def test_the_engine_implements_exactly_the_checked_functions() -> None:
    assert sorted(FUNCTIONS) == sorted(SIGNATURES)


def value_of(expr: str, record: dict[str, Any] | None = None) -> Any:
    """The JSON value of an expression, written into custom data with its inferred type."""
    text = f'for Order\nrule "r" then set customData[|x-t|v] = {expr} end\n'
    result = run(text, order() if record is None else record)
    assert result.status == "ok", result.to_dict()
    entry = result.record["customData"].get("|x-t|v")
    return None if entry is None else entry["value"]


def error_of(expr: str) -> str:
    text = f'for Order\nrule "r" then set customData[|x-t|v] = {expr} end\n'
    result = run(text, order())
    assert result.status == "error", result.to_dict()
    assert result.error is not None
    return result.error.message


@pytest.mark.parametrize(
    ("expr", "expected"),
    [
        ('lower("AbC")', "abc"),
        ('upper("AbC")', "ABC"),
        ('trim("  a b ")', "a b"),
        ('length("abc")', 3),
        ("length(rows)", 3),
        ('substring("abcdef", 2)', "cdef"),
        ('substring("abcdef", 0, 2)', "ab"),
        ('substring("abcdef", -2)', "ef"),
        ('substring("abc", 5)', ""),
        ('replace("a-b-c", "-", "+")', "a+b+c"),
        ('regex_replace("a1b22", "[0-9]+", "#")', "a#b#"),
        ('split("a,b,,c", ",")', ["a", "b", "", "c"]),
        ('join(["a", "b"], "/")', "a/b"),
        ('strip_html("<p>Soft &amp; <b>warm</b></p>\\n<br/>x")', "Soft & warm x"),
        ("round(2.5)", "3"),
        ("round(-2.5)", "-3"),
        ("round(2.45, 1)", "2.5"),
        ("round(1.005, 2)", "1.01"),
        ("round(7)", "7"),
        ("floor(2.7)", 2),
        ("floor(-2.1)", -3),
        ("ceil(2.1)", 3),
        ("abs(-3.50)", "3.50"),
        ("abs(-3)", 3),
        ("count(rows[*].sku)", 3),
        ("count(rows[*].discount)", 0),
        ("sum(rows[*].quantity)", "4.5"),
        ("sum(rows[*].discount)", 0),
        ("min(rows[*].sku)", "GIFTWRAP-RED"),
        ("max(rows[*].quantity)", "2"),
        ("min(rows[*].discount)", None),
        ('coalesce(note, customer.vatNumber, "none")', "none"),
        ("coalesce(note, orderNumber)", "1001"),
        ('split("a,b", ",")', ["a", "b"]),
        ('string(["a", 1.5])', '["a", 1.5]'),
        ('number("12.50") + 1', "13.50"),
        ('number(" 7 ")', "7"),
        ("string(totalInclVat)", "549.00"),
        ("string(true)", "true"),
        ("string(createdAt)", "2024-03-01T10:00:00Z"),
        ('keys({"a": 1, "b": 2})', ["a", "b"]),
        ('values({"a": 1, "b": 2})', [1, 2]),
        ('date("2024-03-01T23:30:00-02:00")', "2024-03-02"),
        ('days_between("2024-01-01", "2024-03-01")', 60),
        ('days_between("2024-03-01T12:00:00Z", "2024-03-01T11:00:00Z")', 0),
        ('days_between("2024-03-03T12:00:00Z", "2024-03-01T13:00:00Z")', -1),
        ('add_days("2024-02-28", 2)', "2024-03-01"),
        ("add_days(createdAt, -1)", "2024-02-29T10:00:00Z"),
        ("lower(note)", None),  # a null argument gives null
        ("substring(note, 1)", None),
        ("round(discountTotal, 2)", None),
        ("number(note)", None),
    ],
)
def test_functions(expr: str, expected: Any) -> None:
    assert value_of(expr) == expected


def test_now_and_today() -> None:
    from datetime import UTC, datetime

    before = datetime.now(UTC).date().isoformat()
    assert value_of("today()") in (before, datetime.now(UTC).date().isoformat())
    assert value_of("now()").endswith("Z")
    assert fires('now() > "2020-01-01"')
    assert fires('today() >= date("2024-01-01")')


def test_number_of_text_that_is_no_number_is_an_evaluation_error() -> None:
    assert error_of('number("12,50")') == 'number(): "12,50" is not a number (write it like 12.50)'


def test_bad_pattern_at_run_time_is_an_evaluation_error() -> None:
    message = error_of('regex_replace("abc", customer.name + "(", "x")')
    assert message.startswith("invalid regular expression:")
