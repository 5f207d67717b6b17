"""Reading test files: the cases with their lines, and every kind of broken file with its exact
message, file, line and column."""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING

import pytest

from procrules.testing import TestFileError, load_test_file
from procrules.testing.model import UNSET, ChangeSpec, MessageSpec

if TYPE_CHECKING:
    from conftest import Workspace

GOOD = """
rules: shop.rules
context: {type: Order, connection: c1}
x-base: &base {orderStatus: new}
cases:
  - name: first
    record: {<<: *base, totalInclVat: 549.00}
    expect: {status: ok}

  # a comment between cases
  - name: second
    context: {direction: export}
    record: {orderStatus: new}
    expect:
      fired: Always
      not_fired: [Never]
      record: {orderStatus: new}
      changes:
        - {path: orderStatus, after: x}
      messages: [seen, {level: info, text: seen, rule: Always}]
"""


def problems(ws: Workspace, text: str) -> list[str]:
    path = ws.write("t.test.yaml", text)
    with pytest.raises(TestFileError) as info:
        load_test_file(path, "t.test.yaml")
    return [p.render() for p in info.value.problems]


def test_a_good_file(ws: Workspace) -> None:
    test = load_test_file(ws.write("t.test.yaml", GOOD), "t.test.yaml")
    assert test.rules == ["shop.rules"]
    assert (test.rules_line, test.rules_column) == (1, 8)
    first, second = test.cases
    assert (first.name, first.line) == ("first", 5)
    assert (second.name, second.line) == ("second", 10)
    assert first.record == {"orderStatus": "new", "totalInclVat": Decimal("549.00")}
    assert first.context.record_type == "Order"
    assert first.context.connection == "c1"
    assert first.context.direction == "import"
    assert second.context.direction == "export"
    assert second.context.connection == "c1"  # the file's context, narrowed per key
    expect = second.expect
    assert expect.status is None
    assert expect.fired is not None
    assert (expect.fired.value, expect.fired.line) == (["Always"], 14)
    assert expect.not_fired is not None
    assert expect.not_fired.value == ["Never"]
    assert expect.changes is not None
    assert expect.changes.value == [ChangeSpec("orderStatus", UNSET, "x")]
    assert expect.messages is not None
    assert expect.messages.value == [MessageSpec("seen"), MessageSpec("seen", "info", "Always")]


def test_record_file_json_lines_and_index(ws: Workspace) -> None:
    ws.write("records/orders.jsonl", '{"orderNumber": "1"}\n\n{"orderNumber": "2", "x": 1.50}\n')
    ws.write("records/one.json", '{"orderNumber": "3"}')
    path = ws.write(
        "t.test.yaml",
        """
        rules: shop.rules
        cases:
          - name: second line
            record_file: records/orders.jsonl
            record_index: 1
            expect: {status: ok}
          - name: a JSON object
            record_file: records/one.json
            expect: {status: ok}
        """,
    )
    first, second = load_test_file(path).cases
    assert first.record == {"orderNumber": "2", "x": Decimal("1.50")}
    assert second.record == {"orderNumber": "3"}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param(
            "cases:\n  - name: x\n    record: {}\n    expect: {status: ok}\n",
            [('t.test.yaml:1:1: error: missing "rules": the rule file or directory the cases '
             "run against\n  hint: add a line like 'rules: ../rules' (relative to this file)")],
            id="missing rules",
        ),
        pytest.param(
            "rules: shop.rules\ncases:\n  - name: x\n    recrod: {}\n    expect: {status: ok}\n",
            [('t.test.yaml:4:5: error: unknown key "recrod" in a case\n'
             '  hint: did you mean "record"?')],
            id="unknown key in a case",
        ),
        pytest.param(
            "rules: shop.rules\ncases:\n  - name: x\n    record: {}\n    expect: {status: ok}\n"
            "colour: blue\n",
            [('t.test.yaml:6:1: error: unknown key "colour" in the test file\n'
             "  hint: the keys are: rules, context, cases")],
            id="unknown top-level key",
        ),
        pytest.param(
            "rules: nope/\ncases:\n  - name: x\n    record: {}\n    expect: {status: ok}\n",
            [('t.test.yaml:1:8: error: "rules": no such file or directory: nope/ (looked for '
             "{root}/nope)")],
            id="rules path does not exist",
        ),
        pytest.param(
            "rules: shop.rules\ncases:\n  - name: x\n    record: {a: 1\n",
            [("t.test.yaml:5:1: error: YAML syntax error: expected ',' or '}', but got "
             "'<stream end>' (while parsing a flow mapping on line 4)")],
            id="YAML syntax error",
        ),
        pytest.param(
            "",
            ["t.test.yaml:1:1: error: the file is empty: it needs 'rules:' and 'cases:'"],
            id="empty file",
        ),
        pytest.param(
            "- a\n- b\n",
            ["t.test.yaml:1:1: error: the test file must be a mapping (key: value lines)"],
            id="not a mapping",
        ),
        pytest.param(
            "rules: shop.rules\ncases: []\n",
            ['t.test.yaml:2:8: error: "cases" is empty: write at least one case'],
            id="no cases",
        ),
        pytest.param(
            "rules: shop.rules\ncases:\n  - name: x\n    record: {}\n",
            [('t.test.yaml:3:5: error: the case "x" has no "expect": say what the result must '
             "be\n  hint: e.g. 'expect: {status: ok, fired: [\"Rule name\"]}'")],
            id="no expect",
        ),
        pytest.param(
            "rules: shop.rules\ncases:\n  - name: x\n    record: {}\n    expect: {}\n",
            [('t.test.yaml:5:13: error: "expect" is empty: say what the result must be\n'
             "  hint: the keys are: status, fired, not_fired, record, changes, messages")],
            id="empty expect",
        ),
        pytest.param(
            "rules: shop.rules\ncases:\n  - name: x\n    record: {}\n    expect: {status: okay}\n",
            [('t.test.yaml:5:22: error: the expected status must be one of ok, ignored, failed, '
             'error, not "okay"\n  hint: did you mean "ok"?')],
            id="bad status",
        ),
        pytest.param(
            "rules: shop.rules\ncases:\n  - name: x\n    expect: {status: ok}\n",
            [('t.test.yaml:3:5: error: a case needs a "record" (the record\'s fields) or a '
             '"record_file" (a JSON or JSONL file, relative to this file)')],
            id="no record",
        ),
        pytest.param(
            "rules: shop.rules\ncases:\n  - name: x\n    record: {}\n    record_file: a.json\n"
            "    expect: {status: ok}\n",
            ['t.test.yaml:5:5: error: a case has either "record" or "record_file", not both'],
            id="record and record_file",
        ),
        pytest.param(
            "rules: shop.rules\ncases:\n  - name: x\n    record_file: none.jsonl\n"
            "    expect: {status: ok}\n",
            [('t.test.yaml:4:18: error: "record_file": no such file: none.jsonl (looked for '
             "{root}/none.jsonl)")],
            id="record_file missing",
        ),
        pytest.param(
            "rules: shop.rules\ncases:\n  - name: x\n    record: {}\n    expect: {status: ok}\n"
            "  - name: x\n    record: {}\n    expect: {status: ok}\n",
            [('t.test.yaml:6:5: error: two cases are named "x" (the first on line 3): give each '
             "case its own name")],
            id="duplicate case names",
        ),
        pytest.param(
            "rules: shop.rules\ncases:\n  - record: {}\n    expect: {status: ok}\n",
            [('t.test.yaml:3:5: error: a case needs a "name"\n'
             "  hint: start the case with '- name: what it shows'")],
            id="no name",
        ),
        pytest.param(
            "rules: shop.rules\ncases:\n  - name: x\n    context: {type: Orders}\n"
            "    record: {}\n    expect: {status: ok}\n",
            [('t.test.yaml:4:21: error: context type must be one of Order, Invoice, Product, not '
             '"Orders"\n  hint: did you mean "Order"?')],
            id="bad record type",
        ),
        pytest.param(
            "rules: shop.rules\ncases:\n  - name: x\n    record: {}\n    expect:\n"
            "      changes: [{before: 1}]\n",
            ['t.test.yaml:6:17: error: a change needs a "path" (e.g. path: orderStatus)'],
            id="change without a path",
        ),
        pytest.param(
            "rules: shop.rules\ncases:\n  - name: x\n    record: {}\n    expect:\n"
            "      fired:\n",
            [('t.test.yaml:6:13: error: "fired" must be a list of rule names\n'
             '  hint: write "fired: []" for no rule')],
            id="fired without a value",
        ),
        pytest.param(
            "rules: shop.rules\na: 1\na: 2\ncases: []\n",
            ['t.test.yaml:3:1: error: the key "a" appears twice (first on line 2)'],
            id="duplicate key",
        ),
    ],
)  # fmt: skip
def test_broken_files(ws: Workspace, text: str, expected: list[str]) -> None:
    root = ws.root.resolve().as_posix()
    assert problems(ws, text) == [e.replace("{root}", root) for e in expected]


def test_all_problems_of_a_file_are_reported(ws: Workspace) -> None:
    found = problems(
        ws,
        """
        rules: shop.rules
        cases:
          - name: a
            record: {}
            expect: {status: fine}
          - name: b
            record: {}
            expect: {fird: [x]}
        """,
    )
    assert found == [
        (
            "t.test.yaml:5:22: error: the expected status must be one of ok, ignored, failed, "
            'error, not "fine"\n  hint: did you mean "failed"?'
        ),
        't.test.yaml:8:14: error: unknown key "fird" in expect\n  hint: did you mean "fired"?',
    ]


def test_record_file_with_many_records_needs_an_index(ws: Workspace) -> None:
    ws.write("orders.jsonl", "{}\n{}\n{}\n")
    found = problems(
        ws,
        """
        rules: shop.rules
        cases:
          - name: a
            record_file: orders.jsonl
            expect: {status: ok}
          - name: b
            record_file: orders.jsonl
            record_index: 3
            expect: {status: ok}
        """,
    )
    assert found == [
        (
            "t.test.yaml:4:18: error: orders.jsonl holds 3 records: say which one with "
            "record_index (0 for the first)"
        ),
        (
            "t.test.yaml:8:19: error: record_index 3 is past the end of orders.jsonl, which holds "
            "3 records (0 to 2)"
        ),
    ]


def test_record_file_with_bad_json(ws: Workspace) -> None:
    ws.write("orders.jsonl", '{"a": 1}\n{"a": \n')
    found = problems(
        ws,
        """
        rules: shop.rules
        cases:
          - name: a
            record_file: orders.jsonl
            record_index: 0
            expect: {status: ok}
        """,
    )
    assert len(found) == 1
    assert found[0].startswith("t.test.yaml:4:18: error: orders.jsonl line 2 is not valid JSON: ")
