"""The ``procrules`` command group: registers each command module and maps exit codes."""

from __future__ import annotations

import click

from procrules import __version__
from procrules.cli.check import check_command
from procrules.cli.convert import convert
from procrules.cli.fmt import fmt_command
from procrules.cli.run import dry_run_command, run_command
from procrules.cli.test_command import test_command


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="procrules")
def cli() -> None:
    """Processing rules for orders, invoices and products."""


cli.add_command(check_command)
cli.add_command(convert)
cli.add_command(fmt_command)
cli.add_command(run_command)
cli.add_command(dry_run_command)
cli.add_command(test_command)


def main() -> None:
    """Console-script entry point."""
    cli()
