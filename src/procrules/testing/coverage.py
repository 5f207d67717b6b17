"""Coverage of rule files by test cases (``procrules test --coverage``).

This module owns what is counted and how (docs/testing.md, "Coverage"). Per rule file, over
every case that ran against it:

* each enabled rule: did it fire at least once? (disabled rules are listed, not counted);
* each *condition*: the whole ``when`` condition of a rule, and every operand of an ``and`` /
  ``or`` in it (at any depth; a chain ``a and b and c`` has the three operands ``a``, ``b``,
  ``c``; ``not x`` is looked through): was it seen true, and was it seen false?

``percent = (rules fired + condition outcomes seen) / (rules + 2 * conditions)``, rounded down
to one decimal, so 100.0 means complete.

The outcomes come from ``Book.explain``'s trace, one explain per case. The trace records only
*leaf* conditions (comparisons, ``is`` checks, ``exists``, bool values), in evaluation order,
with their text and the position of their (left) operand; it has no outcome for ``and``/``or``/
``not`` nodes and no ids for condition nodes. So each rule's condition tree is taken from the
rule file's syntax tree, its leaves are matched to trace entries by (line, column of the
operand, source text), and the outcomes of ``and``/``or`` operands are recomputed with the same
short-circuit order the engine uses. An operand that short-circuit skipped was not evaluated
and gets no outcome.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import ROUND_FLOOR, Decimal
from typing import TYPE_CHECKING, Any

from procrules.engine.trace import source_text
from procrules.language import ast

if TYPE_CHECKING:
    from pathlib import Path

    from procrules.engine import Book, Trace
    from procrules.engine.trace import RuleTrace
    from procrules.language.frontend import CheckedFile

LeafKey = tuple[int, int, str]


@dataclass(slots=True)
class Point:
    """One condition: the whole ``when`` (``kind == "condition"``) or an ``and``/``or``
    operand (``"operand"``), and the outcomes seen."""

    node: ast.Condition
    kind: str
    line: int
    column: int
    text: str
    seen: set[bool] = field(default_factory=set)

    def missing(self) -> list[bool]:
        return [o for o in (True, False) if o not in self.seen]

    def to_dict(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "line": self.line,
            "column": self.column,
            "text": self.text,
            "seen_true": True in self.seen,
            "seen_false": False in self.seen,
        }


@dataclass(slots=True)
class RuleCoverage:
    name: str
    line: int
    disabled: bool
    points: list[Point]
    fired: int = 0
    evaluated: int = 0

    def to_dict(self) -> dict[str, Any]:
        return {
            "rule": self.name,
            "line": self.line,
            "disabled": self.disabled,
            "fired": self.fired,
            "evaluated": self.evaluated,
            "conditions": [p.to_dict() for p in self.points],
        }


@dataclass(slots=True)
class FileCoverage:
    """The coverage of one rule file."""

    label: str
    ruleset: str
    rules: list[RuleCoverage]

    @property
    def enabled(self) -> list[RuleCoverage]:
        return [r for r in self.rules if not r.disabled]

    @property
    def points(self) -> list[Point]:
        return [p for r in self.enabled for p in r.points]

    def counts(self) -> tuple[int, int, int, int]:
        """(rules fired, rules, condition outcomes seen, conditions)."""
        rules = self.enabled
        points = self.points
        return (
            sum(1 for r in rules if r.fired),
            len(rules),
            sum(len(p.seen) for p in points),
            len(points),
        )

    def percent(self) -> Decimal:
        fired, rules, seen, points = self.counts()
        return percent(fired + seen, rules + 2 * points)

    def to_dict(self) -> dict[str, Any]:
        fired, rules, seen, points = self.counts()
        return {
            "file": self.label,
            "ruleset": self.ruleset,
            "percent": self.percent(),
            "rules": rules,
            "rules_fired": fired,
            "conditions": points,
            "condition_outcomes": 2 * points,
            "condition_outcomes_seen": seen,
            "not_fired": [{"rule": r.name, "line": r.line} for r in self.enabled if not r.fired],
            "disabled": [{"rule": r.name, "line": r.line} for r in self.rules if r.disabled],
            "uncovered_conditions": [
                {
                    "rule": r.name,
                    **p.to_dict(),
                    "never": ["true" if o else "false" for o in p.missing()],
                }
                for r in self.enabled
                for p in r.points
                if p.missing()
            ],
            "details": [r.to_dict() for r in self.rules],
        }


def percent(part: int, whole: int) -> Decimal:
    """``part / whole`` in percent, rounded down to one decimal (100.0 when ``whole`` is 0)."""
    if whole == 0:
        return Decimal("100.0")
    return (Decimal(part) * 100 / Decimal(whole)).quantize(Decimal("0.1"), rounding=ROUND_FLOOR)


# ---------------------------------------------------------------------------------- syntax


def _leaf_key(node: ast.Condition, source: str | None) -> LeafKey:
    """The key the trace gives the leaf: its operand's position and its source text (the
    operand as the engine's ``TraceNode`` takes it)."""
    operand: Any
    if isinstance(node, ast.Compare):
        operand = node.left
    elif isinstance(node, ast.IsCheck):
        operand = node.operand
    elif isinstance(node, ast.Exists):
        operand = node.target
    elif isinstance(node, ast.Truthy):
        operand = node.expr
    else:  # pragma: no cover - only leaves are asked for
        operand = node
    return operand.span.line, operand.span.column, source_text(source, node.span)


def _operands(node: ast.Condition) -> list[ast.Condition]:
    """The operands of an ``and`` / ``or`` chain (``a and b and c`` -> a, b, c)."""
    kind = type(node)
    out: list[ast.Condition] = []
    assert isinstance(node, ast.And | ast.Or)
    sides: tuple[ast.Condition, ast.Condition] = (node.left, node.right)
    for side in sides:
        out.extend(_operands(side) if type(side) is kind else [side])
    return out


def _points(node: ast.Condition, source: str | None, out: list[Point]) -> None:
    """The operands of every ``and`` / ``or`` inside ``node``, in source order."""
    if isinstance(node, ast.Not):
        _points(node.operand, source, out)
    elif isinstance(node, ast.And | ast.Or):
        for operand in _operands(node):
            out.append(_point(operand, "operand", source))
            _points(operand, source, out)


def _point(node: ast.Condition, kind: str, source: str | None) -> Point:
    span = node.span
    text = source_text(source, span)
    # The span of `a and (b or c)` ends with `c`: close the parentheses it opened.
    text += ")" * max(0, text.count("(") - text.count(")"))
    return Point(node, kind, span.line, span.column, text)


def file_coverage(checked: CheckedFile) -> FileCoverage:
    """The empty coverage of a rule file, from its syntax tree."""
    ruleset = checked.ruleset
    assert ruleset is not None
    source = checked.source
    rules: list[RuleCoverage] = []
    for rule in ruleset.rules:
        points: list[Point] = []
        if rule.condition is not None:
            points.append(_point(rule.condition, "condition", source))
            _points(rule.condition, source, points)
        rules.append(RuleCoverage(rule.name, rule.keyword_span.line, rule.disabled, points))
    return FileCoverage(checked.file.label, checked.name, rules)


# ---------------------------------------------------------------------------------- outcomes


def _evaluate(
    node: ast.Condition,
    leaves: dict[LeafKey, bool],
    source: str | None,
    outcomes: dict[int, bool],
) -> bool | None:
    """Recompute a condition's outcome from its leaves' outcomes, in the engine's
    short-circuit order, writing the outcome of every node evaluated into ``outcomes`` (by
    ``id``). ``None``: not known (a leaf without a trace entry)."""
    result: bool | None
    if isinstance(node, ast.Not):
        inner = _evaluate(node.operand, leaves, source, outcomes)
        result = None if inner is None else not inner
    elif isinstance(node, ast.And | ast.Or):
        stop_at = isinstance(node, ast.Or)  # `or` stops at the first true, `and` at a false
        result = not stop_at
        for operand in _operands(node):
            got = _evaluate(operand, leaves, source, outcomes)
            if got is None:
                result = None
                break
            if got is stop_at:
                result = stop_at
                break
    else:
        result = leaves.get(_leaf_key(node, source))
    if result is not None:
        outcomes[id(node)] = result
    return result


class Coverage:
    """Coverage gathered over many cases, per rule file (by its resolved path)."""

    def __init__(self) -> None:
        self.files: dict[Path, FileCoverage] = {}

    def register(self, book: Book) -> None:
        """Count the rule files of a book (so a file no case reaches shows as uncovered)."""
        for checked in book.files:
            key = checked.file.path.resolve()
            if key not in self.files:
                self.files[key] = file_coverage(checked)

    def add(self, book: Book, trace: Trace) -> None:
        """Add one case's trace of an evaluation with ``book``."""
        self.register(book)
        for checked, rs_trace in zip(book.files, trace.rulesets, strict=False):
            cover = self.files[checked.file.path.resolve()]
            by_name = {r.name: r for r in cover.rules}
            for rule_trace in rs_trace.rules:
                rule = by_name.get(rule_trace.rule)
                if rule is not None:
                    self._add_rule(cover, rule, rule_trace, checked.source)

    @staticmethod
    def _add_rule(
        cover: FileCoverage, rule: RuleCoverage, trace: RuleTrace, source: str | None
    ) -> None:
        if trace.reason in ("disabled", "scope", "stopped", "ended"):
            return
        rule.evaluated += 1
        if trace.outcome == "fired":
            rule.fired += 1
        if not rule.points:
            return
        leaves: dict[LeafKey, bool] = {}
        for entry in trace.conditions:
            leaves.setdefault((entry.line, entry.column, entry.text), entry.result)
        outcomes: dict[int, bool] = {}
        whole = _evaluate(rule.points[0].node, leaves, source, outcomes)
        if whole is None and trace.outcome == "fired":
            outcomes[id(rule.points[0].node)] = True
        elif whole is None and trace.reason == "condition false":
            outcomes[id(rule.points[0].node)] = False
        for point in rule.points:
            outcome = outcomes.get(id(point.node))
            if outcome is not None:
                point.seen.add(outcome)

    def report(self) -> list[FileCoverage]:
        """Every rule file's coverage, in path order."""
        return [self.files[k] for k in sorted(self.files)]

    def total(self) -> Decimal:
        fired = rules = seen = points = 0
        for cover in self.files.values():
            f, r, s, p = cover.counts()
            fired, rules, seen, points = fired + f, rules + r, seen + s, points + p
        return percent(fired + seen, rules + 2 * points)
