"""``procrules test [PATH…]``: run rule test files (``*.test.yaml``) and report per case.

PATH is a test file or a directory (searched recursively); no PATH means the current directory.
Options: ``--coverage`` (rules never fired, conditions not seen both true and false, a
percentage per rule file), ``--format human|json``, ``--junit FILE``. The text report goes to
stdout and ends with the summary line ``N passed, M failed`` (``, K errors`` for broken test
files); with ``--format json`` stdout is one JSON document and the summary line goes to stderr.

Exit codes (CLI.md): 0 every case passed, 1 otherwise (a failed case, a broken test file, no test
file found), 2 for usage errors (a PATH that does not exist, an unknown option).
"""

from __future__ import annotations

import sys
from pathlib import Path

import click


@click.command("test")
@click.argument("paths", nargs=-1, metavar="[PATH]...", type=click.Path(exists=True, path_type=str))
@click.option(
    "--coverage",
    is_flag=True,
    help="Also report the rules never fired and the conditions not seen both true "
    "and false, with a percentage per rule file.",
)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["human", "json"]),
    default="human",
    show_default=True,
    help="human: readable text; json: one JSON document.",
)
@click.option(
    "--junit",
    type=click.Path(dir_okay=False, path_type=Path),
    metavar="FILE",
    help="Also write a JUnit XML report to FILE (for CI systems).",
)
def test_command(paths: tuple[str, ...], coverage: bool, fmt: str, junit: Path | None) -> None:
    """Run rule test files (*.test.yaml): files, or directories searched recursively;
    none: the current directory.

    Each case applies the rules to a record and compares the result with its expect.
    Exit codes: 0 all cases pass, 1 otherwise, 2 usage errors.
    """
    from rich.console import Console

    from procrules import jsonio
    from procrules.testing import Coverage, Runner, discover
    from procrules.testing.report import (
        counts,
        json_document,
        render_coverage,
        render_file,
        summary,
        write_junit,
    )

    if junit is not None and not junit.parent.is_dir():
        raise click.BadParameter(f"no such directory: {junit.parent}", param_hint="'--junit'")
    given = paths or (".",)
    files = discover(given)
    if not files:
        click.echo(f"no test files (*.test.yaml) found in {', '.join(given)}", err=True)
        if fmt == "json":
            click.echo(jsonio.dumps(json_document([], None), indent=2))
        click.echo(summary([]), err=fmt == "json")
        raise SystemExit(1)
    cover = Coverage() if coverage else None
    runner = Runner(cover)
    console = Console(file=sys.stdout, soft_wrap=True, highlight=False, markup=False, emoji=False)
    results = []
    for path, label in files:
        result = runner.run_file(path, label)
        results.append(result)
        if fmt == "human":
            render_file(console, result)
    if junit is not None:
        try:
            write_junit(results, junit)
        except OSError as exc:
            click.echo(f"cannot write {junit}: {exc.strerror or exc}", err=True)
            raise SystemExit(1) from None
    if fmt == "json":
        click.echo(jsonio.dumps(json_document(results, cover), indent=2))
        click.echo(summary(results), err=True)
    else:
        if cover is not None:
            console.print()
            render_coverage(console, cover)
        console.print()
        console.print(summary(results))
    _passed, failed, errors = counts(results)
    raise SystemExit(1 if failed or errors else 0)
