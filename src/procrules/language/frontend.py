"""The front door of the language: rule files on disk -> parsed, checked rule sets + diagnostics.

Finds ``*.rules`` files (files and directories, recursively, in path order), reads each one,
parses and checks it, and gives back a :class:`CheckedFile` per file: the AST (when it parsed),
the rule set's name, and its diagnostics sorted by position. Nothing here raises for a bad rule
file; only a missing path raises :class:`RuleFileNotFoundError` (a usage error for the CLI).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from procrules.language.ast import Span
from procrules.language.checker import check
from procrules.language.diagnostics import Diagnostic, DiagnosticSink, Severity, render_all
from procrules.language.limits import drop_too_deep, drop_too_many
from procrules.language.parser import parse

if TYPE_CHECKING:
    from collections.abc import Iterable, Sequence

    from procrules.language.ast import RuleSet
    from procrules.language.checker.context import CheckContext

#: Largest rule file read, in bytes; a larger one is an E501 diagnostic.
MAX_FILE_BYTES = 1_000_000


class RuleFileNotFoundError(FileNotFoundError):
    """A path given on the command line or to ``load`` does not exist."""


@dataclass(frozen=True, slots=True)
class RuleFile:
    """A rule file to read: where it is, how diagnostics name it, and its default rule-set name."""

    path: Path
    label: str
    default_name: str


@dataclass(frozen=True, slots=True)
class CheckedFile:
    """One rule file after parsing and checking."""

    file: RuleFile
    source: str | None
    ruleset: RuleSet | None
    diagnostics: tuple[Diagnostic, ...]
    dropped: int = 0
    #: What the checker resolved (scopes, consts); the compiler reuses it instead of re-checking.
    context: CheckContext | None = None

    @property
    def name(self) -> str:
        """The rule set's name: its ``ruleset`` header, else the default from its path."""
        if self.ruleset is not None and self.ruleset.name:
            return self.ruleset.name
        return self.file.default_name

    @property
    def ok(self) -> bool:
        return self.ruleset is not None and not any(d.is_error for d in self.diagnostics)

    @property
    def errors(self) -> tuple[Diagnostic, ...]:
        return tuple(d for d in self.diagnostics if d.is_error)

    def render(self) -> str:
        return render_all(self.diagnostics, self.source, self.dropped)


def find_rule_files(paths: Iterable[str | Path]) -> list[RuleFile]:
    """Every ``*.rules`` file named by ``paths``: files as given, directories recursively.

    The default rule-set name is the path relative to the directory given, without ``.rules``
    (``orders/intake``); for a file given directly, its name without ``.rules``.
    """
    found: list[RuleFile] = []
    for given in paths:
        path = Path(given)
        if path.is_dir():
            for file in sorted(path.rglob("*.rules")):
                if file.is_file():
                    rel = file.relative_to(path).with_suffix("").as_posix()
                    found.append(RuleFile(file, _label(file), rel))
        elif path.is_file():
            found.append(RuleFile(path, _label(path), path.name.removesuffix(".rules")))
        else:
            raise RuleFileNotFoundError(f"no such file or directory: {given}")
    return found


def _label(path: Path) -> str:
    return path.as_posix()


def check_source(source: str, label: str = "<string>") -> tuple[RuleSet | None, DiagnosticSink]:
    """Parse and check one file's text; the diagnostics are in the returned sink."""
    ruleset, sink, _ = check_source_context(source, label)
    return ruleset, sink


def check_source_context(
    source: str, label: str = "<string>"
) -> tuple[RuleSet | None, DiagnosticSink, CheckContext | None]:
    """:func:`check_source`, also giving the checker's context (``None`` if nothing parsed)."""
    sink = DiagnosticSink()
    if len(source.encode("utf-8", "surrogatepass")) > MAX_FILE_BYTES:
        sink.error("E501", f"the file is larger than {MAX_FILE_BYTES:,} bytes", _start(label),
                   "split the rules over several files")  # fmt: skip
        return None, sink, None
    parsed = parse(source, label)
    sink.extend(parsed.diagnostics)
    ruleset, ctx = parsed.ruleset, None
    if ruleset is not None:
        ruleset = drop_too_deep(drop_too_many(ruleset, sink), sink)
        ctx = check(ruleset, sink, partial=any(d.is_error for d in parsed.diagnostics))
    return ruleset, sink, ctx


def check_file(file: RuleFile) -> CheckedFile:
    """Read, parse and check one rule file. Unreadable text is a diagnostic, not an exception."""
    try:
        raw = file.path.read_bytes()
    except OSError as exc:
        diag = Diagnostic("E101", Severity.ERROR, f"cannot read the file: {exc.strerror}",
                          _start(file.label))  # fmt: skip
        return CheckedFile(file, None, None, (diag,))
    try:
        source = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        diag = Diagnostic("E101", Severity.ERROR, "the file is not UTF-8 text",
                          Span(file.label, line, 1, line, 1), "save the file as UTF-8")  # fmt: skip
        return CheckedFile(file, None, None, (diag,))
    ruleset, sink, ctx = check_source_context(source, file.label)
    return CheckedFile(file, source, ruleset, tuple(sink.sorted()), sink.dropped, ctx)


def check_paths(paths: Sequence[str | Path]) -> list[CheckedFile]:
    """Check every rule file under ``paths`` (raises :class:`RuleFileNotFoundError`)."""
    return [check_file(f) for f in find_rule_files(paths)]


def _start(label: str) -> Span:
    return Span(label, 1, 1, 1, 1)
