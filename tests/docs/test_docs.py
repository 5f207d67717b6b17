"""Keeps the user documentation honest: the docs are checked against the code they describe.

Conventions of the Markdown files (written down at the top of each file as well):

* ``docs/language.md``: a fenced block tagged ``rules`` is a complete rule file and must check
  with no diagnostic at all (no error, no warning); fragments are tagged ``text``. The function
  table (the rows whose first cell is a call such as ```lower(s)```) lists every function of
  ``builtins.SIGNATURES``; its example column is evaluated by the engine and must give the value
  in the result column (when that is written in backticks).
* ``docs/errors.md``: one ``## CODE`` heading per code of ``diagnostics.CODES``, in code order.
  In an entry, the block tagged ``rules bad`` is a bad file named ``example.rules``, the ``text``
  block right after it is what ``procrules check example.rules`` prints for it (compared in full:
  headline, source line, caret, hint and the summary line); blocks tagged ``rules`` are fixed
  versions and must check clean. An entry that says ``**Reserved.**`` is for a code nothing
  reports yet.
* ``docs/cli.md``: every command and option of the ``procrules`` command group is named; blocks
  tagged ``rules`` are complete rule files and must check clean; every ``python`` block runs
  (from the repository root), and prints exactly what the block tagged ``text output`` right
  after it shows, when there is one.
"""

from __future__ import annotations

import contextlib
import io
import re
from dataclasses import dataclass
from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from procrules.cli.main import cli
from procrules.engine import Book, Context
from procrules.language.builtins import SIGNATURES
from procrules.language.diagnostics import CODES
from procrules.language.frontend import MAX_FILE_BYTES, check_source
from procrules.language.limits import MAX_RULES

ROOT = Path(__file__).resolve().parents[2]
DOCS = ROOT / "docs"
LABEL = "example.rules"

_FENCE = re.compile(r"^```([^\n`]*)\n(.*?)^```[ \t]*$", re.DOTALL | re.MULTILINE)
_ENTRY = re.compile(r"^##+ ([EW]\d{3})\b.*$", re.MULTILINE)
_HEADLINE = re.compile(r"^\S+:\d+:\d+: (?:error|warning)\[[EW]\d{3}\]: .*$", re.MULTILINE)


@dataclass(frozen=True)
class Block:
    """A fenced code block: its info string, its text, and the line where its text starts."""

    info: str
    text: str
    line: int

    @property
    def tags(self) -> list[str]:
        return self.info.split()


def blocks(text: str) -> list[Block]:
    found = []
    for match in _FENCE.finditer(text):
        line = text.count("\n", 0, match.start(2)) + 1
        found.append(Block(match.group(1).strip(), match.group(2), line))
    return found


def read(name: str) -> str:
    return (DOCS / name).read_text(encoding="utf-8")


def check_output(source: str, directory: Path) -> tuple[int, str]:
    """The exit code and what ``procrules check example.rules`` prints (stderr) for ``source``."""
    (directory / LABEL).write_text(source, encoding="utf-8")
    with contextlib.chdir(directory):
        result = CliRunner().invoke(cli, ["check", LABEL])
    return result.exit_code, result.stderr


def diagnostics_of(source: str) -> list[str]:
    _, sink = check_source(source, LABEL)
    return [d.headline() for d in sink.sorted()]


# ------------------------------------------------------------------------------ errors.md


@dataclass(frozen=True)
class Entry:
    """The section of docs/errors.md about one code."""

    code: str
    text: str

    @property
    def reserved(self) -> bool:
        return "**Reserved.**" in self.text


def entries() -> list[Entry]:
    text = read("errors.md")
    heads = list(_ENTRY.finditer(text))
    out = []
    for n, head in enumerate(heads):
        end = heads[n + 1].start() if n + 1 < len(heads) else len(text)
        # an entry ends at the next heading of level 2 (a section), too
        section = re.search(r"^## (?![EW]\d{3})", text[head.end() : end], re.MULTILINE)
        stop = head.end() + section.start() if section else end
        out.append(Entry(head.group(1), text[head.start() : stop]))
    return out


ENTRIES = entries()


def bad_examples(entry: Entry) -> list[tuple[Block, Block]]:
    """Each ``rules bad`` block of an entry with the ``text`` block right after it."""
    found = blocks(entry.text)
    pairs = []
    for n, block in enumerate(found):
        if block.tags[:2] == ["rules", "bad"]:
            message = f"{entry.code}: a `rules bad` block needs a `text` block (its output) next"
            assert n + 1 < len(found), message
            assert found[n + 1].tags[:1] == ["text"], message
            pairs.append((block, found[n + 1]))
    return pairs


def test_errors_md_has_one_entry_per_code_in_code_order() -> None:
    codes = [e.code for e in ENTRIES]
    assert sorted(set(codes)) == codes, "one entry per code, in code order"
    assert set(codes) == set(CODES), (
        f"missing: {sorted(set(CODES) - set(codes))}, unknown: {sorted(set(codes) - set(CODES))}"
    )


def test_errors_md_table_of_contents_links_every_entry() -> None:
    text = read("errors.md")
    for code in CODES:
        assert f"(#{code.lower()}" in text, f"{code} is not in the table of contents"


@pytest.mark.parametrize("entry", ENTRIES, ids=[e.code for e in ENTRIES])
def test_errors_md_examples_print_what_the_doc_shows(entry: Entry, tmp_path: Path) -> None:
    pairs = bad_examples(entry)
    if entry.code in ("E501", "E503"):
        return  # its example is generated: test_errors_md_file_too_large, …_too_many_rules
    if not entry.reserved:
        assert pairs, f"{entry.code} has no bad example (a `rules bad` block)"
    for bad, shown in pairs:
        # the headlines, from the front end itself
        headlines = diagnostics_of(bad.text)
        assert headlines == _HEADLINE.findall(shown.text), f"{entry.code}: headlines differ"
        produced = {h.split("[", 1)[1].split("]", 1)[0] for h in headlines}
        if entry.reserved:
            assert entry.code not in produced, f"{entry.code} is reported now: not reserved"
        else:
            assert entry.code in produced, f"the example of {entry.code} does not report it"
        # and the whole output of the command, caret lines, hints and summary line included
        code, printed = check_output(bad.text, tmp_path)
        assert printed == shown.text, f"{entry.code}: the output in docs/errors.md differs"
        assert code == (1 if any("error[" in h for h in headlines) else 0)


@pytest.mark.parametrize("entry", ENTRIES, ids=[e.code for e in ENTRIES])
def test_errors_md_fixed_examples_check_clean(entry: Entry) -> None:
    for block in blocks(entry.text):
        if block.tags == ["rules"]:
            assert diagnostics_of(block.text) == [], f"{entry.code}: a fixed example has problems"


def test_errors_md_reserved_codes_are_not_reported_by_the_code() -> None:
    """A reserved entry without example is for a code that no source file reports."""
    sources = [
        p.read_text(encoding="utf-8")
        for p in (ROOT / "src" / "procrules").rglob("*.py")
        if p.name != "diagnostics.py"
    ]
    for entry in ENTRIES:
        if entry.reserved and not bad_examples(entry):
            used = [s for s in sources if f'"{entry.code}"' in s]
            assert not used, f"{entry.code} is reported by the code now: document it"


def test_errors_md_file_too_large() -> None:
    """E501's example: the doc shows the headline of a file over the size limit."""
    entry = next(e for e in ENTRIES if e.code == "E501")
    source = "# " + "x" * MAX_FILE_BYTES + "\n"
    headline = diagnostics_of(source)
    assert len(headline) == 1
    assert headline[0] in entry.text


def test_errors_md_too_many_rules(tmp_path: Path) -> None:
    """E503's example: the doc shows the whole output for a file of MAX_RULES + 1 rules."""
    entry = next(e for e in ENTRIES if e.code == "E503")
    source = "".join(f'rule "Rule {n}" then log "{n}" end\n' for n in range(1, MAX_RULES + 2))
    (shown,) = [b for b in blocks(entry.text) if b.tags == ["text"]]
    assert check_output(source, tmp_path) == (1, shown.text)


# ------------------------------------------------------------------------------ language.md


LANGUAGE = read("language.md")
RULES_BLOCKS = [b for b in blocks(LANGUAGE) if b.tags[:1] == ["rules"]]


def test_language_md_has_examples() -> None:
    assert len(RULES_BLOCKS) >= 20


@pytest.mark.parametrize("block", RULES_BLOCKS, ids=[f"line{b.line}" for b in RULES_BLOCKS])
def test_language_md_rule_files_check_clean(block: Block) -> None:
    assert block.tags == ["rules"], f"line {block.line}: a `rules` block has no other tags"
    assert diagnostics_of(block.text) == [], f"docs/language.md line {block.line}"


def test_language_md_blocks_are_rules_or_text() -> None:
    for block in blocks(LANGUAGE):
        assert block.tags[:1] in (["rules"], ["text"]), f"line {block.line}: tag {block.info!r}"


_FUNCTION_ROW = re.compile(r"^\| `([a-z_]+)\(([^`]*)\)` \|(.*)$", re.MULTILINE)


def function_rows() -> list[tuple[str, list[str]]]:
    rows = []
    for match in _FUNCTION_ROW.finditer(LANGUAGE):
        cells = [c.strip() for c in match.group(3).rstrip().rstrip("|").split(" | ")]
        rows.append((match.group(1), cells))
    return rows


def test_language_md_function_table_lists_every_function() -> None:
    names = [name for name, _ in function_rows()]
    assert sorted(set(names)) == sorted(SIGNATURES), (
        f"missing: {sorted(set(SIGNATURES) - set(names))}, "
        f"unknown: {sorted(set(names) - set(SIGNATURES))}"
    )
    assert len(names) == len(set(names)), "a function has two rows"


def _code_spans(cell: str) -> list[str]:
    return re.findall(r"`([^`]+)`", cell)


FUNCTION_EXAMPLES = [
    (name, example, result)
    for name, cells in function_rows()
    for example, result in [(cells[-2], cells[-1])]
]


@pytest.mark.parametrize(
    ("name", "example", "result"), FUNCTION_EXAMPLES, ids=[f[0] for f in FUNCTION_EXAMPLES]
)
def test_language_md_function_examples_give_the_results_shown(
    name: str, example: str, result: str
) -> None:
    expressions = _code_spans(example)
    assert expressions, f"{name}: no example"
    assert all(e.startswith(f"{name}(") for e in expressions), f"{name}: {expressions}"
    # a result in words (now(), today()) is not compared, but the example must still run
    results: list[str | None] = list(_code_spans(result)) or [None] * len(expressions)
    assert len(results) == len(expressions), f"{name}: one result per example"
    rules = "\n".join(
        f'rule "r{n}" then log string({expr}) end' for n, expr in enumerate(expressions)
    )
    book = Book.from_sources({LABEL: "for Order\n" + rules})
    outcome = book.apply({}, Context(record_type="Order"))
    assert outcome.status == "ok", outcome.to_dict()
    for expr, shown, message in zip(expressions, results, outcome.messages, strict=True):
        if shown is None:
            continue
        text = shown[1:-1] if shown.startswith('"') and shown.endswith('"') else shown
        assert message.text == text, f"{expr} gives {message.text!r}, the doc says {shown}"


def test_language_md_says_the_null_rule_prominently() -> None:
    head = LANGUAGE[: LANGUAGE.index("\n## ", LANGUAGE.index("\n## ") + 1)]
    for phrase in ('`x != "a"` is false', '`not (x == "a")` is true', '`x != "a" or x is null`'):
        assert phrase in head, f"the null box near the top must say {phrase}"


# ------------------------------------------------------------------------------ cli.md


CLI = read("cli.md")


CLI_RULES_BLOCKS = [b for b in blocks(CLI) if b.tags[:1] == ["rules"]]


@pytest.mark.parametrize("block", CLI_RULES_BLOCKS, ids=[f"line{b.line}" for b in CLI_RULES_BLOCKS])
def test_cli_md_rule_files_check_clean(block: Block) -> None:
    assert diagnostics_of(block.text) == [], f"docs/cli.md line {block.line}"


def test_cli_md_names_every_command_and_option() -> None:
    assert isinstance(cli, click.Group)
    for name, command in cli.commands.items():
        assert f"procrules {name}" in CLI, f"command {name} is not documented"
        for param in command.params:
            if isinstance(param, click.Option):
                for option in param.opts:
                    if option.startswith("--") and option != "--help":
                        assert f"`{option}" in CLI, f"{name} {option} is not documented"


def python_examples() -> list[tuple[Block, Block | None]]:
    """Each ``python`` block of cli.md with the ``text output`` block right after it, if any."""
    found = blocks(CLI)
    out = []
    for n, block in enumerate(found):
        if block.tags[:1] == ["python"]:
            nxt = found[n + 1] if n + 1 < len(found) else None
            out.append((block, nxt if nxt is not None and nxt.tags == ["text", "output"] else None))
    return out


PYTHON_BLOCKS = python_examples()


def test_cli_md_has_a_python_example() -> None:
    assert PYTHON_BLOCKS


@pytest.mark.parametrize(
    ("block", "output"), PYTHON_BLOCKS, ids=[f"line{b.line}" for b, _ in PYTHON_BLOCKS]
)
def test_cli_md_python_examples_run(block: Block, output: Block | None) -> None:
    printed = io.StringIO()
    with contextlib.chdir(ROOT), contextlib.redirect_stdout(printed):
        exec(compile(block.text, f"docs/cli.md:{block.line}", "exec"), {})
    if output is not None:
        assert printed.getvalue() == output.text, f"docs/cli.md line {block.line}"
