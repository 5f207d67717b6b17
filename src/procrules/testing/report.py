"""The reports of ``procrules test``: readable text, one JSON document, JUnit XML.

This module owns how results look. The text report (rich; coloured only on a terminal) has per
test file a line per case -- ``PASS name`` or ``FAIL name  (file:line)`` followed by each
failure: what differs, a diff (``-`` expected, ``+`` actual) and why the rules concerned fired
or not -- and ``ERROR`` with every problem of a broken file; then the coverage, when asked for;
the last line is the summary ``N passed, M failed`` (``, K errors`` when test files are broken).
``--format json`` gives the same as data; ``--junit FILE`` writes JUnit XML for CI systems
(one ``testsuite`` per test file, one ``testcase`` per case; a broken file is one ``testcase``
with an ``error``).
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from typing import TYPE_CHECKING, Any

from rich.text import Text

if TYPE_CHECKING:
    from pathlib import Path

    from rich.console import Console

    from procrules.testing.compare import Failure
    from procrules.testing.coverage import Coverage, FileCoverage
    from procrules.testing.runner import CaseResult, FileResult

_DIFF_STYLE = {"-": "red", "+": "green", " ": "dim"}


def counts(results: list[FileResult]) -> tuple[int, int, int]:
    """(cases passed, cases failed, broken test files)."""
    passed = sum(f.passed for f in results)
    failed = sum(f.failed for f in results)
    return passed, failed, sum(1 for f in results if f.error is not None)


def summary(results: list[FileResult]) -> str:
    """``N passed, M failed``, plus ``, K errors`` when test files are broken."""
    passed, failed, errors = counts(results)
    return f"{passed} passed, {failed} failed" + (f", {errors} errors" if errors else "")


# ---------------------------------------------------------------------------------- text


def render_file(console: Console, result: FileResult) -> None:
    console.print(Text(result.label, style="bold"))
    if result.error is not None:
        for problem in result.error.problems:
            line = Text().append("  ERROR ", style="bold red")
            line.append(problem.render().replace("\n", "\n        "))
            console.print(line)
        if result.error.details:
            console.print(_indent(result.error.details, "        "))
        return
    for case in result.cases:
        render_case(console, result.label, case)


def render_case(console: Console, label: str, case: CaseResult) -> None:
    if case.passed:
        line = Text().append("  PASS  ", style="green")
        line.append(case.name)
        console.print(line)
        return
    line = Text().append("  FAIL  ", style="bold red")
    line.append(case.name, style="bold")
    line.append(f"  ({label}:{case.line})")
    console.print(line)
    for failure in case.failures:
        render_failure(console, failure)


def render_failure(console: Console, failure: Failure) -> None:
    line = Text(f"        {failure.message}")
    line.append(f"  (line {failure.line})", style="dim")
    console.print(line)
    for sign, text in failure.diff:
        console.print(Text(f"          {sign} {text}", style=_DIFF_STYLE[sign]))
    if failure.why:
        console.print(Text("        why:", style="dim"))
        for text in failure.why:
            console.print(Text(f"          {text}", style="dim"))


def _indent(text: str, prefix: str) -> str:
    return "\n".join(prefix + line if line else line for line in text.splitlines())


def failure_text(failure: Failure) -> str:
    """A failure as plain text (JUnit)."""
    lines = [f"{failure.message} (line {failure.line})"]
    lines += [f"  {sign} {text}" for sign, text in failure.diff]
    if failure.why:
        lines.append("why:")
        lines += [f"  {text}" for text in failure.why]
    return "\n".join(lines)


def render_coverage(console: Console, coverage: Coverage) -> None:
    """Per rule file: the percentage, the counts, and what is not covered."""
    console.print(Text("Coverage", style="bold"))
    for cover in coverage.report():
        _file_coverage(console, cover)
    console.print(Text(f"  total: {coverage.total()}%"))


def _file_coverage(console: Console, cover: FileCoverage) -> None:
    fired, rules, seen, points = cover.counts()
    pct = cover.percent()
    style = "green" if fired == rules and seen == 2 * points else "yellow"
    head = Text(f"  {cover.label} ({cover.ruleset}): ")
    head.append(f"{pct}%", style=style)
    head.append(f"  {fired}/{rules} rules fired, {seen}/{2 * points} condition outcomes seen")
    console.print(head)
    for rule in cover.rules:
        if rule.disabled:
            console.print(
                Text(
                    f'      rule "{rule.name}" (line {rule.line}): disabled, not counted',
                    style="dim",
                )
            )
            continue
        if not rule.fired:
            never = "never evaluated" if not rule.evaluated else "never fired"
            console.print(
                Text(f'      rule "{rule.name}" (line {rule.line}): {never}', style="yellow")
            )
        for point in rule.points:
            missing = point.missing()
            if not missing:
                continue
            if len(missing) == 2:
                what = "never evaluated"
            else:
                what = f"never {'true' if missing[0] else 'false'}"
            console.print(
                Text(
                    f'      rule "{rule.name}", line {point.line}: {point.text}  -> {what}',
                    style="yellow",
                )
            )


# ---------------------------------------------------------------------------------- JSON


def json_document(results: list[FileResult], coverage: Coverage | None) -> dict[str, Any]:
    """Everything as one JSON-ready document (``--format json``)."""
    passed, failed, errors = counts(results)
    files: list[dict[str, Any]] = []
    for result in results:
        entry: dict[str, Any] = {"file": result.label, "error": None, "cases": []}
        if result.error is not None:
            entry["error"] = {
                "problems": [p.to_dict() for p in result.error.problems],
                "details": result.error.details or None,
            }
        entry["cases"] = [
            {
                "name": c.name,
                "line": c.line,
                "passed": c.passed,
                "failures": [f.to_dict() for f in c.failures],
            }
            for c in result.cases
        ]
        files.append(entry)
    document: dict[str, Any] = {
        "files": files,
        "summary": {"passed": passed, "failed": failed, "errors": errors},
    }
    if coverage is not None:
        document["coverage"] = {
            "files": [c.to_dict() for c in coverage.report()],
            "percent": coverage.total(),
        }
    return document


# ---------------------------------------------------------------------------------- JUnit

_XML_INVALID = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def _clean(text: str) -> str:
    return _XML_INVALID.sub("?", text)


def junit_tree(results: list[FileResult]) -> ET.ElementTree[ET.Element]:
    passed, failed, errors = counts(results)
    total_time = sum(r.seconds for r in results)
    root = ET.Element(
        "testsuites",
        name="procrules test",
        tests=str(passed + failed + errors),
        failures=str(failed),
        errors=str(errors),
        time=f"{total_time:.3f}",
    )
    for result in results:
        classname = result.label.removesuffix(".test.yaml").replace("/", ".")
        cases = result.cases
        suite = ET.SubElement(
            root,
            "testsuite",
            name=result.label,
            tests=str(len(cases) or 1),
            failures=str(result.failed),
            errors="1" if result.error is not None else "0",
            skipped="0",
            time=f"{result.seconds:.3f}",
            file=result.label,
        )
        if result.error is not None:
            case = ET.SubElement(
                suite,
                "testcase",
                name="(the test file)",
                classname=classname,
                file=result.label,
                time="0",
            )
            first = result.error.problems[0].render() if result.error.problems else "error"
            error = ET.SubElement(
                case, "error", message=_clean(first.splitlines()[0]), type="TestFileError"
            )
            details = "\n".join(p.render() for p in result.error.problems)
            if result.error.details:
                details += "\n\n" + result.error.details
            error.text = _clean(details)
            continue
        for c in cases:
            element = ET.SubElement(
                suite,
                "testcase",
                name=_clean(c.name),
                classname=classname,
                file=result.label,
                line=str(c.line),
                time=f"{c.seconds:.3f}",
            )
            if c.failures:
                failure = ET.SubElement(
                    element,
                    "failure",
                    type="ExpectationFailed",
                    message=_clean(c.failures[0].message),
                )
                failure.text = _clean("\n\n".join(failure_text(f) for f in c.failures))
    ET.indent(root)
    return ET.ElementTree(root)


def write_junit(results: list[FileResult], target: Path) -> None:
    junit_tree(results).write(target, encoding="utf-8", xml_declaration=True)
