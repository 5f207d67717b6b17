"""The human rendering of ``procrules dry-run``: why each rule fired or not, and the record diff.

For each record: its status; per rule set whether it ran (and why not); per rule ``fired`` or
``not fired`` with the reason (``condition false``, ``scope``, ``disabled``, ``stopped``,
``ended``, ``error``); each evaluated condition with its source text, its operands' values and its
outcome; then the fired rules, changes and messages as ``run`` shows them; and a unified diff of
the record as pretty JSON, before (as read, in normal form) and after every change. Colours (rich)
only when writing to a terminal; plain text otherwise.

With ``--format json``/``jsonl`` dry-run writes data instead: each record's result (as ``run``
writes it) with one more key, ``trace`` (the engine's ``Trace.to_dict()``); that is made in the
worker and needs nothing here.
"""

from __future__ import annotations

import difflib
from typing import TYPE_CHECKING, Any

from rich.text import Text

from procrules import jsonio
from procrules.cli.outputs import header, render_details, show

if TYPE_CHECKING:
    from rich.console import Console

_UNARY = ("exists", "null", "empty")
_DIFF_STYLE = {"+": "green", "-": "red", "@": "cyan"}


def render_dry_run(console: Console, number: int, data: dict[str, Any]) -> None:
    """One record of a dry-run, as text."""
    header(console, number, data)
    result = data["result"]
    trace = result.get("trace")
    if trace:
        for ruleset in trace["rulesets"]:
            _ruleset(console, ruleset)
    render_details(console, result)
    _diff(console, data.get("before"), result)
    console.print()


def _ruleset(console: Console, ruleset: dict[str, Any]) -> None:
    title = Text("  rule set ")
    title.append(str(ruleset["ruleset"]), style="bold")
    title.append(f" ({ruleset['file']})")
    if not ruleset["ran"]:
        title.append(": not run", style="dim")
        if ruleset.get("reason"):
            title.append(f" ({ruleset['reason']})", style="dim")
    console.print(title)
    for rule in ruleset["rules"]:
        _rule(console, rule)


def _rule(console: Console, rule: dict[str, Any]) -> None:
    outcome = rule["outcome"]
    style = {"fired": "green", "error": "bold red"}.get(outcome, "yellow")
    line = Text(f'    rule "{rule["rule"]}" (line {rule["line"]}): ')
    line.append(outcome, style=style)
    if rule.get("reason"):
        line.append(f" ({rule['reason']})")
    console.print(line)
    for condition in rule["conditions"]:
        console.print(_condition(condition))


def _condition(condition: dict[str, Any]) -> Text:
    """``totalInclVat >= 499.00 -> true  (left "549.00", right "499.00")``."""
    outcome = bool(condition["result"])
    text = Text(f"      {condition['text'] or condition['op']} -> ")
    text.append("true" if outcome else "false", style="green" if outcome else "red")
    op = str(condition["op"])
    values = [] if op.endswith("exists") else [f"left {show(condition['left'])}"]
    if not op.endswith(_UNARY):
        shown = show(condition["right"]) if "right" in condition else "not evaluated (left is null)"
        values.append(f"right {shown}")
    if values:
        text.append(f"  ({', '.join(values)})", style="dim")
    return text


def record_diff(before: Any, after: Any) -> list[str]:
    """The unified diff of two records as pretty JSON (``[]`` when they are equal)."""
    if before is None or after is None or before == after:
        return []
    old = jsonio.dumps(before, indent=2).splitlines()
    new = jsonio.dumps(after, indent=2).splitlines()
    return list(difflib.unified_diff(old, new, "before", "after", n=2, lineterm=""))


def _diff(console: Console, before: Any, result: dict[str, Any]) -> None:
    if result.get("record") is None:
        console.print("  no record: the input could not be read as one")
        return
    lines = record_diff(before, result.get("record"))
    if not lines:
        not_ok = " (not ok: the record is returned as it came in)"
        console.print(f"  no changes{not_ok if result['status'] != 'ok' else ''}")
        return
    console.print("  diff:")
    for line in lines:
        console.print(Text(f"    {line}", style=_DIFF_STYLE.get(line[:1], "")))
