"""A seeded generator of realistic rule files, for the load and throughput benchmarks.

Rules mix what business users write: comparisons, membership in consts, string operations,
quantifiers over rows, custom-data reads and null checks, each with an action.
"""

from __future__ import annotations

import random

STATUSES = ["new", "onHold", "processing", "completed", "cancelled"]
COUNTRIES = ["SE", "NO", "DK", "FI", "DE", "US", "GB", "NL"]
PAYMENTS = ["klarna_payments", "bacs", "cod", "stripe", "paypal"]


def _condition(rng: random.Random, i: int) -> str:
    kind = i % 8
    if kind == 0:
        return f'orderStatus == "{rng.choice(STATUSES)}" and totalInclVat >= {rng.randint(50, 900)}.00'
    if kind == 1:
        return f"deliveryAddress.countryCode in NORDIC and shippingCost > {rng.randint(0, 99)}"
    if kind == 2:
        return f'customer.email endswith "@example{i % 5}.com" or customer.email is null'
    if kind == 3:
        return f'any rows[*].sku startswith "SKU-{i % 10}" and count(rows) > {rng.randint(0, 3)}'
    if kind == 4:
        return (
            "any customData[*|connector.woocommerce|meta._wc_klarna_environment] == "
            f'"{rng.choice(["test", "live"])}"'
        )
    if kind == 5:
        return f'paymentMethod == "{rng.choice(PAYMENTS)}" and note is not empty'
    if kind == 6:
        return f'lower(customer.name) contains "{rng.choice("aeiou")}" and currency == "SEK"'
    return f"all rows[*].quantity > {rng.randint(0, 2)} and discountTotal is null"


def _action(rng: random.Random, i: int) -> str:
    kind = i % 4
    if kind == 0:
        return f'add "tag-{i}" to tags'
    if kind == 1:
        return f'set customData[|x-bench|rule{i}] = "fired"'
    if kind == 2:
        return f'log "rule {i} fired"'
    return f'set forwarderCode = "{rng.choice(["PNL", "DHLE", "UPS"])}"'


def rule_file(n_rules: int, seed: int = 7) -> str:
    """A rule file of ``n_rules`` rules for Orders, deterministic for a seed."""
    rng = random.Random(seed)
    lines = [
        f'ruleset "bench {n_rules}"',
        "for Order",
        "",
        'const NORDIC = ["SE", "NO", "DK", "FI"]',
        "",
    ]
    for i in range(n_rules):
        lines += [
            f'rule "rule {i}"',
            f"when {_condition(rng, i)}",
            f"then {_action(rng, i)}",
            "end",
            "",
        ]
    return "\n".join(lines)
