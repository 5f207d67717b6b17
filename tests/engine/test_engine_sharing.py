"""Shared tests (engine/sharing.py): a costly test several rules make is computed once a record,
and the outcome is exactly that of computing it in every rule."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest
from engine_helpers import CONN, book_of, fired, order

from procrules import Book, Context
from procrules.engine import compiler
from procrules.engine.indexing import Writes, trail, unaffected, written_trails
from procrules.engine.sharing import leaves, shape, shared_tests
from procrules.language import ast
from procrules.language.parser import parse

RECORDS = Path(__file__).parents[2] / "rules" / "records"


def _rules(text: str) -> ast.RuleSet:
    parsed = parse(text, "t.rules")
    assert not parsed.diagnostics, parsed.diagnostics
    assert parsed.ruleset is not None
    return parsed.ruleset


def _shared(text: str) -> list[list[str]]:
    """The rules' leaf tests that share a local, as the rule names that make them, per local."""
    ruleset = _rules(text)
    written = set().union(*(written_trails(r.actions) for r in ruleset.rules))
    conditions = [r.condition for r in ruleset.rules if r.condition is not None]
    names = shared_tests(conditions, Writes(written))
    out: dict[str, list[str]] = {}
    for rule in ruleset.rules:
        for leaf in leaves(rule.condition) if rule.condition is not None else ():
            if id(leaf) in names:
                out.setdefault(names[id(leaf)], []).append(rule.name)
    return sorted(out.values())


def _file(*rules: tuple[str, str]) -> str:
    body = "".join(f'rule "{n}"\nwhen {c}\nthen {a}\nend\n' for n, (c, a) in enumerate(rules))
    return "for Order\n" + body


TAG = 'add "t" to tags'


@pytest.mark.parametrize(
    ("rules", "expected"),
    [
        # the same quantifier, exists, custom-data read or call in two rules: shared
        (
            (('any rows[*].sku startswith "S"', TAG), ('any rows[*].sku startswith "S"', TAG)),
            [["0", "1"]],
        ),
        (
            (("exists customData[*|m|k]", TAG), ("note is null or exists customData[*|m|k]", TAG)),
            [["0", "1"]],
        ),
        (
            ((f'customData[{CONN}|m|k] == "a"', TAG), (f'not customData[{CONN}|m|k] == "a"', TAG)),
            [["0", "1"]],
        ),
        (
            (('lower(customer.name) == "ann"', TAG), ('lower(customer.name) == "ann"', TAG)),
            [["0", "1"]],
        ),
        # written differently, or a literal of another type: not the same test
        ((('any rows[*].sku startswith "S"', TAG), ('any rows[*].sku startswith "T"', TAG)), []),
        ((("any rows[*].quantity == 1", TAG), ("any rows[*].quantity == 1.0", TAG)), []),
        # a plain field comparison costs as little as the local: not shared
        ((('orderStatus == "new"', TAG), ('orderStatus == "new"', TAG)), []),
        # a test of data the rule set writes: not shared
        ((('any tags[*] == "t"', TAG), ('any tags[*] == "t"', TAG)), []),
        (
            (
                ("exists customData[*|x-a|k]", 'set customData[|x-a|k] = "1"'),
                ("exists customData[*|x-a|k]", TAG),
            ),
            [],
        ),
        # a custom-data write elsewhere leaves the test shared
        (
            (
                ("exists customData[*|m|k]", 'set customData[|x-a|k] = "1"'),
                ("exists customData[*|m|k]", TAG),
            ),
            [["0", "1"]],
        ),
        # a function whose result changes between calls: never shared
        ((('today() > date("2020-01-01")', TAG), ('today() > date("2020-01-01")', TAG)), []),
    ],
)
def test_which_tests_are_shared(
    rules: tuple[tuple[str, str], ...], expected: list[list[str]]
) -> None:
    assert _shared(_file(*rules)) == expected


@pytest.mark.parametrize(
    ("read", "write", "meets"),
    [
        (("rows",), ("rows",), True),
        (("rows",), ("rows", "sku"), True),  # a write into what is read
        (("customer", "name"), ("customer",), True),  # a write on the way to it
        (("customer", "name"), ("customer", "email"), False),
        (("customData", ("*", "m", "k")), ("customData", ("", "x-a", "k")), False),
        (("customData", ("*", "x-a", "k")), ("customData", ("", "x-a", "k")), True),
        (("customData", ("", "x-a", "*")), ("customData", ("", "x-a", "k")), True),
        (("customData", ("c", "x-a", "k")), ("customData", ("", "x-a", "k")), False),
        (("customData",), ("customData", ("", "x-a", "k")), True),
        ((), ("tags",), True),  # a read of everything
        (("customData", ("", "x-a", "k"), "a"), ("customData", ("", "x-a", "k")), True),
        (("customData", ("*", "*", "*")), ("customData", ("", "x-a", "k")), True),
        (("customData", ("", "x-a", "k")), ("customData", ("", "*", "k")), True),
        (("customData", ("", "x-b", "k")), ("customData", ("", "*", "j")), False),
    ],
)
def test_unaffected(read: tuple[Any, ...], write: tuple[Any, ...], meets: bool) -> None:
    assert unaffected(read, {write}) is not meets


def test_unaffected_among_many_writes() -> None:
    writes = Writes({("customData", ("", "x-bench", f"rule{i}")) for i in range(300)} | {("tags",)})
    assert unaffected(("customData", ("*", "connector.woocommerce", "k")), writes)
    assert not unaffected(("customData", ("*", "x-bench", "rule299")), writes)
    assert not unaffected(("customData", ("", "*", "*")), writes)
    assert unaffected(("customer", "name"), writes)
    assert not unaffected(("tags",), writes)


def test_trail_stops_at_the_first_index_wildcard_or_filter() -> None:
    rule = _rules(
        'for Order\nrule "r"\nwhen any rows[*].customData[*|m|k] == "x"\nthen log "a"\nend\n'
    )
    assert rule.rules[0].condition is not None
    compare = rule.rules[0].condition
    assert isinstance(compare, ast.Compare)
    assert isinstance(compare.left, ast.Path)
    assert trail(compare.left) == ("rows",)


def test_shape_ignores_spans_and_keeps_literal_types() -> None:
    one = ast.Lit(1, span=ast.Span("a", 1, 1, 1, 2))
    assert shape(one) == shape(ast.Lit(1, span=ast.Span("b", 9, 9, 9, 10)))
    assert shape(one) != shape(ast.Lit(True))
    assert shape(ast.Lit("1")) != shape(one)


# ------------------------------------------------------------------------------ behaviour


def _without_sharing(monkeypatch: pytest.MonkeyPatch, text: str) -> Book:
    monkeypatch.setattr(compiler, "shared_tests", lambda conditions, written: {})
    book = book_of(text)
    monkeypatch.undo()
    return book


def _outcome(book: Book, record: dict[str, Any]) -> dict[str, Any]:
    result = book.apply(copy.deepcopy(record), Context(connection_id=CONN))
    return result.to_dict()


#: Rules that repeat costly tests between actions that write (or do not write) what they read.
REPEATING = _file(
    ("exists customData[*|x-a|seen]", 'add "seen-before" to tags'),
    ('any rows[*].sku startswith "SKU"', 'set customData[|x-a|seen] = "1"'),
    ("exists customData[*|x-a|seen]", 'add "seen-after" to tags'),
    ('any rows[*].sku startswith "SKU" and count(rows) > 1', 'add "skus" to tags'),
    ('not (any rows[*].sku startswith "SKU")', 'add "no-skus" to tags'),
    ('any tags[*] == "skus"', 'log "tagged"'),
    ("all rows[*].quantity > 0", 'set forwarderCode = "PNL"'),
    ('all rows[*].quantity > 0 and any tags[*] == "seen-after"', 'add "both" to tags'),
    ("exists customData[*|connector.woocommerce|meta._wc_klarna_environment]", TAG),
    ("exists customData[*|connector.woocommerce|meta._wc_klarna_environment]", 'log "klarna"'),
)


def _records() -> list[dict[str, Any]]:
    """The shipped example orders (from the WooCommerce fixtures) and a few made here."""
    lines = (RECORDS / "orders.jsonl").read_text(encoding="utf-8").splitlines()
    assert lines, "the example orders are missing"
    made = [order(), order(rows=[]), order(rows=[{"sku": "X", "quantity": "0"}])]
    return made + [json.loads(line) for line in lines if line.strip()]


def test_sharing_changes_no_outcome(monkeypatch: pytest.MonkeyPatch) -> None:
    assert _shared(REPEATING), "the rule file must have shared tests for this test to mean anything"
    shared, unshared = book_of(REPEATING), _without_sharing(monkeypatch, REPEATING)
    for record in _records():
        assert _outcome(shared, record) == _outcome(unshared, record)


def test_a_test_of_written_data_sees_the_write() -> None:
    result = book_of(REPEATING).apply(order(), Context(connection_id=CONN))
    assert result.status == "ok"
    assert "2" in fired(result)
    assert "0" not in fired(result)
    assert "7" in fired(result)


def test_the_error_of_a_shared_test_names_the_first_rule_that_makes_it() -> None:
    text = _file(
        ('orderStatus == "x" and all rows[*].quantity > 0', TAG),
        ("all rows[*].quantity > 0", 'log "second"'),
        ("all rows[*].quantity > 0", 'log "third"'),
    )
    bad = order(rows=[{"sku": "A", "quantity": "lots"}])
    result = book_of(text).apply(bad, Context(connection_id=CONN))
    assert result.status == "error"
    assert result.error is not None
    assert result.error.rule == "1"
    assert fired(result) == []
