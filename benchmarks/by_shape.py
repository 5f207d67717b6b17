"""Where procrules loses to the hand-written baseline, by rule shape.

Run: ``python benchmarks/by_shape.py [--orders 2000] [--rules 200]``.

Splits the generated rule set (:mod:`rulegen`: 15 shapes, cycled) into one rule set per shape,
and times ``Book.apply`` and the baseline on each (best of 5 passes over the same orders), plus
the whole set and an empty one (what a record costs with no rule at all). A shape whose ratio
stands out, or a whole set that costs more than the sum of its shapes, says where to look.
"""

from __future__ import annotations

import argparse
import gc
import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any

sys.path.insert(0, str(Path(__file__).parent))

from engines import Baseline, Procrules
from orders import order_lines
from rulegen import rule_specs

from procrules import jsonio

if TYPE_CHECKING:
    from collections.abc import Callable


def best(evaluate: Callable[[Any], Any], records: list[Any], passes: int = 5) -> float:
    """The fastest of ``passes`` passes over ``records``, in seconds."""
    times = []
    for _ in range(passes):
        gc.collect()
        start = time.perf_counter()
        for record in records:
            evaluate(record)
        times.append(time.perf_counter() - start)
    return min(times)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--orders", type=int, default=2000)
    parser.add_argument("--rules", type=int, default=200)
    args = parser.parse_args(argv)
    records = [jsonio.loads(line) for line in order_lines(args.orders)]
    specs = rule_specs(args.rules)
    groups = {f"shape {k}": [s for i, s in enumerate(specs) if i % 15 == k] for k in range(15)}
    groups[f"all {len(specs)} rules"] = specs
    groups["no rule"] = []
    n = len(records)
    print(f"{n} orders; µs per order, best of 5 passes\n")
    print("| rules | count | baseline µs | procrules µs | x baseline | difference µs |")
    print("|---|---:|---:|---:|---:|---:|")
    for label, group in groups.items():
        base = best(Baseline(group).evaluate, records) / n * 1e6
        ours = best(Procrules(group).evaluate, records) / n * 1e6
        print(
            f"| {label} | {len(group)} | {base:.1f} | {ours:.1f} | {ours / base:.2f} "
            f"| {ours - base:+.1f} |",
            flush=True,
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
