"""Fields read once (engine/indexing.py, engine/fused.py): a field the rule set never writes is
read once a record, and a decimal field is converted to a decimal there, once, whatever form the
record gives it in (a float from ``json.loads``, the normal form's text, a ``Decimal``). The
outcome is exactly that of reading and converting it in every test."""

from __future__ import annotations

import copy
import json
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from engine_helpers import CONN, book_of, fired, order

from procrules import Book, Context, jsonio
from procrules.engine import fused, values
from procrules.engine.values import EvalError
from procrules.records import normalize_record

RECORDS = Path(__file__).parents[2] / "rules" / "records"

#: Rules that read the same decimal fields many times, with and around writes.
DECIMALS = """for Order
rule "big"
when totalInclVat > 500 and shippingCost >= 49
then add "big" to tags
end
rule "small"
when totalInclVat <= 500 or shippingCost is null
then set forwarderCode = "PNL"
end
rule "free shipping"
when totalInclVat >= 499.00 and shippingCost > 0
then set shippingCost = 0
end
rule "after the write"
when shippingCost == 0 and totalInclVat > 1
then log "free"
end
rule "discount"
when discountTotal is not null and discountTotal > 0
then add "discount" to tags
end
"""


def _forms(line: str) -> list[dict[str, Any]]:
    """One record in the three forms a caller may give: floats, Decimals, normal-form text."""
    as_floats = json.loads(line)
    return [as_floats, jsonio.loads(line), normalize_record(copy.deepcopy(as_floats), "Order")]


def _records() -> list[dict[str, Any]]:
    lines = (RECORDS / "orders.jsonl").read_text(encoding="utf-8").splitlines()
    assert lines, "the example orders are missing"
    made = [
        json.dumps(order(totalInclVat=value, shippingCost=cost), default=str)
        for value, cost in [(12.5, 0.0), ("1E+3", "49"), (600, 49), (-0.0, None), ("0.10", 1e-7)]
    ]
    return [form for line in [*lines, *made] if line.strip() for form in _forms(line)]


def _without_early_reads(monkeypatch: pytest.MonkeyPatch, text: str) -> Book:
    monkeypatch.setattr(fused, "_early", lambda read: read.src)
    book = book_of(text)
    monkeypatch.undo()
    return book


def test_decimal_fields_are_converted_where_they_are_read_once() -> None:
    source = book_of(DECIMALS).rulesets[0].fused["Order"].run.__code__
    assert "_edec" in source.co_names, "the fused function converts no field early"


def test_converting_early_changes_no_outcome(monkeypatch: pytest.MonkeyPatch) -> None:
    early, late = book_of(DECIMALS), _without_early_reads(monkeypatch, DECIMALS)
    context = Context(connection_id=CONN)
    for record in _records():
        assert early.apply(record, context).to_dict() == late.apply(record, context).to_dict()


def test_a_float_field_is_converted_once_a_record(monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[object] = []
    convert = values.to_decimal

    def counting(value: object) -> Decimal:
        calls.append(value)
        return convert(value)

    book = book_of(DECIMALS)
    monkeypatch.setattr(values, "to_decimal", counting)
    monkeypatch.setattr(values, "_READ", {})
    monkeypatch.setattr(values, "_READ_MAX", 0)  # nothing remembered between reads
    record = order(totalInclVat=549.5, shippingCost="49.00")
    result = book.apply(record, Context(connection_id=CONN))
    assert fired(result) == ["big", "free shipping", "after the write"]
    # totalInclVat is read by four rules and converted once; shippingCost is written by a rule,
    # so it is read (and converted) where each test reads it, three times before the write.
    assert calls.count(549.5) == 1
    assert calls.count("49.00") == 3


def test_decimals_read_from_floats_and_texts_are_remembered(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    calls: list[object] = []
    convert = values.to_decimal

    def counting(value: object) -> Decimal:
        calls.append(value)
        return convert(value)

    monkeypatch.setattr(values, "to_decimal", counting)
    monkeypatch.setattr(values, "_READ", {})
    for _ in range(3):
        assert str(values.read_decimal(12.5, None)) == "12.5"
        assert str(values.read_decimal("0.10", None)) == "0.10"
    assert calls == [12.5, "0.10"]
    # a zero is never remembered: 0.0 == -0.0, and their decimals differ
    assert [str(values.read_decimal(z, None)) for z in (0.0, -0.0, 0.0, -0.0)] == [
        "0.0",
        "-0.0",
        "0.0",
        "-0.0",
    ]
    # a text that is no number is refused every time, and not remembered
    for _ in range(2):
        with pytest.raises(EvalError, match="not a decimal number"):
            values.read_decimal("lots", None)
    assert set(values._READ) == {12.5, "0.10"}


def test_the_memory_of_decimals_is_bounded(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(values, "_READ", {})
    monkeypatch.setattr(values, "_READ_MAX", 10)
    read = [values.read_decimal(f"{n}.5", None) for n in range(55)]
    assert [str(d) for d in read] == [f"{n}.5" for n in range(55)]
    assert set(values._READ) == {f"{n}.5" for n in range(50, 55)}  # emptied at 10, 20, … 50


@pytest.mark.parametrize("bad", ["lots", True, "NaN", [1]])
def test_a_field_that_is_no_number_fails_at_the_rule_that_reads_it(bad: object) -> None:
    text = """for Order
rule "not needed"
when orderStatus == "x" and totalInclVat > 5
then log "never"
end
rule "reads it"
when totalInclVat > 10
then log "too"
end
"""
    result = book_of(text).apply(order(totalInclVat=bad), Context(connection_id=CONN))
    assert result.status == "error"
    assert result.error is not None
    assert result.error.rule == "reads it"
    assert "totalInclVat" in result.error.message


def test_a_field_that_is_no_number_is_no_error_where_no_rule_reads_it() -> None:
    text = """for Order
rule "not needed"
when orderStatus == "x" and totalInclVat > 5
then log "never"
end
rule "other"
when orderStatus == "new" or totalInclVat > 5
then log "new"
end
"""
    result = book_of(text).apply(order(totalInclVat="lots"), Context(connection_id=CONN))
    assert result.status == "ok"
    assert fired(result) == ["other"]


def test_long_texts_are_not_remembered(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(values, "_READ", {})
    long = "0" * 50_000 + "1"  # a valid number: leading zeros are allowed
    assert values.read_decimal(long, None) == Decimal(long)
    assert values.read_decimal("12.50", None) == Decimal("12.50")
    assert set(values._READ) == {"12.50"}
