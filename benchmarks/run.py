"""Throughput benchmark: procrules vs a hand-written Python baseline vs peer rule engines.

Run (from the repository root, with the ``bench`` extra installed for the peers)::

    python benchmarks/run.py                      # 20,000 orders; 10, 50 and 200 rules; 5 repeats
    python benchmarks/run.py --quick              # 2,000 orders; 10 and 50 rules; 3 repeats
    python benchmarks/run.py --orders 5000 --rules 50 --engines baseline,procrules
    python benchmarks/run.py --floats --engines procrules   # records as json.loads gives them

What it does, in order:

1. generates ``--orders`` seeded orders (:mod:`orders`) as JSON text and parses them once with
   ``procrules.jsonio.loads`` (money as ``Decimal``; with ``--floats``, ``json.loads``: money as
   floats, the form CLI.md's Python API names) -- parsing is not timed;
2. for each rule-set size, generates the rules (:mod:`rulegen`: one description per rule) and
   builds every engine from them (:mod:`engines`); each engine prepares the records in the form it
   takes (floats for the peers that cannot take ``Decimal``) -- not timed;
3. checks, record by record, that every engine fires exactly the rules the baseline fires, in
   order (and, for procrules, that its changes, messages and resulting tags/fields/custom data
   equal the baseline's) -- for every size *before any timing*; a mismatch aborts, naming the rule
   and the record;
4. times each engine: ``--repeat`` passes over its records, each right after a pass of the
   baseline over the same orders (so both see the same load on a shared machine), ``gc.collect()``
   before each pass. The baseline and procrules run every order; a peer that would need more than
   ``--budget`` seconds a pass runs on the first orders that fit (at least 5; up to 3 pairs).
   Reported: the median time of each, and as "x baseline" the median of the per-pair ratios.
"""

from __future__ import annotations

import argparse
import gc
import importlib.util
import json
import platform
import statistics
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

sys.path.insert(0, str(Path(__file__).parent))

from engines import PEER_PACKAGES, PEERS, Baseline, Engine, Procrules
from orders import order_lines
from rulegen import CONN_A, rule_specs

from procrules import jsonio

if TYPE_CHECKING:
    from collections.abc import Callable

    from rulegen import RuleSpec


class MismatchError(Exception):
    pass


@dataclass
class Timing:
    engine: Engine
    rules: int
    records: int
    seconds: float  #: median of the engine's passes
    baseline_seconds: float  #: median of the baseline's passes, interleaved with them
    ratio: float  #: median of the per-pair ratios (engine pass / the baseline pass before it)

    @property
    def per_second(self) -> float:
        return self.records / self.seconds


def _build(name: str, specs: list[RuleSpec]) -> Engine:
    start = time.perf_counter()
    if name == "baseline":
        engine: Engine = Baseline(specs)
    elif name == "procrules":
        engine = Procrules(specs)
    elif name == "procrules+record":
        engine = Procrules(specs, with_record=True)
    else:
        engine = PEERS[name](specs)
    engine.load_seconds = time.perf_counter() - start
    return engine


def _label(record: dict[str, Any], index: int) -> str:
    return f"record #{index} (orderNumber {record.get('orderNumber')})"


def check_fired(
    engine: Engine, base: Baseline, specs: list[RuleSpec], records: list[dict[str, Any]]
) -> list[Any]:
    """Every record's fired rules equal the baseline's; returns the prepared records."""
    prepared = engine.prepare(records)
    index = {s.name: i for i, s in enumerate(specs)}
    for n, (record, item) in enumerate(zip(records, prepared, strict=True)):
        expected, work = base.apply(record)
        try:
            output = engine.evaluate(item)
            got = engine.fired(output)
        except Exception as exc:
            raise MismatchError(
                f"{engine.name} ({len(specs)} rules) failed on {_label(record, n)}: {exc!r}"
            ) from exc
        if got != expected:
            missing = [r for r in expected if r not in got]
            extra = [r for r in got if r not in expected]
            rule = (missing or extra or [expected[0] if expected else got[0]])[0]
            verb = "did not fire" if rule in missing else "fired"
            i = index[rule]
            raise MismatchError(
                f"{engine.name} ({len(specs)} rules): {verb} {rule!r} on {_label(record, n)}, "
                f"unlike the baseline.\n  baseline fired: {expected}\n  {engine.name} fired: {got}"
                f"\n  baseline condition: {base.source(i)}\n  {engine.name}: {engine.source(i)}"
            )
        if isinstance(engine, Procrules):
            _check_actions(engine, output, work, record, n)
    return prepared


def _check_actions(engine: Procrules, result: Any, work: Any, record: Any, n: int) -> None:
    """procrules' changes, messages and resulting record agree with the baseline's actions."""
    changes = [(c.rule, c.path, c.after) for c in result.changes]
    expected = [(rule, path, after) for rule, path, _before, after in work.changes]
    messages = [(m.rule, m.text) for m in result.messages]
    out, base = result.record, work.rec

    def bench_cd(rec: dict[str, Any]) -> dict[str, Any]:
        data = rec.get("customData") or {}
        return {k: v["value"] for k, v in data.items() if "|x-bench|" in k}

    for what, got, want in [
        ("changes", changes, expected),
        ("messages", messages, work.messages),
        ("tags", out.get("tags"), base.get("tags")),
        ("forwarderCode", out.get("forwarderCode"), base.get("forwarderCode")),
        ("shippingStatus", out.get("shippingStatus"), base.get("shippingStatus")),
        ("customData[|x-bench|…]", bench_cd(out), bench_cd(base)),
    ]:
        if got != want:
            raise MismatchError(
                f"{engine.name}: {what} differ from the baseline's on {_label(record, n)}:\n"
                f"  baseline: {want}\n  {engine.name}: {got}"
            )


def one_pass(evaluate: Callable[[Any], Any], items: list[Any]) -> float:
    gc.collect()
    start = time.perf_counter()
    for item in items:
        evaluate(item)
    return time.perf_counter() - start


def paired(
    evaluate: Callable[[Any], Any],
    items: list[Any],
    base: Baseline,
    records: list[dict[str, Any]],
    repeat: int,
) -> tuple[float, float, float]:
    """Alternate baseline and engine passes (so both see the same load on a shared machine);
    the medians of both and the median of the per-pair ratios."""
    pairs = [(one_pass(base.evaluate, records), one_pass(evaluate, items)) for _ in range(repeat)]
    return (
        statistics.median(e for _b, e in pairs),
        statistics.median(b for b, _e in pairs),
        statistics.median(e / b for b, e in pairs),
    )


def _subset(engine: Engine, records: list[dict[str, Any]], budget: float) -> int:
    """How many records a peer can run in ``budget`` seconds a pass (at least 5)."""
    probe = engine.prepare(records[:5])
    start = time.perf_counter()
    for item in probe:
        engine.evaluate(item)
    each = (time.perf_counter() - start) / len(probe)
    return max(5, min(len(records), int(budget / max(each, 1e-9))))


def available(names: list[str]) -> tuple[list[str], list[str]]:
    have, missing = [], []
    for name in names:
        package = PEER_PACKAGES.get(name)
        if package is None or importlib.util.find_spec(package) is not None:
            have.append(name)
        else:
            missing.append(name)
    return have, missing


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--orders", type=int, default=20_000)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--rules", default="10,50,200", help="rule-set sizes, comma-separated")
    parser.add_argument(
        "--engines",
        default="baseline,procrules,procrules+record," + ",".join(PEERS),
        help="comma-separated; peers that are not installed are skipped",
    )
    parser.add_argument("--budget", type=float, default=2.0, help="peer seconds per pass")
    parser.add_argument("--seed", type=int, default=11)
    parser.add_argument("--quick", action="store_true", help="2,000 orders, 10+50 rules, 3 runs")
    parser.add_argument(
        "--floats", action="store_true", help="parse with json.loads (money as floats)"
    )
    args = parser.parse_args(argv)
    if args.quick:
        args.orders, args.repeat, args.rules, args.budget = 2000, 3, "10,50", 0.5
    sizes = [int(s) for s in args.rules.split(",")]
    names, missing = available([n for n in args.engines.split(",") if n != "baseline"])

    start = time.perf_counter()
    lines = order_lines(args.orders, args.seed)
    parse = json.loads if args.floats else jsonio.loads
    records = [parse(line) for line in lines]
    rows = sum(len(r["rows"]) for r in records)
    print(
        f"{len(records)} orders ({rows / len(records):.1f} rows each, "
        f"{sum(map(len, lines)) / len(lines) / 1024:.1f} KiB of JSON each), seed {args.seed}, "
        f"generated and parsed in {time.perf_counter() - start:.1f} s",
        file=sys.stderr,
    )
    if missing:
        print(f"not installed, skipped: {', '.join(missing)}", file=sys.stderr)

    # ---- build and check everything first
    built: dict[int, tuple[Baseline, list[tuple[Engine, list[Any]]]]] = {}
    for size in sizes:
        specs = rule_specs(size)
        base = _build("baseline", specs)
        assert isinstance(base, Baseline)
        engines = []
        for name in names:
            engine = _build(name, specs)
            n = len(records) if name.startswith("procrules") else None
            if n is None:
                n = _subset(engine, records, args.budget)
            print(f"checking {name:17} {size:4} rules on {n} orders", file=sys.stderr)
            try:
                prepared = check_fired(engine, base, specs, records[:n])
            except MismatchError as exc:
                print(f"\nMISMATCH -- no timing is reported.\n{exc}", file=sys.stderr)
                return 1
            engines.append((engine, prepared))
        built[size] = (base, engines)
    print("equivalence: every engine fired the same rules as the baseline", file=sys.stderr)

    # ---- then time
    timings: list[Timing] = []
    for size, (base, engines) in built.items():
        one_pass(base.evaluate, records)  # warm
        full = statistics.median(one_pass(base.evaluate, records) for _ in range(args.repeat))
        timings.append(Timing(base, size, len(records), full, full, 1.0))
        for engine, prepared in engines:
            repeat = args.repeat if len(prepared) == len(records) else min(args.repeat, 3)
            seconds, base_seconds, ratio = paired(
                engine.evaluate, prepared, base, records[: len(prepared)], repeat
            )
            timings.append(Timing(engine, size, len(prepared), seconds, base_seconds, ratio))
            print(f"timed {engine.name} {size} rules", file=sys.stderr)

    report(timings, args, sizes)
    return 0


def report(timings: list[Timing], args: argparse.Namespace, sizes: list[int]) -> None:
    floats = args.floats
    print(
        f"\nprocrules throughput benchmark: {args.orders} orders, median of {args.repeat} "
        f"(peers on a subset: median of up to 3), Python {platform.python_version()}, "
        f"context connection {CONN_A[:8]}…\n"
    )
    print(
        "| engine | rules | orders timed | median s | µs/order | orders/s | x baseline | "
        "actions | build ms | data |"
    )
    print("|---|---:|---:|---:|---:|---:|---:|---|---:|---|")
    for t in timings:
        e = t.engine
        print(
            f"| {e.name} | {t.rules} | {t.records} | {t.seconds:.3f} | "
            f"{t.seconds / t.records * 1e6:,.1f} | {t.per_second:,.0f} | {t.ratio:,.2f} | "
            f"{'yes' if e.actions else 'conditions only'} | {e.load_seconds * 1000:,.0f} | "
            f"{e.data.replace('(Decimal)', '(floats)') if floats else e.data} |"
        )
    print("\nx baseline (lower is better):\n")
    names = list(dict.fromkeys(t.engine.name for t in timings))
    print("| engine | " + " | ".join(f"{s} rules" for s in sizes) + " |")
    print("|---|" + "---:|" * len(sizes))
    for name in names:
        cells = []
        for size in sizes:
            found = [t for t in timings if t.engine.name == name and t.rules == size]
            cells.append(f"{found[0].ratio:,.2f}" if found else "-")
        print(f"| {name} | " + " | ".join(cells) + " |")
    print()
    targets(timings)


def targets(timings: list[Timing]) -> None:
    def get(name: str, size: int) -> Timing | None:
        found = [t for t in timings if t.engine.name == name and t.rules == size]
        return found[0] if found else None

    p50, p200 = get("procrules", 50), get("procrules", 200)
    if p50 is not None:
        ok = p50.ratio <= 1.5
        print(f"target 50 rules <= 1.5x baseline: {p50.ratio:.2f}x -> {'met' if ok else 'NOT met'}")
        peers = [t for t in timings if t.rules == 50 and t.engine.name in PEERS]
        if peers:
            slower = [t.engine.name for t in peers if t.ratio <= p50.ratio]
            verdict = "met" if not slower else "NOT met (" + ", ".join(slower) + " faster)"
            print(f"target 50 rules faster than every peer: {verdict}")
    if p200 is not None:
        ok = p200.ratio <= 1.0
        print(
            f"target 200 rules <= 1.0x baseline: {p200.ratio:.2f}x -> {'met' if ok else 'NOT met'}"
        )


if __name__ == "__main__":
    raise SystemExit(main())
