"""Which rules run: record type, direction, connection (with the record's source as fallback),
disabled rules, and the order of rule sets and rules."""

from __future__ import annotations

from typing import Any

import pytest
from engine_helpers import CONN, OTHER, book_of, fired, order

from procrules import Book, Context


def names(book: Book, record: dict[str, Any], **context: Any) -> list[str]:
    result = book.apply(record, Context(**context))
    assert result.status == "ok", result.to_dict()
    return fired(result)


SCOPED = f"""
rule "any"          then log "x" end
rule "orders"       for Order then log "x" end
rule "products"     for Product then log "x" end
rule "imports"      on import then log "x" end
rule "exports"      on export then log "x" end
rule "this conn"    connection "{CONN}" then log "x" end
rule "other conn"   connection "{OTHER}" then log "x" end
rule "off"          disabled then log "x" end
"""


@pytest.mark.parametrize(
    ("record", "context", "expected"),
    [
        (order(), {}, ["any", "orders", "imports", "this conn"]),  # source = CONN
        (order(), {"direction": "export"}, ["any", "orders", "exports", "this conn"]),
        (order(), {"connection_id": OTHER}, ["any", "orders", "imports", "other conn"]),
        (order(source=None), {}, ["any", "orders", "imports"]),
        ({"sku": "A"}, {"record_type": "Product"}, ["any", "products", "imports"]),
        ({"recordType": "Product"}, {}, ["any", "products", "imports"]),
        ({}, {}, ["any", "orders", "imports"]),  # no type anywhere: an Order
        ({"recordType": "Invoice"}, {"record_type": "Invoice"}, ["any", "imports"]),
    ],
)
def test_scope(record: dict[str, Any], context: dict[str, Any], expected: list[str]) -> None:
    assert names(book_of(SCOPED), record, **context) == expected


def test_rule_set_scope_narrowed_by_the_rule() -> None:
    text = 'for Order, Invoice\non export\nrule "a" for Invoice then log "x" end\n'
    book = book_of(text)
    assert names(book, {"recordType": "Invoice"}, direction="export") == ["a"]
    assert names(book, {"recordType": "Invoice"}, direction="import") == []
    assert names(book, {"recordType": "Order"}, direction="export") == []


def test_rule_set_connection_scope_uses_the_source_when_the_context_has_none() -> None:
    book = book_of(f'connection "{CONN}"\nrule "a" then log "x" end\n')
    assert names(book, order()) == ["a"]
    assert names(book, order(source=OTHER)) == []
    assert names(book, order(source=OTHER), connection_id=CONN) == ["a"]
    assert names(book, order(), connection_id=OTHER) == []


def test_rule_sets_run_in_label_order_and_rules_top_to_bottom() -> None:
    book = Book.from_sources(
        {
            "20-b.rules": 'rule "b1" then log "x" end\nrule "b2" then log "x" end\n',
            "10-a.rules": 'rule "a1" then log "x" end\nrule "a2" then log "x" end\n',
        }
    )
    assert names(book, order()) == ["a1", "a2", "b1", "b2"]
    assert [rs.name for rs in book.rulesets] == ["10-a", "20-b"]


def test_load_runs_files_in_path_order(tmp_path: Any) -> None:
    (tmp_path / "sub").mkdir()
    (tmp_path / "20-pricing.rules").write_text('rule "p" then log "x" end\n')
    (tmp_path / "10-intake.rules").write_text('ruleset "Intake"\nrule "i" then log "x" end\n')
    (tmp_path / "sub" / "05-x.rules").write_text('rule "s" then log "x" end\n')
    import procrules

    book = procrules.load(tmp_path)
    assert [rs.name for rs in book.rulesets] == ["Intake", "20-pricing", "sub/05-x"]
    result = book.apply(order())
    assert [(f.ruleset, f.rule) for f in result.fired] == [
        ("Intake", "i"),
        ("20-pricing", "p"),
        ("sub/05-x", "s"),
    ]


def test_a_field_of_another_record_type_is_null() -> None:
    # No `for`: the rule is checked against every type; for a Product, orderStatus is null
    # even when the input carries such a field.
    book = book_of('rule "a" when orderStatus == "new" then log "x" end\n')
    assert names(book, order()) == ["a"]
    assert names(book, {"recordType": "Product", "orderStatus": "new"}) == []


def test_record_type_that_disagrees_with_the_context_is_an_error() -> None:
    result = book_of('rule "a" then log "x" end').apply(
        {"recordType": "Invoice"}, Context(record_type="Order")
    )
    assert result.status == "error"
    assert result.fired == []
    assert result.error is not None
    assert result.error.to_dict() == {
        "ruleset": None,
        "rule": None,
        "file": None,
        "line": None,
        "column": None,
        "message": "the record's recordType 'Invoice' disagrees with the record type 'Order' "
        "of the run",
    }


def test_unknown_record_type_is_an_error() -> None:
    result = book_of('rule "a" then log "x" end').apply({"recordType": "Cart"})
    assert result.status == "error"
    assert result.error is not None
    assert result.error.message.startswith('unknown record type "Cart"')


def test_context_direction_is_validated() -> None:
    with pytest.raises(ValueError, match="direction must be import or export"):
        Context(direction="sideways")  # type: ignore[arg-type]
