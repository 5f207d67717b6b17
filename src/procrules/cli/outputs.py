"""Writing the results of ``procrules run`` / ``dry-run``: formats, atomic files, the summary.

This module owns where results go and how they look:

* ``--format jsonl`` (one result a line), ``json`` (one array, one result a line inside it) and
  ``human`` (a readable block per record, with rich; coloured only on a terminal).
  JSON text is made by the caller (in the worker); writing costs one ``write`` per batch. A
  worker sends its text as UTF-8 bytes, which go straight to the binary stream under a UTF-8
  text stream (:func:`binary_of`): this process neither decodes nor encodes them.
* Files (``--output``, ``--rejected``) are written atomically: to a temporary file in the same
  directory, renamed over the target (``os.replace``) only when the run completes. A run that is
  interrupted or fails leaves the target as it was and no temporary file behind.
* SIGTERM raises :class:`Terminated` (like Ctrl-C raises ``KeyboardInterrupt``) so that the same
  clean-up runs; the exit codes are 130 and 143.
* The counts per status and the summary line; the progress bar (stderr on a terminal, long runs).
"""

from __future__ import annotations

import codecs
import contextlib
import io
import os
import signal
import sys
import tempfile
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any, BinaryIO, TextIO

from rich.console import Console
from rich.text import Text

from procrules import jsonio

if TYPE_CHECKING:
    from collections.abc import Callable, Iterator
    from types import FrameType

    from rich.progress import Progress, TaskID

STATUSES = ("ok", "ignored", "failed", "error")

#: The results of consecutive records, ready to write: the count of each of ``STATUSES``; the
#: output text (jsonl: lines each ending in a newline; json: the array elements joined by
#: ``",\n"``; ``None`` for human); the ``--rejected`` text (JSONL); and for ``human`` each
#: record's data for the renderer (``{"file", "line", "result", "before"}``). Texts are ``str``,
#: or their UTF-8 encoding (from a worker).
Batch = tuple[
    tuple[int, int, int, int], str | bytes | None, str | bytes | None, list[dict[str, Any]] | None
]
STATUS_STYLE = {"ok": "green", "ignored": "yellow", "failed": "red", "error": "bold red"}


class Terminated(BaseException):
    """Raised by the SIGTERM handler that :func:`sigterm_raises` installs."""


@contextlib.contextmanager
def sigterm_raises() -> Iterator[None]:
    """While active, SIGTERM raises :class:`Terminated` and SIGINT ``KeyboardInterrupt`` (in the
    main thread only). SIGINT is set explicitly: a process started in the background by a
    shell inherits it ignored, and ``kill -INT`` must still stop a run cleanly."""

    def handler(signum: int, frame: FrameType | None) -> None:
        raise Terminated

    try:
        previous = signal.signal(signal.SIGTERM, handler)
        previous_int = signal.signal(signal.SIGINT, signal.default_int_handler)
    except ValueError:  # not the main thread: leave signals alone
        yield
        return
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)
        signal.signal(signal.SIGINT, previous_int)


@contextlib.contextmanager
def _signals_held() -> Iterator[None]:
    """SIGINT and SIGTERM are held back (delivered on exit) while active, where POSIX allows."""
    held = {signal.SIGINT, signal.SIGTERM}
    if not hasattr(signal, "pthread_sigmask"):
        yield
        return
    previous = signal.pthread_sigmask(signal.SIG_BLOCK, held)
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, previous)


# ---------------------------------------------------------------------------------- files


class AtomicFile:
    """A text file written to a temporary file beside ``target``; :meth:`commit` renames it
    into place, :meth:`abort` removes it. The target is never seen half-written."""

    def __init__(self, target: Path) -> None:
        self.target = target
        directory = target.parent if str(target.parent) else Path()
        fd, name = tempfile.mkstemp(dir=directory, prefix=f".{target.name}.", suffix=".tmp")
        self.temp = Path(name)
        try:
            os.fchmod(fd, _mode_for(target))
            self.stream: TextIO = os.fdopen(
                fd, "w", encoding="utf-8", newline="\n", buffering=1 << 16
            )
        except BaseException:
            os.close(fd)
            self.temp.unlink(missing_ok=True)
            raise

    def commit(self) -> None:
        self.stream.close()
        self.temp.replace(self.target)

    def abort(self) -> None:
        with contextlib.suppress(OSError):
            self.stream.close()
        self.temp.unlink(missing_ok=True)


def _mode_for(target: Path) -> int:
    """The permissions of the existing target, else those of a new file under the umask."""
    try:
        return target.stat().st_mode & 0o777
    except OSError:
        umask = os.umask(0)
        os.umask(umask)
        return 0o666 & ~umask


class Destinations:
    """The open output streams: ``--output`` (or stdout) and ``--rejected`` (or none)."""

    def __init__(self, output: Path | None, rejected: Path | None) -> None:
        self.files: list[AtomicFile] = []
        self.committed = False
        self.output: TextIO = self._open(output) if output is not None else sys.stdout
        self.rejected: TextIO | None = self._open(rejected) if rejected is not None else None

    def _open(self, path: Path) -> TextIO:
        try:
            file = AtomicFile(path)
        except OSError as exc:
            self.abort()
            raise OSError(f"cannot write {path}: {exc.strerror or exc}") from exc
        self.files.append(file)
        return file.stream

    @property
    def targets(self) -> list[str]:
        return [str(f.target) for f in self.files]

    def commit(self) -> None:
        """Rename every file into place: all of them, or (interrupted before) none. SIGINT and
        SIGTERM wait until the renames are done; :attr:`committed` then says so."""
        self.output.flush()
        with _signals_held():
            for file in self.files:
                file.commit()
            self.committed = True

    def abort(self) -> None:
        for file in self.files:
            file.abort()


# ---------------------------------------------------------------------------------- formats


def binary_of(stream: TextIO) -> BinaryIO | None:
    """The binary stream under ``stream`` when writing UTF-8 bytes there is the same as writing
    their text to ``stream`` (a UTF-8 ``TextIOWrapper`` that writes newlines as they are); else
    ``None``. (Its error handler does not matter: the bytes come from a strict encoding, so
    there was no error to handle.)"""
    if os.linesep != "\n" or not isinstance(stream, io.TextIOWrapper):
        return None
    try:
        utf8 = codecs.lookup(stream.encoding).name == "utf-8"
    except LookupError:
        return None
    buffer = getattr(stream, "buffer", None)
    return buffer if utf8 and buffer is not None else None


def _write(stream: TextIO, binary: BinaryIO | None, text: str | bytes) -> None:
    """Write ``text`` (or its UTF-8 bytes) to ``stream``, after everything written before."""
    if isinstance(text, str):
        stream.write(text)
    elif binary is None:
        stream.write(text.decode("utf-8"))
    else:
        stream.flush()  # the text written so far goes first
        binary.write(text)


class ResultWriter:
    """Writes each record's outcome in the chosen format, and non-ok results to ``--rejected``."""

    def __init__(
        self,
        destinations: Destinations,
        fmt: str,
        render: Callable[[Console, int, dict[str, Any]], None] | None,
    ) -> None:
        self.stream = destinations.output
        self.rejected = destinations.rejected
        self.binary = binary_of(self.stream)
        self.rejected_binary = None if self.rejected is None else binary_of(self.rejected)
        self.fmt = fmt
        self.render = render
        self.count = 0
        self.console: Console | None = None
        if fmt == "human":
            self.console = Console(
                file=self.stream, soft_wrap=True, highlight=False, markup=False, emoji=False
            )

    def write(self, batch: Batch) -> None:
        """The results of consecutive records (see :data:`Batch`), one ``write`` per stream."""
        counts, text, rejected, data = batch
        if data is not None:
            assert self.console is not None
            assert self.render is not None
            for record in data:
                self.count += 1
                self.render(self.console, self.count, record)
        elif text:
            if self.fmt == "json":
                self.stream.write("[\n" if self.count == 0 else ",\n")
            _write(self.stream, self.binary, text)
            self.count += sum(counts)
        if rejected and self.rejected is not None:
            _write(self.rejected, self.rejected_binary, rejected)

    def finish(self) -> None:
        if self.fmt == "json":
            self.stream.write("\n]\n" if self.count else "[]\n")


def show(value: Any) -> str:
    """A JSON value as compact JSON text (strings quoted), for human output."""
    try:
        return jsonio.dumps(value)
    except (TypeError, ValueError):
        return repr(value)


def where(data: dict[str, Any]) -> str:
    """``file line N`` of a record's data."""
    return f"{data['file']} line {data['line']}"


def record_label(record: Any) -> str:
    """A short name for a record: its number or SKU, when it has one."""
    if not isinstance(record, dict):
        return ""
    for field, label in (("orderNumber", "order"), ("invoiceNumber", "invoice"), ("sku", "sku")):
        value = record.get(field)
        if isinstance(value, str) and value:
            return f"{label} {value}"
    return ""


def header(console: Console, number: int, data: dict[str, Any]) -> None:
    """``#3 orders.jsonl line 3 (order 1001): ok``, the status coloured."""
    result = data["result"]
    status = result["status"]
    label = record_label(result.get("record"))
    text = Text(f"#{number} {where(data)}" + (f" ({label})" if label else "") + ": ")
    text.append(status, style=STATUS_STYLE.get(status, ""))
    console.print(text)


def render_details(console: Console, result: dict[str, Any]) -> None:
    """Fired rules, changes (``path: before -> after``), messages and the error."""
    fired = result["fired"]
    if fired:
        console.print("  fired: " + ", ".join(f"{f['ruleset']} / {f['rule']}" for f in fired))
    for change in result["changes"]:
        line = Text(f"  {change['path']}: ")
        line.append(show(change["before"]), style="red")
        line.append(" -> ")
        line.append(show(change["after"]), style="green")
        console.print(line)
    error = result.get("error")
    for message in result["messages"]:
        if error is not None and message["text"] == error["message"]:
            continue  # shown with the error below
        who = f"{message['ruleset']} / {message['rule']}: " if message.get("rule") else ""
        console.print(f"  {message['level']}: {who}{message['text']}")
    if error is not None:
        at = error.get("rule") and f"{error['ruleset']} / {error['rule']}"
        place = f" ({error['file']}:{error['line']}:{error['column']})" if at else ""
        text = Text("  error: ", style="red")
        text.append(f"{at}{place}: {error['message']}" if at else error["message"])
        console.print(text)
        if "input" in error:
            console.print(f"  input: {error['input']}")


def render_result(console: Console, number: int, data: dict[str, Any]) -> None:
    """The human form of one ``run`` result."""
    header(console, number, data)
    render_details(console, data["result"])


# ---------------------------------------------------------------------------------- summary


class Tally:
    """Counts per status, and the summary line."""

    def __init__(self) -> None:
        self.counts = dict.fromkeys(STATUSES, 0)
        self.started = time.perf_counter()

    def add(self, counts: tuple[int, int, int, int]) -> None:
        for status, count in zip(STATUSES, counts, strict=True):
            self.counts[status] += count

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    @property
    def all_ok(self) -> bool:
        return self.counts["ok"] == self.total

    def summary(self) -> str:
        elapsed = time.perf_counter() - self.started
        total = self.total
        rate = int(total / elapsed) if elapsed > 0 else 0
        c = self.counts
        return (
            f"processed {total} records: {c['ok']} ok, {c['ignored']} ignored, "
            f"{c['failed']} failed, {c['error']} error in {elapsed:.2f} s ({rate} records/s)"
        )


class ProgressBar:
    """A rich progress display on stderr, started only once a run is long (over a second, or
    past 1000 records) and only when enabled (stderr a terminal). Updated every 256 records."""

    STEP = 256

    def __init__(self, enabled: bool) -> None:
        self.enabled = enabled
        self.done = 0
        self.started = time.monotonic()
        self.progress: Progress | None = None
        self.task: TaskID | None = None

    def advance(self, records: int) -> None:
        before, self.done = self.done, self.done + records
        if not self.enabled or before // self.STEP == self.done // self.STEP:
            return
        if self.progress is None:
            if self.done <= 1000 and time.monotonic() - self.started < 1:
                return
            self._start()
        assert self.progress is not None
        assert self.task is not None
        self.progress.update(self.task, completed=self.done)

    def _start(self) -> None:
        from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

        self.progress = Progress(
            TextColumn("processing"),
            BarColumn(),
            TextColumn("{task.completed} records"),
            TimeElapsedColumn(),
            console=Console(stderr=True),
            transient=True,
            redirect_stdout=False,
            redirect_stderr=False,
        )
        self.task = self.progress.add_task("records", total=None)
        self.progress.start()

    def stop(self) -> None:
        if self.progress is not None:
            self.progress.stop()
            self.progress = None
