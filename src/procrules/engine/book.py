"""The rule book: load (parse, check, compile) and apply (evaluate one record).

A :class:`Book` is immutable and thread-safe: it holds the compiled rule sets and a cache of
*plans* -- for each (record type, direction, connection) the rules in scope, in order, with the
condition and actions compiled for that record type -- so applying a record costs one dict lookup
before the first rule. It pickles by its sources (generated functions cannot be pickled): a
worker process recompiles the same rule files' text.

``apply`` never raises for a bad record: an evaluation error gives status ``error``, the record
as it came in, and the rule, file, line and column; any unexpected exception is reported the same
way (message ``internal error: …``). A record not given in normal form is first measured
(``limits.record_problem``: nesting, string and list sizes, one pass); one too large is status
``error`` with ``record`` null.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any

from procrules.engine.actions import IGNORE, STOP
from procrules.engine.chain import DEFAULT_CONTEXT, Context
from procrules.engine.compiler import CompiledRule, CompiledRuleSet, compile_file
from procrules.engine.jsonform import shown_json
from procrules.engine.result import ErrorInfo, Message, Result, Status
from procrules.engine.state import State
from procrules.engine.values import EvalError
from procrules.language.diagnostics import render_all
from procrules.language.frontend import (
    CheckedFile,
    RuleFile,
    check_paths,
    check_source_context,
)
from procrules.language.limits import record_problem
from procrules.language.schema import record_types
from procrules.language.types import ANY
from procrules.records import RecordError, dump_record, normalize_record
from procrules.records.model import unknown_record_type

if TYPE_CHECKING:
    from collections.abc import Callable

    from procrules.engine.fused import FusedRuleSet, Run
    from procrules.engine.trace import Trace

Plan = tuple[tuple["Run", tuple[bool, ...], "FusedRuleSet"], ...]
PathLike = str | Path


class RuleError(Exception):
    """Rule files with errors. ``files`` has every file's diagnostics; ``str()`` renders them."""

    def __init__(self, files: Sequence[CheckedFile]) -> None:
        self.files: list[CheckedFile] = list(files)
        text = "\n\n".join(f.render() for f in self.files if not f.ok and f.diagnostics)
        super().__init__(text or "the rule files have errors")


def record_dict(record: Any) -> dict[str, Any]:
    """The JSON-object form of an input record (a dict, or a record model)."""
    if record.__class__ is dict:
        return record
    if isinstance(record, Mapping):
        return dict(record)
    dump = getattr(record, "model_dump", None)
    if dump is not None:
        return dump_record(record)
    raise TypeError(f"a record is a JSON object (dict) or a record model, not {type(record)!r}")


def normal_form(record: Any, context: Context | None = None) -> dict[str, Any] | None:
    """A record in the JSON normal form, as results carry it; ``None`` if it is no object."""
    try:
        rec = record_dict(record)
    except TypeError:
        return None
    named = rec.get("recordType")
    record_type = (context.record_type if context else None) or (
        named if isinstance(named, str) else None
    )
    return _normal(rec, record_type or "Order")


def _as_is(rec: dict[str, Any], record_type: str) -> dict[str, Any]:
    """The result record of a record given in normal form: the working record itself."""
    return rec


def _normal(rec: dict[str, Any], record_type: str) -> dict[str, Any]:
    try:
        return normalize_record(rec, record_type)
    except RecordError:
        known = record_types().get(record_type)
        return shown_json(rec, known or ANY)  # type: ignore[no-any-return]


class Book:
    """Compiled rule sets, in run order. Build with :func:`load` or :meth:`from_sources`."""

    __slots__ = ("__weakref__", "_connections", "_plans", "_traced", "files", "rulesets")

    def __init__(self, files: Sequence[CheckedFile]) -> None:
        if not all(f.ok for f in files):
            raise RuleError(files)
        self.files: tuple[CheckedFile, ...] = tuple(files)
        self.rulesets: tuple[CompiledRuleSet, ...] = tuple(compile_file(f) for f in files)
        self._connections = frozenset(
            r.connection for rs in self.rulesets for r in rs.rules if r.connection is not None
        )
        self._plans: dict[tuple[str, str, str | None], Plan] = {}
        self._traced: dict[str, dict[tuple[str, str], Any]] = {}

    # ------------------------------------------------------------------ building

    @classmethod
    def load(cls, paths: PathLike | Sequence[PathLike]) -> Book:
        """Parse, check and compile rule files (directories recursively, in path order)."""
        given = [paths] if isinstance(paths, str | Path) else list(paths)
        with _collector_paused():
            return cls(check_paths(given))

    @classmethod
    def from_sources(cls, sources: Mapping[str, str] | Sequence[tuple[str, str]]) -> Book:
        """A book from rule texts by label (``{"10-intake.rules": "…"}``), run in label order.
        The default rule-set name of a text is its label without ``.rules``."""
        items = sorted(sources.items() if isinstance(sources, Mapping) else sources)
        with _collector_paused():
            return cls(
                [_checked(label, label.removesuffix(".rules"), text) for label, text in items]
            )

    def sources(self) -> tuple[tuple[str, str, str], ...]:
        """Every file's label, default rule-set name and text: what a pickle carries."""
        return tuple((f.file.label, f.file.default_name, f.source or "") for f in self.files)

    def __reduce__(self) -> tuple[Callable[..., Book], tuple[Any, ...]]:
        return (_rebuild, (self.sources(),))

    def __repr__(self) -> str:
        rules = sum(len(rs.rules) for rs in self.rulesets)
        return f"<Book {len(self.rulesets)} rule sets, {rules} rules>"

    @property
    def warnings(self) -> list[str]:
        """The rendered warnings of the files (a book has no errors)."""
        return [render_all(f.diagnostics, f.source) for f in self.files if f.diagnostics]

    # ------------------------------------------------------------------ applying

    def resolve(self, rec: dict[str, Any], context: Context) -> tuple[str, str | None]:
        """The record type and scope connection of a record in a context; raises
        ``ValueError`` for a record type that is unknown or disagrees with the context's."""
        named = rec.get("recordType")
        record_type = context.record_type
        if named is not None and record_type is not None and named != record_type:
            raise ValueError(
                f"the record's recordType {named!r} disagrees with the record type "
                f"{record_type!r} of the run"
            )
        record_type = record_type or named or "Order"
        if not isinstance(record_type, str) or record_type not in record_types():
            raise ValueError(unknown_record_type(str(record_type)))
        connection = context.connection_id
        if connection is None:
            source = rec.get("source")
            connection = source if isinstance(source, str) else None
        return record_type, connection

    def plan(self, record_type: str, direction: str, connection: str | None) -> Plan:
        """The fused functions of the rule sets with rules in scope, each with the flags of
        its scope groups (cached)."""
        key = (record_type, direction, connection if connection in self._connections else None)
        found = self._plans.get(key)
        if found is not None:
            return found
        plan: list[tuple[Run, tuple[bool, ...], FusedRuleSet]] = []
        for rs in self.rulesets:
            fused = rs.fused.get(record_type)
            if fused is None:
                continue
            flags = fused.flags(direction, key[2])
            if any(flags):
                plan.append((fused.run, flags, fused))
        self._plans[key] = result = tuple(plan)
        return result

    def apply(
        self, record: Any, context: Context = DEFAULT_CONTEXT, *, normal: bool = False
    ) -> Result:
        """Evaluate every rule in scope on one record (never raises for a bad record).

        ``normal=True`` says the record is already in the JSON normal form (as
        ``procrules.records.normalize_record`` gives it): the result record is then the working
        record itself (every change is written in normal form), not normalised a second time.
        Either way, treat the result record as read-only: it may share parts with the input.
        """
        out = _as_is if normal else _normal
        try:
            rec = record if record.__class__ is dict else record_dict(record)
            if not normal and (too_large := record_problem(rec)) is not None:
                return bad_record(None, context, too_large)
            record_type, connection = self.resolve(rec, context)
        except (TypeError, ValueError, RecordError) as exc:
            return bad_record(record, context, str(exc))
        plan = self.plan(record_type, context.direction, connection)
        st = State(rec)
        writer = context.connection_id
        fused: FusedRuleSet | None = None
        try:
            for run, flags, fused in plan:  # noqa: B007 - ``fused`` names the rule of an error
                signal = run(st, flags, writer)
                if signal is None or signal is STOP:
                    continue
                status: Status = "ignored" if signal is IGNORE else "failed"
                entry = partial(out, rec, record_type)
                return Result(status, entry, st.fired, [], st.messages)
        except EvalError as exc:
            rule = fused.running(exc) if fused is not None else None
            return evaluation_error(st, partial(out, rec, record_type), rule, exc)
        except Exception as exc:  # noqa: BLE001 - apply never raises for a record
            rule = fused.running(exc) if fused is not None else None
            internal = EvalError(f"internal error: {exc!r}")
            return evaluation_error(st, partial(out, rec, record_type), rule, internal)
        final = partial(out, st.rec, record_type)
        return Result("ok", final, st.fired, st.changes, st.messages)

    def explain(
        self, record: Any, context: Context = DEFAULT_CONTEXT, *, normal: bool = False
    ) -> tuple[Result, Trace]:
        """Evaluate like :meth:`apply`, and explain every rule's outcome (for ``dry-run``)."""
        from procrules.engine.explain import explain
        from procrules.engine.trace import Trace

        if not normal and isinstance(record, dict) and (too_large := record_problem(record)):
            trace = Trace(context.record_type, context.direction, context.connection_id)
            return bad_record(None, context, too_large), trace
        return explain(self, record, context, _as_is if normal else _normal)


def _checked(label: str, default_name: str, source: str) -> CheckedFile:
    ruleset, sink, ctx = check_source_context(source, label)
    rule_file = RuleFile(Path(label), label, default_name)
    return CheckedFile(rule_file, source, ruleset, tuple(sink.sorted()), sink.dropped, ctx)


def _rebuild(sources: tuple[tuple[str, str, str], ...]) -> Book:
    with _collector_paused():
        return Book([_checked(label, name, text) for label, name, text in sources])


@contextmanager
def _collector_paused() -> Iterator[None]:
    """Python's cyclic garbage collector paused while a book is built: parsing, checking and
    compiling make many objects that live on (the AST, generated functions), and the
    collector's passes over them found nothing and cost up to a fifth of the load of 1,000
    rules. Reference counting frees everything else as usual; the collector runs again after."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def load(paths: PathLike | Sequence[PathLike]) -> Book:
    """Parse, check and compile rule files; raises :class:`RuleError` listing every problem."""
    return Book.load(paths)


def bad_record(record: Any, context: Context, message: str) -> Result:
    """The result of a record that cannot be evaluated at all (wrong or unknown type)."""
    error = ErrorInfo(None, None, None, None, None, message)
    messages = [Message("error", None, None, message)]
    return Result("error", partial(normal_form, record, context), [], [], messages, error)


def evaluation_error(
    st: State, entry: Callable[[], Any], rule: CompiledRule | None, exc: EvalError
) -> Result:
    """Status ``error``: the record as it came in, the failing rule named in ``error`` only."""
    if rule is not None and st.fired and st.fired[-1] is rule.fired:
        st.fired.pop()
    span = exc.site.span if exc.site is not None and exc.site.span.line else None
    ruleset = rule.ruleset if rule else None
    name = rule.name if rule else None
    error = ErrorInfo(
        ruleset,
        name,
        rule.file if rule else None,
        span.line if span else (rule.line if rule else None),
        span.column if span else (rule.column if rule else None),
        exc.message,
    )
    messages = [*st.messages, Message("error", ruleset, name, exc.message)]
    return Result("error", entry, st.fired, [], messages, error)
