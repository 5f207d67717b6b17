"""``Book.explain``: the evaluation of :meth:`Book.apply`, with a :class:`Trace` of every rule.

The loop mirrors ``apply`` (same plans of rules, same actions) but walks every rule of every rule
set so that it can say why a rule did not fire, and evaluates conditions with the trace-mode
functions (compiled on first use per rule set, then cached in the book). Kept apart from
``apply`` so that ``apply`` never pays for any of it.
"""

from __future__ import annotations

from functools import partial
from typing import TYPE_CHECKING, Any

from procrules.engine.actions import IGNORE, STOP
from procrules.engine.book import bad_record, evaluation_error, record_dict
from procrules.engine.compiler import compile_traced
from procrules.engine.result import Result
from procrules.engine.state import State
from procrules.engine.trace import RuleSetTrace, RuleTrace, Trace, conditions_of
from procrules.engine.values import EvalError

if TYPE_CHECKING:
    from collections.abc import Callable

    from procrules.engine.book import Book
    from procrules.engine.chain import Context
    from procrules.engine.compiler import CompiledRule, CompiledRuleSet


def _traced(book: Book, rs: CompiledRuleSet) -> dict[tuple[str, str], Any]:
    found = book._traced.get(rs.file)
    if found is None:
        found = book._traced[rs.file] = compile_traced(rs)
    return found


def explain(
    book: Book, record: Any, context: Context, out: Callable[[dict[str, Any], str], Any]
) -> tuple[Result, Trace]:
    try:
        rec = record if record.__class__ is dict else record_dict(record)
        record_type, connection = book.resolve(rec, context)
    except (TypeError, ValueError) as exc:
        trace = Trace(context.record_type, context.direction, context.connection_id)
        return bad_record(record, context, str(exc)), trace
    scope_connection = connection if connection in book._connections else None
    trace = Trace(record_type, context.direction, connection)
    st = State(rec, trace=[])
    ended: str | None = None
    rule: CompiledRule | None = None
    try:
        for rs in book.rulesets:
            rs_trace = RuleSetTrace(rs.name, rs.file, ran=False)
            trace.rulesets.append(rs_trace)
            stopped = False
            for rule in rs.rules:
                why = _skip(rule, record_type, context.direction, scope_connection)
                if why is None and (ended or stopped):
                    why = "ended" if ended else "stopped"
                if why is not None:
                    rs_trace.rules.append(RuleTrace(rule.name, rule.line, "not fired", why))
                    continue
                rs_trace.ran = True
                signal = _run_rule(book, rs, rule, record_type, st, context, rs_trace)
                if signal is STOP:
                    stopped = True
                elif signal is not None:
                    ended = "ignored" if signal is IGNORE else "failed"
            if not rs_trace.ran:
                rs_trace.reason = "no rule in scope"
    except Exception as exc:  # noqa: BLE001 - like apply, explain never raises for a record
        error = exc if isinstance(exc, EvalError) else EvalError(f"internal error: {exc!r}")
        rs_trace.rules[-1].outcome = "error"
        rs_trace.rules[-1].reason = error.message
        return evaluation_error(st, partial(out, rec, record_type), rule, error), trace
    if ended is not None:
        result = Result(ended, partial(out, rec, record_type), st.fired, [], st.messages)  # type: ignore[arg-type]
    else:
        result = Result("ok", partial(out, st.rec, record_type), st.fired, st.changes, st.messages)
    return result, trace


def _skip(
    rule: CompiledRule, record_type: str, direction: str, connection: str | None
) -> str | None:
    if rule.disabled:
        return "disabled"
    if not rule.in_scope(record_type, direction, connection):
        return "scope"
    return None


def _run_rule(
    book: Book,
    rs: CompiledRuleSet,
    rule: CompiledRule,
    record_type: str,
    st: State,
    context: Context,
    rs_trace: RuleSetTrace,
) -> str | None:
    entries: list[Any] = []
    st.trace = entries
    rule_trace = RuleTrace(rule.name, rule.line, "not fired", "condition false")
    rs_trace.rules.append(rule_trace)
    source = rs.checked.source
    cond = _traced(book, rs)[(rule.name, record_type)]
    try:
        fires = cond is None or cond(st, st.rec)
    finally:
        rule_trace.conditions = conditions_of(entries, source)
    if not fires:
        return None
    rule_trace.outcome, rule_trace.reason = "fired", None
    st.fired.append(rule.fired)
    st.rule = rule
    st.writer = context.connection_id or rule.connection
    for action in rule.actions[record_type]:
        signal = action(st)
        if signal is not None:
            return signal
    return None
