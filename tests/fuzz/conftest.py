"""Hypothesis profiles of the fuzz tests: ``ci`` (the default, bounded) and ``long`` (by hand).

``HYPOTHESIS_PROFILE=long pytest tests/fuzz`` runs every fuzz test with a hundred times more
examples, randomly (a failure is kept in the local ``.hypothesis`` database and replayed first).
The profile is applied by each fuzz test (``fuzz_helpers.fuzz``), not loaded globally, so the
other property tests of the suite keep their own settings.
"""

from __future__ import annotations

from hypothesis import HealthCheck, settings

_QUIET = [
    HealthCheck.too_slow,
    HealthCheck.data_too_large,
    HealthCheck.large_base_example,
    HealthCheck.filter_too_much,
]

#: CI: few examples, the same ones every run (a red CI is never a roll of the dice).
settings.register_profile(
    "ci", max_examples=20, deadline=None, derandomize=True, suppress_health_check=_QUIET
)
#: By hand: many examples, new ones every run.
settings.register_profile(
    "long", max_examples=2000, deadline=None, derandomize=False, suppress_health_check=_QUIET
)
