"""Atomicity (LANGUAGE.md section 10.4, section 12 "Results"): an evaluation error returns the
record exactly as it came in, with the failing rule's place; the input is never mutated."""

from __future__ import annotations

import copy

from engine_helpers import book_of, fired, order, run

from procrules import Context

TEXT = """\
ruleset "Pricing"
for Order
rule "first"
then
  set orderStatus = "onHold"
  add "x" to tags
  set rows[0].quantity = 5
  remove rows[1]
  set customData[|x-acme|k] = "v"
  log "first ran"
end
rule "second"
when totalInclVat > 0
then
  set note = "before the error"
  set shippingCost = totalInclVat / (shippingCost - 49)
end
rule "third" then log "never" end
"""


def test_an_error_after_changes_returns_the_record_as_it_came_in() -> None:
    record = order()
    given = copy.deepcopy(record)
    result = book_of(TEXT).apply(record, Context())
    assert record == given  # never mutated
    assert result.status == "error"
    assert result.changes == []
    assert fired(result) == ["first"]  # the failing rule is named in `error` only
    assert result.error is not None
    assert result.error.to_dict() == {
        "ruleset": "Pricing",
        "rule": "second",
        "file": "00-t.rules",
        "line": 16,
        "column": 22,
        "message": "division by zero (549.00 / 0.00)",
    }
    assert [(m.level, m.rule, m.text) for m in result.messages] == [
        ("info", "first", "first ran"),
        ("error", "second", "division by zero (549.00 / 0.00)"),
    ]
    assert result.record == run("", order()).record  # the input, in normal form
    assert result.record["orderStatus"] == "new"
    assert result.record["rows"][0]["quantity"] == "2"
    assert "|x-acme|k" not in result.record["customData"]


def test_an_error_in_a_condition_names_the_condition() -> None:
    text = 'for Order\nrule "a"\nwhen   totalInclVat > 1\nthen log "x" end\n'
    result = run(text, order(totalInclVat="abc"))
    assert result.status == "error"
    assert result.error is not None
    assert (result.error.line, result.error.column) == (3, 8)
    assert result.error.message == 'totalInclVat: not a decimal number: "abc"'
    assert fired(result) == []


def test_ok_results_leave_the_input_alone() -> None:
    record = order()
    given = copy.deepcopy(record)
    text = TEXT.replace("totalInclVat / (shippingCost - 49)", "1")
    result = book_of(text).apply(record)
    assert result.status == "ok"
    assert record == given
    assert result.record["orderStatus"] == "onHold"
    assert [r["rowId"] for r in result.record["rows"]] == ["1", "3"]
    assert result.record["rows"][0]["quantity"] == "5"
    assert [c.path for c in result.changes] == [
        "orderStatus",
        "tags[1]",
        "rows[0].quantity",
        "rows[1]",
        "customData[|x-acme|k]",
        "note",
        "shippingCost",
    ]


def test_the_same_input_twice_gives_the_same_result() -> None:
    book = book_of(TEXT.replace("totalInclVat / (shippingCost - 49)", "1"))
    record = order()
    first, second = book.apply(record), book.apply(record)
    assert first.to_dict() == second.to_dict()


def test_apply_never_raises_for_a_bad_record() -> None:
    book = book_of(TEXT)
    result = book.apply("not a record")  # type: ignore[arg-type]
    assert result.status == "error"
    assert result.record is None
    result = book_of('rule "a" when count(rows) > 0 then log "x" end').apply(order(rows="oops"))
    assert result.status == "error"
    assert result.error is not None
    assert (result.error.rule, result.error.message) == ("a", 'rows: not a list: "oops"')
    assert result.record is not None  # not a valid record: written as well as it can be
    assert result.record["rows"] == "oops"


def test_record_models_are_accepted() -> None:
    from procrules.records import parse_record

    model = parse_record(order())
    result = book_of('rule "a" when totalInclVat == 549 then set note = "n" end').apply(model)
    assert result.status == "ok"
    assert result.record["note"] == "n"
    assert result.record["totalInclVat"] == "549.00"
