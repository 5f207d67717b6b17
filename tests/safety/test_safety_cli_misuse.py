"""Command-line misuse and bad input lines: the exact first line the user sees, never a traceback.

Usage errors exit 2 with click's ``Error: …`` line; rule files with errors exit 1 with their
diagnostics; every input line that is not a record gets an error result whose message is given
here word for word (docs/robustness.md shows the same texts), and the run goes on.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from procrules.cli.main import cli

GOOD_RULES = 'rule "r" then set note = "n" end\n'


@pytest.fixture
def workdir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    Path("r.rules").write_text(GOOD_RULES, encoding="utf-8")
    Path("in.jsonl").write_text('{"orderNumber": "1"}\n', encoding="utf-8")
    Path("adir").mkdir()
    return tmp_path


WOO = (
    "Error: --from woocommerce needs --connection ID: the connection id becomes each record's "
    "source and the connection part of its custom data."
)
NOT_IN = "Error: Invalid value for '{}': '{}' is not one of {}."
USAGE = [
    ("run --rules nope.rules in.jsonl", "Error: no such file or directory: nope.rules"),
    ("check nope.rules", "Error: no such file or directory: nope.rules"),
    ("run in.jsonl", "Error: Missing option '--rules'."),
    (
        "run --rules r.rules missing.jsonl",
        "Error: Invalid value for '[INPUT]...': File 'missing.jsonl' does not exist.",
    ),
    ("run --rules r.rules --from woocommerce in.jsonl", WOO),
    (
        "run --rules r.rules --connection a|b in.jsonl",
        "Error: Invalid value for '--connection': must not contain '|'",
    ),
    (
        "run --rules r.rules --workers 0 in.jsonl",
        "Error: Invalid value for '--workers': 0 is not in the range x>=1.",
    ),
    (
        "run --rules r.rules --nope in.jsonl",
        "Error: No such option '--nope'. Did you mean '--type'?",
    ),
    (
        "run --rules r.rules --type order in.jsonl",
        NOT_IN.format("--type", "order", "'Order', 'Invoice', 'Product'"),
    ),
    (
        "run --rules r.rules --direction sideways in.jsonl",
        NOT_IN.format("--direction", "sideways", "'import', 'export'"),
    ),
    (
        "run --rules r.rules -o adir in.jsonl",
        "Error: Invalid value for '--output' / '-o': File 'adir' is a directory.",
    ),
    (
        "run --rules r.rules -o no/such/dir/out.jsonl in.jsonl",
        "Error: cannot write no/such/dir/out.jsonl: No such file or directory",
    ),
    (
        "run --rules r.rules --rejected no/such/dir/r.jsonl in.jsonl",
        "Error: cannot write no/such/dir/r.jsonl: No such file or directory",
    ),
]


@pytest.mark.parametrize(("args", "line"), USAGE, ids=[a for a, _ in USAGE])
def test_usage_errors_exit_2_with_one_clear_line(workdir: Path, args: str, line: str) -> None:
    result = CliRunner().invoke(cli, args.split())
    assert result.exit_code == 2
    assert line in result.stderr.splitlines()
    assert "Traceback" not in result.output
    assert sorted(p.name for p in workdir.iterdir()) == ["adir", "in.jsonl", "r.rules"]


def test_a_rule_file_that_is_not_utf8(workdir: Path) -> None:
    Path("bad.rules").write_bytes(b"\xff\xfe rule\n")
    for args in (["check", "bad.rules"], ["run", "--rules", "bad.rules", "in.jsonl"]):
        result = CliRunner().invoke(cli, args)
        assert result.exit_code == 1
        assert (
            result.stderr.splitlines()[0]
            == "bad.rules:1:1: error[E101]: the file is not UTF-8 text"
        )
    result = CliRunner().invoke(cli, ["fmt", "--check", "bad.rules"])
    assert result.exit_code == 1
    assert "bad.rules: not formatted: the file is not UTF-8 text" in result.stderr


def test_rule_errors_stop_the_run_before_any_record(workdir: Path) -> None:
    Path("e.rules").write_text('rule "r" when __class__ == 1 then stop end\n', encoding="utf-8")
    result = CliRunner().invoke(cli, ["run", "--rules", "e.rules", "-o", "out.jsonl", "in.jsonl"])
    assert result.exit_code == 1
    assert result.stderr.splitlines()[0] == (
        'e.rules:1:15: error[E201]: unknown field "__class__" in Order, Invoice or Product'
    )
    assert result.stderr.splitlines()[-1] == "1 error in the rule files: no record processed"
    assert not Path("out.jsonl").exists()


#: Each input line after the first (a good record) with the message of its error result.
DEEP = "the record nests objects and lists more than 200 levels deep"
NOT_RECORD = "not a valid record: "
BAD_LINES = [
    (
        '{"orderNumber": "broken", ',
        "not valid JSON: Expecting property name enclosed in double quotes (column 27)",
    ),
    ("null", NOT_RECORD + "a record is a JSON object, not null"),
    ("[1]", NOT_RECORD + "a record is a JSON object, not [1]"),
    (
        '{"recordType": "Nope"}',
        NOT_RECORD + 'recordType: unknown record type "Nope" (expected Order, Invoice or Product)',
    ),
    (
        '{"recordType": "Product"}',
        NOT_RECORD + 'recordType: "Product" disagrees with the record type Order',
    ),
    ('{"totalInclVat": "12,50"}', NOT_RECORD + 'totalInclVat: not a decimal number: "12,50"'),
    ('{"totalInclVat": true}', NOT_RECORD + "totalInclVat: not a decimal number: true"),
    ('{"a": NaN}', "not valid JSON: NaN is not a JSON number"),
    (
        '{"a": "\\ud800"}',
        "not valid JSON: \\ud800 is half of a UTF-16 surrogate pair, not a character",
    ),
    ("[" * 100_000, DEEP),
    (
        '{"note": "' + "n" * 1_000_001 + '"}',
        "the record has a string of more than 1,000,000 characters",
    ),
    ('{"tags": [' + "1," * 100_000 + "1]}", "the record has a list of more than 100,000 elements"),
]


def test_every_bad_line_gets_its_error_result_and_the_run_goes_on(workdir: Path) -> None:
    lines = [b'{"orderNumber": "0"}', *(line.encode() for line, _ in BAD_LINES), b"\xff"]
    lines.append(b'{"orderNumber": "9"}')
    Path("b.jsonl").write_bytes(b"\n".join(lines) + b"\n")
    result = CliRunner().invoke(
        cli, ["run", "--rules", "r.rules", "--type", "Order", "--rejected", "rej.jsonl", "b.jsonl"]
    )
    assert result.exit_code == 3
    results = [json.loads(line) for line in result.stdout.split("\n") if line]
    assert len(results) == len(lines)
    messages = [r["error"]["message"] if r["error"] else None for r in results]
    assert messages == [None, *(m for _, m in BAD_LINES), "not UTF-8 text", None]
    for number, r in enumerate(results[1:-1], 2):
        assert r["record"] is None
        assert r["error"]["line"] == number
    assert results[-2]["error"]["input"] == "\ufffd"
    assert result.stderr.splitlines()[-1].startswith(
        f"processed {len(lines)} records: 2 ok, 0 ignored, 0 failed, {len(lines) - 2} error in "
    )
    assert len(Path("rej.jsonl").read_text("utf-8").split("\n")[:-1]) == len(lines) - 2
