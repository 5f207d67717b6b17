"""Fuzzing shared tests (engine/sharing.py): a rule set that repeats costly tests, between
actions that write some of what they read, gives on any record what ``explain`` gives -- and
``explain`` evaluates every test in every rule, sharing nothing."""

from __future__ import annotations

from typing import Any

from fuzz_helpers import CONN, EXAMPLE_RECORDS, assert_applies, contexts, fuzz, records
from hypothesis import given

import procrules

WOO = "connector.woocommerce"

#: (condition, action): every costly test appears in two rules or more, some of them on both
#: sides of an action that writes what they read (those must not be shared).
RULES = [
    (f"exists customData[*|{WOO}|meta._wc_klarna_environment]", 'add "klarna" to tags'),
    ('any rows[*].sku startswith "ACME"', 'set customData[|x-f|skus] = "yes"'),
    ('customData[|x-f|skus] == "yes"', 'add "skus" to tags'),
    (
        f"exists customData[*|{WOO}|meta._wc_klarna_environment] and count(rows) > 1",
        'log "klarna, rows"',
    ),
    ('any tags[*] == "klarna"', 'set forwarderCode = "K"'),
    ('not (any rows[*].sku startswith "ACME") or customData[|x-f|skus] is null', "log 1"),
    ("all rows[where quantity > 1].quantity >= 2", 'add "bulk" to tags'),
    ('lower(customer.name) contains "a" and any tags[*] == "skus"', 'set shippingStatus = "a"'),
    ('lower(customer.name) contains "a"', "remove customData[|x-f|skus]"),
    ('customData[|x-f|skus] == "yes"', 'add "still-there" to tags'),
    ("customData[|x-f|skus] is null", 'log "removed"'),
    ('any tags[*] == "skus" and count(rows) > 1', 'add "after" to tags'),
    ("all rows[where quantity > 1].quantity >= 2 and sum(rows[*].quantity) > 3", "log 2"),
    (f'none rows[*].customData[*|{WOO}|meta.pa_color] == "red"', 'log "no red"'),
    (f'none rows[*].customData[*|{WOO}|meta.pa_color] == "red"', "stop"),
    ('any rows[*].sku startswith "ACME"', 'log "not reached after stop"'),
]
TEXT = "for Order\n" + "".join(
    f'rule "r{i}"\nwhen {cond}\nthen {action}\nend\n' for i, (cond, action) in enumerate(RULES)
)
BOOK = procrules.Book.from_sources({"sharing.rules": TEXT})


def test_the_rule_file_shares_tests() -> None:
    fused = BOOK.rulesets[0].fused["Order"]
    source = fused.run.__code__.co_varnames
    assert any(name.startswith("_m") for name in source), source


def test_shared_tests_agree_with_explain_on_the_example_orders() -> None:
    changed = 0
    for record in EXAMPLE_RECORDS:
        assert_applies(BOOK, record, procrules.Context("Order", "import", CONN))
        result = BOOK.apply(record, procrules.Context("Order", "import", CONN))
        changed += any(c.path == "customData[|x-f|skus]" for c in result.changes)
    assert changed, "no example order exercises the write between shared tests"


@fuzz(1.0)
@given(record=records(), context=contexts())
def test_shared_tests_agree_with_explain(record: Any, context: procrules.Context) -> None:
    assert_applies(BOOK, record, context)
