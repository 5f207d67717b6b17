"""docs/robustness.md stays true: every test its table of bad inputs names exists.

Each row of the table "Bad inputs tried" ends with ``tests/…/test_x.py::test_name``; the file must
exist and define that test function at its top level. The table must have at least 30 rows,
numbered 1, 2, 3, …; the fuzz profiles and the command that runs the long one are documented.
"""

from __future__ import annotations

import ast
import re
from functools import cache
from pathlib import Path

import pytest
from hypothesis import settings

ROOT = Path(__file__).resolve().parents[2]
DOC = ROOT / "docs" / "robustness.md"
_ROW = re.compile(r"^\| (\d+) \|(.*)\| ([^|]*?) \|$", re.MULTILINE)
_TEST = re.compile(r"(tests/[\w/]+\.py)::(test_\w+)")


def rows() -> list[tuple[int, str, str]]:
    table = DOC.read_text(encoding="utf-8").split("## Bad inputs tried", 1)[1]
    return [(int(m.group(1)), m.group(2), m.group(3)) for m in _ROW.finditer(table)]


@cache
def defined_tests(path: str) -> frozenset[str]:
    tree = ast.parse((ROOT / path).read_text(encoding="utf-8"))
    return frozenset(
        node.name
        for node in tree.body
        if isinstance(node, ast.FunctionDef) and node.name.startswith("test_")
    )


ROWS = rows()


def test_the_table_has_at_least_30_rows_numbered_in_order() -> None:
    assert len(ROWS) >= 30
    assert [n for n, _, _ in ROWS] == list(range(1, len(ROWS) + 1))


@pytest.mark.parametrize(("number", "middle", "test"), ROWS, ids=[f"row{n}" for n, _, _ in ROWS])
def test_every_test_named_in_the_table_exists(number: int, middle: str, test: str) -> None:
    match = _TEST.fullmatch(test.strip())
    assert match, f"row {number}: the last cell is not tests/….py::test_name: {test!r}"
    path, name = match.groups()
    assert (ROOT / path).is_file(), f"row {number}: no file {path}"
    assert name in defined_tests(path), f"row {number}: no test {name} in {path}"
    assert middle.count("|") >= 1, f"row {number}: a bad input and what the user sees"


def test_every_fuzz_and_safety_test_file_is_in_the_table() -> None:
    named = {_TEST.fullmatch(t.strip()).group(1) for _, _, t in ROWS if _TEST.fullmatch(t.strip())}
    files = sorted(
        p.relative_to(ROOT).as_posix()
        for folder in ("fuzz", "safety")
        for p in (ROOT / "tests" / folder).glob("test_*.py")
        if p.name != Path(__file__).name
    )
    assert [f for f in files if f not in named] == []


def test_the_fuzz_profiles_and_the_long_command_are_documented() -> None:
    text = DOC.read_text(encoding="utf-8")
    assert "HYPOTHESIS_PROFILE=long pytest tests/fuzz" in text
    ci, long = settings.get_profile("ci"), settings.get_profile("long")
    assert ci.deadline is None
    assert long.deadline is None
    assert ci.max_examples < long.max_examples
