"""Explaining an evaluation (``dry-run``, coverage): which rules fired, why the others did not,
and each condition's operands and outcome.

``Book.explain`` evaluates with functions generated in *trace* mode: each leaf condition
(comparison, ``is`` check, ``exists``, bool value) calls :func:`leaf`, which appends its operands
and outcome to the state's trace list. ``apply`` uses functions generated without it, so it never
pays for tracing. The trace is gathered into a :class:`Trace`: per rule set (and whether it ran),
per rule the outcome (``fired``, or why not: ``scope``, ``disabled``, ``stopped``, ``ended``,
``condition false``, ``error``), and the conditions evaluated, in evaluation order.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from procrules.engine.jsonform import plain
from procrules.records import format_decimal

if TYPE_CHECKING:
    from procrules.engine.state import State
    from procrules.language.ast import Span


class _NotEvaluated:
    """An operand that was not evaluated (the left one was null)."""

    __slots__ = ()

    def __repr__(self) -> str:
        return "NOT_EVALUATED"

    def __reduce__(self) -> str:
        return "NOT_EVALUATED"


NOT_EVALUATED = _NotEvaluated()


@dataclass(frozen=True, slots=True)
class TraceNode:
    """A leaf condition: its span, the span of its (left) operand, and its operator text."""

    span: Span
    operand: Span
    op: str


def leaf(st: State, node: TraceNode, left: Any, right: Any, result: Any) -> Any:
    """Record one leaf condition's operands and outcome; returns the outcome."""
    assert st.trace is not None
    st.trace.append((node, left, right, bool(result)))
    return result


def _value(value: Any) -> Any:
    """An operand as JSON for display: decimals as their exact text, times as ISO text."""
    if value is NOT_EVALUATED:
        return None
    try:
        return _shown(plain(value))
    except (ValueError, TypeError):
        return repr(value)


def _shown(value: Any) -> Any:
    if isinstance(value, Decimal):
        return format_decimal(value)
    if isinstance(value, list):
        return [_shown(v) for v in value]
    if isinstance(value, set | frozenset):  # a literal list folded into a set for `in`
        return sorted((_shown(v) for v in value), key=lambda v: (str(type(v)), str(v)))
    if isinstance(value, dict):
        return {k: _shown(v) for k, v in value.items()}
    return value


def source_text(source: str | None, span: Span) -> str:
    """The text a span covers in its file (one line per line break kept), or ``""``."""
    if source is None or span.line <= 0:
        return ""
    lines = source.splitlines()
    if span.line > len(lines):
        return ""
    if span.end_line == span.line:
        return lines[span.line - 1][span.column - 1 : span.end_column - 1]
    first = lines[span.line - 1][span.column - 1 :]
    middle = lines[span.line : span.end_line - 1]
    last = lines[span.end_line - 1][: span.end_column - 1] if span.end_line <= len(lines) else ""
    return " ".join(x.strip() for x in [first, *middle, last] if x.strip())


@dataclass(frozen=True, slots=True)
class ConditionTrace:
    """One evaluated leaf condition."""

    text: str
    op: str
    line: int
    column: int
    left: Any
    right: Any
    result: bool
    right_evaluated: bool = True

    def to_dict(self) -> dict[str, Any]:
        """The condition as JSON; ``right`` is absent when it was not evaluated (left null)."""
        out = {
            "text": self.text,
            "op": self.op,
            "line": self.line,
            "column": self.column,
            "left": self.left,
            "right": self.right,
            "result": self.result,
        }
        if not self.right_evaluated:
            del out["right"]
        return out


@dataclass(slots=True)
class RuleTrace:
    """One rule: ``outcome`` is ``fired`` or ``not fired``; ``reason`` says why not."""

    rule: str
    line: int
    outcome: str
    reason: str | None = None
    conditions: list[ConditionTrace] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {
            "rule": self.rule,
            "line": self.line,
            "outcome": self.outcome,
            "reason": self.reason,
            "conditions": [c.to_dict() for c in self.conditions],
        }


@dataclass(slots=True)
class RuleSetTrace:
    ruleset: str
    file: str
    ran: bool
    reason: str | None = None
    rules: list[RuleTrace] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {
            "ruleset": self.ruleset,
            "file": self.file,
            "ran": self.ran,
            "reason": self.reason,
            "rules": [r.to_dict() for r in self.rules],
        }


@dataclass(slots=True)
class Trace:
    """The explanation of one record's evaluation."""

    record_type: str | None
    direction: str
    connection: str | None
    rulesets: list[RuleSetTrace] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {
            "recordType": self.record_type,
            "direction": self.direction,
            "connection": self.connection,
            "rulesets": [r.to_dict() for r in self.rulesets],
        }

    def rule(self, ruleset: str, rule: str) -> RuleTrace | None:
        """The trace of one rule, by names (for tests and the CLI)."""
        for rs in self.rulesets:
            if rs.ruleset == ruleset:
                return next((r for r in rs.rules if r.rule == rule), None)
        return None


def conditions_of(entries: list[Any], source: str | None) -> list[ConditionTrace]:
    """The recorded leaf entries as :class:`ConditionTrace` (JSON-ready values)."""
    out: list[ConditionTrace] = []
    for node, left, right, result in entries:
        out.append(
            ConditionTrace(
                text=source_text(source, node.span),
                op=node.op,
                line=node.operand.line,
                column=node.operand.column,
                left=_value(left),
                right=_value(right),
                result=result,
                right_evaluated=right is not NOT_EVALUATED,
            )
        )
    return out
