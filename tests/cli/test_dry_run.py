"""``procrules dry-run``: the explanation of every record, as text and as data."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

from click.testing import CliRunner

from procrules.cli.dryrun import record_diff
from procrules.cli.main import cli

DATA = Path(__file__).resolve().parent / "data"
RULES = DATA / "intake.rules"
ORDERS = DATA / "orders.jsonl"
SUMMARY = re.compile(
    r"^processed 5 records: 2 ok, 1 ignored, 1 failed, 1 error in \d+\.\d\d s \(\d+ records/s\)$"
)


def invoke(*args: str | Path, stdin: str | None = None) -> Any:
    return CliRunner().invoke(cli, ["dry-run", *map(str, args)], input=stdin)


def blocks(stdout: str) -> list[str]:
    return [b for b in stdout.split("\n\n") if b.strip()]


def test_human_output_explains_every_rule() -> None:
    result = invoke("--rules", RULES, ORDERS)
    assert result.exit_code == 3
    assert SUMMARY.match(result.stderr.strip().splitlines()[-1]), result.stderr
    first, second, third, fourth, fifth = blocks(result.stdout)
    assert first.startswith(f"#1 {ORDERS} line 1 (order 1): ok")
    assert f"rule set Intake ({RULES.as_posix()})" in first
    assert 'rule "Hold big orders" (line 6): not fired (condition false)' in first
    assert 'totalInclVat >= 1000 -> false  (left "549.00", right 1000)' in first
    assert "no changes" in first
    # the second order is held: fired, its condition true, and the diff
    assert 'rule "Hold big orders" (line 6): fired' in second
    assert "totalInclVat >= 1000 -> true" in second
    assert 'orderStatus: "new" -> "onHold"' in second
    assert '-  "orderStatus": "new",' in second
    assert '+  "orderStatus": "onHold",' in second
    # ignored: later rules are not run, and say why
    assert 'rule "Ignore test orders" (line 13): fired' in third
    assert 'rule "Refuse orders without rows" (line 18): not fired (ended)' in third
    assert "(not ok: the record is returned as it came in)" in third
    assert 'rule "Refuse orders without rows" (line 18): fired' in fourth
    assert "count(rows) == 0 -> true  (left 0, right 0)" in fourth
    assert 'rule "Numeric note" (line 23): error' in fifth
    assert "12,50" in fifth
    assert "\x1b[" not in result.stdout


def test_json_format_has_the_trace() -> None:
    result = invoke("--rules", RULES, "--format", "json", ORDERS)
    assert result.exit_code == 3
    records = json.loads(result.stdout)
    assert len(records) == 5
    held = records[1]
    assert held["status"] == "ok"
    assert held["record"]["orderStatus"] == "onHold"
    trace = held["trace"]
    assert trace["recordType"] == "Order"
    assert trace["direction"] == "import"
    (ruleset,) = trace["rulesets"]
    assert ruleset["ruleset"] == "Intake"
    assert ruleset["ran"] is True
    rules = {r["rule"]: r for r in ruleset["rules"]}
    assert rules["Hold big orders"]["outcome"] == "fired"
    (condition,) = rules["Hold big orders"]["conditions"]
    assert condition["text"] == "totalInclVat >= 1000"
    assert condition["left"] == "1500.5"
    assert condition["result"] is True
    assert rules["Ignore test orders"]["outcome"] == "not fired"
    assert rules["Ignore test orders"]["reason"] == "condition false"
    # without the trace, a dry-run result is what run writes
    run = CliRunner().invoke(cli, ["run", "--rules", str(RULES), str(ORDERS)])
    plain = [json.loads(line) for line in run.stdout.splitlines()]
    assert [{k: v for k, v in r.items() if k != "trace"} for r in records] == plain


def test_jsonl_workers_and_input_errors() -> None:
    stdin = ORDERS.read_text(encoding="utf-8") + "{broken\n"
    one = invoke("--rules", RULES, "--format", "jsonl", stdin=stdin)
    two = invoke("--rules", RULES, "--format", "jsonl", "--workers", "2", stdin=stdin)
    assert one.exit_code == two.exit_code == 3
    assert one.stdout == two.stdout
    last = json.loads(one.stdout.splitlines()[-1])
    assert last["status"] == "error"
    assert last["trace"] is None
    assert last["error"]["input"] == "{broken"
    assert last["error"]["line"] == 7


def test_all_ok_exits_0_and_writes_to_output(tmp_path: Path) -> None:
    out = tmp_path / "report.txt"
    result = invoke("--rules", RULES, "--output", out,
                    stdin='{"orderNumber": "9", "rows": [{"sku": "A"}]}')  # fmt: skip
    assert result.exit_code == 0
    assert result.stdout == ""
    assert out.read_text(encoding="utf-8").startswith("#1 <stdin> line 1 (order 9): ok")
    assert [p.name for p in tmp_path.iterdir()] == ["report.txt"]


def test_dry_run_has_no_rejected_file(tmp_path: Path) -> None:
    result = invoke("--rules", RULES, "--rejected", tmp_path / "r.jsonl", ORDERS)
    assert result.exit_code == 2
    assert not (tmp_path / "r.jsonl").exists()


def test_record_diff() -> None:
    assert record_diff({"a": 1}, {"a": 1}) == []
    assert record_diff(None, {"a": 1}) == []
    diff = record_diff({"a": 1, "b": 2}, {"a": 1, "b": 3})
    assert diff[:2] == ["--- before", "+++ after"]
    assert '-  "b": 2' in diff
    assert '+  "b": 3' in diff
