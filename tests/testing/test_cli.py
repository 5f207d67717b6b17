"""``procrules test``: passing and failing cases (each expect key), the report, broken files,
exit codes, PATH handling."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from conftest import Workspace

HEADER = """
rules: shop.rules
context: {type: Order, direction: import}
cases:
"""

BIG = "{orderStatus: new, totalInclVat: 1500.00, paymentMethod: invoice, shippingMethod: express}"


def case(expect: str, record: str = BIG, name: str = "big order") -> str:
    return (
        HEADER
        + f"  - name: {name}\n    record: {record}\n    expect:\n"
        + "".join(f"      {line}\n" for line in expect.strip("\n").splitlines())
    )


PASSING = case("""
status: ok
fired: [Hold big orders, Shop / Tag express, Always]
not_fired: [Never, Switched off, Refuse cancelled]
record:
  orderStatus: onHold
  totalInclVat: 1500
  tags: [express]
  customer: null
changes:
  - {path: orderStatus, before: new, after: onHold, rule: Hold big orders}
  - {path: "tags[0]", after: express}
messages:
  - {level: info, text: "held: big order", rule: Shop / Hold big orders}
  - seen
""")


def test_a_passing_case(ws: Workspace) -> None:
    ws.write("a.test.yaml", PASSING)
    result = ws.run("a.test.yaml")
    assert result.exit_code == 0, result.output
    assert result.output == "a.test.yaml\n  PASS  big order\n\n1 passed, 0 failed\n"


@pytest.mark.parametrize(
    ("expect", "lines"),
    [
        pytest.param(
            "status: failed",
            ['        status: expected "failed", got "ok"  (line 7)'],
            id="status",
        ),
        pytest.param(
            "fired: [Tag express, Always]",
            [
                (
                    "        fired: not the rules expected (- expected, did not fire; + fired, not "
                    "expected)  (line 7)"
                ),
                "          + Shop / Hold big orders",
                "            Shop / Tag express",
                "            Shop / Always",
                "        why:",
                '          "Hold big orders" (line 6): fired',
                '            totalInclVat >= 1000 -> true  (left "1500.00", right 1000)',
                '            paymentMethod == "invoice" -> true  (left "invoice", right "invoice")',
            ],
            id="fired",
        ),
        pytest.param(
            "fired: [Always, Hold big orders, Tag express]",
            [
                (
                    "        fired: the rules expected, but in another order (- expected, + fired)"
                    "  (line 7)"
                ),
                "          - Shop / Always",
                "            Shop / Hold big orders",
                "            Shop / Tag express",
                "          + Shop / Always",
            ],
            id="fired order",
        ),
        pytest.param(
            "not_fired: [Tag express]",
            [
                '        not_fired: "Tag express" fired  (line 7)',
                "        why:",
                '          "Tag express" (line 13): fired',
                (
                    '            shippingMethod == "express" -> true  '
                    '(left "express", right "express")'
                ),
            ],
            id="not_fired",
        ),
        pytest.param(
            "fired: [Tag expres]",
            [
                (
                    '        fired: there is no rule "Tag expres" in the rule files (did you mean '
                    '"Tag express"?)  (line 7)'
                )
            ],
            id="unknown rule",
        ),
        pytest.param(
            "record: {orderStatus: new, totalInclVat: 1500.01, tags: [], customer: {type: x}}",
            [
                '        record.orderStatus: expected "new", got "onHold"  (line 7)',
                '        record.totalInclVat: expected 1500.01, got "1500.00"  (line 7)',
                (
                    "        record.tags: expected 0 elements, got 1: expected [], got "
                    '["express"]  (line 7)'
                ),
                (
                    '        record.customer: expected {"type": "x"}, but the record has no such '
                    "field  (line 7)"
                ),
            ],
            id="record",
        ),
        pytest.param(
            "changes:\n  - {path: orderStatus, after: held}",
            [
                (
                    "        changes: not as expected (expected 1 change, got 2; - expected, "
                    "+ actual)  (line 7)"
                ),
                '          - orderStatus: … -> "held"',
                '          + orderStatus: "new" -> "onHold"  (Shop / Hold big orders)',
                '          + tags[0]: null -> "express"  (Shop / Tag express)',
            ],
            id="changes",
        ),
        pytest.param(
            'messages: ["held: big order", {level: warning, text: seen}]',
            [
                (
                    "        messages: not as expected (expected 2 messages, got 2; - expected, "
                    "+ actual)  (line 7)"
                ),
                '            info: "held: big order"  (Shop / Hold big orders)',
                '          - warning: "seen"',
                '          + info: "seen"  (Shop / Always)',
            ],
            id="messages",
        ),
    ],
)
def test_a_failing_case_shows_what_differs(ws: Workspace, expect: str, lines: list[str]) -> None:
    ws.write("a.test.yaml", case(expect))
    result = ws.run("a.test.yaml")
    assert result.exit_code == 1
    out = result.output.splitlines()
    assert out[:2] == ["a.test.yaml", "  FAIL  big order  (a.test.yaml:4)"]
    assert out[2:-2] == lines
    assert out[-1] == "0 passed, 1 failed"


def test_why_an_expected_rule_did_not_fire(ws: Workspace) -> None:
    record = "{orderStatus: new, totalInclVat: 999.99, paymentMethod: invoice}"
    ws.write("a.test.yaml", case("fired: [Hold big orders, Always]", record))
    out = ws.run("a.test.yaml").output
    assert "          - Shop / Hold big orders\n" in out
    assert '          "Hold big orders" (line 6): not fired (condition false)\n' in out
    assert '            totalInclVat >= 1000 -> false  (left "999.99", right 1000)\n' in out


def test_status_failure_gives_the_reason(ws: Workspace) -> None:
    ws.write("a.test.yaml", case("status: ok", "{orderStatus: cancelled}"))
    out = ws.run("a.test.yaml").output
    assert '        status: expected "ok", got "failed" (cancelled)  (line 7)\n' in out


def test_the_line_of_each_case(ws: Workspace) -> None:
    ws.write(
        "a.test.yaml",
        HEADER
        + """
  - name: one
    record: {orderStatus: new}
    expect: {status: failed}

  # two is further down
  - name: two
    record: {orderStatus: new}
    expect: {status: ok}

  - name: three
    record:
      orderStatus: new
    expect:
      fired: []
""",
    )
    out = ws.run("a.test.yaml").output
    assert "  FAIL  one  (a.test.yaml:5)\n" in out
    assert "  PASS  two\n" in out
    assert "  FAIL  three  (a.test.yaml:14)\n" in out
    assert out.endswith("\n1 passed, 2 failed\n")


def test_failures_and_passes_across_files(ws: Workspace) -> None:
    ws.write("a.test.yaml", PASSING)
    ws.write("sub/b.test.yaml", case("status: failed").replace("shop.rules", "../shop.rules"))
    ws.write("sub/deeper/c.test.yaml", PASSING.replace("shop.rules", "../../shop.rules"))
    ws.write("sub/not-a-test.yaml", "this: is not read\n")
    ws.write(".hidden/d.test.yaml", "broken: [\n")
    result = ws.run()
    assert result.exit_code == 1
    heads = [line for line in result.output.splitlines() if not line.startswith(" ")]
    assert heads == ["a.test.yaml", "sub/b.test.yaml", "sub/deeper/c.test.yaml", "",
                     "2 passed, 1 failed"]  # fmt: skip


BROKEN = {
    "syntax": ("rules: shop.rules\ncases:\n  - name: x\n    record: {a: 1\n",
               ("syntax.test.yaml:5:1: error: YAML syntax error: expected ',' or '}', but got "
               "'<stream end>' (while parsing a flow mapping on line 4)")),
    "no-rules": ("cases:\n  - name: x\n    record: {}\n    expect: {status: ok}\n",
                 ('no-rules.test.yaml:1:1: error: missing "rules": the rule file or directory the '
                 "cases run against")),
    "unknown-key": (("rules: shop.rules\ncases:\n  - name: x\n    recrod: {}\n"
                    "    expect: {status: ok}\n"),
                    'unknown-key.test.yaml:4:5: error: unknown key "recrod" in a case'),
    "missing-rules": (("rules: nope\ncases:\n  - name: x\n    record: {}\n"
                      "    expect: {status: ok}\n"),
                      ('missing-rules.test.yaml:1:8: error: "rules": no such file or directory: '
                      "nope (looked for {root}/nope)")),
    "bad-rules": (("rules: bad.rules\ncases:\n  - name: x\n    record: {}\n"
                  "    expect: {status: ok}\n"),
                  ("bad-rules.test.yaml:1:8: error: the rule files have 1 error (in bad.rules): "
                  "no case of this file ran")),
}  # fmt: skip


@pytest.mark.parametrize("kind", sorted(BROKEN))
def test_a_broken_file_is_an_error_and_the_others_still_run(ws: Workspace, kind: str) -> None:
    text, message = BROKEN[kind]
    ws.write("bad.rules", 'rule "x"\nwhen orderStatuss == "new"\nthen set orderStatus = "y"\nend\n')
    ws.write(f"{kind}.test.yaml", text)
    ws.write("zz-good.test.yaml", PASSING)
    result = ws.run(".")
    out = result.output
    assert result.exit_code == 1
    assert "Traceback" not in out
    assert f"  ERROR {message.replace('{root}', ws.root.resolve().as_posix())}\n" in out
    assert "zz-good.test.yaml\n  PASS  big order\n" in out
    assert out.endswith("\n1 passed, 0 failed, 1 errors\n")


def test_rule_file_diagnostics_are_shown(ws: Workspace) -> None:
    ws.write("bad.rules", 'rule "x"\nwhen orderStatuss == "new"\nthen set orderStatus = "y"\nend\n')
    ws.write("t.test.yaml", BROKEN["bad-rules"][0])
    out = ws.run("t.test.yaml").output
    assert "        bad.rules:2:6: error[" in out
    assert 'did you mean "orderStatus"?' in out


def test_an_unknown_path_is_a_usage_error(ws: Workspace) -> None:
    result = ws.run("nowhere.test.yaml")
    assert result.exit_code == 2
    assert "does not exist" in result.output


def test_no_test_files_found_fails(ws: Workspace) -> None:
    (ws.root / "empty").mkdir()
    result = ws.run("empty")
    assert result.exit_code == 1
    assert result.output == "no test files (*.test.yaml) found in empty\n0 passed, 0 failed\n"


def test_a_file_given_by_name_runs_whatever_its_name(ws: Workspace) -> None:
    ws.write("orders.yaml", PASSING)
    result = ws.run("orders.yaml")
    assert result.exit_code == 0
    assert result.output.endswith("1 passed, 0 failed\n")


def test_the_same_file_twice_runs_once(ws: Workspace) -> None:
    ws.write("a.test.yaml", PASSING)
    assert ws.run("a.test.yaml", ".", "./a.test.yaml").output.endswith("\n1 passed, 0 failed\n")


def test_record_file_and_evaluation_errors(ws: Workspace) -> None:
    ws.write("records.jsonl", '{"orderStatus": "new", "recordType": "Invoice"}\n')
    ws.write(
        "a.test.yaml",
        """
        rules: shop.rules
        context: {type: Order}
        cases:
          - name: a record of another type is an error
            record_file: records.jsonl
            expect:
              status: error
              fired: []
              messages: [{level: error}]
        """,
    )
    result = ws.run("a.test.yaml")
    assert result.exit_code == 0, result.output


def test_a_rules_directory_without_rule_files(ws: Workspace) -> None:
    (ws.root / "none").mkdir()
    ws.write("a.test.yaml", PASSING.replace("rules: shop.rules", "rules: none"))
    result = ws.run("a.test.yaml")
    assert result.exit_code == 1
    assert (
        '  ERROR a.test.yaml:1:8: error: "rules": the directory none holds no *.rules file\n'
        in (result.output)
    )


def test_junit_into_a_missing_directory_is_a_usage_error(ws: Workspace) -> None:
    ws.write("a.test.yaml", PASSING)
    result = ws.run("a.test.yaml", "--junit", "no/such/dir/junit.xml")
    assert result.exit_code == 2
    assert "no such directory: no/such/dir" in result.output


def test_rules_may_be_a_list_and_type_defaults_to_the_record(ws: Workspace) -> None:
    ws.write("more.rules", 'ruleset "More"\nrule "Note"\nthen log "note"\nend\n')
    ws.write(
        "a.test.yaml",
        """
        rules: [shop.rules, more.rules]
        cases:
          - name: an order by its own recordType
            record: {recordType: Order, orderStatus: new}
            expect:
              fired: [Always, More / Note]
              messages: [seen, note]
          - name: a product meets only the rules for every type
            record: {recordType: Product, sku: A}
            expect:
              fired: [Note]
        """,
    )
    result = ws.run("a.test.yaml")
    assert result.exit_code == 0, result.output
    assert result.output.endswith("\n2 passed, 0 failed\n")
