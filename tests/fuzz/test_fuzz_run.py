"""Fuzzing ``procrules run``: a JSONL file of fuzzed lines, one result per line, nothing lost.

Each input file starts with an example record (so that it is read as JSONL, see
``cli/inputs.py``) and goes on with fuzzed records, records over the limits, malformed JSON,
JSON nested 100,000 levels deep, text that is not UTF-8, half surrogate pairs and blank lines.
The oracle: exit code 0 or 3; exactly one result per non-blank line, in order; every result that
has no record names its line and keeps its raw text; ``--rejected`` holds exactly the results that
are not ``ok``; the summary's counts add up and agree with the results.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

import simplejson
from click.testing import CliRunner
from fuzz_helpers import CONN, EXAMPLE_RECORDS, ROOT, fuzz, records
from hypothesis import given
from hypothesis import strategies as st

from procrules import jsonio
from procrules.cli.main import cli
from procrules.language.limits import MAX_STRING_CHARS

RULES = ROOT / "rules" / "orders"
PROCRULES = Path(sys.executable).parent / "procrules"
SUMMARY = re.compile(
    r"(?m)^processed (\d+) records: (\d+) ok, (\d+) ignored, (\d+) failed, (\d+) error in "
)
STATUSES = ("ok", "ignored", "failed", "error")

#: Lines that are hard to read, each with the start of the message its result must have.
BAD_LINES: list[tuple[bytes, str]] = [
    (b"[" * 100_000, "the record nests objects and lists more than 200 levels deep"),
    (b'{"a": ' * 100_000, "the record nests objects and lists more than 200 levels deep"),
    (b'{"x": ' + b"[" * 300 + b"]" * 300 + b"}", "the record nests objects"),
    (b'{"note": "' + b"n" * (MAX_STRING_CHARS + 1) + b'"}', "the record has a string of more"),
    (b'{"tags": [' + b'"t",' * 100_000 + b'"t"]}', "the record has a list of more than"),
    (b'{"orderNumber": "a\\ud800b"}', "not valid JSON: \\ud800 is half of a UTF-16 surrogate"),
    (b'{"orderNumber": "\\udc00"}', "not valid JSON: \\udc00 is half"),
    (b'{"orderNumber": "1", "totalInclVat": NaN}', "not valid JSON: NaN is not a JSON number"),
    (b'{"orderNumber": "1"', "not valid JSON"),
    (b"\xff\xfe{}", "not UTF-8 text"),
    (b"null", "not a valid record"),
    (b'"just text"', "not a valid record"),
    (b"[1, 2]", "not a valid record"),
    (b'{"recordType": "Nope"}', "not a valid record"),
    (b'{"recordType": "Product"}', "not a valid record: recordType"),
    (b"\x00", "not valid JSON"),
]


def _line(value: Any) -> bytes:
    """A record as one JSONL line; NaN and infinities written as the bare words JSON lacks."""
    try:
        text = simplejson.dumps(value, use_decimal=True, ensure_ascii=False, allow_nan=True)
    except (TypeError, ValueError):
        text = repr(value)
    return text.encode("utf-8", "surrogatepass")


@st.composite
def input_files(draw: st.DrawFn) -> list[bytes]:
    lines = [_line(draw(st.sampled_from(EXAMPLE_RECORDS)))]
    for _ in range(draw(st.integers(0, 10))):
        kind = draw(st.integers(0, 9))
        if kind < 5:
            lines.append(_line(draw(records())))
        elif kind < 7:
            lines.append(draw(st.sampled_from(BAD_LINES))[0])
        elif kind == 7:
            full = _line(draw(st.sampled_from(EXAMPLE_RECORDS)))
            lines.append(full[: draw(st.integers(1, len(full) - 1))])  # truncated
        elif kind == 8:
            lines.append(draw(st.binary(max_size=30)).replace(b"\n", b""))
        else:
            lines.append(draw(st.sampled_from([b"", b"   ", b"\t", b"\r"])))  # blank
    return [line.replace(b"\n", b" ") for line in lines]


def expected_items(lines: list[bytes]) -> list[tuple[int, str]]:
    """Line number and raw text of each line that is not blank."""
    return [
        (n, line.rstrip(b"\r").decode("utf-8", "replace"))
        for n, line in enumerate(lines, 1)
        if line.strip()
    ]


def _lines(path: Path) -> list[str]:
    """JSONL lines: split at newlines only (JSON text may hold U+2028, U+0085, …)."""
    text = path.read_text(encoding="utf-8")
    assert text.endswith("\n") or not text
    return text.split("\n")[:-1]


def check_run(lines: list[bytes], code: int, out: Path, rejected: Path, stderr: str) -> list[Any]:
    """The oracle (module docstring); the results."""
    items = expected_items(lines)
    assert code in (0, 3), stderr[-2000:]
    out_lines = _lines(out)
    results = [json.loads(line) for line in out_lines]
    assert len(results) == len(items)
    for (number, text), result in zip(items, results, strict=True):
        assert result["status"] in STATUSES
        if result["record"] is None:
            assert result["status"] == "error"
            assert result["error"]["line"] == number
            assert result["error"]["input"] == text
            assert result["error"]["message"]
    not_ok = [line for line, r in zip(out_lines, results, strict=True) if r["status"] != "ok"]
    assert _lines(rejected) == not_ok
    match = SUMMARY.search(stderr)
    assert match, stderr[-2000:]
    total, *counts = (int(g) for g in match.groups())
    assert total == len(items) == sum(counts)
    assert counts == [sum(r["status"] == s for r in results) for s in STATUSES]
    assert code == (0 if counts[0] == total else 3)
    return results


@fuzz(0.5)
@given(input_files())
def test_run_gives_one_result_per_line_and_loses_nothing(lines: list[bytes]) -> None:
    runner = CliRunner()
    with tempfile.TemporaryDirectory() as directory:
        base = Path(directory)
        source = base / "in.jsonl"
        source.write_bytes(b"\n".join(lines) + b"\n")
        out, rejected = base / "out.jsonl", base / "rejected.jsonl"
        args = ["run", "--rules", str(RULES), "--connection", CONN, "--output", str(out)]
        result = runner.invoke(cli, [*args, "--rejected", str(rejected), str(source)])
        assert result.exception is None or isinstance(result.exception, SystemExit), result.output
        check_run(lines, result.exit_code, out, rejected, result.stderr)
        assert sorted(p.name for p in base.iterdir()) == ["in.jsonl", "out.jsonl", "rejected.jsonl"]


def test_every_bad_line_is_an_error_result_with_its_line_and_text(tmp_path: Path) -> None:
    """A real ``procrules run`` process, with one and with two workers: the same results."""
    good = jsonio.dumps(EXAMPLE_RECORDS[0]).encode("utf-8")
    lines = [good]
    for bad, _message in BAD_LINES:
        lines += [bad, b"", good]
    source = tmp_path / "in.jsonl"
    source.write_bytes(b"\n".join(lines) + b"\n")
    outputs = []
    for workers in ("1", "2"):
        out, rejected = tmp_path / f"out{workers}.jsonl", tmp_path / f"rej{workers}.jsonl"
        proc = subprocess.run(
            [PROCRULES, "run", "--rules", RULES, "--connection", CONN, "--workers", workers,
             "--type", "Order",
             "--output", out, "--rejected", rejected, source],
            capture_output=True, text=True, timeout=120, check=False,
        )  # fmt: skip
        results = check_run(lines, proc.returncode, out, rejected, proc.stderr)
        bad_results = results[1::2]
        assert len(bad_results) == len(BAD_LINES)
        for (_bad, message), result in zip(BAD_LINES, bad_results, strict=True):
            assert result["status"] == "error"
            assert result["error"]["message"].startswith(message), result["error"]["message"]
        assert all(r["status"] != "error" for r in results[::2])
        outputs.append(out.read_bytes())
    assert outputs[0] == outputs[1]


def test_a_line_over_the_input_limit_is_an_error_result(tmp_path: Path, monkeypatch: Any) -> None:
    from procrules.cli import inputs

    monkeypatch.setattr(inputs, "MAX_INPUT_BYTES", 1_000)
    good = jsonio.dumps({"orderNumber": "1"}).encode()
    big = jsonio.dumps({"orderNumber": "2", "note": "é" * 600}).encode()  # 1,200 bytes, 600 chars
    lines = [good, big, good]
    source = tmp_path / "in.jsonl"
    source.write_bytes(b"\n".join(lines) + b"\n")
    out, rejected = tmp_path / "out.jsonl", tmp_path / "rej.jsonl"
    result = CliRunner().invoke(
        cli,
        ["run", "--rules", str(RULES), "-o", str(out), "--rejected", str(rejected), str(source)],
    )
    results = check_run(lines, result.exit_code, out, rejected, result.stderr)
    assert results[1]["error"]["message"] == "the input is larger than 1,000 bytes: not read"
    assert [r["status"] == "error" for r in results] == [False, True, False]
