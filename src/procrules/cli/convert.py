"""``procrules convert``: interpret remote-system records into platform records.

    procrules convert --from woocommerce --connection ID [--output FILE] [INPUT...]

Each INPUT is a JSON file holding one WooCommerce order or an array of orders, or a JSONL file
(one order a line, blank lines skipped); ``-`` or no INPUT reads stdin. The converted Orders are
written as one JSON array (indent 2) to ``--output`` or stdout, in input order.

Exit codes: 0 every order converted; 1 some input could not be converted (each problem is
reported on stderr naming the file, the line or order index, and the field; every other order is
still converted and written); 2 usage errors (unknown option, missing file, no ``--connection``).
"""

from __future__ import annotations

import json
import sys
from decimal import Decimal
from pathlib import Path
from typing import Any

import click

STDIN = "-"


class _Problems:
    """Collects the conversion problems reported on stderr."""

    def __init__(self) -> None:
        self.count = 0

    def report(self, where: str, message: str) -> None:
        self.count += 1
        click.echo(f"error: {where}: {message}", err=True)


def _no_constants(name: str) -> Any:
    raise ValueError(f"{name} is not a JSON number")


def _parse(text: str) -> Any:
    return json.loads(text, parse_float=Decimal, parse_constant=_no_constants)


def _is_json(text: str) -> bool:
    try:
        _parse(text)
    except ValueError:
        return False
    return True


def _payloads(text: str, name: str, problems: _Problems) -> list[tuple[str, Any]]:
    """The JSON documents of one input, each with where it came from (for messages)."""
    try:
        return [(name, _parse(text))]
    except ValueError as exc:
        whole_error = exc
    lines = [(number, line) for number, line in enumerate(text.splitlines(), 1) if line.strip()]
    if len(lines) < 2 or not _is_json(lines[0][1]):  # not JSONL either: report the JSON error
        problems.report(name, f"not valid JSON: {whole_error}")
        return []
    documents: list[tuple[str, Any]] = []
    for number, line in lines:
        try:
            documents.append((f"{name}:{number}", _parse(line)))
        except ValueError as exc:
            problems.report(f"{name}:{number}", f"not valid JSON: {exc}")
    return documents


def _convert_document(
    payload: Any, connection_id: str, where: str, problems: _Problems
) -> list[dict[str, Any]]:
    from procrules.connectors.woocommerce import WooCommerceError, convert_order

    indexed: list[tuple[int | None, Any]] = (
        list(enumerate(payload)) if isinstance(payload, list) else [(None, payload)]
    )
    records: list[dict[str, Any]] = []
    for index, item in indexed:
        try:
            records.append(convert_order(item, connection_id, index=index))
        except WooCommerceError as exc:
            problems.report(where, str(exc))
    return records


def _read(path: Path) -> tuple[str, str]:
    """The text of one input and its name for messages."""
    if str(path) == STDIN:
        return sys.stdin.read(), "<stdin>"
    return path.read_text(encoding="utf-8-sig"), str(path)


@click.command("convert")
@click.option(
    "--from",
    "source_format",
    type=click.Choice(["woocommerce"]),
    required=True,
    help="Input format: woocommerce (REST API v3 orders).",
)
@click.option(
    "--connection",
    "connection_id",
    metavar="ID",
    help="Id of the connection the records come from (required): the records' source.",
)
@click.option(
    "--output",
    "-o",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Write the JSON array here instead of stdout.",
)
@click.argument(
    "inputs",
    nargs=-1,
    metavar="[INPUT]...",
    type=click.Path(exists=True, dir_okay=False, allow_dash=True, path_type=Path),
)
def convert(
    source_format: str, connection_id: str | None, output: Path | None, inputs: tuple[Path, ...]
) -> None:
    """Convert WooCommerce orders in INPUT files (JSON or JSONL; - or none: stdin) to platform
    Orders, printed as a JSON array."""
    if not connection_id:
        raise click.UsageError(
            f"--from {source_format} needs --connection ID: the connection id becomes each "
            "record's source and the connection part of its custom data."
        )
    if "|" in connection_id:
        raise click.BadParameter("must not contain '|'", param_hint="'--connection'")
    problems = _Problems()
    records: list[dict[str, Any]] = []
    for path in inputs or (Path(STDIN),):
        try:
            text, name = _read(path)
        except (OSError, UnicodeDecodeError) as exc:
            problems.report(str(path), f"cannot read: {exc}")
            continue
        for where, payload in _payloads(text, name, problems):
            records.extend(_convert_document(payload, connection_id, where, problems))
    document = json.dumps(records, indent=2, ensure_ascii=False) + "\n"
    if output is None:
        click.echo(document, nl=False)
    else:
        try:
            output.write_text(document, encoding="utf-8")
        except OSError as exc:
            raise click.FileError(str(output), hint=str(exc)) from exc
    if problems.count:
        plural = "s" if problems.count != 1 else ""
        click.echo(
            f"converted {len(records)} records; {problems.count} problem{plural} (see above)",
            err=True,
        )
        raise SystemExit(1)
