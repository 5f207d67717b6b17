"""``procrules run``: results, summary, exit codes, files, workers; CliRunner and real processes."""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

import procrules
from procrules.cli import run as run_module
from procrules.cli.main import cli
from procrules.cli.run import expand_rules
from procrules.records import normalize_record

DATA = Path(__file__).resolve().parent / "data"
RULES = DATA / "intake.rules"
ORDERS = DATA / "orders.jsonl"
FIXTURES = Path(__file__).resolve().parents[2] / "rules" / "records" / "woocommerce"
CONN = "5377568eb7e165e3b38af6eece4a0001"
PROCRULES = Path(sys.executable).parent / "procrules"
SUMMARY = re.compile(
    r"^processed (\d+) records: (\d+) ok, (\d+) ignored, (\d+) failed, (\d+) error "
    r"in \d+\.\d\d s \(\d+ records/s\)$"
)


def invoke(*args: str | Path, stdin: str | None = None) -> Any:
    return CliRunner().invoke(cli, ["run", *map(str, args)], input=stdin)


def results(stdout: str) -> list[dict[str, Any]]:
    return [json.loads(line) for line in stdout.splitlines()]


def summary(stderr: str) -> tuple[int, ...]:
    match = SUMMARY.match(stderr.strip().splitlines()[-1])
    assert match, stderr
    total, *counts = (int(g) for g in match.groups())
    assert total == sum(counts)
    return total, *counts


def order(number: int, **fields: Any) -> dict[str, Any]:
    return {"orderNumber": str(number), "orderStatus": "new", "rows": [{"sku": "A"}], **fields}


def test_one_result_per_record_in_order_with_every_status() -> None:
    result = invoke("--rules", RULES, ORDERS)
    assert result.exit_code == 3, result.stderr
    out = results(result.stdout)
    assert [r["status"] for r in out] == ["ok", "ok", "ignored", "failed", "error"]
    assert [r["record"]["orderNumber"] for r in out] == ["1", "2", "3", "4", "5"]
    assert out[1]["record"]["orderStatus"] == "onHold"
    assert out[1]["record"]["totalInclVat"] == "1500.5"  # exact, as a string
    assert out[1]["changes"] == [
        {"ruleset": "Intake", "rule": "Hold big orders", "path": "orderStatus",
         "before": "new", "after": "onHold"}
    ]  # fmt: skip
    assert out[1]["fired"] == [{"ruleset": "Intake", "rule": "Hold big orders"}]
    assert out[4]["error"]["rule"] == "Numeric note"
    assert out[4]["error"]["line"] == 24
    assert set(out[0]) == {"status", "record", "fired", "changes", "messages", "error"}
    assert summary(result.stderr) == (5, 2, 1, 1, 1)


def test_all_ok_exits_0_and_summary_is_exact() -> None:
    result = invoke("--rules", RULES, stdin=json.dumps(order(1)) + "\n")
    assert result.exit_code == 0, result.stderr
    assert summary(result.stderr) == (1, 1, 0, 0, 0)
    assert result.stderr.startswith("processed 1 records: 1 ok, 0 ignored, 0 failed, 0 error in ")


def test_no_records_exits_0() -> None:
    result = invoke("--rules", RULES, stdin="\n\n")
    assert result.exit_code == 0
    assert result.stdout == ""
    assert summary(result.stderr) == (0, 0, 0, 0, 0)


def test_malformed_line_is_an_error_result_and_the_rest_is_processed(tmp_path: Path) -> None:
    path = tmp_path / "in.jsonl"
    path.write_text(
        json.dumps(order(1)) + "\n" + '{"orderNumber": "2", oops\n' + json.dumps(order(3)) + "\n",
        encoding="utf-8",
    )
    result = invoke("--rules", RULES, path)
    assert result.exit_code == 3
    first, bad, third = results(result.stdout)
    assert (first["status"], third["status"]) == ("ok", "ok")
    assert bad["status"] == "error"
    assert bad["record"] is None
    assert bad["error"]["file"] == str(path)
    assert bad["error"]["line"] == 2
    assert bad["error"]["input"] == '{"orderNumber": "2", oops'
    assert bad["error"]["message"].startswith("not valid JSON: ")
    assert (bad["fired"], bad["changes"]) == ([], [])
    assert summary(result.stderr) == (3, 2, 0, 0, 1)


def test_invalid_record_is_an_error_result() -> None:
    text = json.dumps(order(1, totalInclVat="abc"))
    result = invoke("--rules", RULES, stdin=text + "\n" + json.dumps(order(2)) + "\n")
    assert result.exit_code == 3
    bad, good = results(result.stdout)
    assert good["status"] == "ok"
    assert bad["status"] == "error"
    assert bad["record"] is None
    assert bad["error"]["file"] == "<stdin>"
    assert bad["error"]["line"] == 1
    assert bad["error"]["input"] == text
    assert 'totalInclVat: not a decimal number: "abc"' in bad["error"]["message"]


def test_record_type_disagreeing_with_type_is_an_error() -> None:
    text = json.dumps(order(1, recordType="Order"))
    wrong = invoke("--rules", RULES, "--type", "Invoice", stdin=text)
    assert wrong.exit_code == 3
    (bad,) = results(wrong.stdout)
    assert bad["status"] == "error"
    assert bad["record"] is None
    assert "disagrees with the record type Invoice" in bad["error"]["message"]
    assert bad["error"]["input"] == text
    right = invoke("--rules", RULES, "--type", "Order", stdin=text)
    assert right.exit_code == 0, right.stdout


def test_rule_errors_exit_1_and_process_nothing(tmp_path: Path) -> None:
    bad = tmp_path / "bad.rules"
    bad.write_text('rule "x"\nwhen totlInclVat > 1\nthen stop\nend\n', encoding="utf-8")
    out = tmp_path / "out.jsonl"
    result = invoke("--rules", bad, "--output", out, ORDERS)
    assert result.exit_code == 1
    assert "totlInclVat" in result.stderr
    assert "no record processed" in result.stderr
    assert "processed 0" not in result.stderr
    assert result.stdout == ""
    assert list(tmp_path.iterdir()) == [bad]


@pytest.mark.parametrize(
    "args",
    [
        ["--rules", str(RULES), "--bogus", str(ORDERS)],
        ["--rules", str(RULES), "no-such-input.jsonl"],
        ["--rules", "no-such.rules", str(ORDERS)],
        [str(ORDERS)],  # no --rules
        ["--rules", str(RULES), "--type", "Shipment", str(ORDERS)],
        ["--rules", str(RULES), "--workers", "0", str(ORDERS)],
        ["--rules", str(RULES), "--from", "woocommerce", str(ORDERS)],  # no --connection
    ],
)
def test_usage_errors_exit_2(args: list[str]) -> None:
    result = CliRunner().invoke(cli, ["run", *args])
    assert result.exit_code == 2, result.output
    assert result.stdout == ""


def test_output_and_rejected_files(tmp_path: Path) -> None:
    out, rejected = tmp_path / "out.jsonl", tmp_path / "rejected.jsonl"
    result = invoke("--rules", RULES, "--output", out, "--rejected", rejected, ORDERS)
    assert result.exit_code == 3
    assert result.stdout == ""
    written = results(out.read_text(encoding="utf-8"))
    assert len(written) == 5
    kept = results(rejected.read_text(encoding="utf-8"))
    assert [r["status"] for r in kept] == ["ignored", "failed", "error"]
    assert kept == [r for r in written if r["status"] != "ok"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.jsonl", "rejected.jsonl"]
    umask = os.umask(0)
    os.umask(umask)
    assert out.stat().st_mode & 0o777 == 0o666 & ~umask  # not the temporary file's 0600


def test_rejected_keeps_the_raw_input_of_malformed_lines(tmp_path: Path) -> None:
    rejected = tmp_path / "rejected.jsonl"
    result = invoke("--rules", RULES, "--rejected", rejected, "--format", "human",
                    stdin='{"a": \n' + json.dumps(order(1)))  # fmt: skip
    assert result.exit_code == 3
    (kept,) = results(rejected.read_text(encoding="utf-8"))
    assert kept["error"]["input"] == '{"a": '


def test_format_json_is_one_array_and_human_is_text(tmp_path: Path) -> None:
    as_json = invoke("--rules", RULES, "--format", "json", ORDERS)
    assert as_json.exit_code == 3
    array = json.loads(as_json.stdout)
    assert array == results(invoke("--rules", RULES, ORDERS).stdout)
    empty = invoke("--rules", RULES, "--format", "json", stdin="")
    assert json.loads(empty.stdout) == []
    human = invoke("--rules", RULES, "--format", "human", ORDERS)
    assert human.exit_code == 3
    text = human.stdout
    assert f"#2 {ORDERS} line 3 (order 2): ok" in text
    assert 'orderStatus: "new" -> "onHold"' in text
    assert "fired: Intake / Hold big orders" in text
    assert "info: Intake / Hold big orders: held: big order" in text
    assert f"#4 {ORDERS} line 5 (order 4): failed" in text
    assert "error: Intake / Refuse orders without rows: order has no rows" in text
    assert "\x1b[" not in text  # no colours when not a terminal


def test_atomic_output_untouched_when_the_run_fails(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = tmp_path / "out.jsonl"
    out.write_text("previous\n", encoding="utf-8")
    calls = {"n": 0}
    real = run_module.process_item

    def explode(*args: Any) -> Any:
        calls["n"] += 1
        if calls["n"] == 3:
            raise RuntimeError("boom")
        return real(*args)

    monkeypatch.setattr(run_module, "process_item", explode)
    result = invoke("--rules", RULES, "--output", out, "--rejected", tmp_path / "r.jsonl", ORDERS)
    assert isinstance(result.exception, RuntimeError)
    assert out.read_text(encoding="utf-8") == "previous\n"
    assert [p.name for p in tmp_path.iterdir()] == ["out.jsonl"]  # no temp files, no r.jsonl


@pytest.mark.parametrize(("exc", "code"), [(KeyboardInterrupt, 130), (run_module.Terminated, 143)])
def test_interrupted_run_writes_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, exc: type[BaseException], code: int
) -> None:
    real = run_module.process_item
    calls = {"n": 0}

    def interrupt(*args: Any) -> Any:
        calls["n"] += 1
        if calls["n"] == 3:
            raise exc
        return real(*args)

    monkeypatch.setattr(run_module, "process_item", interrupt)
    out = tmp_path / "out.jsonl"
    result = invoke("--rules", RULES, "--output", out, ORDERS)
    assert result.exit_code == code
    assert f"interrupted after 2 of the records: nothing written to {out}" in result.stderr
    assert list(tmp_path.iterdir()) == []


def test_sigterm_on_a_real_process(tmp_path: Path) -> None:
    out = tmp_path / "out.jsonl"
    proc = subprocess.Popen(
        [PROCRULES, "run", "--rules", RULES, "--output", out],
        stdin=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert proc.stdin is not None
    assert proc.stderr is not None
    proc.stdin.write(json.dumps(order(1)) + "\n")
    proc.stdin.flush()
    deadline = time.monotonic() + 30
    while not list(tmp_path.glob(".out.jsonl.*.tmp")):  # rules loaded, output opened
        assert time.monotonic() < deadline
        assert proc.poll() is None
        time.sleep(0.05)
    time.sleep(0.3)
    proc.send_signal(signal.SIGTERM)
    stderr = proc.stderr.read()
    assert proc.wait(timeout=30) == 143
    assert f"interrupted after 1 of the records: nothing written to {out}" in stderr
    assert list(tmp_path.iterdir()) == []
    proc.stdin.close()


def test_workers_2_output_is_identical_to_1(tmp_path: Path) -> None:
    lines = []
    for i in range(300):
        if i % 37 == 5:
            lines.append('{"broken": ')
        elif i % 41 == 7:
            lines.append("")
        else:
            fields: dict[str, Any] = {"totalInclVat": f"{i * 7}.50"}
            if i % 5 == 0:
                fields["rows"] = []
            if i % 11 == 0:
                fields["orderStatus"] = "test"
            lines.append(json.dumps(order(i, **fields)))
    path = tmp_path / "many.jsonl"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    one = invoke("--rules", RULES, path, "--workers", "1")
    two = invoke("--rules", RULES, path, "--workers", "2")
    assert one.exit_code == two.exit_code == 3
    assert two.stdout == one.stdout
    out = results(one.stdout)
    assert len(out) == 300 - sum(1 for line in lines if not line)
    numbers = [r["record"]["orderNumber"] for r in out if r["record"]]
    assert numbers == sorted(numbers, key=int)
    assert summary(one.stderr) == summary(two.stderr)
    as_json = invoke("--rules", RULES, path, "--workers", "2", "--format", "json")
    assert json.loads(as_json.stdout) == out
    # the same records as one JSON array (workers re-parse the elements' text)
    array = tmp_path / "many.json"
    array.write_text("[\n" + ",\n".join(x for x in lines if x and "broken" not in x) + "\n]")
    one = invoke("--rules", RULES, array, "--workers", "1")
    two = invoke("--rules", RULES, array, "--workers", "2")
    assert two.stdout == one.stdout
    assert results(one.stdout) == [r for r in out if r["record"]]


def test_from_woocommerce(tmp_path: Path) -> None:
    rules = tmp_path / "wc.rules"
    rules.write_text(
        'ruleset "Woo"\nrule "Klarna"\n'
        "when any customData[*|connector.woocommerce|meta._wc_klarna_environment] is not null\n"
        'then set orderStatus = "onHold"\nend\n',
        encoding="utf-8",
    )
    files = sorted(FIXTURES.glob("*.json"))
    assert len(files) >= 3
    result = invoke("--rules", rules, "--from", "woocommerce", "--connection", CONN, *files)
    assert result.exit_code == 0, result.stdout + result.stderr
    out = results(result.stdout)
    assert len(out) == 5
    assert all(r["record"]["source"] == CONN for r in out)
    held = [r["record"]["orderNumber"] for r in out if r["fired"]]
    assert held == ["3520"]
    bad = invoke("--rules", rules, "--from", "woocommerce", "--connection", CONN,
                 stdin='{"id": 5, "status": 5}\n{"number": "x"}\n')  # fmt: skip
    assert bad.exit_code == 3
    assert [r["status"] for r in results(bad.stdout)] == ["error", "error"]
    assert results(bad.stdout)[0]["error"]["input"] == '{"id": 5, "status": 5}'
    usage = invoke("--rules", rules, "--from", "woocommerce", *files)
    assert usage.exit_code == 2
    assert "needs --connection" in usage.stderr


def test_rules_is_greedy_for_rule_paths(tmp_path: Path) -> None:
    more = tmp_path / "more"
    more.mkdir()
    (more / "tag.rules").write_text('rule "Tag"\nthen add "seen" to tags\nend\n', encoding="utf-8")
    result = invoke("--rules", RULES, more, ORDERS)
    assert result.exit_code == 3
    first = results(result.stdout)[0]
    assert first["fired"] == [{"ruleset": "tag", "rule": "Tag"}]
    assert expand_rules(["--rules", "a.rules", "b.rules", str(more), "in.jsonl", "c.rules"]) == [
        "--rules", "a.rules", "--rules", "b.rules", "--rules", str(more), "in.jsonl", "c.rules"
    ]  # fmt: skip
    assert expand_rules(["--rules=a", "b.rules", "--", "c.rules"]) == [
        "--rules=a", "--rules", "b.rules", "--", "c.rules"
    ]  # fmt: skip
    assert expand_rules(["--output", "x.rules", "--rules", "a", "-"]) == [
        "--output", "x.rules", "--rules", "a", "-"
    ]  # fmt: skip


@pytest.mark.parametrize(
    ("rules", "records"),
    [("orders", "orders.jsonl"), ("products", "products.jsonl")],
)
def test_normal_form_input_gives_the_same_results(rules: str, records: str) -> None:
    """``run`` hands the engine records already in normal form (``normal=True``): the engine
    writes every change in normal form, so the results equal a full normalisation's."""
    root = Path(__file__).resolve().parents[2] / "rules"
    book = procrules.load([root / rules])
    context = procrules.Context(connection_id="5377568eb7e165e3b38af6eece4a0001")
    lines = (root / "records" / records).read_text(encoding="utf-8").splitlines()
    assert lines
    for line in filter(None, lines):
        record = normalize_record(json.loads(line), None)
        fast = book.apply(record, context, normal=True).to_dict()
        assert fast == book.apply(record, context).to_dict()


def test_real_process_with_stdin_and_exit_codes(tmp_path: Path) -> None:
    env = {**os.environ, "COLUMNS": "80"}
    ok = subprocess.run(
        [PROCRULES, "run", "--rules", RULES, "-"],
        input=json.dumps(order(1)) + "\n",
        capture_output=True, text=True, check=False, env=env,
    )  # fmt: skip
    assert ok.returncode == 0, ok.stderr
    assert results(ok.stdout)[0]["status"] == "ok"
    assert summary(ok.stderr) == (1, 1, 0, 0, 0)
    assert "\r" not in ok.stderr  # no progress bar in a pipe
    mixed = subprocess.run(
        [PROCRULES, "run", "--rules", RULES, "--workers", "2", ORDERS],
        capture_output=True, text=True, check=False, env=env,
    )  # fmt: skip
    assert mixed.returncode == 3
    assert len(results(mixed.stdout)) == 5
    assert summary(mixed.stderr) == (5, 2, 1, 1, 1)
    usage = subprocess.run([PROCRULES, "run", ORDERS], capture_output=True, check=False)
    assert usage.returncode == 2
