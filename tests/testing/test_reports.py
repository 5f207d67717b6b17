"""``procrules test``: --format json, --junit FILE, --coverage (text and JSON), and the example
rule sets in rules/ with their tests."""

from __future__ import annotations

import json
import shutil
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import TYPE_CHECKING, Any

from click.testing import CliRunner

from procrules.cli.main import cli

if TYPE_CHECKING:
    from conftest import Workspace

ROOT = Path(__file__).resolve().parents[2]
DATA = Path(__file__).resolve().parent / "data"

TWO_CASES = """
rules: shop.rules
context: {type: Order}
cases:
  - name: passes
    record: {orderStatus: new}
    expect: {status: ok, fired: [Always]}
  - name: fails
    record: {orderStatus: new, shippingMethod: express}
    expect:
      status: failed
      record: {tags: []}
"""

BROKEN = "rules: shop.rules\ncases:\n  - name: x\n    recrod: {}\n    expect: {status: ok}\n"


def json_output(ws: Workspace, *args: str) -> tuple[int, dict[str, Any], str]:
    result = CliRunner().invoke(cli, ["test", "--format", "json", *args])
    return result.exit_code, json.loads(result.stdout), result.stderr


def test_json_format(ws: Workspace) -> None:
    ws.write("a.test.yaml", TWO_CASES)
    ws.write("b.test.yaml", BROKEN)
    code, doc, stderr = json_output(ws, ".")
    assert code == 1
    assert stderr == "1 passed, 1 failed, 1 errors\n"
    assert doc["summary"] == {"passed": 1, "failed": 1, "errors": 1}
    a, b = doc["files"]
    assert a["file"] == "a.test.yaml"
    assert a["error"] is None
    assert a["cases"][0] == {"name": "passes", "line": 4, "passed": True, "failures": []}
    assert a["cases"][1] == {
        "name": "fails",
        "line": 7,
        "passed": False,
        "failures": [
            {"key": "status", "line": 10, "message": 'status: expected "failed", got "ok"',
             "expected": "failed", "actual": "ok"},
            {"key": "record.tags", "line": 11,
             "message": 'record.tags: expected 0 elements, got 1: expected [], got ["express"]',
             "expected": [], "actual": ["express"]},
        ],
    }  # fmt: skip
    assert b == {
        "file": "b.test.yaml",
        "error": {"problems": [{"line": 4, "column": 5, "message": 'unknown key "recrod" in a case',
                                "hint": 'did you mean "record"?'}], "details": None},
        "cases": [],
    }  # fmt: skip
    assert "coverage" not in doc


def test_junit_report(ws: Workspace, tmp_path: Path) -> None:
    ws.write("a.test.yaml", TWO_CASES)
    ws.write("b.test.yaml", BROKEN)
    target = tmp_path / "out" / "junit.xml"
    target.parent.mkdir()
    result = ws.run(".", "--junit", str(target))
    assert result.exit_code == 1
    root = ET.parse(target).getroot()
    assert root.tag == "testsuites"
    assert (root.get("tests"), root.get("failures"), root.get("errors")) == ("3", "1", "1")
    a, b = root.findall("testsuite")
    assert (a.get("name"), a.get("tests"), a.get("failures"), a.get("errors")) == (
        "a.test.yaml", "2", "1", "0")  # fmt: skip
    passes, fails = a.findall("testcase")
    assert (passes.get("name"), passes.get("classname"), passes.get("line")) == ("passes", "a", "4")
    assert passes.find("failure") is None
    failure = fails.find("failure")
    assert failure is not None
    assert failure.get("message") == 'status: expected "failed", got "ok"'
    assert failure.text is not None
    assert 'record.tags: expected 0 elements, got 1: expected [], got ["express"]' in failure.text
    assert (b.get("tests"), b.get("failures"), b.get("errors")) == ("1", "0", "1")
    error = b.find("testcase/error")
    assert error is not None
    assert error.get("message") == 'b.test.yaml:4:5: error: unknown key "recrod" in a case'


def test_junit_with_json_and_all_passing(ws: Workspace, tmp_path: Path) -> None:
    ws.write("a.test.yaml", TWO_CASES.replace("status: failed\n      record: {tags: []}",
                                              "status: ok"))  # fmt: skip
    target = tmp_path / "junit.xml"
    code, doc, _err = json_output(ws, "a.test.yaml", "--junit", str(target))
    assert code == 0
    assert doc["summary"] == {"passed": 2, "failed": 0, "errors": 0}
    root = ET.parse(target).getroot()
    assert (root.get("tests"), root.get("failures"), root.get("errors")) == ("2", "0", "0")


def test_coverage_of_a_known_rule_file(ws: Workspace) -> None:
    shutil.copy(DATA / "coverage.test.yaml", ws.root / "coverage.test.yaml")
    result = ws.run("coverage.test.yaml", "--coverage")
    assert result.exit_code == 0
    assert result.output.split("\n\n")[1:] == [
        (
            "Coverage\n"
            "  shop.rules (Shop): 61.9%  3/5 rules fired, 10/16 condition outcomes seen\n"
            '      rule "Hold big orders", line 7: paymentMethod == "invoice" or customer.type == '
            '"company"  -> never false\n'
            '      rule "Hold big orders", line 7: paymentMethod == "invoice"  -> never false\n'
            '      rule "Hold big orders", line 7: customer.type == "company"  -> never evaluated\n'
            '      rule "Never" (line 18): never fired\n'
            '      rule "Never", line 19: orderStatus == "nope"  -> never true\n'
            '      rule "Switched off" (line 27): disabled, not counted\n'
            '      rule "Refuse cancelled" (line 33): never fired\n'
            '      rule "Refuse cancelled", line 34: orderStatus == "cancelled"  -> never true\n'
            "  total: 61.9%"
        ),
        "2 passed, 0 failed\n",
    ]


def test_coverage_as_json(ws: Workspace) -> None:
    shutil.copy(DATA / "coverage.test.yaml", ws.root / "coverage.test.yaml")
    code, doc, _err = json_output(ws, "coverage.test.yaml", "--coverage")
    assert code == 0
    assert doc["coverage"]["percent"] == 61.9
    (shop,) = doc["coverage"]["files"]
    details = shop.pop("details")
    assert shop == {
        "file": "shop.rules",
        "ruleset": "Shop",
        "percent": 61.9,
        "rules": 5,
        "rules_fired": 3,
        "conditions": 8,
        "condition_outcomes": 16,
        "condition_outcomes_seen": 10,
        "not_fired": [{"rule": "Never", "line": 18}, {"rule": "Refuse cancelled", "line": 33}],
        "disabled": [{"rule": "Switched off", "line": 27}],
        "uncovered_conditions": [
            {"rule": "Hold big orders", "kind": "operand", "line": 7, "column": 32,
             "text": 'paymentMethod == "invoice" or customer.type == "company"',
             "seen_true": True, "seen_false": False, "never": ["false"]},
            {"rule": "Hold big orders", "kind": "operand", "line": 7, "column": 32,
             "text": 'paymentMethod == "invoice"', "seen_true": True, "seen_false": False,
             "never": ["false"]},
            {"rule": "Hold big orders", "kind": "operand", "line": 7, "column": 62,
             "text": 'customer.type == "company"', "seen_true": False, "seen_false": False,
             "never": ["true", "false"]},
            {"rule": "Never", "kind": "condition", "line": 19, "column": 6,
             "text": 'orderStatus == "nope"', "seen_true": False, "seen_false": True,
             "never": ["true"]},
            {"rule": "Refuse cancelled", "kind": "condition", "line": 34, "column": 6,
             "text": 'orderStatus == "cancelled"', "seen_true": False, "seen_false": True,
             "never": ["true"]},
        ],
    }  # fmt: skip
    hold = details[0]
    assert (hold["rule"], hold["fired"], hold["evaluated"]) == ("Hold big orders", 1, 2)
    assert [c["text"] for c in hold["conditions"]] == [
        'totalInclVat >= 1000 and (paymentMethod == "invoice" or customer.type == "company")',
        "totalInclVat >= 1000",
        'paymentMethod == "invoice" or customer.type == "company"',
        'paymentMethod == "invoice"',
        'customer.type == "company"',
    ]
    assert hold["conditions"][0]["kind"] == "condition"
    assert (hold["conditions"][0]["seen_true"], hold["conditions"][0]["seen_false"]) == (True, True)


def test_coverage_counts_a_rule_file_no_case_reaches(ws: Workspace) -> None:
    ws.write(
        "a.test.yaml",
        """
        rules: shop.rules
        cases:
          - name: an invoice never meets the order rules
            context: {type: Invoice}
            record: {}
            expect: {fired: []}
        """,
    )
    result = ws.run("a.test.yaml", "--coverage")
    assert "  shop.rules (Shop): 0.0%  0/5 rules fired, 0/16 condition outcomes seen\n" in (
        result.output
    )
    assert '      rule "Always" (line 23): never evaluated\n' in result.output


def test_the_examples_in_rules_pass_with_every_rule_fired() -> None:
    result = CliRunner().invoke(
        cli, ["test", str(ROOT / "rules"), "--coverage", "--format", "json"]
    )
    assert result.exit_code == 0, result.output
    doc = json.loads(result.stdout)
    assert doc["summary"]["failed"] == 0
    assert doc["summary"]["errors"] == 0
    assert doc["summary"]["passed"] >= 40
    files = {Path(f["file"]).resolve().relative_to(ROOT / "rules").as_posix(): f
             for f in doc["coverage"]["files"]}  # fmt: skip
    assert sorted(files) == [
        "orders/10-intake.rules",
        "orders/20-addresses.rules",
        "orders/30-rows.rules",
        "orders/40-shipping.rules",
        "orders/90-gatekeeping.rules",
        "products/10-catalogue.rules",
    ]
    for name, cover in files.items():
        assert cover["not_fired"] == [], name
        assert cover["rules_fired"] == cover["rules"] > 0, name
    catalogue = (ROOT / "rules" / "products" / "10-catalogue.rules").read_text().splitlines()
    line = catalogue.index('rule "Summer sale on outdoor products"') + 1
    assert files["products/10-catalogue.rules"]["disabled"] == [
        {"rule": "Summer sale on outdoor products", "line": line}
    ]


def test_the_examples_in_rules_text_report() -> None:
    result = CliRunner().invoke(cli, ["test", str(ROOT / "rules"), "--coverage"])
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[-1].endswith(" passed, 0 failed")
    coverage = [line for line in lines if line.startswith("  ") and "rules fired" in line]
    assert len(coverage) == 6
    for line in coverage:
        fired, total = line.split(" rules fired")[0].rsplit(" ", 1)[1].split("/")
        assert fired == total, line


def test_json_when_no_test_file_is_found(ws: Workspace) -> None:
    code, doc, stderr = json_output(ws, ".")
    assert code == 1
    assert doc == {"files": [], "summary": {"passed": 0, "failed": 0, "errors": 0}}
    assert stderr == "no test files (*.test.yaml) found in .\n0 passed, 0 failed\n"
