"""The ``procrules`` command group: registers each command module and maps exit codes."""

from __future__ import annotations

import click

from procrules import __version__


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="procrules")
def cli() -> None:
    """Processing rules for orders, invoices and products."""


def main() -> None:
    """Console-script entry point."""
    cli()
