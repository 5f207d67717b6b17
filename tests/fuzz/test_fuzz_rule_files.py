"""Fuzzing rule files: random and mutated files never raise anything but the diagnostics.

Every file goes through ``check_source``, ``Book.from_sources`` (``RuleError`` is the only
exception allowed) and the formatter (``FormatError`` only); a file that loads is applied to
example records (``Book.apply``/``explain`` never raise), and ``procrules check`` / ``fmt
--check`` on it exit 0 or 1, never with a traceback. The corpus is every ``*.rules`` of the
repository: the example rule sets and the test data (golden files included).
"""

from __future__ import annotations

import tempfile
from pathlib import Path

import pytest
from click.testing import CliRunner
from fuzz_helpers import (
    EXAMPLE_RECORDS,
    RULE_CORPUS,
    RULE_FILES,
    assert_applies,
    fuzz,
    mutated_rule_files,
    token_soup,
)
from hypothesis import example, given
from hypothesis import strategies as st

import procrules
from procrules.cli.main import cli
from procrules.language.diagnostics import CODES
from procrules.language.formatter import FormatError, format_source
from procrules.language.frontend import check_source

LABEL = "fuzz.rules"
CONTEXTS = [
    procrules.Context("Order", "import", "5377568eb7e165e3b38af6eece4a0001"),
    procrules.Context(None, "export", None),
]


def survives(source: str) -> procrules.Book | None:
    """Check, load, format and (when it loads) apply ``source``; the book, if it loaded."""
    ruleset, sink = check_source(source, LABEL)
    diagnostics = sink.sorted()
    for d in diagnostics:
        assert d.code in CODES
        d.render(source)
    book: procrules.Book | None = None
    try:
        book = procrules.Book.from_sources({LABEL: source})
    except procrules.RuleError as exc:
        refused: Exception | None = exc
    else:
        refused = None
        assert ruleset is not None
    assert (refused is not None) == any(d.is_error for d in diagnostics)
    assert refused is None or str(refused)
    try:
        formatted: str | None = format_source(source, LABEL)
    except FormatError as exc:
        formatted = None
        rendered = exc.render()
        assert rendered
    if formatted is not None:
        _, sink_again = check_source(formatted, LABEL)
        assert [d.code for d in sink_again.sorted()] == [d.code for d in diagnostics]
    if book is not None:
        for record in EXAMPLE_RECORDS[::4]:
            for context in CONTEXTS:
                assert_applies(book, record, context)
    return book


def test_the_corpus_has_the_example_rules_and_the_golden_files() -> None:
    names = {p.as_posix() for p in RULE_FILES}
    assert any("/rules/orders/" in n for n in names)
    assert sum("/golden/" in n for n in names) >= 40
    assert len(RULE_CORPUS) == len(RULE_FILES)


@pytest.mark.parametrize("path", RULE_FILES, ids=[p.name for p in RULE_FILES])
def test_every_file_of_the_corpus_survives(path: Path) -> None:
    survives(path.read_text(encoding="utf-8"))


@fuzz(4)
@given(mutated_rule_files())
@example('rule "r" then set note = string(' + "9" * 5000 + ") end\n")  # crashed: int() limit
@example('rule "r" when rows[' + "9" * 5000 + '].sku == "a" then stop end\n')
@example('rule "r" then set note = "\\ud800" end\n')  # half a surrogate pair: E103
@example('rule "r" then set note = "\\ud83d\\ude00" end\n')
@example("")
@example("\ufeff")
@example("rule")
@example('rule "r" then set note = "' + "x" * 100_000 + '" end\n')
def test_mutated_rule_files_give_diagnostics_never_exceptions(source: str) -> None:
    survives(source)


@fuzz(2)
@given(token_soup())
def test_random_rule_files_give_diagnostics_never_exceptions(source: str) -> None:
    survives(source)


@fuzz(2)
@given(st.text(max_size=200))
def test_random_text_gives_diagnostics_never_exceptions(source: str) -> None:
    survives(source)


@fuzz(0.5)
@given(mutated_rule_files())
def test_check_and_fmt_commands_exit_0_or_1(source: str) -> None:
    runner = CliRunner()
    with tempfile.TemporaryDirectory() as directory:
        path = Path(directory) / LABEL
        path.write_text(source, encoding="utf-8", errors="surrogatepass")
        for args in (["check", str(path)], ["fmt", "--check", str(path)]):
            result = runner.invoke(cli, args)
            assert result.exit_code in (0, 1), (args, result.output, result.exception)
            assert result.exception is None or isinstance(result.exception, SystemExit)
