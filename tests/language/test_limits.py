"""Nesting limits: a rule nested deeper than MAX_DEPTH is an E502 diagnostic, never a crash."""

from __future__ import annotations

import pytest

import procrules
from procrules.language.frontend import check_source
from procrules.language.limits import MAX_DEPTH, depth
from procrules.language.parser import parse


def or_chain(n: int) -> str:
    cond = " or ".join(f'orderNumber == "{i}"' for i in range(n))
    return f'rule "r"\nwhen {cond}\nthen stop\nend\n'


def test_a_long_but_reasonable_chain_checks_clean() -> None:
    _, sink = check_source(or_chain(120), "t.rules")
    assert list(sink.sorted()) == []


@pytest.mark.parametrize("n", [130, 1000, 5000])
def test_a_chain_too_deep_is_one_e502_at_its_rule(n: int) -> None:
    _, sink = check_source(or_chain(n), "t.rules")
    assert [d.headline() for d in sink.sorted()] == [
        (
            f't.rules:1:1: error[E502]: rule "r" nests conditions or values more than {MAX_DEPTH} '
            "levels deep"
        )
    ]


def test_deep_parentheses_add_no_depth_and_run() -> None:
    source = 'rule "r"\nthen set note = ' + "(" * 5000 + '"x"' + ")" * 5000 + "\nend\n"
    _, sink = check_source(source, "t.rules")
    assert list(sink.sorted()) == []
    result = procrules.Book.from_sources({"t.rules": source}).apply({"recordType": "Order"})
    assert result.record is not None
    assert result.record["note"] == "x"


def test_the_other_rules_of_the_file_are_still_checked() -> None:
    source = or_chain(300) + 'rule "s"\nwhen nope == 1\nthen stop\nend\n'
    _, sink = check_source(source, "t.rules")
    assert [d.code for d in sink.sorted()] == ["E502", "E201"]


def test_depth_counts_levels_without_recursion() -> None:
    parsed = parse(or_chain(3000), "t.rules")
    assert parsed.ruleset is not None
    assert depth(parsed.ruleset.rules[0]) > 3000
