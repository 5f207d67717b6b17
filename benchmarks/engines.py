"""The engines under test, each built once from the same :class:`rulegen.RuleSpec` list.

Every engine has ``prepare`` (turn parsed records into the form it evaluates; never timed),
``evaluate`` (one record -> its output; this is what is timed) and ``fired`` (the names of the rules
that fired, from an output; used by the equivalence check only).

- ``baseline``: hand-written Python (:class:`Baseline`) -- the practical limit. For each rule in
  order: call its condition (a plain function of the record dict, generated from the spec as a
  person would write it), and when true record the rule's name and run its actions on a
  copy-on-write record: the first write copies the record's top-level dict, the first write into
  ``tags``/``customData`` copies that container, every change is recorded as (rule, path, before,
  after), a ``log`` appends (rule, text), a custom-data write checks that the module starts with
  ``x-``. Same dicts as procrules (``Decimal`` money).
- ``procrules``: ``Book.apply(record, Context(...))`` on the same dicts; the result record (normal
  form) is lazy and not built unless ``procrules+record`` is asked for.
- peers (conditions only -- they have no actions of this kind): rule-engine (``Decimal`` native),
  cel-python (floats, ``celpy.json_to_cel`` activations), JsonLogic (panzi-json-logic; floats,
  custom data as lists), zen-engine (floats; one JDM decision table, hit policy ``collect``, one
  row per rule, evaluated once per record).
"""

from __future__ import annotations

import json
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from rulegen import CONN_A, AddTag, Log, RuleSpec, SetCD, SetField, ruleset_text
from translate import (
    CelSource,
    JsonLogicSource,
    PythonSource,
    RuleEngineSource,
    ZenSource,
    jsonlogic_data,
)

if TYPE_CHECKING:
    from collections.abc import Callable

#: Money and quantity fields (RECORDS.md); converted to float for the peers that need floats.
DECIMAL_FIELDS = frozenset(
    {
        "quantity",
        "pricePerUnitExclVat",
        "vatRate",
        "discount",
        "totalExclVat",
        "totalInclVat",
        "totalVat",
        "shippingCost",
        "discountTotal",
    }
)


def floats(value: Any, key: str = "") -> Any:
    """A copy with every ``Decimal`` (and every number of a money field) as a float."""
    if isinstance(value, dict):
        return {k: floats(v, k) for k, v in value.items()}
    if isinstance(value, list):
        return [floats(v) for v in value]
    if isinstance(value, Decimal) or (
        key in DECIMAL_FIELDS and isinstance(value, int) and not isinstance(value, bool)
    ):
        return float(value)
    return value


class Engine:
    name = ""
    actions = False  #: does it run the actions, or evaluate conditions only?
    data = ""  #: the form of the records it takes
    load_seconds = 0.0

    def prepare(self, records: list[dict[str, Any]]) -> list[Any]:
        return records

    def evaluate(self, record: Any) -> Any:
        raise NotImplementedError

    def fired(self, output: Any) -> list[str]:
        return list(output)

    def source(self, index: int) -> str:
        """Rule ``index`` in this engine's language (for a mismatch message)."""
        return ""


# ----------------------------------------------------------------------------- baseline


class Work:
    """The copy-on-write record of one evaluation, with its changes and messages."""

    __slots__ = ("changes", "messages", "own", "rec")

    def __init__(self, rec: dict[str, Any]) -> None:
        self.rec = rec
        self.own: set[str] | None = None
        self.changes: list[tuple[str, str, Any, Any]] = []
        self.messages: list[tuple[str, str]] = []

    def root(self) -> dict[str, Any]:
        if self.own is None:
            self.rec = dict(self.rec)
            self.own = set()
        return self.rec

    def child(self, key: str, empty: Any) -> Any:
        """The owned container at ``rec[key]`` (copied on first write)."""
        rec = self.root()
        assert self.own is not None
        if key in self.own:
            return rec[key]
        value = rec.get(key)
        value = empty if value is None else value.copy()
        rec[key] = value
        self.own.add(key)
        return value


def add_tag(tag: str) -> Callable[[Work, str], None]:
    def action(w: Work, rule: str) -> None:
        tags = w.rec.get("tags") or ()
        if tag in tags:
            return
        tags = w.child("tags", [])
        tags.append(tag)
        w.changes.append((rule, f"tags[{len(tags) - 1}]", None, tag))

    return action


def set_field(field: str, value: Any) -> Callable[[Work, str], None]:
    def action(w: Work, rule: str) -> None:
        before = w.rec.get(field)
        if before == value and before.__class__ is value.__class__:
            return
        w.root()[field] = value
        w.changes.append((rule, field, before, value))

    return action


def set_cd(module: str, key: str, value: str) -> Callable[[Work, str], None]:
    map_key = f"|{module}|{key}"
    if not module.startswith("x-"):
        raise ValueError(f"cannot write {map_key}: not an x- module and no connection")

    def action(w: Work, rule: str) -> None:
        prev = (w.rec.get("customData") or {}).get(map_key)
        before = None if prev is None else prev.get("value")
        if prev is not None and prev.get("type") == "string" and before == value:
            return
        entry = {"moduleId": module, "key": key, "type": "string", "value": value}
        w.child("customData", {})[map_key] = entry
        w.changes.append((rule, f"customData[{map_key}]", before, value))

    return action


def log(text: str) -> Callable[[Work, str], None]:
    def action(w: Work, rule: str) -> None:
        w.messages.append((rule, text))

    return action


def compile_actions(spec: RuleSpec) -> tuple[Callable[[Work, str], None], ...]:
    out = []
    for a in spec.actions:
        if isinstance(a, AddTag):
            out.append(add_tag(a.tag))
        elif isinstance(a, SetField):
            out.append(set_field(a.field, a.value))
        elif isinstance(a, SetCD):
            out.append(set_cd(a.module, a.key, a.value))
        elif isinstance(a, Log):
            out.append(log(a.text))
    return tuple(out)


class Baseline(Engine):
    name = "baseline"
    actions = True
    data = "the same dicts (Decimal)"

    def __init__(self, specs: list[RuleSpec]) -> None:
        py = PythonSource()
        self.conditions = [py.cond(s.cond) for s in specs]
        lines = [f"def _c{i}(rec):\n    return {c}\n" for i, c in enumerate(self.conditions)]
        self.module_source = "\n".join(lines)
        namespace: dict[str, Any] = dict(py.consts)
        exec(compile(self.module_source, "<baseline>", "exec"), namespace)
        self.rules = tuple(
            (s.name, namespace[f"_c{i}"], compile_actions(s)) for i, s in enumerate(specs)
        )

    def apply(self, rec: dict[str, Any]) -> tuple[list[str], Work]:
        """The naive if-chain: every rule in order, condition then actions."""
        w = Work(rec)
        fired = []
        for name, cond, actions in self.rules:
            if cond(w.rec):
                fired.append(name)
                for action in actions:
                    action(w, name)
        return fired, w

    def evaluate(self, record: Any) -> Any:
        return self.apply(record)[0]

    def source(self, index: int) -> str:
        return self.conditions[index]


# ----------------------------------------------------------------------------- procrules


class Procrules(Engine):
    name = "procrules"
    actions = True
    data = "the same dicts (Decimal)"

    def __init__(self, specs: list[RuleSpec], *, with_record: bool = False) -> None:
        import procrules

        self.text = ruleset_text(specs, "bench")
        self.book = procrules.Book.from_sources({"bench.rules": self.text})
        self.context = procrules.Context(
            record_type="Order", direction="import", connection_id=CONN_A
        )
        self.specs = specs
        if with_record:
            self.name = "procrules+record"
            self.evaluate = self._with_record  # type: ignore[method-assign]

    def evaluate(self, record: Any) -> Any:
        return self.book.apply(record, self.context)

    def _with_record(self, record: Any) -> Any:
        result = self.book.apply(record, self.context)
        _ = result.record
        return result

    def fired(self, output: Any) -> list[str]:
        if output.status != "ok":
            raise AssertionError(f"status {output.status}: {output.messages}")
        return [f.rule for f in output.fired]

    def source(self, index: int) -> str:
        from rulegen import rule_text

        return rule_text(self.specs[index])


# ----------------------------------------------------------------------------- peers


class RuleEngine(Engine):
    name = "rule-engine"
    data = "the same dicts (Decimal native)"

    def __init__(self, specs: list[RuleSpec]) -> None:
        import rule_engine

        src = RuleEngineSource()
        self.texts = [src.cond(s.cond) for s in specs]
        context = rule_engine.Context(default_value=None, mapping_attribute_lookup=False)
        self.rules = [
            (s.name, rule_engine.Rule(t, context=context).matches)
            for s, t in zip(specs, self.texts, strict=True)
        ]

    def evaluate(self, record: Any) -> Any:
        return [name for name, matches in self.rules if matches(record)]

    def source(self, index: int) -> str:
        return self.texts[index]


class Cel(Engine):
    name = "cel-python"
    data = "floats, celpy.json_to_cel"

    def __init__(self, specs: list[RuleSpec]) -> None:
        import celpy
        from celpy import celtypes

        def lower(s: Any) -> Any:
            return celtypes.StringType(s.lower())

        env = celpy.Environment()  # the InterpretedRunner: CompiledRunner fails on has() && …
        self.texts = [CelSource().cond(s.cond) for s in specs]
        self.rules = [
            (s.name, env.program(env.compile(t), functions={"lower": lower}).evaluate)
            for s, t in zip(specs, self.texts, strict=True)
        ]
        self._to_cel = celpy.json_to_cel

    def prepare(self, records: list[dict[str, Any]]) -> list[Any]:
        return [{"r": self._to_cel(floats(r))} for r in records]

    def evaluate(self, record: Any) -> Any:
        return [name for name, run in self.rules if run(record)]

    def source(self, index: int) -> str:
        return self.texts[index]


class JsonLogic(Engine):
    name = "json-logic"
    data = "floats, custom data as lists"

    def __init__(self, specs: list[RuleSpec]) -> None:
        from json_logic import jsonLogic
        from json_logic.builtins import BUILTINS

        def lower(data: Any, s: Any = None, *_: Any) -> Any:
            return s.lower() if isinstance(s, str) else None

        self.operations = {**BUILTINS, "lower": lower}
        self.logic = [JsonLogicSource().cond(s.cond) for s in specs]
        self.rules = list(zip([s.name for s in specs], self.logic, strict=True))
        self._apply = jsonLogic

    def prepare(self, records: list[dict[str, Any]]) -> list[Any]:
        return [jsonlogic_data(floats(r)) for r in records]

    def evaluate(self, record: Any) -> Any:
        apply, ops = self._apply, self.operations
        return [name for name, logic in self.rules if apply(logic, record, ops)]

    def source(self, index: int) -> str:
        return json.dumps(self.logic[index])


class Zen(Engine):
    name = "zen-engine"
    data = "floats"

    def __init__(self, specs: list[RuleSpec]) -> None:
        import zen

        self.texts = [ZenSource().cond(s.cond) for s in specs]
        table = {
            "id": "rules",
            "type": "decisionTableNode",
            "name": "rules",
            "position": {"x": 0, "y": 0},
            "content": {
                "hitPolicy": "collect",
                "inputs": [{"id": "when", "name": "when", "type": "expression", "field": ""}],
                "outputs": [{"id": "rule", "name": "rule", "type": "expression", "field": "rule"}],
                "rules": [
                    {"_id": f"r{i}", "when": t, "rule": json.dumps(s.name)}
                    for i, (s, t) in enumerate(zip(specs, self.texts, strict=True))
                ],
            },
        }
        graph = {
            "nodes": [
                {"id": "in", "type": "inputNode", "name": "in", "position": {"x": 0, "y": 0}},
                table,
                {"id": "out", "type": "outputNode", "name": "out", "position": {"x": 0, "y": 0}},
            ],
            "edges": [
                {"id": "e1", "sourceId": "in", "targetId": "rules", "type": "edge"},
                {"id": "e2", "sourceId": "rules", "targetId": "out", "type": "edge"},
            ],
        }
        self.decision = zen.ZenEngine().create_decision(json.dumps(graph))

    def prepare(self, records: list[dict[str, Any]]) -> list[Any]:
        return [floats(r) for r in records]

    def evaluate(self, record: Any) -> Any:
        return self.decision.evaluate(record)

    def fired(self, output: Any) -> list[str]:
        return [row["rule"] for row in output["result"]]

    def source(self, index: int) -> str:
        return self.texts[index]


PEERS: dict[str, type[Engine]] = {
    "rule-engine": RuleEngine,
    "cel-python": Cel,
    "json-logic": JsonLogic,
    "zen-engine": Zen,
}
PEER_PACKAGES = {
    "rule-engine": "rule_engine",
    "cel-python": "celpy",
    "json-logic": "json_logic",
    "zen-engine": "zen",
}
__all__ = ["PEERS", "PEER_PACKAGES", "Baseline", "Engine", "Procrules", "floats"]
