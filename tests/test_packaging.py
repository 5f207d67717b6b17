"""The wheel: it ships the grammar and py.typed, installs into a fresh venv, and loads from there.

Builds the wheel once per session with pip (no extra build tool), installs it without
dependencies into a temporary virtual environment, and gives that environment the test
environment's own dependencies through a ``.pth`` file, so no network is needed. The installed
package must find the grammar inside itself, not in the source tree.
"""

from __future__ import annotations

import subprocess
import sys
import sysconfig
import venv
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]

pytestmark = pytest.mark.slow


@pytest.fixture(scope="session")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("wheel")
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(out), str(ROOT)],
        check=True,
    )
    (built,) = out.glob("procrules-*.whl")
    return built


@pytest.fixture(scope="session")
def installed(wheel: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A venv with the wheel installed; returns its python."""
    env_dir = tmp_path_factory.mktemp("venv")
    venv.EnvBuilder(with_pip=True).create(env_dir)
    python = env_dir / "bin" / "python"
    subprocess.run([str(python), "-m", "pip", "install", "-q", "--no-deps", str(wheel)], check=True)
    site = subprocess.run(
        [str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
        check=True,
        capture_output=True,
        text=True,
    ).stdout.strip()
    # Dependencies come from this test environment; the .pth line is appended after the venv's
    # own site-packages, so the installed procrules wins over any editable one.
    Path(site, "zz_test_deps.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    return python


def test_wheel_contains_grammar_and_marker(wheel: Path) -> None:
    names = zipfile.ZipFile(wheel).namelist()
    assert "procrules/grammar/rules.lark" in names
    assert "procrules/py.typed" in names


def test_installed_package_loads_grammar_from_itself(installed: Path) -> None:
    code = (
        "import procrules, pathlib\n"
        "from procrules.language.grammar import grammar_path, get_parser\n"
        "print(pathlib.Path(procrules.__file__).resolve().parent)\n"
        "print(pathlib.Path(str(grammar_path())).resolve())\n"
        "get_parser()\n"
    )
    out = subprocess.run(
        [str(installed), "-c", code], check=True, capture_output=True, text=True, cwd="/"
    ).stdout.split("\n")
    package_dir, grammar_file = Path(out[0]), Path(out[1])
    assert ROOT not in package_dir.parents
    assert grammar_file == package_dir / "grammar" / "rules.lark"


def test_installed_command_checks_a_rule_file(installed: Path, tmp_path: Path) -> None:
    rules = tmp_path / "ok.rules"
    rules.write_text('rule "r"\nwhen orderStatus == "new"\nthen set orderStatus = "onHold"\nend\n')
    done = subprocess.run(
        [str(installed.parent / "procrules"), "check", str(rules)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert "0 errors" in done.stderr
