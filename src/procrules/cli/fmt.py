"""``procrules fmt [--check] [--diff] RULES…``: rewrite rule files in the canonical layout.

Files and directories (every ``*.rules`` file in them, recursively, in path order) are formatted
with :func:`~procrules.language.formatter.format_source` (docs/formatting.md). Without options,
each file that changes is rewritten in place, atomically (a temporary file in the same directory,
then ``os.replace``). ``--check`` writes nothing and prints the files that would change; ``--diff``
writes nothing and prints a unified diff of each (coloured on a terminal). A file that does not
parse is never touched: its diagnostics go to stderr.

Exit codes (CLI.md): 0; 1 when a file does not parse or cannot be read or written, or when
``--check`` finds a file to format; 2 for a usage error (a path that does not exist).
"""

from __future__ import annotations

import contextlib
import difflib
import os
import sys
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING

import click

from procrules.language.formatter import FormatError, format_source
from procrules.language.frontend import RuleFileNotFoundError, find_rule_files

if TYPE_CHECKING:
    from procrules.language.frontend import RuleFile


@click.command("fmt")
@click.option("--check", is_flag=True, help="Write nothing; list the files that would change.")
@click.option("--diff", "show_diff", is_flag=True, help="Write nothing; print a unified diff.")
@click.argument("rules", nargs=-1, required=True, type=click.Path(path_type=str))
def fmt_command(rules: tuple[str, ...], *, check: bool, show_diff: bool) -> None:
    """Rewrite rule files (files or directories of *.rules) in the canonical layout."""
    try:
        files = find_rule_files(rules)
    except RuleFileNotFoundError as exc:
        raise click.UsageError(str(exc)) from None
    write = not (check or show_diff)
    changed = unchanged = failed = 0
    for file in files:
        outcome = _format_file(file, write=write, check=check, show_diff=show_diff)
        if outcome is None:
            failed += 1
        elif outcome:
            changed += 1
        else:
            unchanged += 1
    click.echo(_summary(changed, unchanged, failed, write=write), err=True)
    raise SystemExit(1 if failed or (check and changed) else 0)


def _format_file(file: RuleFile, *, write: bool, check: bool, show_diff: bool) -> bool | None:
    """Format one file; whether it changed (or would), None when it could not be formatted."""
    try:
        original = file.path.read_bytes().decode("utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        reason = exc.strerror if isinstance(exc, OSError) else "the file is not UTF-8 text"
        click.echo(f"{file.label}: not formatted: {reason}", err=True)
        return None
    try:
        formatted = format_source(original, file.label)
    except FormatError as exc:
        click.echo(exc.render() + "\n", err=True)
        return None
    if formatted == original:
        return False
    if show_diff:
        _print_diff(file.label, original, formatted)
    elif check:
        click.echo(file.label)
    if write:
        try:
            _replace(file.path, formatted)
        except OSError as exc:
            click.echo(f"{file.label}: not written: {exc.strerror}", err=True)
            return None
    return True


def _replace(path: Path, text: str) -> None:
    """Write ``text`` to ``path`` atomically, keeping the file's permissions."""
    mode = path.stat().st_mode
    descriptor, temporary = tempfile.mkstemp(
        dir=path.parent, prefix=f".{path.name}.", suffix=".tmp"
    )
    try:
        with os.fdopen(descriptor, "w", encoding="utf-8", newline="") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        Path(temporary).chmod(mode & 0o7777)
        Path(temporary).replace(path)
    except BaseException:
        with contextlib.suppress(OSError):
            Path(temporary).unlink()
        raise


def _print_diff(label: str, original: str, formatted: str) -> None:
    lines = difflib.unified_diff(
        _lines(original),
        _lines(formatted),
        fromfile=f"{label} (original)",
        tofile=f"{label} (formatted)",
    )
    text = "".join(line if line.endswith("\n") else line + "\n" for line in lines)
    if not _is_terminal():
        click.echo(text, nl=False)
        return
    from rich.console import Console
    from rich.text import Text

    console = Console(force_terminal=True, highlight=False, soft_wrap=True)
    for line in text.split("\n")[:-1]:
        console.print(Text(line, style=_diff_style(line)))


def _is_terminal() -> bool:
    return sys.stdout.isatty()


def _diff_style(line: str) -> str:
    if line.startswith(("---", "+++")):
        return "bold"
    if line.startswith("@@"):
        return "cyan"
    if line.startswith("+"):
        return "green"
    if line.startswith("-"):
        return "red"
    return ""


def _lines(text: str) -> list[str]:
    """The lines of ``text`` with their newlines (split at ``\\n`` only)."""
    lines = [line + "\n" for line in text.split("\n")]
    lines[-1] = lines[-1][:-1]
    return lines if lines[-1] else lines[:-1]


def _summary(changed: int, unchanged: int, failed: int, *, write: bool) -> str:
    total = changed + unchanged + failed
    verb = "reformatted" if write else "would be reformatted"
    parts = [f"{changed} {verb}", f"{unchanged} unchanged"]
    if failed:
        parts.append(f"{failed} not formatted")
    return f"{total} file{'s' if total != 1 else ''}: " + ", ".join(parts)
