"""Helpers for the tests of ``procrules test``: test files written into a temporary directory
next to a copy of ``data/shop.rules``, and the command run through click's CliRunner."""

from __future__ import annotations

import shutil
import textwrap
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from procrules.cli.main import cli

DATA = Path(__file__).resolve().parent / "data"


class Workspace:
    """A temporary directory with ``shop.rules``; ``write`` adds test files."""

    def __init__(self, root: Path) -> None:
        self.root = root
        shutil.copy(DATA / "shop.rules", root / "shop.rules")

    def write(self, name: str, text: str) -> Path:
        path = self.root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")
        return path

    def run(self, *args: str | Path) -> Any:
        return CliRunner().invoke(cli, ["test", *map(str, args)], catch_exceptions=False)


@pytest.fixture
def ws(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Workspace:
    monkeypatch.chdir(tmp_path)
    return Workspace(tmp_path)
