"""Syntax errors: a golden file of rendered diagnostics for each bad rule file, the recovery that
gives each broken rule its own diagnostic, and no lark exception ever escaping ``parse``.

Golden files: ``golden/syntax/NAME.rules`` is parsed with the label ``NAME.rules``; its
``NAME.expected`` holds the exact ``render_all`` output. ``PROCRULES_UPDATE_GOLDEN=1`` rewrites
the expected files from the current output (review the diff before committing).
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from procrules.language.diagnostics import render_all
from procrules.language.parser import parse
from procrules.language.syntax_errors import expected_words

GOLDEN = Path(__file__).parent / "golden" / "syntax"
CASES = sorted(GOLDEN.glob("*.rules"))
UPDATE = os.environ.get("PROCRULES_UPDATE_GOLDEN") == "1"


def rendered(case: Path) -> str:
    source = case.read_text(encoding="utf-8")
    result = parse(source, case.name)
    return render_all(result.diagnostics, source) + "\n"


def test_there_are_enough_golden_cases() -> None:
    assert len(CASES) >= 20


@pytest.mark.parametrize("case", CASES, ids=[c.stem for c in CASES])
def test_golden_syntax_diagnostics(case: Path) -> None:
    expected_file = case.with_suffix(".expected")
    actual = rendered(case)
    if UPDATE:
        expected_file.write_text(actual, encoding="utf-8")
    assert f"{case.name}:" in actual, "every bad file must give at least one diagnostic"
    assert actual == expected_file.read_text(encoding="utf-8")


# ---------------------------------------------------------------------- recovery


def test_each_broken_rule_gets_its_own_diagnostic_and_good_rules_are_kept() -> None:
    source = (
        'rule "a"\nwhen x = 1\nthen stop\nend\n\n'
        'rule "b"\nthen stop\nend\n\n'
        'rule "c"\nthen delete x\nend\n\n'
        'rule "d"\nthen set y = 2\n'
    )
    result = parse(source, "r.rules")
    assert [(d.code, d.span.line, d.span.column) for d in result.diagnostics] == [
        ("E100", 2, 8),
        ("E100", 11, 6),
        ("E102", 15, 15),
    ]
    assert result.ruleset is not None
    assert [r.name for r in result.ruleset.rules] == ["b"]


def test_a_missing_end_is_reported_at_the_next_rule_with_the_line_of_the_open_one() -> None:
    source = 'const A = 1\n\nrule "open"\nthen stop\n\n  rule "next"\nthen stop\nend\n'
    result = parse(source, "m.rules")
    (missing,) = result.diagnostics
    assert missing.code == "E102"
    assert missing.message == 'missing `end` of rule "open"'
    assert (missing.span.line, missing.span.column, missing.span.end_column) == (6, 3, 7)
    assert missing.hint == 'rule "open" that starts on line 3 needs `end` after its last action'
    assert result.ruleset is not None
    assert [i.name for i in result.ruleset.items] == ["A", "next"]


def test_a_rule_after_a_stray_end_is_kept() -> None:
    result = parse('rule "a" then stop end end\nrule "b" then stop end\n', "s.rules")
    assert [d.message for d in result.diagnostics] == [
        "expected `const`, `rule` or the end of the file, found `end`"
    ]
    assert result.ruleset is not None
    assert [r.name for r in result.ruleset.rules] == ["a", "b"]


def test_the_header_before_a_broken_const_is_kept() -> None:
    result = parse('ruleset "Kept"\nfor Order\nconst A = %\nrule "r" then stop end\n', "h.rules")
    assert [d.code for d in result.diagnostics] == ["E101"]
    assert result.ruleset is not None
    assert result.ruleset.name == "Kept"
    assert [r.name for r in result.ruleset.rules] == ["r"]


def test_nothing_recovered_gives_no_rule_set() -> None:
    result = parse('rule "only" when then stop end\n', "n.rules")
    assert result.ruleset is None
    assert [d.code for d in result.diagnostics] == ["E100"]


def test_transformer_diagnostics_do_not_stop_the_rule_set() -> None:
    result = parse('rule "r" then log "a\\qb" end\n', "e.rules")
    assert [d.code for d in result.diagnostics] == ["E103"]
    assert result.ruleset is not None
    assert len(result.ruleset.rules) == 1


# ---------------------------------------------------------------------- wording


@pytest.mark.parametrize(
    ("symbols", "words"),
    [
        ({"then", "and", "or", "+", "-", "*", "/"}, ["`then`", "a condition operator"]),
        ({"=", ".", "["}, ["`=`"]),
        (
            {"STRING", "NUMBER", "NAME", "CONST_NAME", "(", "[", "{", "-", "$"},
            ["a value (text in double quotes, a number, a field or a constant)"],
        ),
        ({"NAME", "CUSTOM_DATA", "CUSTOM_DATA_QUOTED"}, ["a field name"]),
        ({"const", "$END"}, ["`const`", "`rule`", "the end of the file"]),
        ({"in", "+"}, ["`in`"]),
        ({"and", "."}, ["`and`"]),
        (
            {"end", "set", "remove", "+"},
            [
                "`end`",
                "an action (set, remove, add, replace, copy, swap, log, stop, ignore or fail)",
            ],
        ),
    ],
)
def test_expected_words(symbols: set[str], words: list[str]) -> None:
    assert expected_words(symbols, ["`rule`", "the end of the file"]) == words


# ---------------------------------------------------------------------- never raises

EXAMPLE = (Path(__file__).parent / "test_parse_roundtrip.py").read_text(encoding="utf-8")
EXAMPLE = EXAMPLE.split('EXAMPLE = """\\\n', 1)[1].split('"""', 1)[0]
PIECES = [
    "rule", "end", "when", "then", "set", "not", "in", "customData[", "|", "]", "[", '"', "'",
    "\\", "#", "\n", " ", "(", ")", "{", "}", "=", "==", ".", ",", "-", "$", "1.2", "é", "\ufeff",
]  # fmt: skip


@st.composite
def mutated_example(draw: st.DrawFn) -> str:
    text = EXAMPLE
    for _ in range(draw(st.integers(1, 6))):
        at = draw(st.integers(0, len(text)))
        kind = draw(st.sampled_from(["insert", "delete", "replace"]))
        piece = draw(st.sampled_from(PIECES) | st.text(max_size=3))
        if kind == "insert":
            text = text[:at] + piece + text[at:]
        elif kind == "delete":
            text = text[:at] + text[at + draw(st.integers(1, 30)) :]
        else:
            text = text[:at] + piece + text[at + len(piece) :]
    return text


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(mutated_example())
def test_parse_never_raises_on_a_mutated_example(source: str) -> None:
    result = parse(source, "m.rules")
    for diagnostic in result.diagnostics:
        assert diagnostic.span.line >= 1
        assert diagnostic.render(source)
    if not result.diagnostics:
        assert result.ruleset is not None


@settings(max_examples=150, deadline=None)
@given(
    st.lists(st.sampled_from([*PIECES, "a", "B", "7", "x_y"]) | st.text(max_size=2)).map("".join)
)
def test_parse_never_raises_on_garbage(source: str) -> None:
    result = parse(source, "g.rules")
    assert result.ruleset is not None or result.diagnostics
