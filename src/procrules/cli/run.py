"""``procrules run`` and ``procrules dry-run``: apply rule files to records, in order, in bulk.

This module owns the two commands, their shared options, and the processing of items: each item
is parsed, made a record (:mod:`procrules.cli.inputs`), evaluated (``Book.apply``, or
``Book.explain`` for a dry-run) and turned into ready output, either here or -- with
``--workers N`` -- in worker processes (:mod:`procrules.cli.pool`) that receive the rule book once
and raw input in tasks (blocks of raw JSONL lines, or chunks of items), and send back ready
output as UTF-8, in input order; this process then only reads, writes and counts. Writing, the
summary and the signals are :mod:`procrules.cli.outputs`; the human form of a dry-run is
:mod:`procrules.cli.dryrun`.

Exit codes (CLI.md): 0 every record ok, 3 some record not ok, 1 rule files with errors (nothing
processed), 2 usage errors; 130 / 143 when interrupted by SIGINT / SIGTERM.
"""

from __future__ import annotations

import signal
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from procrules import jsonio
from procrules.cli.inputs import (
    Block,
    InputError,
    Item,
    block_items,
    error_result,
    load_record,
    read_items,
)
from procrules.cli.outputs import (
    STATUSES,
    Batch,
    Destinations,
    ProgressBar,
    ResultWriter,
    Tally,
    Terminated,
    render_result,
    sigterm_raises,
)
from procrules.cli.pool import ordered

if TYPE_CHECKING:
    from collections.abc import Callable, Generator, Iterable, Iterator

    from procrules.engine import Book, Context

#: What processing one item gives: its status, its result as one JSON line (``None`` when not
#: needed), and the data the human renderer needs (``None`` for json/jsonl).
Outcome = tuple[str, str | None, dict[str, Any] | None]
#: An item as sent to a worker: file, line, raw text, problem (parsed values are not sent).
Row = tuple[str, int, str, str | None]
#: A worker's task: items (of JSON arrays and documents, and the first lines of a file), or a
#: block of raw JSONL lines that the worker splits itself.
Task = list[Row] | Block

CHUNK = 256  # items sent to a worker at a time
IN_FLIGHT = 4  # tasks queued per worker: enough to keep workers busy, memory flat

RECORD_TYPES = ["Order", "Invoice", "Product"]
RULES_HELP = (
    "Rule file or directory (every *.rules in it). Repeatable, and greedy: after --rules X, "
    "the arguments that follow it and are directories or end in .rules are rule paths too "
    "(--rules a.rules b.rules dir/ in.jsonl); the first one that is neither is INPUT."
)


# ---------------------------------------------------------------------------------- options


def _is_rule_path(arg: str) -> bool:
    return not arg.startswith("-") and (arg.endswith(".rules") or Path(arg).is_dir())


def expand_rules(args: Iterable[str]) -> list[str]:
    """``--rules a b.rules dir/ x`` -> ``--rules a --rules b.rules --rules dir/ x``: the
    arguments right after a ``--rules`` value that are rule paths join it (up to ``--``)."""
    given = list(args)
    out: list[str] = []
    greedy = False
    i = 0
    while i < len(given):
        arg = given[i]
        if arg == "--":
            out.extend(given[i:])
            break
        if greedy and _is_rule_path(arg):
            out += ["--rules", arg]
            i += 1
            continue
        greedy = arg.startswith("--rules=")
        if arg == "--rules" and i + 1 < len(given):
            out += [arg, given[i + 1]]
            greedy = True
            i += 2
            continue
        out.append(arg)
        i += 1
    return out


class RulesCommand(click.Command):
    """A command whose ``--rules`` takes every rule path that follows it (see ``RULES_HELP``)."""

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        return super().parse_args(ctx, expand_rules(args))


def _options(default_format: str) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """The options ``run`` and ``dry-run`` share."""

    def decorate(func: Callable[..., Any]) -> Callable[..., Any]:
        decorators = [
            click.option("--rules", "rules", multiple=True, required=True, metavar="RULES",
                         help=RULES_HELP),
            click.option("--type", "record_type", type=click.Choice(RECORD_TYPES),
                         help="Record type of the run. Default: each record's own recordType, "
                         "else Order. A record whose recordType disagrees is an error result."),
            click.option("--direction", type=click.Choice(["import", "export"]), default="import",
                         show_default=True, help="Direction of the transfer."),
            click.option("--connection", "connection", metavar="ID",
                         help="The connection the run is for (the context connection)."),
            click.option("--from", "source", type=click.Choice(["platform", "woocommerce"]),
                         default="platform", show_default=True,
                         help="Input format: platform records, or WooCommerce REST v3 orders "
                         "(converted first; needs --connection)."),
            click.option("--format", "fmt", type=click.Choice(["human", "json", "jsonl"]),
                         default=default_format, show_default=True,
                         help="jsonl: one result a line; json: one array; human: readable text."),
            click.option("--output", "-o", type=click.Path(dir_okay=False, path_type=Path),
                         help="Write here instead of stdout (atomically: complete or not at all)."),
            click.option("--workers", type=click.IntRange(min=1), default=1, show_default=True,
                         help="Processes evaluating in parallel; output order is input order."),
            click.argument("inputs", nargs=-1, metavar="[INPUT]...",
                           type=click.Path(exists=True, dir_okay=False, allow_dash=True)),
        ]  # fmt: skip
        for decorator in reversed(decorators):
            func = decorator(func)
        return func

    return decorate


@dataclass(frozen=True, slots=True)
class Settings:
    """What processing one item needs besides the book (picklable, sent to each worker)."""

    record_type: str | None
    direction: str
    connection: str | None
    source: str
    fmt: str
    dry_run: bool
    rejected: bool

    def context(self) -> Context:
        from procrules.engine import Context

        return Context(self.record_type, self.direction, self.connection)  # type: ignore[arg-type]


# ---------------------------------------------------------------------------------- processing


def process_item(book: Book, context: Context, settings: Settings, item: Item) -> Outcome:
    """Parse, convert, normalise and evaluate one item; its outcome, ready to write."""
    before: dict[str, Any] | None = None
    try:
        record = load_record(item, settings.record_type, settings.source, settings.connection)
    except Exception as exc:  # noqa: BLE001 - one bad record never stops a run
        problem = exc.message if isinstance(exc, InputError) else f"internal error: {exc!r}"
        result = error_result(item, problem)
        if settings.dry_run:
            result["trace"] = None
    else:
        if settings.dry_run:
            evaluated, trace = book.explain(record, context, normal=True)
            result = evaluated.to_dict()
            result["trace"] = trace.to_dict()
            before = record
        else:
            # The record is in normal form already, and the engine writes every change in it.
            result = book.apply(record, context, normal=True).to_dict()
    status: str = result["status"]
    if settings.fmt != "human":
        return status, jsonio.dumps(result), None
    line = jsonio.dumps(result) if settings.rejected and status != "ok" else None
    return status, line, {"file": item.file, "line": item.line, "result": result, "before": before}


_WORKER: tuple[Book, Context, Settings] | None = None


def _init_worker(book: Book, settings: Settings) -> None:
    """Worker initializer: the book and settings, once per worker. Ctrl-C is the parent's."""
    global _WORKER  # noqa: PLW0603 - per-process state of a pool worker
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    _WORKER = (book, settings.context(), settings)


def process_batch(book: Book, context: Context, settings: Settings, items: Iterable[Item]) -> Batch:
    """Process consecutive items into one :data:`~procrules.cli.outputs.Batch`."""
    counts = [0, 0, 0, 0]
    lines: list[str] = []
    rejected: list[str] = []
    data: list[dict[str, Any]] | None = [] if settings.fmt == "human" else None
    for item in items:
        status, line, record_data = process_item(book, context, settings, item)
        counts[STATUSES.index(status)] += 1
        if data is not None and record_data is not None:
            data.append(record_data)
        elif line is not None:
            lines.append(line)
        if line is not None and settings.rejected and status != "ok":
            rejected.append(line + "\n")
    text = (",\n" if settings.fmt == "json" else "\n").join(lines)
    if lines and settings.fmt == "jsonl":
        text += "\n"
    ok, ignored, failed, error = counts
    return (ok, ignored, failed, error), text, "".join(rejected), data


def _process_task(task: Task) -> Batch:
    """A worker's task: a chunk of raw items, or a block of raw JSONL lines. The texts go back
    as UTF-8, which the main process writes as it is."""
    assert _WORKER is not None
    book, context, settings = _WORKER
    if isinstance(task, Block):
        counts, text, rejected, data = process_batch(book, context, settings, block_items(task))
    else:
        items = [Item(file, line, text, ..., problem) for file, line, text, problem in task]
        counts, text, rejected, data = process_batch(book, context, settings, items)
    return counts, _utf8(text), _utf8(rejected), data


def _utf8(text: str | bytes | None) -> str | bytes | None:
    """``text`` encoded, unless it cannot be (half a surrogate pair): then the writer's stream
    decides, as for one worker."""
    if not isinstance(text, str):
        return text
    try:
        return text.encode("utf-8")
    except UnicodeEncodeError:
        return text


def _tasks(items: Iterable[Item | Block]) -> Iterator[Task]:
    """Blocks as they are; items in chunks of up to ``CHUNK``."""
    chunk: list[Row] = []
    for item in items:
        if isinstance(item, Block):
            if chunk:
                yield chunk
                chunk = []
            yield item
            continue
        chunk.append((item.file, item.line, item.text, item.problem))
        if len(chunk) >= CHUNK:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def batches(
    items: Iterable[Item | Block], book: Book, settings: Settings, workers: int
) -> Generator[Batch, None, None]:
    """The results of every item, in input order: one batch per record when evaluating here
    (results appear as soon as each record is read), one per task from worker processes with
    ``workers > 1``, with at most ``IN_FLIGHT`` tasks per worker in flight (memory stays flat).

    With workers, this process only reads and writes: JSONL comes as blocks of raw lines (see
    ``read_items(…, blocks=True)``), which the workers split, parse, evaluate and write as JSON
    text themselves."""
    if workers <= 1:
        context = settings.context()
        for item in items:
            if isinstance(item, Block):
                for one in block_items(item):
                    yield process_batch(book, context, settings, (one,))
            else:
                yield process_batch(book, context, settings, (item,))
        return
    yield from ordered(
        _tasks(items),
        _process_task,
        workers=workers,
        in_flight=IN_FLIGHT,
        initializer=_init_worker,
        initargs=(book, settings),
    )


# ---------------------------------------------------------------------------------- commands


def _load(rules: tuple[str, ...]) -> Book:
    """The rule book; rule errors are printed (like ``check``) and exit 1."""
    import procrules
    from procrules.language.frontend import RuleFileNotFoundError

    try:
        book = procrules.load(list(rules))
    except RuleFileNotFoundError as exc:
        raise click.UsageError(str(exc)) from None
    except procrules.RuleError as exc:
        errors = 0
        for file in exc.files:
            if file.diagnostics:
                click.echo(file.render() + "\n", err=True)
            errors += len(file.errors) + file.dropped
        plural = "s" if errors != 1 else ""
        click.echo(f"{errors} error{plural} in the rule files: no record processed", err=True)
        raise SystemExit(1) from None
    for warning in book.warnings:
        click.echo(warning + "\n", err=True)
    return book


def execute(
    settings: Settings,
    rules: tuple[str, ...],
    inputs: tuple[str, ...],
    output: Path | None,
    rejected: Path | None,
    workers: int,
) -> None:
    """Run (or dry-run) every input record and exit with the code CLI.md gives."""
    if settings.source == "woocommerce" and not settings.connection:
        raise click.UsageError(
            "--from woocommerce needs --connection ID: the connection id becomes each record's "
            "source and the connection part of its custom data."
        )
    if settings.connection is not None and "|" in settings.connection:
        raise click.BadParameter("must not contain '|'", param_hint="'--connection'")
    book = _load(rules)
    try:
        destinations = Destinations(output, rejected)
    except OSError as exc:
        raise click.UsageError(str(exc)) from None
    if settings.dry_run:
        from procrules.cli.dryrun import render_dry_run

        writer = ResultWriter(destinations, settings.fmt, render_dry_run)
    else:
        writer = ResultWriter(destinations, settings.fmt, render_result)
    tally = Tally()
    to_file = output is not None or not sys.stdout.isatty()
    progress = ProgressBar(enabled=sys.stderr.isatty() and to_file)
    try:
        with sigterm_raises():
            items = read_items(inputs, blocks=workers > 1)
            results = batches(items, book, settings, workers)
            try:
                for batch in results:
                    writer.write(batch)
                    tally.add(batch[0])
                    progress.advance(sum(batch[0]))
                writer.finish()
            finally:
                progress.stop()
                results.close()
            destinations.commit()
    except (KeyboardInterrupt, Terminated) as exc:
        destinations.abort()
        targets = " and ".join(destinations.targets)
        if destinations.committed:  # the signal came while the files were renamed into place
            nothing = f": every result written to {targets}" if targets else ""
        else:
            nothing = f": nothing written to {targets}" if targets else ""
        click.echo(f"\ninterrupted after {tally.total} of the records{nothing}", err=True)
        raise SystemExit(130 if isinstance(exc, KeyboardInterrupt) else 143) from None
    except BaseException:
        destinations.abort()
        raise
    click.echo(tally.summary(), err=True)
    raise SystemExit(0 if tally.all_ok else 3)


@click.command("run", cls=RulesCommand)
@_options("jsonl")
@click.option("--rejected", type=click.Path(dir_okay=False, path_type=Path),
              help="Also write, as JSONL, the result of every record that is not ok.")  # fmt: skip
def run_command(
    rules: tuple[str, ...],
    record_type: str | None,
    direction: str,
    connection: str | None,
    source: str,
    fmt: str,
    output: Path | None,
    workers: int,
    inputs: tuple[str, ...],
    rejected: Path | None,
) -> None:
    """Apply the rules to every record of INPUT and write one result per record, in order.

    INPUT is a JSON file with one record (it may span lines) or an array of records (the file
    starts with "["), or JSONL (one record a line); - or none reads stdin. Input that is not a
    record gets an error result with its raw text. A summary line goes to stderr. Exit codes:
    0 all ok, 3 some records not ok, 1 rule errors (nothing run), 2 usage errors.
    """
    wants_rejected = rejected is not None
    settings = Settings(record_type, direction, connection, source, fmt, False, wants_rejected)
    execute(settings, rules, inputs, output, rejected, workers)


@click.command("dry-run", cls=RulesCommand)
@_options("human")
def dry_run_command(
    rules: tuple[str, ...],
    record_type: str | None,
    direction: str,
    connection: str | None,
    source: str,
    fmt: str,
    output: Path | None,
    workers: int,
    inputs: tuple[str, ...],
) -> None:
    """Evaluate the rules like run, and explain: for each record, which rules fired and why
    (each condition's operands and outcome), and a diff of the record.

    Stores nothing. --format json/jsonl writes each result with its "trace" instead.
    Exit codes as run.
    """
    settings = Settings(record_type, direction, connection, source, fmt, True, False)
    execute(settings, rules, inputs, output, None, workers)
