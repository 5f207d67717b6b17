"""Fused rule sets: one generated function runs every rule of a rule set for one record type.

``Book.apply`` calls, per rule set in scope, ``run(st, flags, writer)`` (``st, _k, _w`` in the
code); the function holds the rules in file order as straight-line code -- each rule's condition
inline (the source the condition generator made for it), then, when it holds, the rule recorded
as fired and its actions called in order -- so a rule costs one ``if`` and no call, tuple or loop
of the engine's own::

    def _f90(st, _k, _w):
        _g0, _g1 = _k                   # which scope groups run (per plan; see below)
        cur = st.rec
        _a = st.fired
        if _g0 and (<condition of rule 0>):
            _a.append(_c11)             # its FiredRule
            st.rule = _c12              # its CompiledRule: changes and messages name it
            st.writer = _w
            _c13(st)                    # an action that cannot end the evaluation
            st.messages.append(_c14)    # log "…": the message, made at load time, inline
            cur = st.rec                # actions may have replaced the working record
        if _g1 and (<condition of rule 1>):
            ...
            return _c20(st)             # stop / ignore / fail: the signal goes to apply
        return None

Fields the rule set never writes are read once, into locals, at the start
(:mod:`procrules.engine.indexing`; a decimal field is converted there too), and a costly test
that several rules make is computed once, into a local ``_m0`` that starts as ``_U``
(:mod:`procrules.engine.sharing`).

The code costs nothing to say which rule was running when an error is raised: that is read from
the traceback, by line (:meth:`FusedRuleSet.running`).

Rules whose scope differs (a rule-level ``for``/``on``/``connection``) fall into *scope groups*:
the plan of a (record type, direction, connection) passes one flag per group (``flags``), so one
function serves every plan. A rule set whose rules all share one scope has no flag at all.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from procrules.engine.actions import FAIL, IGNORE, STOP, ConstantMessage

if TYPE_CHECKING:
    from procrules.engine.actions import Action
    from procrules.engine.codegen import Emitter
    from procrules.engine.compiler import CompiledRule
    from procrules.engine.indexing import Read

Run = Callable[[Any, tuple[bool, ...], "str | None"], "str | None"]
Scope = tuple[frozenset[str], str | None]  #: a scope group: directions, connection


@dataclass(frozen=True, slots=True)
class FusedRule:
    """One rule as the fused function takes it: its condition source (``None``: always),
    its actions, and for each action whether it may end the evaluation (and how)."""

    rule: CompiledRule
    condition: str | None
    actions: tuple[Action, ...]
    signals: tuple[str | None, ...]  #: per action: STOP, IGNORE, FAIL (always), "maybe", None
    #: the reads in ``condition`` of fields the rule set never writes
    shared: tuple[Read, ...] = ()


@dataclass(frozen=True, slots=True)
class FusedRuleSet:
    """The fused function of one rule set for one record type, and its scope groups."""

    run: Run
    groups: tuple[Scope, ...]
    rules: tuple[CompiledRule, ...]
    starts: tuple[int, ...]  #: the line of each rule's code, from the function's ``def``

    def running(self, exc: BaseException) -> CompiledRule | None:
        """The rule whose code raised ``exc`` (found by the line of this function in its
        traceback), or ``None``."""
        code = self.run.__code__
        tb = exc.__traceback__
        while tb is not None and tb.tb_frame.f_code is not code:
            tb = tb.tb_next
        if tb is None or not self.rules:
            return None
        at = bisect_right(self.starts, tb.tb_lineno - code.co_firstlineno) - 1
        return self.rules[max(at, 0)]

    def flags(self, direction: str, connection: str | None) -> tuple[bool, ...]:
        """Which scope groups run in a plan."""
        return tuple(
            direction in directions and (conn is None or conn == connection)
            for directions, conn in self.groups
        )


def fuse(em: Emitter, rules: list[FusedRule], locals_: list[str]) -> FusedRuleSet:
    """Generate (on ``em``, compiled at its next flush) the function that runs ``rules``;
    ``locals_`` are the locals of its shared tests (:mod:`procrules.engine.sharing`)."""
    groups: list[Scope] = []
    for fr in rules:
        scope = (fr.rule.directions, fr.rule.connection)
        if scope not in groups:
            groups.append(scope)
    flagged = len(groups) > 1
    body: list[str] = []
    if flagged:
        body.append(f"{', '.join(f'_g{i}' for i in range(len(groups)))}, = _k")
    body += ["cur = st.rec", "_a = st.fired"]
    if locals_:
        body.append(f"{' = '.join(locals_)} = _U")
    conditions, preamble = _share_reads(em, rules)
    body += preamble
    starts: list[int] = []
    for fr, cond in zip(rules, conditions, strict=True):
        starts.append(len(body) + 1)
        body += _rule_lines(em, fr, cond, groups, flagged=flagged)
    body.append("return None")
    run: Run = em.define("st, _k, _w", body)
    return FusedRuleSet(run, tuple(groups), tuple(fr.rule for fr in rules), tuple(starts))


def _share_reads(em: Emitter, rules: list[FusedRule]) -> tuple[list[str | None], list[str]]:
    """The rules' conditions with each shared read replaced by a local, and the lines that set
    the locals, once, at the start of the function (:mod:`procrules.engine.indexing`)."""
    local: dict[tuple[tuple[str, ...], bool], str] = {}
    preamble: list[str] = []
    conditions: list[str | None] = []
    for fr in rules:
        cond = fr.condition
        for read in fr.shared:
            if cond is None or read.src not in cond:
                continue
            name = local.get((read.names, read.decimal))
            if name is None:
                name = local[read.names, read.decimal] = f"_h{len(local)}"
                preamble.append(f"{name} = {_early(read)}")
            cond = cond.replace(read.src, name)
        conditions.append(cond)
    return conditions, preamble


def _early(read: Read) -> str:
    """The source that reads a shared field once: a decimal field is converted there too (a
    float or a normal-form text; ``early_decimal``), so that each of its tests takes the fast
    path; a value that is not a number is left for the test that reads it to fail on."""
    if not read.decimal:
        return read.src
    return f"(_e if (_e := {read.src}).__class__ is _dec or _e is None else _edec(_e))"


def _rule_lines(
    em: Emitter, fr: FusedRule, cond: str | None, groups: list[Scope], *, flagged: bool
) -> list[str]:
    rule = fr.rule
    tests = []
    if flagged:
        tests.append(f"_g{groups.index((rule.directions, rule.connection))}")
    if cond is not None:
        tests.append(f"({cond})")
    lines: list[str] = []
    if tests:
        lines.append(f"if {' and '.join(tests)}:")
        indent = "    "
    else:
        indent = ""
    calls: list[str] = []
    called = False  # whether an action runs as a call: it needs the rule and the writer
    for action, signal in zip(fr.actions, fr.signals, strict=True):
        if action.__class__ is ConstantMessage and signal is None:  # a log, inline
            message = (action.level, rule.ruleset, rule.name, action.text)
            calls.append(f"st.messages.append({em.name(message)})")
            continue
        called = True
        call = f"{em.name(action)}(st)"
        if signal in (STOP, IGNORE, FAIL):
            calls.append(f"return {call}")
            break
        if signal == "maybe":
            calls += [f"_s = {call}", "if _s is not None:", "    return _s"]
        else:
            calls.append(call)
    else:
        if called:
            calls.append("cur = st.rec")
    body = [f"_a.append({em.name(rule.fired)})"]
    if called:
        body.append(f"st.rule = {em.name(rule)}")
        own = rule.connection
        body.append("st.writer = _w" if own is None else f"st.writer = _w or {em.name(own)}")
    body += calls
    return lines + [indent + line for line in body]
