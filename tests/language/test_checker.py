"""The checker: what must check clean (every construct of LANGUAGE.md), and its mechanics
(stage order, error limit, warnings beside errors). The messages themselves are pinned by the
golden files in ``golden/check``."""

from __future__ import annotations

from pathlib import Path

import pytest

from procrules.language.checker import STAGES
from procrules.language.diagnostics import ERROR_LIMIT
from procrules.language.frontend import check_source

SPEC_EXAMPLE = (Path(__file__).parent / "golden" / "spec_example.rules").read_text()


def diagnostics(source: str) -> list[str]:
    _, sink = check_source(source, "t.rules")
    return [d.headline() for d in sink.sorted()]


def test_the_complete_example_of_the_language_checks_clean() -> None:
    assert diagnostics(SPEC_EXAMPLE) == []


CLEAN_RULE_BODIES = [
    # paths (section 5)
    ("Order", 'when rows[0].sku == "A" and rows[-1].sku == "B" then stop'),
    ("Order", 'when any rows[*].sku == "A" then stop'),
    ("Order", 'when any rows[where quantity > 10].sku startswith "X" then stop'),
    ("Order", "when any rows[where totalInclVat > $.shippingCost].sku is not null then stop"),
    ("Product", 'when attributes["Colour name"] == "red" then stop'),
    ("Order", 'when $["orderStatus"] == "new" then stop'),
    # custom data (section 6 and 12)
    ("Order", 'when customData[|x-acme|payload].lines[0].sku == "A" then stop'),
    ("Order", "when exists customData[*|connector.woocommerce|meta._wc_klarna_country] then stop"),
    ("Order", 'when rows[0].customData[|x-acme|k] == "v" then stop'),
    ("Order", 'when any rows[*].customData[*|connector.woo|meta.pa_color] == "red" then stop'),
    ("Order", "when any rows[where customData[|x-acme|gift] == true].sku is not null then stop"),
    # conditions (section 7)
    ("Order", 'when not (orderStatus == "new") or orderStatus is null then stop'),
    ("Order", 'when orderStatus != "a" and orderStatus not in ["b", "c"] then stop'),
    ("Order", 'when note contains "gift" and note not contains "x" then stop'),
    ("Order", 'when tags contains "vip" then stop'),
    ("Order", 'when orderNumber startswith "W" and orderNumber not endswith "X" then stop'),
    ("Order", 'when customer.email matches "[^@]+@example[.]com" then stop'),
    ("Order", 'when customer.email not matches ".*@.*" then stop'),
    ("Order", "when note is empty and tags is not empty and customer is not null then stop"),
    ("Order", "when all rows[*].quantity > 0 and none rows[*].sku is null then stop"),
    ("Order", 'when createdAt >= "2024-01-01" and lastModified < "2024-06-01T12:00:00Z" then stop'),
    ("Order", "when 0.1 + 0.2 == 0.3 then stop"),
    ("Order", "when totalInclVat - shippingCost * 2 / 4 > -1 then stop"),
    ("Order", "when orderStatus == null then stop"),
    # functions (section 8)
    ("Order", "when length(rows) > 2 and length(note) < 10 then stop"),
    ("Order", 'when substring(orderNumber, 0, 2) == "WC" then stop'),
    ("Order", 'when replace(note, "a", "b") == regex_replace(note, "[0-9]+", "#") then stop'),
    ("Order", 'when join(split(note, ","), ";") == "" then stop'),
    ("Order", "when round(totalInclVat, 2) == floor(totalVat) + ceil(shippingCost) then stop"),
    ("Order", "when abs(discountTotal) > 0 then stop"),
    ("Order", "when count(rows[*]) == 0 or sum(rows[*].totalInclVat) > 100 then stop"),
    ("Order", "when min(rows[*].quantity) < 1 or max(rows[*].quantity) > 99 then stop"),
    ("Order", 'when coalesce(note, orderNumber, "x") == "x" then stop'),
    ("Order", 'when number("12.50") > 12 and string(totalInclVat) == "1" then stop'),
    ("Order", "when days_between(createdAt, now()) > 30 then stop"),
    ("Order", 'when date(createdAt) == today() or add_days(createdAt, 2) > "2024-01-01" then stop'),
    # actions (section 9)
    ("Order", 'then set orderStatus = "onHold" set customer.name = trim(customer.name)'),
    ("Order", "then set rows[*].discount = 0"),
    ("Order", "then set customData[|x-acme|count] = 12 as integer"),
    ("Order", 'then set customData[|x-acme|payload] = {"a": 1} as json'),
    ("Order", "then remove note remove rows[where quantity == 0] remove rows[0]"),
    ("Order", "then remove customData[|x-acme|k] remove customData[*|x-acme|*]"),
    ("Order", 'then add "free-shipping" to tags'),
    ("Order", 'then add {"sku": "DISCOUNT", "quantity": 1, "pricePerUnitExclVat": -50} to rows'),
    ("Order", 'then replace "GIFT" with "G" in rows[*].sku'),
    ("Order", "then copy billingAddress to deliveryAddress"),
    ("Order", "then swap billingAddress and deliveryAddress"),
    ("Order", 'then log "held" log "total " + string(totalInclVat)'),
    ("Order", "then ignore"),
    ("Order", 'then ignore "not ours"'),
    ("Order", 'then fail "no rows"'),
    ("Product", "then set description = strip_html(description)"),
    ("Product", "then set price = round(price * 1.25, 2)"),
    ("Product", 'when stock < 5 then set status = "inactive"'),
    ("Invoice", 'when invoiceDate < dueDate then add "x" to tags'),
]


@pytest.mark.parametrize(("record_type", "body"), CLEAN_RULE_BODIES)
def test_construct_checks_clean(record_type: str, body: str) -> None:
    source = f'for {record_type}\nrule "r"\n{body.replace(" then ", chr(10) + "then ")}\nend\n'
    assert diagnostics(source) == []


def test_connection_scope_allows_writes_to_its_own_entries() -> None:
    source = (
        'connection "c1"\nrule "r"\nthen set customData[c1|connector.woocommerce|meta.x] = "y"\n'
        "end\n"
    )
    assert diagnostics(source) == []


def test_rule_level_connection_counts_as_scope_for_writes() -> None:
    source = 'rule "r"\nconnection "c1"\nthen set customData[c2|connector.woo|k] = "y"\nend\n'
    assert diagnostics(source) == [
        (
            "t.rules:3:10: error[E401]: cannot write customData[c2|connector.woo|k]: the entry "
            'belongs to connection "c2", but this rule set runs for connection "c1"'
        )
    ]


def test_write_with_connection_and_no_scope_is_left_to_run_time() -> None:
    source = 'rule "r"\nthen set customData[c2|connector.woo|k] = "y"\nend\n'
    assert diagnostics(source) == []


def test_consts_may_be_used_before_they_are_declared() -> None:
    source = 'rule "r"\nwhen orderStatus in LATER\nthen stop\nend\nconst LATER = ["a"]\n'
    assert diagnostics(source) == []


def test_disabled_rules_are_checked_too() -> None:
    source = 'for Order\nrule "r"\ndisabled\nwhen nope == 1\nthen stop\nend\n'
    assert diagnostics(source) == [
        't.rules:4:6: error[E201]: unknown field "nope" in Order',
    ]


def test_errors_past_the_limit_are_counted_not_shown() -> None:
    rules = "".join(f'rule "r{i}"\nwhen nope{i} == 1\nthen stop\nend\n' for i in range(25))
    _, sink = check_source(rules, "t.rules")
    assert sink.error_count == ERROR_LIMIT
    assert sink.dropped == 5


def test_warnings_are_kept_beside_errors_and_sorted_by_position() -> None:
    source = 'rule "a"\nthen stop\nend\nrule "b"\nwhen nope == 1\nthen stop\nend\n'
    assert diagnostics(source) == [
        (
            't.rules:4:1: warning[W101]: rule "b" can never run: rule "a" on line 1 always '
            "ends the rule set before it"
        ),
        't.rules:5:6: error[E201]: unknown field "nope" in Order, Invoice or Product',
    ]


def test_the_stages_run_in_their_documented_order() -> None:
    assert [name for name, _ in STAGES] == [
        "header",
        "consts",
        "rule_names",
        "rule_scopes",
        "rules",
        "reachability",
    ]
