"""Machine instructions per record, counted by valgrind: a measure that does not move with the
load of the machine (timings here move by 10% and more), for comparing two versions of the code.

Run: ``python benchmarks/instructions.py [--rules 50] [--engine procrules|baseline|check]
[--floats]`` (needs ``valgrind``). It runs the workload under ``valgrind --tool=cachegrind`` on
200 and on 1,200 orders, with ``PYTHONHASHSEED=0``, and prints the difference divided by 1,000:
the instructions one record costs, start-up and building excluded. ``check`` is the record-size
check alone (``limits.record_problem``). Two runs of the same code agree to about 0.1%.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import subprocess
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

SMALL, LARGE = 200, 1200


def workload(engine: str, rules: int, orders: int, *, floats: bool) -> None:
    """Apply ``engine`` to ``orders`` orders (run inside valgrind)."""
    from engines import Baseline, Procrules
    from orders import order_lines
    from rulegen import rule_specs

    from procrules import jsonio
    from procrules.language.limits import record_problem

    parse = json.loads if floats else jsonio.loads
    records = [parse(line) for line in order_lines(orders)]
    if engine == "check":
        for record in records:
            record_problem(record)
        return
    built = Procrules(rule_specs(rules)) if engine == "procrules" else Baseline(rule_specs(rules))
    for record in records:
        built.evaluate(record)


def count(args: argparse.Namespace, orders: int) -> int:
    command = [
        "valgrind",
        "--tool=cachegrind",
        "--cache-sim=no",
        "--cachegrind-out-file=/dev/null",
        sys.executable,
        __file__,
        "--engine",
        args.engine,
        "--rules",
        str(args.rules),
        "--run",
        str(orders),
        *(["--floats"] if args.floats else []),
    ]
    env = {**os.environ, "PYTHONHASHSEED": "0"}
    done = subprocess.run(command, capture_output=True, text=True, env=env, check=True)
    found = re.search(r"I\s+refs:\s+([\d,]+)", done.stderr)
    if found is None:
        raise SystemExit(f"no instruction count in valgrind's output:\n{done.stderr}")
    return int(found.group(1).replace(",", ""))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--engine", choices=("procrules", "baseline", "check"), default="procrules")
    parser.add_argument("--rules", type=int, default=50)
    parser.add_argument("--floats", action="store_true", help="records from json.loads")
    parser.add_argument("--run", type=int, help=argparse.SUPPRESS)  # inside valgrind
    args = parser.parse_args()
    if args.run is not None:
        workload(args.engine, args.rules, args.run, floats=args.floats)
        return 0
    per_record = (count(args, LARGE) - count(args, SMALL)) // (LARGE - SMALL)
    form = "floats" if args.floats else "Decimal"
    print(f"{args.engine}, {args.rules} rules, {form} records: {per_record:,} instructions/record")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
