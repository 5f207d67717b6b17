"""``procrules convert --from woocommerce``: through click's CliRunner and as a real process."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from procrules.cli.convert import convert

FIXTURES = Path(__file__).resolve().parents[2] / "rules" / "records" / "woocommerce"
KLARNA = FIXTURES / "indigosleep_Heroku-NCFI_klarna_payments_order_on-hold_PII-REDACTED.json"
LIST = FIXTURES / "wc-rest-api-docs_v3_list-orders.json"
CONN = "5377568eb7e165e3b38af6eece4a0001"
PROCRULES = Path(sys.executable).parent / "procrules"

BAD_STATUS = {"id": 5, "number": "5", "status": 5}
BAD_STATUS_MESSAGE = 'order [1] (id 5): field "status": expected a string, got the number 5'


def run(*args: str, stdin: str | None = None) -> Any:
    return CliRunner().invoke(convert, list(args), input=stdin)


def numbers(stdout: str) -> list[str]:
    return [record["orderNumber"] for record in json.loads(stdout)]


def test_converts_files_in_order() -> None:
    result = run("--from", "woocommerce", "--connection", CONN, str(KLARNA), str(LIST))
    assert result.exit_code == 0, result.stderr
    assert numbers(result.stdout) == ["3520", "727", "723"]
    assert result.stdout.startswith('[\n  {\n    "localId": ')  # indent 2
    first = json.loads(result.stdout)[0]
    assert first["source"] == CONN
    assert first["totalInclVat"] == "549.00"
    assert result.stderr == ""


def test_reads_stdin_without_inputs_and_with_dash() -> None:
    text = KLARNA.read_text(encoding="utf-8")
    for args in ((), ("-",)):
        result = run("--from", "woocommerce", "--connection", CONN, *args, stdin=text)
        assert result.exit_code == 0, result.stderr
        assert numbers(result.stdout) == ["3520"]


def test_jsonl_input(tmp_path: Path) -> None:
    orders = json.loads(LIST.read_text(encoding="utf-8"))
    path = tmp_path / "orders.jsonl"
    path.write_text("\n".join(json.dumps(o) for o in orders) + "\n\n", encoding="utf-8")
    result = run("--from", "woocommerce", "--connection", CONN, str(path))
    assert result.exit_code == 0, result.stderr
    assert numbers(result.stdout) == ["727", "723"]


def test_output_file(tmp_path: Path) -> None:
    out = tmp_path / "orders.json"
    result = run("--from", "woocommerce", "--connection", CONN, "--output", str(out), str(LIST))
    assert result.exit_code == 0, result.stderr
    assert result.stdout == ""
    assert numbers(out.read_text(encoding="utf-8")) == ["727", "723"]


def test_missing_connection_is_a_usage_error() -> None:
    result = run("--from", "woocommerce", str(KLARNA))
    assert result.exit_code == 2
    assert "--from woocommerce needs --connection ID" in result.stderr
    assert result.stdout == ""


@pytest.mark.parametrize(
    ("args", "text"),
    [
        (("--connection", CONN, str(KLARNA)), "Missing option '--from'"),
        (("--from", "shopify", "--connection", CONN), "Invalid value for '--from'"),
        (("--from", "woocommerce", "--connection", "a|b"), "must not contain '|'"),
        (("--from", "woocommerce", "--connection", CONN, "no/such.json"), "does not exist"),
    ],
)
def test_usage_errors(args: tuple[str, ...], text: str) -> None:
    result = run(*args)
    assert result.exit_code == 2
    assert text in result.stderr


def test_a_bad_order_is_reported_and_the_others_converted(tmp_path: Path) -> None:
    path = tmp_path / "orders.json"
    good = json.loads(KLARNA.read_text(encoding="utf-8"))
    path.write_text(json.dumps([good, BAD_STATUS]), encoding="utf-8")
    result = run("--from", "woocommerce", "--connection", CONN, str(path), str(LIST))
    assert result.exit_code == 1
    assert numbers(result.stdout) == ["3520", "727", "723"]
    assert result.stderr.splitlines() == [
        f"error: {path}: {BAD_STATUS_MESSAGE}",
        "converted 3 records; 1 problem (see above)",
    ]


def test_invalid_json_and_non_orders(tmp_path: Path) -> None:
    broken = tmp_path / "broken.json"
    broken.write_text('[\n  {"id": 1},\n  {"id": 2,\n]\n', encoding="utf-8")
    scalar = tmp_path / "scalar.json"
    scalar.write_text("5", encoding="utf-8")
    lines = tmp_path / "lines.jsonl"
    lines.write_text('{"id": 1, "number": "1"}\n{"id": 2,\n', encoding="utf-8")
    result = run("--from", "woocommerce", "--connection", CONN, *map(str, (broken, scalar, lines)))
    assert result.exit_code == 1
    assert numbers(result.stdout) == ["1"]
    assert result.stderr.splitlines() == [
        (
            f"error: {broken}: not valid JSON: Expecting property name enclosed in double quotes: "
            "line 4 column 1 (char 27)"
        ),
        f"error: {scalar}: order: expected a WooCommerce order (a JSON object), got the number 5",
        (
            f"error: {lines}:2: not valid JSON: Expecting property name enclosed in double quotes: "
            "line 1 column 10 (char 9)"
        ),
        "converted 1 records; 3 problems (see above)",
    ]


def test_registered_in_the_command_group() -> None:
    from procrules.cli.main import cli

    assert cli.commands["convert"] is convert


def test_the_installed_command(tmp_path: Path) -> None:
    ok = subprocess.run(
        [PROCRULES, "convert", "--from", "woocommerce", "--connection", CONN, str(LIST)],
        capture_output=True,
        text=True,
        encoding="utf-8",
        check=False,
    )
    assert ok.returncode == 0, ok.stderr
    records = json.loads(ok.stdout)
    assert numbers(ok.stdout) == ["727", "723"]
    assert records[1]["customer"]["name"] == "Jo\u00e3o Silva"

    usage = subprocess.run(
        [PROCRULES, "convert", "--from", "woocommerce", str(LIST)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert usage.returncode == 2
    assert "needs --connection ID" in usage.stderr

    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps([{"id": 1}, BAD_STATUS]), encoding="utf-8")
    failed = subprocess.run(
        [PROCRULES, "convert", "--from", "woocommerce", "--connection", CONN, str(bad)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert failed.returncode == 1
    assert len(json.loads(failed.stdout)) == 1
    assert f"error: {bad}: {BAD_STATUS_MESSAGE}" in failed.stderr
