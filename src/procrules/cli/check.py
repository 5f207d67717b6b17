"""``procrules check RULES…``: parse and check rule files, print every diagnostic to stderr.

Exit codes (CLI.md): 0 when every file is clean or has warnings only, 1 when any file has an
error, 2 for a usage error (such as a path that does not exist).
"""

from __future__ import annotations

import click

from procrules.language.frontend import RuleFileNotFoundError, check_paths


@click.command("check")
@click.argument("rules", nargs=-1, required=True, type=click.Path(path_type=str))
def check_command(rules: tuple[str, ...]) -> None:
    """Parse and check rule files (files or directories of *.rules)."""
    try:
        checked = check_paths(rules)
    except RuleFileNotFoundError as exc:
        raise click.UsageError(str(exc)) from None
    errors = warnings = 0
    for result in checked:
        if result.diagnostics:
            click.echo(result.render() + "\n", err=True)
        errors += sum(1 for d in result.diagnostics if d.is_error) + result.dropped
        warnings += sum(1 for d in result.diagnostics if not d.is_error)
    files = len(checked)
    click.echo(
        f"checked {files} file{'s' if files != 1 else ''}: "
        f"{errors} error{'s' if errors != 1 else ''}, "
        f"{warnings} warning{'s' if warnings != 1 else ''}",
        err=True,
    )
    raise SystemExit(1 if errors else 0)
