"""Golden files for the checker: each ``golden/check/NAME.rules`` is a rule file with problems,
``NAME.expected`` the exact diagnostics a business user sees (message, position, caret, hint).

Regenerate after an intended change with ``PROCRULES_UPDATE_GOLDEN=1 pytest tests/language``,
then read the diff: the expected files are the specification of every message.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from procrules.language.diagnostics import render_all
from procrules.language.frontend import check_source

GOLDEN = Path(__file__).parent / "golden" / "check"
CASES = sorted(GOLDEN.glob("*.rules"))


def render(path: Path) -> str:
    source = path.read_text(encoding="utf-8")
    _, sink = check_source(source, path.name)
    return render_all(sink.sorted(), source, sink.dropped) + "\n"


def test_there_are_enough_golden_cases() -> None:
    assert len(CASES) >= 40


@pytest.mark.parametrize("path", CASES, ids=[p.stem for p in CASES])
def test_check_diagnostics_match_golden(path: Path) -> None:
    expected_file = path.with_suffix(".expected")
    actual = render(path)
    if os.environ.get("PROCRULES_UPDATE_GOLDEN") == "1":
        expected_file.write_text(actual, encoding="utf-8")
    assert expected_file.exists(), f"no expected output for {path.name}"
    assert actual == expected_file.read_text(encoding="utf-8")
    assert "error[" in actual or "warning[" in actual, "a golden case must report something"
