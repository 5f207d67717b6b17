"""End-to-end benchmark of ``procrules run``: streaming memory, throughput, ``--workers``.

Run: ``python benchmarks/bench_cli.py [--orders 200000] [--rules 50] [--workers 1,2]``.

Writes ``--orders`` seeded orders as JSONL to ``/tmp/procrules-bench/`` (kept, and reused by a
later run with the same size and seed) and a generated rule file, then runs the installed
``procrules run --rules R --connection C INPUT`` as a subprocess once per ``--workers`` value, with
its standard output (one result a line) sent to ``/dev/null``. For each run it reports the wall
time, the records/s (``procrules`` prints them on its summary line), the peak RSS of the largest
process (``/usr/bin/time -v`` where it exists, else ``getrusage(RUSAGE_CHILDREN)``) and the peak of
the sum of the RSS of the process tree (sampled from ``/proc`` every 0.1 s; with ``--workers N``
the workers are separate processes), and the CPU seconds of the main process and of the workers
(sampled from ``/proc``, so up to 0.1 s short). Targets (issue 6): peak RSS < 200 MB on
1,000,000 orders, ``--workers 2`` >= 1.7x one worker.
"""

from __future__ import annotations

import argparse
import os
import random
import re
import resource
import shutil
import subprocess
import sys
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

from orders import order
from rulegen import CONN_A, rule_file

from procrules import jsonio

WORK = Path("/tmp/procrules-bench")


def orders_file(n: int, seed: int) -> Path:
    """The JSONL file of ``n`` orders, generated once (streaming: constant memory)."""
    WORK.mkdir(parents=True, exist_ok=True)
    path = WORK / f"orders-{n}-{seed}.jsonl"
    if path.exists():
        return path
    partial = path.with_suffix(".partial")
    rng = random.Random(seed)
    start = time.perf_counter()
    with partial.open("w", encoding="utf-8") as out:
        for i in range(n):
            out.write(jsonio.dumps(order(rng, i)))
            out.write("\n")
    partial.rename(path)
    size = path.stat().st_size / 2**20
    print(f"generated {path} ({size:,.0f} MiB) in {time.perf_counter() - start:.0f} s")
    return path


TICK = os.sysconf("SC_CLK_TCK")


def _tree(pid: int, cpu: dict[int, tuple[str, float]]) -> int:
    """The summed RSS (bytes) of a process and its descendants, from /proc; records each one's
    CPU seconds so far in ``cpu`` (pid -> (name, seconds))."""
    total, todo = 0, [pid]
    while todo:
        p = todo.pop()
        try:
            status = Path(f"/proc/{p}/status").read_text()
            stat = Path(f"/proc/{p}/stat").read_text()
            children = Path(f"/proc/{p}/task/{p}/children").read_text().split()
        except OSError:
            continue
        match = re.search(r"^VmRSS:\s+(\d+) kB", status, re.MULTILINE)
        total += int(match.group(1)) * 1024 if match else 0
        fields = stat.rsplit(")", 1)[1].split()
        name = stat.split("(", 1)[1].rsplit(")", 1)[0]
        cpu[p] = (name, (int(fields[11]) + int(fields[12])) / TICK)
        todo += [int(c) for c in children]
    return total


def run_once(
    exe: str, rules: Path, data: Path, workers: int, timeout: float
) -> dict[str, float | str]:
    cmd = [exe, "run", "--rules", str(rules), "--connection", CONN_A]
    cmd += ["--workers", str(workers), str(data)]
    timer = Path("/usr/bin/time")
    if timer.exists():
        cmd = [str(timer), "-v", *cmd]
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    peak_tree = 0
    done = threading.Event()
    cpu: dict[int, tuple[str, float]] = {}

    def sample() -> None:
        nonlocal peak_tree
        while not done.wait(0.1):
            peak_tree = max(peak_tree, _tree(proc.pid, cpu))

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    try:
        _, stderr = proc.communicate(timeout=timeout)
    finally:
        done.set()
        sampler.join()
        if proc.poll() is None:
            proc.kill()
    wall = time.perf_counter() - start
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss  # KiB, the largest child ever
    reported = re.search(r"Maximum resident set size \(kbytes\): (\d+)", stderr)
    if reported:  # /usr/bin/time -v: the largest process of this run
        before, peak = -1, int(reported.group(1))
    summary = next((s for s in stderr.splitlines() if s.startswith("processed")), "")
    if proc.returncode not in (0, 3) or not summary:
        raise SystemExit(f"procrules run failed ({proc.returncode}):\n{stderr[-2000:]}")
    # the main procrules process is the oldest one named procrules; the others are workers
    ours = sorted((pid, sec) for pid, (name, sec) in cpu.items() if name.startswith("procrules"))
    main_cpu = ours[0][1] if ours else float("nan")
    workers_cpu = sum(sec for _pid, sec in ours[1:])
    rate = re.search(r"\(([\d,.]+) records/s\)", summary)
    return {
        "workers": workers,
        "wall": wall,
        "rate": float(rate.group(1).replace(",", "")) if rate else float("nan"),
        # getrusage keeps the maximum over every child so far: only meaningful when it grew
        "peak_process_mb": peak / 1024 if peak > before else float("nan"),
        "peak_tree_mb": peak_tree / 2**20,
        "main_cpu": main_cpu,
        "workers_cpu": workers_cpu,
        "summary": summary,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--orders", type=int, default=200_000)
    parser.add_argument("--rules", type=int, default=50)
    parser.add_argument("--workers", default="1,2")
    parser.add_argument("--seed", type=int, default=11)
    parser.add_argument("--timeout", type=float, default=3600)
    args = parser.parse_args()
    exe = shutil.which("procrules") or str(Path(sys.executable).with_name("procrules"))
    data = orders_file(args.orders, args.seed)
    rules = WORK / f"bench-{args.rules}.rules"
    rules.write_text(rule_file(args.rules), encoding="utf-8")
    print(f"{exe} run: {args.orders:,} orders, {args.rules} rules, {os.cpu_count()} CPUs")
    results = []
    for workers in [int(w) for w in args.workers.split(",")]:
        r = run_once(exe, rules, data, workers, args.timeout)
        results.append(r)
        print(f"  --workers {workers}: {r['summary']}")
    print(
        "\n| workers | wall s | records/s | speed-up | peak RSS, largest process MB | "
        "peak RSS, all processes MB | CPU s main / workers |"
    )
    print("|---:|---:|---:|---:|---:|---:|---:|")
    first = float(results[0]["wall"])
    for r in results:
        print(
            f"| {r['workers']} | {r['wall']:.1f} | {r['rate']:,.0f} | "
            f"{first / float(r['wall']):.2f}x | {r['peak_process_mb']:.0f} | "
            f"{r['peak_tree_mb']:.0f} | {r['main_cpu']:.0f} / {r['workers_cpu']:.0f} |"
        )
    one = next((r for r in results if r["workers"] == 1), None)
    if one is not None:
        peak = float(one["peak_process_mb"])
        print(
            f"\ntarget peak RSS < 200 MB (1 worker): {peak:.0f} MB -> "
            f"{'met' if peak < 200 else 'NOT met'} (on {args.orders:,} orders)"
        )
    two = next((r for r in results if r["workers"] == 2), None)
    if one is not None and two is not None:
        speedup = float(one["wall"]) / float(two["wall"])
        print(
            f"target --workers 2 >= 1.7x one worker: {speedup:.2f}x -> "
            f"{'met' if speedup >= 1.7 else 'NOT met'}"
        )


if __name__ == "__main__":
    main()
