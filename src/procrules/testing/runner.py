"""Running rule test files: finding them, loading their rules once, running every case.

This module owns the run of ``procrules test``: :func:`discover` finds the ``*.test.yaml`` files
under the paths given; :class:`Runner` validates each file (:mod:`procrules.testing.loader`),
loads the rules it names (each set of rule paths once, shared by the files that name it), and
evaluates each case's record with ``Book.explain`` -- one explain per case, whose trace explains
failures and feeds the coverage -- then compares the result with the case's ``expect``
(:mod:`procrules.testing.compare`). A broken file becomes a :class:`FileResult` with an
``error``; it never stops the other files.
"""

from __future__ import annotations

import copy
import os
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from procrules.testing.compare import Failure, RuleNames, check_case
from procrules.testing.loader import load_test_file
from procrules.testing.model import Problem, TestFileError

if TYPE_CHECKING:
    from collections.abc import Iterable, Sequence

    from procrules.engine import Book
    from procrules.testing.coverage import Coverage
    from procrules.testing.model import Case, TestFile

SUFFIX = ".test.yaml"
_SKIPPED_DIRS = frozenset({"node_modules", "__pycache__"})


@dataclass(slots=True)
class CaseResult:
    name: str
    line: int
    failures: list[Failure] = field(default_factory=list)
    seconds: float = 0.0

    @property
    def passed(self) -> bool:
        return not self.failures


@dataclass(slots=True)
class FileResult:
    path: Path
    label: str
    cases: list[CaseResult] = field(default_factory=list)
    error: TestFileError | None = None
    seconds: float = 0.0

    @property
    def passed(self) -> int:
        return sum(1 for c in self.cases if c.passed)

    @property
    def failed(self) -> int:
        return sum(1 for c in self.cases if not c.passed)


def discover(paths: Sequence[str]) -> list[tuple[Path, str]]:
    """The test files under ``paths`` as (path, label): files as given, directories searched
    recursively for ``*.test.yaml`` (skipping hidden directories such as ``.git``/``.venv``),
    in path order; each file once."""
    found: list[tuple[Path, str]] = []
    seen: set[Path] = set()
    for given in paths:
        path = Path(given)
        candidates = _walk(path) if path.is_dir() else [path]
        for candidate in candidates:
            key = candidate.resolve()
            if key not in seen:
                seen.add(key)
                found.append((candidate, candidate.as_posix()))
    return found


def _walk(directory: Path) -> list[Path]:
    out: list[Path] = []
    for root, dirs, files in os.walk(directory):
        dirs[:] = sorted(d for d in dirs if not d.startswith(".") and d not in _SKIPPED_DIRS)
        out.extend(Path(root) / name for name in files if name.endswith(SUFFIX))
    return sorted(out)


class Runner:
    """Runs test files; with a :class:`Coverage`, adds every case's trace to it."""

    def __init__(self, coverage: Coverage | None = None) -> None:
        self.coverage = coverage
        self._books: dict[tuple[str, ...], Book | TestFileError] = {}

    def run(self, files: Iterable[tuple[Path, str]]) -> list[FileResult]:
        return [self.run_file(path, label) for path, label in files]

    def run_file(self, path: Path, label: str) -> FileResult:
        started = time.perf_counter()
        result = FileResult(path, label)
        try:
            test = load_test_file(path, label)
            book = self._book(test)
        except TestFileError as exc:
            result.error = exc
        else:
            names = RuleNames(book)
            result.cases = [self._case(book, names, case) for case in test.cases]
        result.seconds = time.perf_counter() - started
        return result

    def _book(self, test: TestFile) -> Book:
        key = tuple(test.rules)
        book = self._books.get(key)
        if book is None:
            book = self._books[key] = _load(key)
            if self.coverage is not None and not isinstance(book, TestFileError):
                self.coverage.register(book)
        if isinstance(book, TestFileError):
            problem = book.problems[0]
            here = Problem(
                test.label, test.rules_line, test.rules_column, problem.message, problem.hint
            )
            raise TestFileError([here], book.details)
        return book

    def _case(self, book: Book, names: RuleNames, case: Case) -> CaseResult:
        from procrules.engine import Context

        started = time.perf_counter()
        outcome = CaseResult(case.name, case.line)
        context = Context(
            case.context.record_type,
            case.context.direction,  # type: ignore[arg-type]
            case.context.connection,
        )
        try:
            result, trace = book.explain(copy.deepcopy(case.record), context)
            outcome.failures = check_case(case, result, trace, names)
        except Exception as exc:  # noqa: BLE001 - a case never stops the run
            outcome.failures = [Failure("error", case.line, f"internal error: {exc!r}")]
        else:
            if self.coverage is not None:
                self.coverage.add(book, trace)
        outcome.seconds = time.perf_counter() - started
        return outcome


def _load(paths: tuple[str, ...]) -> Book | TestFileError:
    """The rule book of some rule paths, or the problem (rule files with errors)."""
    import procrules
    from procrules.language.frontend import RuleFileNotFoundError

    try:
        return procrules.load(list(paths))
    except RuleFileNotFoundError as exc:
        return TestFileError([Problem("", 1, 1, f'"rules": {exc}')])
    except procrules.RuleError as exc:
        errors = sum(len(f.errors) + f.dropped for f in exc.files)
        broken = [f.file.label for f in exc.files if not f.ok]
        details = "\n\n".join(f.render() for f in exc.files if f.diagnostics)
        message = (
            f"the rule files have {errors} error{'s' if errors != 1 else ''} "
            f"(in {', '.join(broken)}): no case of this file ran"
        )
        return TestFileError([Problem("", 1, 1, message, "run 'procrules check' on them")], details)
