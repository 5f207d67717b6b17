"""Reading a rule test file's YAML: values exactly as written, and the line of every node.

This module owns how YAML text becomes values for ``procrules test``. PyYAML composes the
document into nodes (which keep their line and column), and :func:`value` builds plain values
from them with rules a business user can predict:

* a value is a number exactly when it is written as a JSON number: ``549.00`` is the decimal
  ``Decimal("549.00")`` (never a binary float), ``42`` an integer; ``007``, ``1_000`` or ``.5``
  are text;
* only ``true``/``false`` are booleans and ``null``/``~``/nothing is null: ``NO`` (Norway),
  ``on``, ``yes`` and ``2024-05-02`` are text, unlike YAML 1.1;
* a key that appears twice in a mapping is an error (YAML would silently keep the last one);
  ``<<: *anchor`` merges a mapping, so cases can share a base record.

Every problem is a :class:`YamlError` with the 1-based line and column it concerns.
"""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation
from typing import Any

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

_Y = "tag:yaml.org,2002:"
STR, INT, FLOAT, BOOL, NULL = _Y + "str", _Y + "int", _Y + "float", _Y + "bool", _Y + "null"
MERGE, SEQ, MAP = _Y + "merge", _Y + "seq", _Y + "map"


class Loader(yaml.SafeLoader):
    """A SafeLoader that resolves plain scalars as described in the module docstring."""

    yaml_implicit_resolvers: dict[Any, Any] = {}  # noqa: RUF012 - PyYAML's class-level table


Loader.add_implicit_resolver(
    BOOL, re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"), list("tTfF")
)
Loader.add_implicit_resolver(NULL, re.compile(r"^(?:~|null|Null|NULL|)$"), ["~", "n", "N", ""])
Loader.add_implicit_resolver(INT, re.compile(r"^-?(?:0|[1-9][0-9]*)$"), list("-0123456789"))
Loader.add_implicit_resolver(
    FLOAT,
    re.compile(r"^-?(?:0|[1-9][0-9]*)(?:\.[0-9]+(?:[eE][-+]?[0-9]+)?|[eE][-+]?[0-9]+)$"),
    list("-0123456789"),
)
Loader.add_implicit_resolver(MERGE, re.compile(r"^<<$"), ["<"])


class YamlError(Exception):
    """A problem at a place in the file (1-based ``line`` and ``column``)."""

    def __init__(self, message: str, line: int, column: int, hint: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.line = line
        self.column = column
        self.hint = hint

    @classmethod
    def at(cls, node: Node, message: str, hint: str | None = None) -> YamlError:
        return cls(message, *where(node), hint)


def where(node: Node) -> tuple[int, int]:
    """The 1-based line and column where a node starts."""
    mark = node.start_mark
    return mark.line + 1, mark.column + 1


_HINTS = (
    ("'\\t'", "indent with spaces: YAML does not allow tab characters there"),
    ("mapping values are not allowed", "a text that contains ': ' must be written in quotes"),
    ("could not find expected ':'", "each line of a mapping is 'key: value'; check the line above"),
    ("found undefined alias", "define the anchor (&name) before using it (*name)"),
)


def compose(text: str) -> Node | None:
    """The document's root node (``None`` for an empty file); raises :class:`YamlError`."""
    try:
        return yaml.compose(text, Loader=Loader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        problem = exc.problem or "invalid YAML"
        if "expected a single document" in f"{exc.context} {problem}":
            message = "the file holds more than one YAML document (a second '---')"
        else:
            message = f"YAML syntax error: {problem}"
            if exc.context and exc.context_mark is not None and exc.context_mark is not mark:
                message += f" ({exc.context} on line {exc.context_mark.line + 1})"
        hint = next((h for key, h in _HINTS if key in str(exc)), None)
        line, column = (mark.line + 1, mark.column + 1) if mark is not None else (1, 1)
        raise YamlError(message, line, column, hint) from None
    except yaml.YAMLError as exc:
        raise YamlError(f"cannot read the YAML: {exc}", 1, 1) from None


def text(node: Node, what: str) -> str:
    """A scalar as the text written (``name: 42`` is ``"42"``); null and non-scalars refused."""
    if not isinstance(node, ScalarNode) or node.tag == NULL:
        raise YamlError.at(node, f"{what} must be a text")
    if node.tag not in (STR, INT, FLOAT):
        raise YamlError.at(node, f"{what} must be a text, not {node.value!r}")
    return str(node.value)


def items(node: MappingNode) -> list[tuple[str, ScalarNode, Node]]:
    """A mapping's entries as (key, key node, value node): merges (``<<``) applied, duplicate
    keys refused."""
    own: list[tuple[str, ScalarNode, Node]] = []
    merged: list[tuple[str, ScalarNode, Node]] = []
    seen: dict[str, int] = {}
    for key_node, value_node in node.value:
        if isinstance(key_node, ScalarNode) and key_node.tag == MERGE:
            merged.extend(_merged(value_node))
            continue
        if not isinstance(key_node, ScalarNode):
            raise YamlError.at(key_node, "a key must be a plain text, not a list or mapping")
        key = str(key_node.value)
        if key in seen:
            raise YamlError.at(
                key_node, f'the key "{key}" appears twice (first on line {seen[key]})'
            )
        seen[key] = where(key_node)[0]
        own.append((key, key_node, value_node))
    for key, key_node, value_node in merged:
        if key not in seen:
            seen[key] = where(key_node)[0]
            own.append((key, key_node, value_node))
    return own


def _merged(node: Node) -> list[tuple[str, ScalarNode, Node]]:
    if isinstance(node, MappingNode):
        return items(node)
    if isinstance(node, SequenceNode) and all(isinstance(n, MappingNode) for n in node.value):
        out: list[tuple[str, ScalarNode, Node]] = []
        for mapping in node.value:
            out.extend(entry for entry in items(mapping) if entry[0] not in {k for k, *_ in out})
        return out
    raise YamlError.at(node, "'<<' merges a mapping (<<: *anchor) or a list of mappings")


def value(node: Node) -> Any:
    """The plain value of a node: dict, list, str, int, Decimal, bool or None."""
    return _Builder().build(node)


class _Builder:
    """Builds values; a node reached twice through aliases gives the same object (so alias
    chains cannot blow up), and an alias inside itself is refused."""

    def __init__(self) -> None:
        self.done: dict[int, Any] = {}
        self.active: set[int] = set()

    def build(self, node: Node) -> Any:
        key = id(node)
        if key in self.done:
            return self.done[key]
        if key in self.active:
            raise YamlError.at(node, "an alias refers to the node that contains it")
        self.active.add(key)
        try:
            built = self._build(node)
        finally:
            self.active.discard(key)
        self.done[key] = built
        return built

    def _build(self, node: Node) -> Any:
        if isinstance(node, ScalarNode):
            return scalar(node)
        if isinstance(node, SequenceNode):
            if node.tag != SEQ:
                raise YamlError.at(node, f"unsupported YAML tag {node.tag}")
            return [self.build(n) for n in node.value]
        if isinstance(node, MappingNode):
            if node.tag != MAP:
                raise YamlError.at(node, f"unsupported YAML tag {node.tag}")
            return {key: self.build(v) for key, _k, v in items(node)}
        raise YamlError.at(node, "unsupported YAML node")  # pragma: no cover


def scalar(node: ScalarNode) -> Any:
    """A scalar's value by its (resolved or explicit) tag."""
    raw = str(node.value)
    tag = node.tag
    if tag == STR:
        return raw
    if tag == NULL:
        if raw not in ("", "~", "null", "Null", "NULL"):
            raise YamlError.at(node, f"{raw!r} is not null")
        return None
    if tag == BOOL:
        if raw.lower() not in ("true", "false"):
            raise YamlError.at(node, f"{raw!r} is not true or false")
        return raw.lower() == "true"
    if tag == INT:
        try:
            return int(raw)
        except ValueError:
            raise YamlError.at(node, f"{raw!r} is not an integer") from None
    if tag == FLOAT:
        try:
            number = Decimal(raw)
        except InvalidOperation:
            number = Decimal("NaN")
        if not number.is_finite():
            raise YamlError.at(node, f"{raw!r} is not a decimal number") from None
        return number
    raise YamlError.at(node, f"unsupported YAML tag {tag}")
