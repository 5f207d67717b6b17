"""What the safety tests share: a spy on the code generator, and checks of what it generated.

:func:`generated_code` records every piece of Python source the engine compiles or evaluates
(``Emitter.define``'s functions and ``Emitter.fold``'s expressions) and the namespace each runs
in. :func:`assert_no_rule_text` checks them: no string or number literal, no comment, only
generated identifiers (``_c12``), the emitter's helpers, a fixed set of attribute names and
Python keywords. :func:`assert_sandboxed` checks the namespaces: no built-ins, no modules.
"""

from __future__ import annotations

import builtins
import contextlib
import io
import keyword
import re
import tokenize
import types
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from procrules.engine import codegen

if TYPE_CHECKING:
    from collections.abc import Iterator

    import pytest

#: Attribute and method names generated code may use (on records, values and the state).
ATTRIBUTES = frozenset(
    {"get", "append", "startswith", "endswith", "fullmatch", "__class__", "rec", "st", "cur"}
    | {"fired", "rule", "writer", "messages"}  # the state's attributes a fused rule set uses
)
_GENERATED = re.compile(r"_[a-z]\d+|_[a-z]")
_DANGEROUS = {
    getattr(builtins, name)
    for name in ("eval", "exec", "compile", "open", "__import__", "getattr", "setattr", "globals",
                 "vars", "input", "breakpoint", "delattr", "locals", "memoryview", "type")
}  # fmt: skip


@dataclass
class Generated:
    """What the code generator produced while the spy was on."""

    sources: list[str] = field(default_factory=list)
    namespaces: list[dict[str, Any]] = field(default_factory=list)


@contextlib.contextmanager
def generated_code(monkeypatch: pytest.MonkeyPatch) -> Iterator[Generated]:
    """Record every source the engine compiles (``define``) or evaluates (``fold``)."""
    seen = Generated()
    define, real_eval = codegen.Emitter.define, eval

    def spy_define(self: codegen.Emitter, params: str, body: list[str]) -> Any:
        function = define(self, params, body)
        seen.sources.append(self.sources[-1])
        if not any(ns is self.ns for ns in seen.namespaces):
            seen.namespaces.append(self.ns)
        return function

    def spy_eval(source: Any, *args: Any) -> Any:
        assert isinstance(source, str)
        seen.sources.append(source)
        return real_eval(source, *args)

    monkeypatch.setattr(codegen.Emitter, "define", spy_define)
    monkeypatch.setattr(codegen, "eval", spy_eval, raising=False)
    yield seen


def assert_no_rule_text(seen: Generated, *texts: str) -> None:
    """No literal and no unknown name in any generated source; none of ``texts`` in any."""
    assert seen.sources, "nothing was generated: the spy is not working"
    allowed = set(codegen.HELPERS) | ATTRIBUTES | set(keyword.kwlist)
    for ns in seen.namespaces:
        allowed |= set(ns)
    for source in seen.sources:
        for text in texts:
            assert text not in source, f"rule-file text {text!r} in generated source:\n{source}"
        for token in tokenize.generate_tokens(io.StringIO(source).readline):
            assert token.type not in (tokenize.STRING, tokenize.NUMBER, tokenize.COMMENT), (
                f"a literal in generated source: {token.string!r}\n{source}"
            )
            if token.type == tokenize.NAME:
                name = token.string
                assert name in allowed or _GENERATED.fullmatch(name), (
                    f"name {name!r} in generated source:\n{source}"
                )


def assert_sandboxed(seen: Generated) -> None:
    """Generated code runs without built-ins, and its namespace holds no module."""
    assert seen.namespaces, "nothing was generated: the spy is not working"
    for ns in seen.namespaces:
        shown = "builtins.__dict__" if ns["__builtins__"] is builtins.__dict__ else "…"
        assert ns["__builtins__"] == {}, f"generated code can reach {shown}"
        for name, value in ns.items():
            assert not isinstance(value, types.ModuleType), f"module {name} in the namespace"
            with contextlib.suppress(TypeError):  # unhashable values are data
                assert value not in _DANGEROUS, f"built-in {value!r} in the namespace as {name}"
