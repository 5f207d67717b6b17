"""``procrules.cli.pool``: results in task order, a bounded number of tasks in flight, errors
raised again in the main process, a dead worker an error (not a hang), no worker left behind."""

from __future__ import annotations

import os
import signal
import time
from typing import Any

import pytest

from procrules.cli.pool import WorkerError, Workers, ordered

_STATE: dict[str, Any] = {}


def _setup(offset: int) -> None:
    _STATE["offset"] = offset


def _work(task: Any) -> Any:
    kind, value = task
    if kind == "sleep":  # later tasks may finish first
        time.sleep(value)
        return value
    if kind == "fail":
        raise ValueError(f"bad task {value}")
    if kind == "die":
        os._exit(7)
    if kind == "big":
        return b"x" * value
    if kind == "len":
        return len(value)
    return value + _STATE["offset"], os.getpid()


def run(tasks: list[Any], workers: int = 2, in_flight: int = 2) -> list[Any]:
    return list(
        ordered(
            tasks, _work, workers=workers, in_flight=in_flight, initializer=_setup, initargs=(100,)
        )
    )


def test_results_come_in_task_order_from_every_worker() -> None:
    results = run([("add", n) for n in range(200)], workers=3)
    assert [value for value, _pid in results] == [n + 100 for n in range(200)]
    assert len({pid for _value, pid in results}) == 3
    assert run([("sleep", d) for d in (0.2, 0.0, 0.1, 0.0)]) == [0.2, 0.0, 0.1, 0.0]


def test_large_tasks_and_results_pass_whole() -> None:
    sizes = [5_000_000, 1, 3_000_000, 0, 2_000_000]
    assert [len(r) for r in run([("big", n) for n in sizes])] == sizes
    assert run([("len", b"y" * n) for n in sizes]) == sizes  # tasks larger than the pipes


def test_tasks_are_taken_from_the_source_as_room_frees_up() -> None:
    taken: list[int] = []

    def source() -> Any:
        for n in range(50):
            taken.append(n)
            yield ("add", n)

    results = ordered(source(), _work, workers=2, in_flight=3, initializer=_setup, initargs=(0,))
    next(results)
    assert len(taken) <= 2 * 3 + 1
    assert len(list(results)) == 49


def test_an_exception_is_raised_again_and_the_workers_stop() -> None:
    pool = Workers(2, _work, _setup, (0,))
    with pytest.raises(ValueError, match="bad task 3"):
        list(pool.map([("add", 1), ("add", 2), ("fail", 3), ("add", 4)], in_flight=2))
    pool.close(terminate=True)
    assert all(not w.process.is_alive() for w in pool.workers)


def test_a_dead_worker_is_an_error() -> None:
    with pytest.raises(WorkerError, match="ended unexpectedly"):
        run([("add", 1), ("die", 0), ("add", 3)])


def test_closing_early_terminates_the_workers() -> None:
    pool = Workers(2, _work, _setup, (0,))
    results = pool.map([("sleep", 5.0)] * 6, in_flight=2)
    pids = [w.process.pid for w in pool.workers]
    with pytest.raises(TimeoutError):
        with_alarm(lambda: next(results))
    pool.close(terminate=True)
    for pid in pids:
        with pytest.raises(ProcessLookupError):
            os.kill(pid, 0)


def with_alarm(call: Any) -> Any:
    def timeout(signum: int, frame: Any) -> None:
        raise TimeoutError

    previous = signal.signal(signal.SIGALRM, timeout)
    signal.setitimer(signal.ITIMER_REAL, 0.3)
    try:
        return call()
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
