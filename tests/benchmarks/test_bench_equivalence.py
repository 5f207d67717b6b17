"""The benchmark compares equal work: generated procrules rules fire what the baseline fires.

``benchmarks/run.py`` checks this on every order before it times anything; this test keeps the
generators honest in CI on 100 orders with the 10- and 50-rule sets: procrules and the
hand-written Python baseline fire the same rules in the same order, with the same changes and
messages. Peer engines (the ``bench`` extra) are checked too when they are installed, on a few
orders (they are slow), and skipped otherwise.
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from typing import Any

import pytest

BENCH = Path(__file__).resolve().parents[2] / "benchmarks"
sys.path.insert(0, str(BENCH))

from engines import PEER_PACKAGES, PEERS, Baseline, Procrules  # noqa: E402
from orders import order_lines  # noqa: E402
from rulegen import rule_file, rule_specs  # noqa: E402
from run import MismatchError, check_fired  # noqa: E402

from procrules import jsonio  # noqa: E402


@pytest.fixture(scope="module")
def records() -> list[dict[str, Any]]:
    return [jsonio.loads(line) for line in order_lines(100, seed=5)]


@pytest.mark.parametrize("size", [10, 50])
def test_procrules_fires_what_the_baseline_fires(size: int, records: list[dict[str, Any]]) -> None:
    specs = rule_specs(size)
    base = Baseline(specs)
    check_fired(
        Procrules(specs), base, specs, records
    )  # raises MismatchError, naming rule and record
    fired = {name for r in records for name in base.evaluate(r)}
    assert len(fired) >= size * 0.6, "most rules fire on some order: the check is not vacuous"


@pytest.mark.parametrize("peer", sorted(PEERS))
def test_peers_fire_what_the_baseline_fires(peer: str, records: list[dict[str, Any]]) -> None:
    if importlib.util.find_spec(PEER_PACKAGES[peer]) is None:
        pytest.skip(f"{peer} is not installed (pip install -e '.[bench]')")
    specs = rule_specs(10)
    check_fired(PEERS[peer](specs), Baseline(specs), specs, records[:5])


def test_a_mismatch_names_the_rule_and_the_record(records: list[dict[str, Any]]) -> None:
    specs = rule_specs(10)
    base = Baseline(specs)
    wrong = Baseline(specs)
    name, _cond, actions = wrong.rules[0]
    wrong.rules = ((name, lambda rec: True, actions), *wrong.rules[1:])
    with pytest.raises(MismatchError, match=r"fired 'rule 0' on record #\d+ \(orderNumber \d+\)"):
        check_fired(wrong, base, specs, records)


def test_the_rule_file_is_deterministic() -> None:
    assert rule_file(50) == rule_file(50)
    assert rule_file(50, seed=1) != rule_file(50)
