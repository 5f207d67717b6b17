"""Worker processes for ``procrules run --workers N``: tasks out, results back in task order.

:func:`ordered` runs a function over tasks in N processes and yields the results in the order of
the tasks, with at most ``in_flight`` tasks per worker not yet yielded (memory stays flat). It
replaces ``multiprocessing.Pool`` because the main process should do as little as possible per
task. A pool has three helper threads in the main process (one feeds tasks, one reads results,
one watches the workers) that compete for the GIL, and its workers share one task queue, so a
worker that finished a task waits while the next one is handed over. Here:

* the main process is one thread. It writes each task to its own pipe to the least busy worker
  without ever blocking (what does not fit in the pipe yet is written once there is room), and
  reads each result when it arrives; both are pickled bytes, framed by their length;
* each worker finds its next tasks already waiting in its pipe, and writes its result without
  waiting for the main process to read it: the pipes are enlarged to 1 MiB where Linux allows;
* a worker that dies is an error (:class:`WorkerError`), not a hang; an exception in the
  function is raised again in the main process. :meth:`Workers.close` stops the workers: at the
  end by closing their task pipes, on an error or a signal by terminating them.

POSIX only (non-blocking pipes and ``selectors``), like the atomic files of
:mod:`procrules.cli.outputs`.
"""

from __future__ import annotations

import contextlib
import multiprocessing
import os
import pickle
import selectors
import struct
from collections import deque
from typing import TYPE_CHECKING, Any, Final

if TYPE_CHECKING:
    from collections.abc import Callable, Iterable, Iterator
    from multiprocessing.connection import Connection
    from multiprocessing.process import BaseProcess

__all__ = ["WorkerError", "Workers", "ordered"]

_HEADER: Final = struct.Struct("<Q")
PIPE_BYTES: Final = 1 << 20
_END: Final = object()


class WorkerError(RuntimeError):
    """A worker process ended before it answered every task."""


def _enlarge(fd: int) -> None:
    """Give the pipe of ``fd`` room for ``PIPE_BYTES`` (Linux; elsewhere it stays as it is)."""
    with contextlib.suppress(ImportError, AttributeError, OSError):
        import fcntl

        fcntl.fcntl(fd, fcntl.F_SETPIPE_SZ, PIPE_BYTES)


def _read_exactly(fd: int, size: int) -> bytes:
    """``size`` bytes from ``fd`` (never more); ``b""`` at the end of the stream."""
    parts: list[bytes] = []
    while size:
        part = os.read(fd, size)
        if not part:
            return b""
        parts.append(part)
        size -= len(part)
    return b"".join(parts)


def _read_message(fd: int) -> bytes | None:
    """One framed message from ``fd``; ``None`` when the other end is closed."""
    header = _read_exactly(fd, _HEADER.size)
    if not header:
        return None
    (size,) = _HEADER.unpack(header)
    return _read_exactly(fd, size) if size else b""


def _frame(value: Any) -> bytes:
    data = pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL)
    return _HEADER.pack(len(data)) + data


def _serve(
    tasks: Connection,
    results: Connection,
    inherited: list[Connection],
    function: Callable[[Any], Any],
    initializer: Callable[..., None],
    initargs: tuple[Any, ...],
) -> None:
    """A worker: run ``function`` on each task in turn and write back ``(True, result)`` or
    ``(False, exception)``, until the task pipe is closed."""
    for conn in inherited:  # the main process's ends of the pipes
        conn.close()
    initializer(*initargs)
    task_fd, result_fd = tasks.fileno(), results.fileno()
    while (message := _read_message(task_fd)) is not None:
        try:
            answer = (True, function(pickle.loads(message)))  # noqa: S301 - from our own process
        except Exception as exc:  # noqa: BLE001 - raised again in the main process
            answer = (False, exc)
        try:
            data = _frame(answer)
        except Exception as exc:  # noqa: BLE001 - an exception that cannot be pickled
            data = _frame((False, WorkerError(f"cannot send back {answer[1]!r}: {exc!r}")))
        view = memoryview(data)
        while view:
            view = view[os.write(result_fd, view) :]


class _Worker:
    """The main process's side of one worker: its process, pipes, unsent bytes and answers."""

    def __init__(self, process: BaseProcess, tasks: Connection, results: Connection) -> None:
        self.process = process
        self.tasks = tasks
        self.results = results
        self.unsent = memoryview(b"")
        self.busy = 0  # tasks sent and not answered yet
        self.answers: deque[tuple[bool, Any]] = deque()

    def send(self, data: bytes) -> None:
        """Queue ``data`` and write what the pipe takes now."""
        self.unsent = memoryview(bytes(self.unsent) + data) if self.unsent else memoryview(data)
        self.write()

    def write(self) -> None:
        try:
            while self.unsent:
                self.unsent = self.unsent[os.write(self.tasks.fileno(), self.unsent) :]
        except BlockingIOError:
            pass
        except BrokenPipeError:
            raise self.died() from None

    def receive(self) -> None:
        message = _read_message(self.results.fileno())
        if message is None:
            raise self.died()
        self.answers.append(pickle.loads(message))  # noqa: S301 - from our own worker
        self.busy -= 1

    def died(self) -> WorkerError:
        self.process.join(1)
        return WorkerError(
            f"a worker process ended unexpectedly (exit code {self.process.exitcode})"
        )


class Workers:
    """``count`` worker processes running ``function``, each set up by ``initializer``."""

    def __init__(
        self,
        count: int,
        function: Callable[[Any], Any],
        initializer: Callable[..., None],
        initargs: tuple[Any, ...],
    ) -> None:
        context = multiprocessing.get_context()
        self.workers: list[_Worker] = []
        try:
            for _ in range(count):
                task_r, task_w = context.Pipe(duplex=False)
                result_r, result_w = context.Pipe(duplex=False)
                # the main process's ends, of this worker's pipes and the others', which a
                # forked worker must close: its task pipe ends when the main process closes it
                inherited = [task_w, result_r]
                inherited += [c for w in self.workers for c in (w.tasks, w.results)]
                args = (task_r, result_w, inherited, function, initializer, initargs)
                process = context.Process(target=_serve, args=args, daemon=True)
                for conn in (task_w, result_r):
                    _enlarge(conn.fileno())
                process.start()
                task_r.close()
                result_w.close()
                os.set_blocking(task_w.fileno(), False)
                self.workers.append(_Worker(process, task_w, result_r))
        except BaseException:
            self.close(terminate=True)
            raise

    def map(self, tasks: Iterable[Any], in_flight: int) -> Iterator[Any]:
        """The result of each task, in task order; at most ``in_flight`` tasks per worker are
        sent and not yet yielded. Each task goes to the worker with the fewest unanswered."""
        source = iter(tasks)
        order: deque[_Worker] = deque()  # the worker of each task not yet yielded, in order
        limit = in_flight * len(self.workers)
        more = True
        with selectors.DefaultSelector() as selector:
            for worker in self.workers:
                selector.register(worker.results.fileno(), selectors.EVENT_READ, worker)
            while True:
                while more and len(order) < limit:
                    task = next(source, _END)
                    if task is _END:
                        more = False
                        break
                    worker = min(self.workers, key=lambda w: w.busy)
                    worker.send(_frame(task))
                    worker.busy += 1
                    order.append(worker)
                while order and order[0].answers:
                    ok, value = order.popleft().answers.popleft()
                    if not ok:
                        raise value
                    yield value
                if not order:
                    if more:
                        continue
                    return
                self._wait(selector)

    def _wait(self, selector: selectors.BaseSelector) -> None:
        """Until a result arrives: write unsent task bytes as the pipes take them."""
        writing = [w for w in self.workers if w.unsent]
        for worker in writing:
            selector.register(worker.tasks.fileno(), selectors.EVENT_WRITE, worker)
        try:
            for key, events in selector.select():
                if events & selectors.EVENT_WRITE:
                    key.data.write()
                if events & selectors.EVENT_READ:
                    key.data.receive()
        finally:
            for worker in writing:
                selector.unregister(worker.tasks.fileno())

    def close(self, *, terminate: bool = False) -> None:
        """Stop the workers: let them finish (their task pipes are closed), or terminate them."""
        for worker in self.workers:
            if terminate:
                worker.process.terminate()
            worker.tasks.close()
        for worker in self.workers:
            worker.process.join()
            worker.results.close()


def ordered(
    tasks: Iterable[Any],
    function: Callable[[Any], Any],
    *,
    workers: int,
    in_flight: int,
    initializer: Callable[..., None],
    initargs: tuple[Any, ...],
) -> Iterator[Any]:
    """``function(task)`` for each task, computed in ``workers`` processes, in task order."""
    pool = Workers(workers, function, initializer, initargs)
    try:
        yield from pool.map(tasks, in_flight)
    except BaseException:
        pool.close(terminate=True)
        raise
    pool.close()
