"""``format_source``: the canonical layout of docs/formatting.md, decision by decision.

Golden pairs: each ``golden/fmt/NAME.rules`` is written the way a person might write it, and
``NAME.expected`` is exactly what the formatter makes of it; every expected file is a fixed point.
Regenerate after an intended change with ``PROCRULES_UPDATE_GOLDEN=1 pytest tests/language``, then
read the diff. The before/after examples of docs/formatting.md are checked here too.
"""

from __future__ import annotations

import os
import re
from decimal import Decimal
from pathlib import Path

import pytest

from procrules.language.ast import CustomDataRef
from procrules.language.formatter import FormatError, comment_texts, format_source
from procrules.language.formatter_exprs import custom_data, is_bare_name, number, quote
from procrules.language.parser import parse

HERE = Path(__file__).parent
GOLDEN = HERE / "golden" / "fmt"
CASES = sorted(GOLDEN.glob("*.rules"))
SPEC_EXAMPLE = HERE / "golden" / "spec_example.rules"
DOCS = HERE.parents[1] / "docs" / "formatting.md"
_FENCE = re.compile(r"^```([^\n`]*)\n(.*?)^```[ \t]*$", re.DOTALL | re.MULTILINE)


def fmt(source: str) -> str:
    return format_source(source, "test.rules")


def assert_same_meaning(source: str, formatted: str) -> None:
    before, after = parse(source, "x.rules").ruleset, parse(formatted, "x.rules").ruleset
    assert before is not None
    assert after is not None
    assert after == before
    assert comment_texts(after.comments) == comment_texts(before.comments)


# ------------------------------------------------------------------------------ golden pairs


def test_there_are_enough_golden_pairs() -> None:
    assert len(CASES) >= 12


@pytest.mark.parametrize("path", CASES, ids=[p.stem for p in CASES])
def test_golden_pair(path: Path) -> None:
    source = path.read_text(encoding="utf-8")
    expected_file = path.with_suffix(".expected")
    actual = format_source(source, path.name)
    if os.environ.get("PROCRULES_UPDATE_GOLDEN") == "1":
        expected_file.write_text(actual, encoding="utf-8")
    assert actual == expected_file.read_text(encoding="utf-8")
    assert actual != source, "a golden case must show a change"
    assert format_source(actual, path.name) == actual
    assert_same_meaning(source, actual)


def test_the_language_reference_example_is_already_canonical() -> None:
    example = SPEC_EXAMPLE.read_text(encoding="utf-8")
    assert fmt(example) == example


def doc_examples() -> list[tuple[str | None, str]]:
    """(before, after) for each ``rules after`` block of docs/formatting.md; before is the
    ``rules before`` block right in front of it, if any."""
    pairs: list[tuple[str | None, str]] = []
    before: str | None = None
    for match in _FENCE.finditer(DOCS.read_text(encoding="utf-8")):
        info, body = match.group(1).strip(), match.group(2)
        if info == "rules before":
            before = body
        elif info == "rules after":
            pairs.append((before, body))
            before = None
    return pairs


DOC_EXAMPLES = doc_examples()


def test_the_formatting_doc_has_examples() -> None:
    assert len(DOC_EXAMPLES) >= 7
    assert sum(1 for before, _ in DOC_EXAMPLES if before is not None) >= 6


@pytest.mark.parametrize(("before", "after"), DOC_EXAMPLES, ids=lambda v: "")
def test_the_formatting_doc_shows_what_fmt_does(before: str | None, after: str) -> None:
    assert fmt(after) == after
    if before is not None:
        assert fmt(before) == after


# ------------------------------------------------------------------------------ the file


def test_empty_and_blank_files_stay_empty() -> None:
    assert fmt("") == ""
    assert fmt("\n\n   \n") == ""


def test_output_ends_with_one_newline_without_trailing_spaces() -> None:
    out = fmt('rule "a"   \nthen stop   \nend\n\n\n\n')
    assert out == 'rule "a"\nthen stop\nend\n'


def test_crlf_and_byte_order_mark_are_normalised() -> None:
    source = '\ufeff# note\r\nrule "a"\r\nthen stop\r\nend\r\n'
    assert fmt(source) == '# note\nrule "a"\nthen stop\nend\n'


def test_a_file_with_syntax_errors_is_not_formatted() -> None:
    source = 'rule "a"\nwhen x ==\nthen stop\nend\n'
    with pytest.raises(FormatError) as caught:
        format_source(source, "broken.rules")
    assert caught.value.diagnostics
    rendered = caught.value.render()
    assert rendered.startswith("broken.rules:3:1: error[")
    assert "not formatted" in str(caught.value)


def test_header_only() -> None:
    assert fmt("on import for Order") == "for Order\non import\n"


# ------------------------------------------------------------------------------ tokens


@pytest.mark.parametrize(
    ("text", "written"),
    [
        ("plain", '"plain"'),
        ('say "hi"', r'"say \"hi\""'),
        ("a\\b", r'"a\\b"'),
        ("a\nb\tc", r'"a\nb\tc"'),
        ("\x07\r\x7f\u2028", r'"\u0007\u000d\u007f\u2028"'),
        ("é€😀", '"é€😀"'),
    ],
)
def test_strings_are_escaped_canonically(text: str, written: str) -> None:
    assert quote(text) == written
    result = parse(f"const X = {written}\n", "x.rules")
    assert result.ruleset is not None
    assert not result.has_errors
    assert result.ruleset.consts[0].value.value == text  # type: ignore[union-attr]


@pytest.mark.parametrize(
    ("value", "written"),
    [(42, "42"), (-3, "-3"), (Decimal("499.00"), "499.00"), (Decimal("1E-7"), "0.0000001")],
)
def test_numbers_keep_their_digits(value: int | Decimal, written: str) -> None:
    assert number(value) == written


@pytest.mark.parametrize(
    ("name", "bare"),
    [("orderStatus", True), ("tags", True), ("for", True), ("Colour", True), ("in", False),
     ("and", False), ("Colour name", False), ("ABC", False), ("1st", False), ("", False)],
)  # fmt: skip
def test_fields_are_bare_only_where_a_name_can_stand(name: str, bare: bool) -> None:
    assert is_bare_name(name) is bare


@pytest.mark.parametrize(
    ("parts", "written"),
    [
        (("", "x-acme", "holdReason"), "customData[|x-acme|holdReason]"),
        (
            ("*", "connector.woocommerce", "meta._wc"),
            "customData[*|connector.woocommerce|meta._wc]",
        ),
        (("", "x-acme", "odd key]"), 'customData["|x-acme|odd key]"]'),
        (("", "x-acme", 'a"b'), r'customData["|x-acme|a\"b"]'),
        (("", "x-acme", "a\\b"), "customData[|x-acme|a\\b]"),
    ],
)
def test_custom_data_is_quoted_only_when_needed(parts: tuple[str, str, str], written: str) -> None:
    assert custom_data(CustomDataRef(*parts)) == written


# ------------------------------------------------------------------------------ layout details


def test_negative_numbers_and_unary_minus() -> None:
    out = fmt('const X = - 3\nrule "a" then set y = - (a - - 2) - -b end\n')
    assert out == 'const X = -3\n\nrule "a"\nthen set y = -(a - -2) - -b\nend\n'


def test_associativity_keeps_right_hand_parentheses() -> None:
    out = fmt('rule "a" when a or (b or c) then set x = a - (b - c) + (d + e) end')
    assert "when a or (b or c)\n" in out
    assert "set x = a - (b - c) + (d + e)\n" in out


def test_a_field_named_customdata_before_a_bracket_stays_quoted() -> None:
    out = fmt('rule "a" then set a["customData"][0] = a["customData"].x end')
    assert 'set a["customData"][0] = a.customData.x' in out


def test_disabled_rule_and_rule_scope() -> None:
    out = fmt('rule "a" on export disabled for Product then stop end')
    assert out == 'rule "a"\n  disabled\n  for Product\n  on export\nthen stop\nend\n'


def test_width_100_is_the_limit_for_the_compact_form() -> None:
    condition = "a == " + '"' + "x" * 88 + '"'  # `when ` + 95 characters = 100 columns
    out = fmt(f'rule "a" when {condition} then stop end')
    assert f"\nwhen {condition}\n" in out
    longer = condition.replace("xx", "xxx", 1)
    out = fmt(f'rule "a" when {longer} then stop end')
    assert f"\nwhen\n  {longer}\nthen\n  stop\n" in out


# ------------------------------------------------------------------------------ comments


def test_two_comments_on_one_unbreakable_line_keep_their_order() -> None:
    source = 'rule "a"\nthen\n  set x = coalesce(a, # first\n    b) # second\nend\n'
    out = fmt(source)
    assert "  # first\n  set x = coalesce(a, b) # second\n" in out
    assert_same_meaning(source, out)


def test_comment_inside_a_where_moves_before_its_line() -> None:
    source = 'rule "a"\nthen remove rows[where\n  # gift wrap\n  sku == "G"]\nend\n'
    out = fmt(source)
    assert out == 'rule "a"\nthen\n  # gift wrap\n  remove rows[where sku == "G"]\nend\n'


def test_comment_after_the_last_item_is_indented_like_the_items() -> None:
    out = fmt("const X = [\n  1,\n# more to come\n]\n")
    assert out == "const X = [\n  1,\n  # more to come\n]\n"


def test_comment_between_header_lines_follows_its_line_when_reordered() -> None:
    out = fmt('on import\n# the name\nruleset "x"\n')
    assert out == '# the name\nruleset "x"\non import\n'


def test_blank_lines_after_top_level_comments_are_kept() -> None:
    source = "# licence\n\n\n# about A\n\nconst A = 1\n# end\n\n# really the end\n"
    assert fmt(source) == "# licence\n\n# about A\n\nconst A = 1\n# end\n\n# really the end\n"


def test_trailing_whitespace_in_comments_is_dropped() -> None:
    assert fmt("# note   \t\nconst A = 1 # why  \n") == "# note\nconst A = 1 # why\n"


def test_comments_are_never_lost_or_duplicated() -> None:
    source = "".join(f"# c{n}\n" if n % 2 else f"const A{n} = {n} # t{n}\n" for n in range(20))
    out = fmt(source)
    assert_same_meaning(source, out)
    assert sorted(re.findall(r"# [ct]\d+", out)) == sorted(re.findall(r"# [ct]\d+", source))


def test_too_deep_nesting_is_an_error_not_a_crash() -> None:
    source = 'rule "a" then set x = ' + " + ".join(["1"] * 2000) + " end\n"
    with pytest.raises(FormatError, match="nest too deeply"):
        format_source(source, "deep.rules")
