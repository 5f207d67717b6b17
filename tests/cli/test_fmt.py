"""``procrules fmt [--check] [--diff] RULES…``: through click's CliRunner and as a real process."""

from __future__ import annotations

import stat
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from procrules.cli import fmt as fmt_module
from procrules.cli.main import cli

PROCRULES = Path(sys.executable).parent / "procrules"

UGLY = 'rule   "Hold"  when orderStatus=="new"   then set orderStatus = "onHold" end\n'
PRETTY = 'rule "Hold"\nwhen orderStatus == "new"\nthen set orderStatus = "onHold"\nend\n'
BROKEN = 'rule "Broken"\nwhen orderStatus ==\nthen stop\nend\n'


def run(*args: str) -> Any:
    return CliRunner().invoke(cli, ["fmt", *args])


@pytest.fixture
def tree(tmp_path: Path) -> Path:
    """A directory with an unformatted file, a formatted one (nested) and a file of another kind."""
    (tmp_path / "sub" / "deeper").mkdir(parents=True)
    (tmp_path / "10-ugly.rules").write_text(UGLY, encoding="utf-8")
    (tmp_path / "sub" / "deeper" / "20-pretty.rules").write_text(PRETTY, encoding="utf-8")
    (tmp_path / "sub" / "notes.txt").write_text(UGLY, encoding="utf-8")
    return tmp_path


def test_rewrites_files_in_place(tree: Path) -> None:
    result = run(str(tree))
    assert result.exit_code == 0, result.stderr
    assert (tree / "10-ugly.rules").read_text(encoding="utf-8") == PRETTY
    assert (tree / "sub" / "deeper" / "20-pretty.rules").read_text(encoding="utf-8") == PRETTY
    assert (tree / "sub" / "notes.txt").read_text(encoding="utf-8") == UGLY
    assert result.stdout == ""
    assert "2 files: 1 reformatted, 1 unchanged" in result.stderr
    assert not [p for p in tree.rglob("*") if p.name.endswith(".tmp")]


def test_rewrite_keeps_the_file_mode(tmp_path: Path) -> None:
    file = tmp_path / "a.rules"
    file.write_text(UGLY, encoding="utf-8")
    file.chmod(0o640)
    assert run(str(file)).exit_code == 0
    assert stat.S_IMODE(file.stat().st_mode) == 0o640
    assert file.read_text(encoding="utf-8") == PRETTY


def test_check_lists_files_to_format_and_exits_1(tree: Path) -> None:
    result = run("--check", str(tree))
    assert result.exit_code == 1
    assert result.stdout == f"{(tree / '10-ugly.rules').as_posix()}\n"
    assert "1 would be reformatted, 1 unchanged" in result.stderr
    assert (tree / "10-ugly.rules").read_text(encoding="utf-8") == UGLY


def test_check_exits_0_when_everything_is_formatted(tree: Path) -> None:
    assert run(str(tree)).exit_code == 0
    result = run("--check", str(tree))
    assert result.exit_code == 0
    assert result.stdout == ""


def test_diff_prints_a_unified_diff_and_writes_nothing(tree: Path) -> None:
    ugly = (tree / "10-ugly.rules").as_posix()
    result = run("--diff", str(tree))
    assert result.exit_code == 0
    assert result.stdout.startswith(f"--- {ugly} (original)\n+++ {ugly} (formatted)\n@@ ")
    assert f"-{UGLY}" in result.stdout
    assert '+when orderStatus == "new"\n' in result.stdout
    assert "20-pretty" not in result.stdout
    assert (tree / "10-ugly.rules").read_text(encoding="utf-8") == UGLY


def test_check_with_diff_exits_1(tree: Path) -> None:
    result = run("--check", "--diff", str(tree))
    assert result.exit_code == 1
    assert result.stdout.startswith("--- ")
    assert (tree / "10-ugly.rules").read_text(encoding="utf-8") == UGLY


def test_diff_is_coloured_on_a_terminal(tree: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(fmt_module, "_is_terminal", lambda: True)
    monkeypatch.delenv("NO_COLOR", raising=False)
    result = run("--diff", str(tree / "10-ugly.rules"))
    assert result.exit_code == 0
    assert "\x1b[" in result.stdout
    assert "when orderStatus" in result.stdout


def test_a_file_with_syntax_errors_is_left_untouched(tree: Path) -> None:
    broken = tree / "15-broken.rules"
    broken.write_bytes(BROKEN.encode("utf-8"))
    result = run(str(tree))
    assert result.exit_code == 1
    assert broken.read_bytes() == BROKEN.encode("utf-8")
    assert f"{broken.as_posix()}:3:1: error[" in result.stderr
    assert "1 not formatted" in result.stderr
    # the other files are formatted all the same
    assert (tree / "10-ugly.rules").read_text(encoding="utf-8") == PRETTY


def test_a_file_that_is_not_utf8_is_left_untouched(tmp_path: Path) -> None:
    file = tmp_path / "latin1.rules"
    file.write_bytes(b'rule "R\xe4ksm\xf6rg\xe5s" then stop end\n')
    result = run(str(file))
    assert result.exit_code == 1
    assert "not UTF-8" in result.stderr
    assert file.read_bytes() == b'rule "R\xe4ksm\xf6rg\xe5s" then stop end\n'


def test_a_missing_path_is_a_usage_error(tree: Path) -> None:
    result = run(str(tree / "nowhere.rules"))
    assert result.exit_code == 2
    assert "no such file or directory" in result.stderr
    assert (tree / "10-ugly.rules").read_text(encoding="utf-8") == UGLY


def test_no_path_is_a_usage_error() -> None:
    assert run().exit_code == 2


def test_crlf_file_is_rewritten_with_newlines(tmp_path: Path) -> None:
    file = tmp_path / "crlf.rules"
    file.write_bytes(PRETTY.replace("\n", "\r\n").encode("utf-8"))
    assert run("--check", str(file)).exit_code == 1
    assert run(str(file)).exit_code == 0
    assert file.read_bytes() == PRETTY.encode("utf-8")


def test_as_a_real_process(tree: Path) -> None:
    done = subprocess.run(
        [str(PROCRULES), "fmt", "--check", str(tree)], capture_output=True, text=True, check=False
    )
    assert done.returncode == 1
    assert done.stdout.strip().endswith("10-ugly.rules")
    done = subprocess.run(
        [str(PROCRULES), "fmt", str(tree)], capture_output=True, text=True, check=False
    )
    assert done.returncode == 0
    assert (tree / "10-ugly.rules").read_text(encoding="utf-8") == PRETTY
