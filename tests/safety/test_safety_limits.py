"""The limits (docs/robustness.md, "Limits"): clear errors, never a crash or a RecursionError.

Rule files: E501 file size, E502 nesting, E503 number of rules (at the first rule past the limit),
E104 digits of a number, E103 half a surrogate pair. Records: nesting, string length and list
length (``limits.record_problem``), checked by ``Book.apply`` for records not in normal form and
by ``procrules run`` for every record it reads, where a line over 16 MB is not parsed at all and
JSON nested 100,000 levels deep is an error result.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

import procrules
from procrules.cli.inputs import InputError, Item, load_record
from procrules.cli.main import cli
from procrules.language import limits
from procrules.language.frontend import MAX_FILE_BYTES, check_source
from procrules.language.limits import (
    MAX_DEPTH,
    MAX_INPUT_BYTES,
    MAX_LIST_ITEMS,
    MAX_NUMBER_DIGITS,
    MAX_RECORD_DEPTH,
    MAX_RULES,
    MAX_STRING_CHARS,
    record_problem,
)


def headlines(source: str) -> list[str]:
    _, sink = check_source(source, "t.rules")
    return [d.headline() for d in sink.sorted() if d.is_error]


def rules(n: int, first: int = 1) -> str:
    return "".join(f'rule "r{i}" then log "{i}" end\n' for i in range(first, first + n))


# ------------------------------------------------------------------ rule files


def test_the_limits_are_the_documented_ones() -> None:
    assert (MAX_FILE_BYTES, MAX_DEPTH, MAX_RULES, MAX_NUMBER_DIGITS) == (
        1_000_000, 128, 10_000, 1_000,
    )  # fmt: skip
    assert (MAX_RECORD_DEPTH, MAX_STRING_CHARS, MAX_LIST_ITEMS, MAX_INPUT_BYTES) == (
        200, 1_000_000, 100_000, 16_000_000,
    )  # fmt: skip
    doc = (Path(__file__).resolve().parents[2] / "docs" / "robustness.md").read_text("utf-8")
    for number in ("1,000,000 bytes", "128 levels", "10,000 rules", "1,000 digits", "200 levels",
                   "1,000,000 characters", "100,000 elements", "16,000,000 bytes"):  # fmt: skip
        assert number in doc, number


def test_a_file_over_the_size_limit_is_e501() -> None:
    source = "# " + "x" * MAX_FILE_BYTES + "\n"
    assert headlines(source) == [
        "t.rules:1:1: error[E501]: the file is larger than 1,000,000 bytes"
    ]


def test_a_file_of_10001_rules_is_e503_at_rule_10001() -> None:
    assert headlines(rules(MAX_RULES + 1)) == [
        "t.rules:10001:1: error[E503]: the file has more than 10,000 rules; this is rule 10,001"
    ]


def test_rules_up_to_the_limit_load(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(limits, "MAX_RULES", 50)
    assert headlines(rules(50)) == []
    book = procrules.Book.from_sources({"t.rules": rules(50)})
    assert len(book.apply({"orderNumber": "1"}).fired) == 50


def test_e503_is_reported_once_and_the_rest_is_left_out(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(limits, "MAX_RULES", 3)
    source = 'const A = 1\nrule "a" when x == 1 then stop end\n' + rules(5)
    found = headlines(source + 'const B = "b"\nrule "late" when nope == 1 then stop end\n')
    assert found == [
        't.rules:2:15: error[E201]: unknown field "x" in Order, Invoice or Product',
        "t.rules:5:1: error[E503]: the file has more than 3 rules; this is rule 4",
    ]  # the rules past the limit are not checked: no E201 for "late"
    with pytest.raises(procrules.RuleError, match="E503"):
        procrules.Book.from_sources({"t.rules": source})


def test_nesting_past_the_limit_is_e502_without_recursion_error() -> None:
    condition = " or ".join(f'orderNumber == "{i}"' for i in range(5_000))
    found = headlines(f'rule "deep"\nwhen {condition}\nthen stop\nend\n')
    message = f'rule "deep" nests conditions or values more than {MAX_DEPTH} levels deep'
    assert found == [f"t.rules:1:1: error[E502]: {message}"]


@pytest.mark.parametrize(
    "number", ["9" * 5_000, "1." + "9" * 5_000, "9" * 5_000 + ".5", "9" * (MAX_NUMBER_DIGITS + 1)]
)
@pytest.mark.parametrize(
    "template",
    ['rule "r" then set totalInclVat = {n} end', 'rule "r" when rows[{n}].sku == "a" then stop end',
     'const N = -{n}\nrule "r" then set totalInclVat = N end'],
)  # fmt: skip
def test_a_number_of_too_many_digits_is_e104_not_a_crash(number: str, template: str) -> None:
    found = headlines(template.format(n=number) + "\n")
    assert len(found) == 1
    assert (
        f"error[E104]: a number has at most 1,000 digits; this one has {len(number):,}"
        in (found[0])
    )


def test_a_number_of_1000_digits_is_fine() -> None:
    assert headlines(f'rule "r" when stock == {"9" * MAX_NUMBER_DIGITS} then stop end\n') == []


@pytest.mark.parametrize("escape", [r"\ud800", r"\udfff", r"\uDC00\uD800", r"a\ud83d"])
def test_half_a_surrogate_pair_is_e103(escape: str) -> None:
    found = headlines(f'rule "r" then set note = "{escape}" end\n')
    assert found
    assert all("error[E103]" in h and "half of a UTF-16 surrogate pair" in h for h in found)


def test_a_surrogate_pair_is_one_character() -> None:
    source = 'rule "r" then set note = "\\uD83D\\uDE00" end\n'
    assert headlines(source) == []
    result = procrules.Book.from_sources({"t.rules": source}).apply({"orderNumber": "1"})
    assert result.record is not None
    assert result.record["note"] == "\U0001f600"


# ------------------------------------------------------------------ records


DEEP = "the record nests objects and lists more than 200 levels deep"
LONG = "the record has a string of more than 1,000,000 characters"
WIDE = "the record has an object of more than 100,000 elements"


def nest(levels: int) -> Any:
    """Lists nested so that ``{"a": nest(n)}`` is ``n`` levels deep (the record is level 1)."""
    value: Any = "leaf"
    for _ in range(levels - 1):
        value = [value]
    return value


@pytest.mark.parametrize(
    ("value", "problem"),
    [
        ({"a": nest(MAX_RECORD_DEPTH)}, None),
        ({"a": nest(MAX_RECORD_DEPTH + 1)}, DEEP),
        ({"a": nest(100_000)}, DEEP),
        ({"a": "s" * MAX_STRING_CHARS}, None),
        ({"a": ["s" * (MAX_STRING_CHARS + 1)]}, LONG),
        ({"a": [0] * MAX_LIST_ITEMS}, None),
        ({"a": [0] * (MAX_LIST_ITEMS + 1)}, "the record has a list of more than 100,000 elements"),
        (dict.fromkeys(map(str, range(MAX_LIST_ITEMS + 1)), 0), WIDE),
        ("s" * (MAX_STRING_CHARS + 1), LONG),
        (None, None),
    ],
    ids=["depth-200", "depth-201", "depth-100000", "string-1M", "string-1M+1", "list-100k",
         "list-100k+1", "object-100k+1", "bare-string", "null"],
)  # fmt: skip
def test_record_problem(value: Any, problem: str | None) -> None:
    assert record_problem(value) == problem


class _Map(dict):  # type: ignore[type-arg]
    """A dict subclass, as a caller of the Python API may pass."""


class _List(list):  # type: ignore[type-arg]
    """A list subclass."""


@pytest.mark.parametrize(
    ("value", "problem"),
    [
        (_Map(a=_Map(b="s" * (MAX_STRING_CHARS + 1))), LONG),
        (_Map(a=_Map(b="s" * MAX_STRING_CHARS)), None),
        ({"a": _List([_List([nest(MAX_RECORD_DEPTH - 1)])])}, DEEP),
        ({"a": _List([_List([nest(MAX_RECORD_DEPTH - 2)])])}, None),
        (_Map(dict.fromkeys(map(str, range(MAX_LIST_ITEMS + 1)), 0)), WIDE),
    ],
    ids=["map-long-string", "map-ok", "list-deep", "list-ok", "map-wide"],
)
def test_record_problem_of_subclasses(value: Any, problem: str | None) -> None:
    """Subclasses of dict and list are walked like dicts and lists (their values, not keys)."""
    assert record_problem(value) == problem


@pytest.mark.parametrize("levels", [3, MAX_RECORD_DEPTH, MAX_RECORD_DEPTH + 1])
def test_record_problem_with_little_stack_left(levels: int) -> None:
    """Called near the recursion limit, the check walks level by level: the same answer, and
    no RecursionError (``Book.apply`` never raises)."""
    import sys

    value = {"a": nest(levels), "b": {"c": ["s" * 3]}}
    expected = record_problem(value)
    limit = sys.getrecursionlimit()

    def deep(n: int) -> str | None:
        return deep(n - 1) if n else record_problem(value)

    sys.setrecursionlimit(200)
    try:
        got = deep(150)
    finally:
        sys.setrecursionlimit(limit)
    assert got == expected
    assert (expected is None) is (levels <= MAX_RECORD_DEPTH)


def test_the_record_check_costs_little() -> None:
    """Per record, a few microseconds: well under a tenth of what applying rules costs."""
    import time

    path = Path(__file__).resolve().parents[2] / "rules" / "records" / "orders.jsonl"
    records = [json.loads(line) for line in path.read_text("utf-8").splitlines() if line]
    book = procrules.load(path.parents[1] / "orders")
    context = procrules.Context("Order", "import", "5377568eb7e165e3b38af6eece4a0001")

    def per_record(work: Any) -> float:
        started = time.perf_counter()
        for _ in range(20):
            for record in records:
                work(record)
        return (time.perf_counter() - started) / (20 * len(records))

    checking = per_record(record_problem)
    applying = per_record(lambda r: book.apply(r, context).to_dict())
    assert checking < applying / 10, (checking, applying)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("[" * 100_000, "the record nests objects and lists more than 200 levels deep"),
        ('{"a":' * 100_000, "the record nests objects and lists more than 200 levels deep"),
        (
            '{"a": ' + "[" * 250 + "]" * 250 + "}",
            "the record nests objects and lists more than 200",
        ),
        ('{"note": "\\ud800"}', "not valid JSON: \\ud800 is half of a UTF-16 surrogate pair"),
        ('{"a": NaN}', "not valid JSON: NaN is not a JSON number"),
        ('{"a": Infinity}', "not valid JSON: Infinity is not a JSON number"),
    ],
    ids=["deep-array", "deep-object", "depth-251", "surrogate", "nan", "infinity"],
)
def test_load_record_refuses_with_a_clear_message(text: str, message: str) -> None:
    with pytest.raises(InputError) as caught:
        load_record(Item("in.jsonl", 1, text), None, "platform", None)
    assert caught.value.message.startswith(message)


def test_a_line_over_16_mb_is_not_parsed(monkeypatch: pytest.MonkeyPatch) -> None:
    from procrules import jsonio

    def never(*args: Any) -> Any:
        raise AssertionError("parsed")

    monkeypatch.setattr(jsonio, "loads", never)
    text = '{"note": "' + "n" * MAX_INPUT_BYTES + '"}'
    with pytest.raises(InputError, match="the input is larger than 16,000,000 bytes: not read"):
        load_record(Item("in.jsonl", 1, text), None, "platform", None)
    multibyte = '{"note": "' + "é" * (MAX_INPUT_BYTES // 2) + '"}'  # fewer chars, more bytes
    with pytest.raises(InputError, match="larger than 16,000,000 bytes"):
        load_record(Item("in.jsonl", 1, multibyte), None, "platform", None)


@pytest.mark.parametrize("shape", ["jsonl", "array", "document"])
def test_run_turns_deep_json_into_error_results(tmp_path: Path, shape: str) -> None:
    deep = "[" * 100_000 + "]" * 100_000
    good = '{"orderNumber": "1", "rows": [{"sku": "A"}]}'
    text = {
        "jsonl": f"{good}\n{deep}\n{good}\n",
        "array": f"[{good},\n{deep},\n{good}]\n",
        "document": f"{good}\n{deep}\n",
    }[shape]
    source = tmp_path / "in.json"
    source.write_text(text, encoding="utf-8")
    rules = tmp_path / "r.rules"
    rules.write_text('rule "r" then set note = "n" end\n', encoding="utf-8")
    result = CliRunner().invoke(cli, ["run", "--rules", str(rules), str(source)])
    assert result.exit_code == 3, result.output
    results = [json.loads(line) for line in result.stdout.split("\n") if line]
    statuses = [r["status"] for r in results]
    assert statuses[:2] == ["ok", "error"]
    assert results[1]["error"]["line"] == 2
    assert results[1]["error"]["message"] == (
        "the record nests objects and lists more than 200 levels deep"
    )
    assert results[1]["error"]["input"].startswith("[[[[")
