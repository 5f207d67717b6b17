"""Comparing one result with a case's ``expect``: the comparison rules and the failures.

This module owns what "matches" means (docs/testing.md, "How values are compared"):

* ``record`` is a subset: every field written must match, fields not written are not looked at;
  a mapping inside is a subset too; a list must have exactly as many elements, each matched by
  the same rules (so a row written as ``{sku: X}`` checks only the SKU of that row);
  ``null`` matches a field that is null or missing.
* A number written in YAML (``549.00``, ``0``) matches a number or a numeric text of equal
  value (``"549.00"``, ``"549.0"``); a quoted text matches exactly that text (or a number of
  equal value). Booleans match only booleans; decimals are exact, never floats.
* ``fired``, ``changes`` and ``messages`` are the complete lists, in order; ``not_fired`` lists
  rules none of which may fire. A rule is named by its name, or as ``"rule set / rule"``.

Each difference becomes a :class:`Failure` (the line of the ``expect`` key, a message, the
expected and actual values, a diff and, for rules, why they fired or not, from the trace).
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, field
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from procrules import jsonio
from procrules.testing.model import UNSET, ChangeSpec, MessageSpec

if TYPE_CHECKING:
    from procrules.engine import Book, Result, Trace
    from procrules.engine.result import Change, FiredRule, Message
    from procrules.testing.model import Case

_NUMERIC_TEXT = re.compile(r"^-?[0-9]+(?:\.[0-9]+)?(?:[eE][-+]?[0-9]+)?$")
_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


@dataclass(slots=True)
class Failure:
    """One difference between the expected and the actual result."""

    key: str
    line: int
    message: str
    expected: Any = None
    actual: Any = None
    diff: list[tuple[str, str]] = field(default_factory=list)  # (" " | "-" | "+", text)
    why: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {
            "key": self.key,
            "line": self.line,
            "message": self.message,
            "expected": _json(self.expected),
            "actual": _json(self.actual),
        }


def _json(value: Any) -> Any:
    if isinstance(value, ChangeSpec):
        out = {"path": value.path, "before": value.before, "after": value.after, "rule": value.rule}
        return {k: _json(v) for k, v in out.items() if v is not UNSET and v is not None}
    if isinstance(value, MessageSpec):
        return {
            k: v
            for k, v in (("level", value.level), ("text", value.text), ("rule", value.rule))
            if v is not None
        }
    if isinstance(value, list):
        return [_json(v) for v in value]
    if isinstance(value, dict):
        return {k: _json(v) for k, v in value.items()}
    return None if value is UNSET else value


def show(value: Any) -> str:
    """A value as compact JSON text: texts quoted, decimals with their exact digits."""
    if value is UNSET:
        return "…"
    try:
        return jsonio.dumps(_json(value))
    except (TypeError, ValueError):
        return repr(value)


# ---------------------------------------------------------------------------------- values


def _number(value: Any) -> Decimal | None:
    """A JSON number, or a numeric text, as an exact decimal; else ``None``."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int | Decimal):
        return Decimal(value)
    if isinstance(value, str) and _NUMERIC_TEXT.match(value):
        return Decimal(value)
    return None


def scalar_matches(expected: Any, actual: Any) -> bool:
    """The comparison of two single values (see the module docstring)."""
    if expected is None or actual is None:
        return expected is None and actual is None
    if isinstance(expected, bool) or isinstance(actual, bool):
        return isinstance(expected, bool) and isinstance(actual, bool) and expected == actual
    if isinstance(expected, int | Decimal):
        number = _number(actual)
        return number is not None and number == expected
    if isinstance(expected, str):
        if isinstance(actual, str):
            return expected == actual
        number = _number(expected)
        return number is not None and isinstance(actual, int | Decimal) and number == actual
    return bool(expected == actual)


def step(path: str, key: str | int) -> str:
    """``record.customer`` + ``email``; ``["odd key"]`` for a key that is not a plain name."""
    if isinstance(key, int):
        return f"{path}[{key}]"
    return f"{path}.{key}" if _NAME.match(key) else f"{path}[{jsonio.dumps(key)}]"


def differences(expected: Any, actual: Any, path: str) -> list[tuple[str, Any, Any]]:
    """Every place where ``actual`` does not match ``expected``: (path, expected, actual);
    ``UNSET`` as the actual value means the field is missing."""
    if isinstance(expected, dict):
        if not isinstance(actual, dict):
            return [(path, expected, actual)]
        out: list[tuple[str, Any, Any]] = []
        for key, want in expected.items():
            if key not in actual:
                if want is not None:
                    out.append((step(path, key), want, UNSET))
                continue
            out.extend(differences(want, actual[key], step(path, key)))
        return out
    if isinstance(expected, list):
        if not isinstance(actual, list) or len(actual) != len(expected):
            return [(path, expected, actual)]
        found: list[tuple[str, Any, Any]] = []
        for index, (want, got) in enumerate(zip(expected, actual, strict=True)):
            found.extend(differences(want, got, step(path, index)))
        return found
    return [] if scalar_matches(expected, actual) else [(path, expected, actual)]


def matches(expected: Any, actual: Any) -> bool:
    return not differences(expected, actual, "")


# ---------------------------------------------------------------------------------- rules


class RuleNames:
    """The rules of a book, for naming them in ``fired``/``not_fired`` by name or as
    ``"rule set / rule"``."""

    def __init__(self, book: Book) -> None:
        self.pairs = [(rs.name, r.name) for rs in book.rulesets for r in rs.rules]
        self.spellings = sorted({r for _s, r in self.pairs} | {f"{s} / {r}" for s, r in self.pairs})

    @staticmethod
    def matches(entry: str, ruleset: str, rule: str) -> bool:
        return entry in (rule, f"{ruleset} / {rule}")

    def known(self, entry: str) -> bool:
        return any(self.matches(entry, s, r) for s, r in self.pairs)

    def unknown(self, entry: str) -> str:
        close = difflib.get_close_matches(entry, self.spellings, n=1, cutoff=0.6)
        hint = f' (did you mean "{close[0]}"?)' if close else ""
        return f'there is no rule "{entry}" in the rule files{hint}'

    def canonical(self, entry: str) -> str:
        found = [f"{s} / {r}" for s, r in self.pairs if self.matches(entry, s, r)]
        return found[0] if len(found) == 1 else entry


def _fired_text(fired: FiredRule) -> str:
    return f"{fired.ruleset} / {fired.rule}"


def why(trace: Trace, ruleset: str, rule: str) -> list[str]:
    """Why a rule fired or not, from the trace: its outcome and each condition's outcome."""
    found = trace.rule(ruleset, rule)
    if found is None:
        return [f'"{rule}": its rule set did not run for this record']
    outcome = found.outcome + (f" ({found.reason})" if found.reason else "")
    lines = [f'"{rule}" (line {found.line}): {outcome}']
    for condition in found.conditions:
        shown = [f"left {show(condition.left)}"] if not condition.op.endswith("exists") else []
        if condition.right_evaluated and not condition.op.endswith(("null", "empty", "exists")):
            shown.append(f"right {show(condition.right)}")
        values = f"  ({', '.join(shown)})" if shown else ""
        outcome_text = "true" if condition.result else "false"
        lines.append(f"  {condition.text or condition.op} -> {outcome_text}{values}")
    return lines


# ---------------------------------------------------------------------------------- checks


def check_case(case: Case, result: Result, trace: Trace, names: RuleNames) -> list[Failure]:
    """Every difference between the case's ``expect`` and the result."""
    expect = case.expect
    failures: list[Failure] = []
    if expect.status is not None and result.status != expect.status.value:
        reasons = [m.text for m in result.messages if m.level in ("warning", "error")]
        reason = f" ({'; '.join(reasons)})" if reasons else ""
        failures.append(
            Failure(
                "status",
                expect.status.line,
                f'status: expected "{expect.status.value}", got "{result.status}"{reason}',
                expect.status.value,
                result.status,
            )
        )
    if expect.fired is not None:
        failures.extend(_fired(expect.fired.value, expect.fired.line, result, trace, names))
    if expect.not_fired is not None:
        failures.extend(
            _not_fired(expect.not_fired.value, expect.not_fired.line, result, trace, names)
        )
    if expect.record is not None:
        failures.extend(_record(expect.record.value, expect.record.line, result.record))
    if expect.changes is not None:
        failure = _changes(expect.changes.value, expect.changes.line, result.changes, names)
        failures.extend([failure] if failure else [])
    if expect.messages is not None:
        failure = _messages(expect.messages.value, expect.messages.line, result.messages, names)
        failures.extend([failure] if failure else [])
    return failures


def _unknown(entries: list[str], key: str, line: int, names: RuleNames) -> list[Failure]:
    return [
        Failure(key, line, f"{key}: {names.unknown(e)}", e) for e in entries if not names.known(e)
    ]


def _fired(
    expected: list[str], line: int, result: Result, trace: Trace, names: RuleNames
) -> list[Failure]:
    unknown = _unknown(expected, "fired", line, names)
    if unknown:
        return unknown
    actual = result.fired
    if len(actual) == len(expected) and all(
        names.matches(e, a.ruleset, a.rule) for e, a in zip(expected, actual, strict=True)
    ):
        return []
    left = [names.canonical(e) for e in expected]
    right = [_fired_text(a) for a in actual]
    diff: list[tuple[str, str]] = []
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(a=left, b=right).get_opcodes():
        if tag == "equal":
            diff.extend((" ", text) for text in right[j1:j2])
            continue
        diff.extend(("-", text) for text in left[i1:i2])
        diff.extend(("+", text) for text in right[j1:j2])
    explained: list[str] = []
    for entry in expected:
        if not any(names.matches(entry, a.ruleset, a.rule) for a in actual):
            for ruleset, rule in names.pairs:
                if names.matches(entry, ruleset, rule):
                    explained.extend(why(trace, ruleset, rule))
    for a in actual:
        if not any(names.matches(e, a.ruleset, a.rule) for e in expected):
            explained.extend(why(trace, a.ruleset, a.rule))
    message = "fired: not the rules expected (- expected, did not fire; + fired, not expected)"
    if sorted(left) == sorted(right):
        message = "fired: the rules expected, but in another order (- expected, + fired)"
    return [Failure("fired", line, message, expected, right, diff, explained)]


def _not_fired(
    expected: list[str], line: int, result: Result, trace: Trace, names: RuleNames
) -> list[Failure]:
    failures = _unknown(expected, "not_fired", line, names)
    for entry in expected:
        for a in result.fired:
            if names.matches(entry, a.ruleset, a.rule):
                failures.append(
                    Failure(
                        "not_fired",
                        line,
                        f'not_fired: "{entry}" fired',
                        entry,
                        _fired_text(a),
                        [],
                        why(trace, a.ruleset, a.rule),
                    )
                )
    return failures


def _record(expected: dict[str, Any], line: int, record: Any) -> list[Failure]:
    if record is None:
        return [
            Failure(
                "record",
                line,
                "record: the result has no record (the input could not be read as a record)",
                expected,
                None,
            )
        ]
    failures: list[Failure] = []
    for path, want, got in differences(expected, record, "record"):
        if got is UNSET:
            message = f"{path}: expected {show(want)}, but the record has no such field"
        elif isinstance(want, list) and isinstance(got, list):
            message = (
                f"{path}: expected {len(want)} element{'s' if len(want) != 1 else ''}, "
                f"got {len(got)}: expected {show(want)}, got {show(got)}"
            )
        else:
            message = f"{path}: expected {show(want)}, got {show(got)}"
        failures.append(Failure(path, line, message, want, None if got is UNSET else got))
    return failures


def _positional(expected: list[str], actual: list[str], same: list[bool]) -> list[tuple[str, str]]:
    diff: list[tuple[str, str]] = []
    for index in range(max(len(expected), len(actual))):
        if index < len(same) and same[index]:
            diff.append((" ", actual[index]))
            continue
        if index < len(expected):
            diff.append(("-", expected[index]))
        if index < len(actual):
            diff.append(("+", actual[index]))
    return diff


def _change_matches(spec: ChangeSpec, change: Change, names: RuleNames) -> bool:
    return (
        spec.path == change.path
        and (spec.before is UNSET or matches(spec.before, change.before))
        and (spec.after is UNSET or matches(spec.after, change.after))
        and (spec.rule is None or names.matches(spec.rule, change.ruleset, change.rule))
    )


def _changes(
    expected: list[ChangeSpec], line: int, actual: list[Change], names: RuleNames
) -> Failure | None:
    same = [_change_matches(s, c, names) for s, c in zip(expected, actual, strict=False)]
    if len(expected) == len(actual) and all(same):
        return None
    left = [
        f"{s.path}: {show(s.before)} -> {show(s.after)}" + (f"  ({s.rule})" if s.rule else "")
        for s in expected
    ]
    right = [
        f"{c.path}: {show(c.before)} -> {show(c.after)}  ({c.ruleset} / {c.rule})" for c in actual
    ]
    count = f"expected {len(expected)} change{'s' if len(expected) != 1 else ''}, got {len(actual)}"
    return Failure(
        "changes",
        line,
        f"changes: not as expected ({count}; - expected, + actual)",
        expected,
        [c.to_dict() for c in actual],
        _positional(left, right, same),
    )


def _message_matches(spec: MessageSpec, message: Message, names: RuleNames) -> bool:
    return (
        (spec.text is None or spec.text == message.text)
        and (spec.level is None or spec.level == message.level)
        and (
            spec.rule is None
            or (
                message.rule is not None
                and names.matches(spec.rule, message.ruleset or "", message.rule)
            )
        )
    )


def _messages(
    expected: list[MessageSpec], line: int, actual: list[Message], names: RuleNames
) -> Failure | None:
    same = [_message_matches(s, m, names) for s, m in zip(expected, actual, strict=False)]
    if len(expected) == len(actual) and all(same):
        return None
    left = [
        (f"{s.level}: " if s.level else "")
        + show(UNSET if s.text is None else s.text)
        + (f"  ({s.rule})" if s.rule else "")
        for s in expected
    ]
    right = [
        f"{m.level}: {show(m.text)}" + (f"  ({m.ruleset} / {m.rule})" if m.rule else "")
        for m in actual
    ]
    count = (
        f"expected {len(expected)} message{'s' if len(expected) != 1 else ''}, got {len(actual)}"
    )
    return Failure(
        "messages",
        line,
        f"messages: not as expected ({count}; - expected, + actual)",
        expected,
        [m.to_dict() for m in actual],
        _positional(left, right, same),
    )
