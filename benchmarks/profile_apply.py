"""Where the time of one record goes: stage timings of the ``procrules run`` path, and a cProfile
of ``Book.apply`` with the hot spots in ``src/procrules``.

Run: ``python benchmarks/profile_apply.py [--orders 2000] [--rules 50] [--form parsed|normal]``.

Stages, per record, as ``procrules run`` does them (``procrules.cli``): parse the JSON line
(``jsonio.loads``), validate it into the JSON normal form (``normalize_record``: pydantic), evaluate
(``Book.apply(record, context, normal=True)``), build the result dict (``Result.to_dict()``) and
write it (``jsonio.dumps``).

The profile is of ``Book.apply`` alone, on records in the form ``--form`` names: ``parsed`` (as
``benchmarks/run.py`` gives them: ``jsonio.loads`` output, money as ``Decimal``) or ``normal`` (as
the CLI gives them: normal form, money as strings). cProfile's per-call overhead inflates small
functions; the percentages rank the hot spots, they are not exact shares.
"""

from __future__ import annotations

import argparse
import cProfile
import pstats
import sys
import time
from collections import defaultdict
from pathlib import Path
from typing import TYPE_CHECKING, Any

sys.path.insert(0, str(Path(__file__).parent))

from engines import Procrules
from orders import order_lines
from rulegen import rule_specs

from procrules import jsonio
from procrules.records import normalize_record

if TYPE_CHECKING:
    from collections.abc import Callable


def _timed(label: str, fn: Callable[[], Any], rows: list[tuple[str, float]]) -> Any:
    start = time.perf_counter()
    out = fn()
    rows.append((label, time.perf_counter() - start))
    return out


def stages(lines: list[str], engine: Procrules) -> None:
    book, ctx = engine.book, engine.context
    rows: list[tuple[str, float]] = []
    values = _timed("parse JSON (jsonio.loads)", lambda: [jsonio.loads(s) for s in lines], rows)
    recs = _timed(
        "validate (normalize_record)",
        lambda: [normalize_record(v, "Order") for v in values],
        rows,
    )
    results = _timed(
        "evaluate (Book.apply, normal=True)",
        lambda: [book.apply(r, ctx, normal=True) for r in recs],
        rows,
    )
    dicts = _timed("result dict (Result.to_dict)", lambda: [r.to_dict() for r in results], rows)
    _timed("write JSON (jsonio.dumps)", lambda: [jsonio.dumps(d) for d in dicts], rows)
    total = sum(s for _, s in rows)
    n = len(lines)
    changed = sum(1 for r in results if r.changes)
    print(f"\nStages of `procrules run` per record ({n} orders, {changed} with changes):\n")
    print("| stage | µs/record | share |")
    print("|---|---:|---:|")
    for label, seconds in rows:
        print(f"| {label} | {seconds / n * 1e6:,.1f} | {seconds / total:.0%} |")
    print(f"| total | {total / n * 1e6:,.1f} | 100% |")
    extra: list[tuple[str, float]] = []
    _timed(
        "apply(normal=False) on normal-form records",
        lambda: [book.apply(r, ctx) for r in recs],
        extra,
    )
    _timed(
        "apply on parsed dicts (run.py's form)", lambda: [book.apply(v, ctx) for v in values], extra
    )
    _timed(
        "apply + .record on parsed dicts",
        lambda: [book.apply(v, ctx).record for v in values],
        extra,
    )
    print()
    for label, seconds in extra:
        print(f"- for comparison, {label}: {seconds / n * 1e6:,.1f} µs/record")


def _where(filename: str) -> str:
    if "procrules" in filename and "site-packages" not in filename:
        return filename.rsplit("src/", 1)[-1]
    if filename.startswith("<rules"):
        return "generated rule code"
    if filename == "~":
        return "builtins"
    return Path(filename).name


def profile(records: list[Any], engine: Procrules, top: int) -> None:
    book, ctx = engine.book, engine.context
    for r in records[:50]:
        book.apply(r, ctx)  # warm the plan cache
    prof = cProfile.Profile()
    prof.enable()
    for r in records:
        book.apply(r, ctx)
    prof.disable()
    stats = pstats.Stats(prof)
    raw: dict[tuple[str, int, str], tuple[int, int, float, float, Any]] = stats.stats  # type: ignore[attr-defined]
    total = sum(tt for _cc, _nc, tt, _ct, _callers in raw.values())
    print(f"\ncProfile of Book.apply: {len(records)} orders, {total:.2f} s of own time in total\n")
    print("| function | where | calls/record | own time | cumulative |")
    print("|---|---|---:|---:|---:|")
    ranked = sorted(raw.items(), key=lambda kv: kv[1][2], reverse=True)
    for (filename, line, name), (_cc, nc, tt, ct, _callers) in ranked[:top]:
        where = _where(filename)
        label = f"{where}:{line}" if where.endswith(".py") else where
        print(
            f"| `{name}` | {label} | {nc / len(records):,.1f} | {tt / total:.1%} | "
            f"{ct / total:.1%} |"
        )
    under: dict[str, float] = defaultdict(float)
    for (filename, _line, name), (_cc, _nc, _tt, _ct, callers) in raw.items():
        for (cfile, _cline, cname), (_ccc, _cnc, _ctt, cct) in callers.items():
            if cname == "apply" and cfile.endswith("engine/book.py"):
                if filename.startswith("<rules"):
                    under["conditions (generated rule code)"] += cct
                elif filename.endswith("engine/actions.py"):
                    under["actions (engine/actions.py)"] += cct
                else:
                    under[f"`{name}` ({_where(filename)})"] += cct
    apply_own = sum(
        tt for (f, _l, n), (_cc, _nc, tt, _ct, _c) in raw.items() if n == "apply" and "book" in f
    )
    under["the rule loop itself (Book.apply's own time)"] = apply_own
    print("\nBook.apply's time by what it calls (cumulative):\n")
    print("| part | share of apply |")
    print("|---|---:|")
    for part, ct in sorted(under.items(), key=lambda kv: kv[1], reverse=True)[:10]:
        print(f"| {part} | {ct / total:.1%} |")
    by_module: dict[str, float] = defaultdict(float)
    for (filename, _line, _name), (_cc, _nc, tt, _ct, _callers) in raw.items():
        by_module[_where(filename)] += tt
    print("\nOwn time by module:\n")
    print("| module | own time |")
    print("|---|---:|")
    for module, tt in sorted(by_module.items(), key=lambda kv: kv[1], reverse=True)[:12]:
        print(f"| {module} | {tt / total:.1%} |")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--orders", type=int, default=2000)
    parser.add_argument("--rules", type=int, default=50)
    parser.add_argument("--form", choices=["parsed", "normal"], default="parsed")
    parser.add_argument("--top", type=int, default=25)
    parser.add_argument("--seed", type=int, default=11)
    args = parser.parse_args()
    lines = order_lines(args.orders, args.seed)
    engine = Procrules(rule_specs(args.rules))
    stages(lines, engine)
    records = [jsonio.loads(s) for s in lines]
    if args.form == "normal":
        records = [normalize_record(r, "Order") for r in records]
    profile(records, engine, args.top)


if __name__ == "__main__":
    main()
