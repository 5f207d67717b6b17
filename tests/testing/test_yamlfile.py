"""The YAML of test files: exact decimals, YAML 1.2-like scalars, line numbers, duplicates."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from procrules.testing.yamlfile import YamlError, compose, value


def load(text: str) -> Any:
    node = compose(text)
    assert node is not None
    return value(node)


def test_decimals_are_exact_decimals_never_floats() -> None:
    got = load("a: 549.00\nb: 0.1\nc: -2.50\nd: 1e3\ne: 42\nf: -7\n")
    assert got == {"a": Decimal("549.00"), "b": Decimal("0.1"), "c": Decimal("-2.50"),
                   "d": Decimal("1e3"), "e": 42, "f": -7}  # fmt: skip
    assert str(got["a"]) == "549.00"
    assert type(got["a"]) is Decimal
    assert type(got["e"]) is int
    assert not any(isinstance(v, float) for v in got.values())


@pytest.mark.parametrize(
    ("written", "expected"),
    [
        ("NO", "NO"),  # Norway, not false
        ("no", "no"),
        ("yes", "yes"),
        ("on", "on"),
        ("off", "off"),
        ("2024-05-02", "2024-05-02"),
        ("007", "007"),
        ("1_000", "1_000"),
        (".5", ".5"),
        ("1:20", "1:20"),
        ("0x1F", "0x1F"),
        (".inf", ".inf"),
        ("true", True),
        ("False", False),
        ("null", None),
        ("~", None),
        ("", None),
        ('"549.00"', "549.00"),
        ("'true'", "true"),
        ("0", 0),
        ("-0.0", Decimal("-0.0")),
    ],
)
def test_scalars(written: str, expected: Any) -> None:
    got = load(f"v: {written}\n")["v"]
    assert got == expected
    assert type(got) is type(expected)


def test_duplicate_keys_are_an_error_with_both_lines() -> None:
    with pytest.raises(YamlError) as info:
        load("a: 1\nb: 2\na: 3\n")
    assert (info.value.line, info.value.column) == (3, 1)
    assert info.value.message == 'the key "a" appears twice (first on line 1)'


def test_merge_keys_and_anchors() -> None:
    got = load("base: &b {x: 1, y: 2}\nthis: {<<: *b, y: 3, z: 4}\n")
    assert got["this"] == {"x": 1, "y": 3, "z": 4}


def test_merge_of_a_list_of_mappings_first_wins() -> None:
    got = load("a: &a {x: 1}\nb: &b {x: 2, y: 2}\nc: {<<: [*a, *b]}\n")
    assert got["c"] == {"x": 1, "y": 2}


def test_syntax_error_has_line_and_column() -> None:
    with pytest.raises(YamlError) as info:
        compose("a: {b: 1\n")
    assert info.value.line == 2
    assert info.value.message.startswith("YAML syntax error: expected ',' or '}'")


def test_tab_indentation_gets_a_hint() -> None:
    with pytest.raises(YamlError) as info:
        compose("a:\n\t- 1\n")
    assert info.value.line == 2
    assert info.value.hint == "indent with spaces: YAML does not allow tab characters there"


def test_two_documents_are_an_error() -> None:
    with pytest.raises(YamlError) as info:
        compose("a: 1\n---\nb: 2\n")
    assert info.value.message == "the file holds more than one YAML document (a second '---')"


def test_empty_document_is_none() -> None:
    assert compose("# only a comment\n") is None


def test_unsupported_tag() -> None:
    with pytest.raises(YamlError) as info:
        load("a: !!binary aGVsbG8=\n")
    assert info.value.message == "unsupported YAML tag tag:yaml.org,2002:binary"
    assert info.value.line == 1


def test_explicit_float_tag_is_a_decimal() -> None:
    assert load("a: !!float 12.50\n") == {"a": Decimal("12.50")}
