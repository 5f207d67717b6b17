"""``Book.explain``, the chain, and the safety of generated code."""

from __future__ import annotations

import json
from typing import Any

from engine_helpers import CONN, book_of, order

from procrules import Book, Chain, Context, Manipulator, Result, RulesManipulator
from procrules.engine.result import Change, FiredRule

TEXT = f"""\
ruleset "Explained"
rule "fires"
when orderStatus == "new" and totalInclVat > 100
then set note = "big"
end
rule "false"
when   currency in ["EUR", "USD"] or customer.vatNumber != "x"
then log "no"
end
rule "scoped" for Product then log "no" end
rule "off" disabled then log "no" end
rule "other connection" connection "{CONN[:-1]}9" then log "no" end
rule "quantified" when any rows[*].quantity > 1.5 then stop end
rule "after stop" then log "no" end
"""


def test_explain_says_why_each_rule_did_or_did_not_fire() -> None:
    book = book_of(TEXT)
    result, trace = book.explain(order(), Context(connection_id=CONN))
    assert result.to_dict() == book.apply(order(), Context(connection_id=CONN)).to_dict()
    rules = trace.to_dict()["rulesets"][0]["rules"]
    assert [(r["rule"], r["outcome"], r["reason"]) for r in rules] == [
        ("fires", "fired", None),
        ("false", "not fired", "condition false"),
        ("scoped", "not fired", "scope"),
        ("off", "not fired", "disabled"),
        ("other connection", "not fired", "scope"),
        ("quantified", "fired", None),
        ("after stop", "not fired", "stopped"),
    ]
    assert rules[0]["conditions"] == [
        {"text": 'orderStatus == "new"', "op": "==", "line": 3, "column": 6,
         "left": "new", "right": "new", "result": True},
        {"text": "totalInclVat > 100", "op": ">", "line": 3, "column": 31,
         "left": "549.00", "right": 100, "result": True},
    ]  # fmt: skip
    assert rules[1]["conditions"] == [
        {"text": 'currency in ["EUR", "USD"]', "op": "in", "line": 7, "column": 8,
         "left": "SEK", "right": ["EUR", "USD"], "result": False},
        {"text": 'customer.vatNumber != "x"', "op": "!=", "line": 7, "column": 38,
         "left": None, "right": "x", "result": False},
    ]  # fmt: skip
    quantified = rules[5]["conditions"][0]
    assert (quantified["op"], quantified["left"], quantified["right"], quantified["result"]) == (
        "any >",
        ["2", 1, "1.5"],
        "1.5",
        True,
    )
    json.dumps(trace.to_dict())


def test_explain_reports_an_error() -> None:
    book = book_of('rule "a" when totalInclVat > 1 then log "x" end\n')
    result, trace = book.explain(order(totalInclVat="x"))
    assert result.status == "error"
    rule = trace.rule("00-t", "a")
    assert rule is not None
    assert (rule.outcome, rule.reason) == ("error", 'totalInclVat: not a decimal number: "x"')


# ----------------------------------------------------------------------------- chain


class Stamp:
    """A hand-written manipulator: sets the note, or fails when told to."""

    def __init__(self, fail: bool = False) -> None:
        self.fail = fail

    def process(self, record: Any, context: Context) -> Result:
        if self.fail:
            return Result("failed", lambda: None, [FiredRule("stamp", "stamp")], [], [])
        out = dict(record, note="stamped")
        change = Change("stamp", "stamp", "note", record.get("note"), "stamped")
        return Result("ok", lambda: out, [FiredRule("stamp", "stamp")], [change], [])


def test_a_chain_feeds_each_manipulator_the_previous_record() -> None:
    book = book_of('rule "a" when note == "stamped" then set orderStatus = "done" end\n')
    first: Manipulator = Stamp()
    assert isinstance(first, Manipulator)
    chain = Chain([first, RulesManipulator(book)])
    result = chain.process(order(), Context())
    assert result.status == "ok"
    assert [(f.ruleset, f.rule) for f in result.fired] == [("stamp", "stamp"), ("00-t", "a")]
    assert [c.path for c in result.changes] == ["note", "orderStatus"]
    assert result.record["orderStatus"] == "done"


def test_a_chain_stops_at_the_first_result_that_is_not_ok() -> None:
    book = book_of('rule "a" then set note = "x" end\n')
    chain = Chain([RulesManipulator(book), Stamp(fail=True), RulesManipulator(book)])
    result = chain.process(order(), Context())
    assert result.status == "failed"
    assert [(f.ruleset, f.rule) for f in result.fired] == [("00-t", "a"), ("stamp", "stamp")]
    assert result.changes == []
    assert "note" not in result.record  # the record as it came into the chain


def test_an_empty_chain_returns_the_record_in_normal_form() -> None:
    result = Chain([]).process(order(totalInclVat=549), Context())
    assert result.status == "ok"
    assert result.record["totalInclVat"] == "549"


# ----------------------------------------------------------------------------- generated code


def test_no_rule_text_reaches_generated_source() -> None:
    evil = '"); import os; os.system("echo pwned"); ("'
    quoted = '"' + evil.replace('"', '\\"') + '"'
    text = (
        f"rule {quoted}\n"
        f'when customer.name == {quoted} or customData["|x-a|{quoted[1:-1]}"] == 1\n'
        f"then set note = {quoted} end\n"
    )
    book = book_of(text)
    from procrules.engine.compiler import compile_traced

    sources: list[str] = []
    for rs in book.rulesets:
        assert rs.checked.ruleset is not None
    import procrules.engine.codegen as codegen

    original = codegen.Emitter.define

    def spy(self: codegen.Emitter, params: str, body: list[str]) -> Any:
        sources.extend(body)
        return original(self, params, body)

    codegen.Emitter.define = spy  # type: ignore[method-assign]
    try:
        book_of(text)
        compile_traced(book.rulesets[0])
    finally:
        codegen.Emitter.define = original  # type: ignore[method-assign]
    assert sources
    for line in sources:
        assert '"' not in line, line
        assert "'" not in line, line
        assert "os" not in line.replace("_cost", "")
    result = book.apply(order(customer={"name": evil}))
    assert result.record["note"] == evil


def test_trace_shows_a_const_list_as_a_list_and_leaves_out_an_unevaluated_right() -> None:
    text = (
        'const NORDIC = ["SE", "NO"]\n'
        'rule "r" when currency in NORDIC or customer.vatNumber == orderNumber then stop end\n'
    )
    _, trace = book_of(text).explain(order(), Context(connection_id=CONN))
    conditions = trace.to_dict()["rulesets"][0]["rules"][0]["conditions"]
    assert isinstance(conditions[0]["right"], list)
    assert sorted(conditions[0]["right"]) == ["NO", "SE"]
    assert conditions[1]["left"] is None
    assert "right" not in conditions[1]


def test_a_hand_written_manipulator_builds_its_result_from_a_record() -> None:
    made = Result.of("ok", {"orderNumber": "1"}, fired=[FiredRule("mine", "stamp")])
    assert made.to_dict() == {
        "status": "ok",
        "record": {"orderNumber": "1"},
        "fired": [{"ruleset": "mine", "rule": "stamp"}],
        "changes": [],
        "messages": [],
        "error": None,
    }


def test_explain_tests_operands_in_the_order_apply_does() -> None:
    """A key test (a field nobody writes, against constants) goes first in both, so a field of
    the wrong type in another operand gives the same outcome in a dry-run as in a run."""
    text = (
        'for Order\nconst NORDIC = ["SE", "NO"]\n'
        'rule "r"\nwhen shippingMethod startswith "flat"\n'
        "  and deliveryAddress.countryCode in NORDIC\n"
        'then set forwarderCode = "PN"\nend\n'
    )
    book = Book.from_sources({"t.rules": text})
    record = {"shippingMethod": True, "deliveryAddress": {"countryCode": "DE"}}
    applied = book.apply(record)
    explained, trace = book.explain(record)
    assert (applied.status, explained.status) == ("ok", "ok")
    rule = trace.rule("t", "r")
    assert rule is not None
    assert [c.text for c in rule.conditions] == ["deliveryAddress.countryCode in NORDIC"]
    record["deliveryAddress"]["countryCode"] = "SE"
    assert book.apply(record).status == book.explain(record)[0].status == "error"
