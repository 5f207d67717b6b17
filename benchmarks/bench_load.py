"""Load benchmark: parse + check + compile of a generated file of 1,000 rules (issue target < 1 s).

Run: ``python benchmarks/bench_load.py [N_RULES]``. Prints the median of several loads with the
parser cache warm (the parser is built once per process, as in production), and each stage.
"""

from __future__ import annotations

import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

from rulegen import rule_file

from procrules.language.checker import check
from procrules.language.diagnostics import DiagnosticSink
from procrules.language.parser import parse


def _median(fn: object, repeat: int = 5) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()  # type: ignore[operator]
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 1000
    source = rule_file(n)
    parse("", "warm.rules")  # build the parser once, as a long-running process would
    parsed = parse(source, "bench.rules")
    assert parsed.ruleset is not None and not parsed.diagnostics, parsed.diagnostics[:3]
    t_parse = _median(lambda: parse(source, "bench.rules"))
    t_check = _median(lambda: check(parsed.ruleset, DiagnosticSink()))  # type: ignore[arg-type]
    rows = [("parse", t_parse), ("check", t_check)]
    try:
        import procrules

        load = procrules.load  # type: ignore[attr-defined]
    except AttributeError:
        load = None
    if load is not None:
        with tempfile.TemporaryDirectory() as tmp:
            path = Path(tmp, "bench.rules")
            path.write_text(source)
            rows.append(("load (parse + check + compile)", _median(lambda: load(path))))
    print(f"{n} rules, {len(source.splitlines())} lines; median of 5, parser cache warm")
    for name, seconds in rows:
        print(f"  {name:32} {seconds * 1000:8.1f} ms")


if __name__ == "__main__":
    main()
