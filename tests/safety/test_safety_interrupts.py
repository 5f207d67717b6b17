"""Nothing is lost in ``procrules run``: atomic files, clean interrupts, one result per record.

Real ``procrules run`` processes on a large input are sent SIGINT and SIGTERM mid-way (with one
worker and with two): the exit code is 130 / 143, the output and ``--rejected`` files are not
written (an existing output is left as it was), no temporary file is left, and stderr says how far
the run got. An uninterrupted run of the same input writes one result per record, every non-ok one
also to ``--rejected``, malformed lines with their line number and raw text. A signal that comes
while the files are renamed into place waits until both are.
"""

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

from procrules.cli import outputs
from procrules.cli.main import cli

ROOT = Path(__file__).resolve().parents[2]
RULES = ROOT / "rules" / "orders"
CONN = "5377568eb7e165e3b38af6eece4a0001"
PROCRULES = Path(sys.executable).parent / "procrules"
INTERRUPTED = re.compile(
    r"interrupted after (\d+) of the records: nothing written to (\S+) and (\S+)$", re.MULTILINE
)
MALFORMED = '{"orderNumber": "broken", '


def big_input(path: Path, records: int) -> list[str]:
    """``records`` lines: the example orders over and over, every 97th line malformed."""
    examples = [
        line
        for line in (ROOT / "rules" / "records" / "orders.jsonl").read_text("utf-8").splitlines()
        if line.strip()
    ]
    lines = [MALFORMED if n % 97 == 96 else examples[n % len(examples)] for n in range(records)]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return lines


def start(tmp_path: Path, source: Path, workers: int) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [PROCRULES, "run", "--rules", RULES, "--connection", CONN, "--workers", str(workers),
         "--output", tmp_path / "out.jsonl", "--rejected", tmp_path / "rejected.jsonl", source],
        stderr=subprocess.PIPE, stdout=subprocess.DEVNULL, text=True,
    )  # fmt: skip


def wait_until_writing(tmp_path: Path, proc: subprocess.Popen[str]) -> None:
    """Until the temporary output file has some results in it (mid-way through the input)."""
    deadline = time.monotonic() + 60
    while True:
        temps = list(tmp_path.glob(".out.jsonl.*.tmp"))
        if temps and temps[0].stat().st_size > 0:
            return
        assert proc.poll() is None, "the run ended before it could be interrupted"
        assert time.monotonic() < deadline
        time.sleep(0.02)


@pytest.fixture(scope="module")
def large(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[str]]:
    path = tmp_path_factory.mktemp("input") / "orders.jsonl"
    return path, big_input(path, 60_000)


@pytest.mark.parametrize("workers", [1, 2])
@pytest.mark.parametrize(("signum", "code"), [(signal.SIGINT, 130), (signal.SIGTERM, 143)])
def test_an_interrupted_run_writes_nothing_and_says_how_far_it_got(
    tmp_path: Path, large: tuple[Path, list[str]], workers: int, signum: int, code: int
) -> None:
    source, lines = large
    previous = tmp_path / "out.jsonl"
    previous.write_text("the previous output\n", encoding="utf-8")
    proc = start(tmp_path, source, workers)
    wait_until_writing(tmp_path, proc)
    proc.send_signal(signum)
    _, stderr = proc.communicate(timeout=60)
    assert proc.returncode == code, stderr
    match = INTERRUPTED.search(stderr)
    assert match, stderr
    done = int(match.group(1))
    assert 0 < done < len(lines)
    assert match.group(2) == str(tmp_path / "out.jsonl")
    assert match.group(3) == str(tmp_path / "rejected.jsonl")
    assert "Traceback" not in stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.jsonl"]  # no temp, no rejected
    assert previous.read_text(encoding="utf-8") == "the previous output\n"


def test_a_complete_run_has_one_result_per_record_and_rejects_every_non_ok(
    tmp_path: Path,
) -> None:
    source = tmp_path / "in.jsonl"
    lines = big_input(source, 3_000)
    proc = subprocess.run(
        [PROCRULES, "run", "--rules", RULES, "--connection", CONN, "--workers", "2",
         "-o", tmp_path / "out.jsonl", "--rejected", tmp_path / "rejected.jsonl", source],
        capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip
    assert proc.returncode == 3, proc.stderr
    out_lines = (tmp_path / "out.jsonl").read_text("utf-8").split("\n")[:-1]
    results = [json.loads(line) for line in out_lines]
    assert len(results) == len(lines)
    for number, (line, result) in enumerate(zip(lines, results, strict=True), 1):
        if line == MALFORMED:
            assert result["status"] == "error"
            assert result["record"] is None
            assert result["error"]["line"] == number
            assert result["error"]["input"] == MALFORMED
            assert result["error"]["message"].startswith("not valid JSON: ")
        else:
            assert result["record"] is not None
    rejected = (tmp_path / "rejected.jsonl").read_text("utf-8").split("\n")[:-1]
    assert rejected == [o for o, r in zip(out_lines, results, strict=True) if r["status"] != "ok"]
    counts = {
        s: sum(r["status"] == s for r in results) for s in ("ok", "ignored", "failed", "error")
    }
    summary = (
        f"processed {len(lines)} records: {counts['ok']} ok, {counts['ignored']} ignored, "
        f"{counts['failed']} failed, {counts['error']} error in "
    )
    assert summary in proc.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == ["in.jsonl", "out.jsonl", "rejected.jsonl"]


def test_a_signal_during_the_final_renames_waits_for_both(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """SIGINT sent while the output is renamed into place: both files are complete, and the
    message says so (not "nothing written")."""
    if not hasattr(signal, "pthread_sigmask"):
        pytest.skip("no POSIX signal masks")
    real_commit = outputs.AtomicFile.commit
    sent: list[int] = []

    def commit_and_interrupt(self: Any) -> None:
        if not sent:
            sent.append(1)
            os.kill(os.getpid(), signal.SIGINT)  # held back until both files are in place
        real_commit(self)

    monkeypatch.setattr(outputs.AtomicFile, "commit", commit_and_interrupt)
    source = tmp_path / "in.jsonl"
    lines = big_input(source, 100)
    out, rejected = tmp_path / "out.jsonl", tmp_path / "rejected.jsonl"
    result = CliRunner().invoke(
        cli,
        ["run", "--rules", str(RULES), "-o", str(out), "--rejected", str(rejected), str(source)],
    )
    assert result.exit_code == 130, result.output
    assert f"every result written to {out} and {rejected}" in result.stderr
    assert len(out.read_text("utf-8").split("\n")[:-1]) == len(lines)
    assert rejected.read_text("utf-8")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["in.jsonl", "out.jsonl", "rejected.jsonl"]
