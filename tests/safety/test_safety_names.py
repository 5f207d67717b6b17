"""Rule files reach the record, the context and the built-in functions, and nothing else.

Python's special names (``__class__``, ``__dict__``, ``__globals__``, ``__builtins__``,
``__import__``, …) as field names, function names and const names are check errors; as map
keys, custom-data parts and strings they are plain data, read and written like any other text.
There is no import, no file or network access and no code execution in the language: every way
to ask for one is a check error, and no rule makes the engine import a module or open a file.
"""

from __future__ import annotations

import builtins
import socket
import subprocess
from typing import TYPE_CHECKING, Any

import pytest
from safety_helpers import assert_no_rule_text, assert_sandboxed, generated_code

import procrules
from procrules import jsonio
from procrules.language.frontend import check_source

if TYPE_CHECKING:
    from pathlib import Path

DUNDERS = [
    "__class__", "__dict__", "__globals__", "__builtins__", "__import__", "__subclasses__",
    "__mro__", "__init__", "__code__", "__getattribute__", "__reduce__", "__loader__", "__spec__",
]  # fmt: skip
CONN = "5377568eb7e165e3b38af6eece4a0001"


def codes(source: str) -> list[str]:
    _, sink = check_source(source, "t.rules")
    return [d.code for d in sink.sorted()]


def run(source: str, record: dict[str, Any], record_type: str = "Order") -> procrules.Result:
    book = procrules.Book.from_sources({"t.rules": source})
    result = book.apply(record, procrules.Context(record_type, "import", CONN))
    explained, trace = book.explain(record, procrules.Context(record_type, "import", CONN))
    assert explained.to_dict() == result.to_dict()
    jsonio.dumps(trace.to_dict())
    return result


# ------------------------------------------------------------------ check errors


@pytest.mark.parametrize("name", DUNDERS)
@pytest.mark.parametrize(
    ("template", "expected"),
    [
        ('rule "r" when {n} == "x" then stop end', ["E201"]),
        ('rule "r" when $["{n}"] == "x" then stop end', ["E201"]),
        ('rule "r" then set {n} = 1 end', ["E201"]),
        ('rule "r" then set customer.{n} = 1 end', ["E201"]),
        ('rule "r" then set rows[0].{n} = 1 end', ["E201"]),
        ('rule "r" then remove $["{n}"] end', ["E201"]),
        ('rule "r" then copy {n} to note end', ["E201"]),
        ('rule "r" when exists deliveryAddress.{n} then stop end', ["E201"]),
        ('rule "r" then set note = note.{n} end', ["E312"]),
        ('rule "r" then set note = {n}("x") end', ["E205"]),
        ('rule "r" then set note = lower({n}) end', ["E201"]),
        ('const {n} = 1\nrule "r" then stop end', ["E100"]),
    ],
    ids=[
        "field", "bracket-field", "set-field", "nested-field", "row-field", "remove", "copy",
        "exists", "field-of-string", "function", "bare-name", "const",
    ],
)  # fmt: skip
def test_special_names_in_code_positions_are_check_errors(
    name: str, template: str, expected: list[str]
) -> None:
    assert codes(template.format(n=name) + "\n") == expected


@pytest.mark.parametrize(
    "call",
    [
        'eval("1")', 'exec("1")', 'compile("1", "f", "exec")', 'open("/etc/passwd")',
        'getattr(note, "upper")', "globals()", "vars()", 'input("x")', "breakpoint()",
        'system("id")', 'read_file("/etc/passwd")', 'http_get("http://example.com")',
        'import("os")', 'type(note)', 'fetch("https://example.com")', 'env("HOME")',
    ],
)  # fmt: skip
def test_no_function_reaches_python_files_or_the_network(call: str) -> None:
    found = codes(f'rule "r" then set note = string({call}) end\n')
    assert found
    assert found[0] in ("E205", "E100"), found
    assert all(c.startswith("E") for c in found)


@pytest.mark.parametrize(
    "source",
    [
        "import os\n",
        "from os import system\n",
        'include "other.rules"\n',
        'rule "r" then exec "id" end\n',
        'rule "r" then set note = `id` end\n',
        'rule "r" then set note = lambda: 0 end\n',
        'rule "r" then set note = note.upper() end\n',
        'rule "r" then set note = $.__class__ end\n',
        'rule "r" then set note = [x for x in rows] end\n',
        "const __IMPORT__ = 1\n",
        "const _C1 = 1\n",
    ],
)
def test_no_syntax_imports_or_runs_code(source: str) -> None:
    found = codes(source)
    assert found, "must be an error"
    assert all(c in ("E100", "E101", "E201", "E312") for c in found), found


# ------------------------------------------------------------------ plain data


@pytest.mark.parametrize("name", DUNDERS)
def test_special_names_as_keys_and_strings_are_plain_data(name: str) -> None:
    source = f"""
        const MAP = {{"{name}": "mapped {name}"}}
        const NAMES = ["{name}"]
        rule "{name}"
          description "{name}"
          tags "{name}"
        when orderNumber == "{name}" and orderNumber in NAMES
        then
          set note = MAP["{name}"]
          set customData[|x-acme|{name}] = "{name}"
          set customData["{name}|x-acme|k"] = "{name}" as string
          set customData[|x-{name}|{name}] = {{"{name}": "{name}"}} as json
          add "{name}" to tags
          log "{name}"
        end
        rule "read back"
        when customData[|x-acme|{name}] == "{name}"
          and customData[|x-{name}|{name}].{name} == "{name}"
          and customData[|x-{name}|{name}]["{name}"] == "{name}"
        then set shippingMethod = customData[|x-{name}|{name}].{name}
        end
    """
    assert codes(source) == []
    record = {"orderNumber": name, "customData": {}}
    result = run(source, record)
    assert result.status == "ok", result.to_dict()
    assert [f.rule for f in result.fired] == [name, "read back"]
    out = result.record
    assert out is not None
    assert out["note"] == f"mapped {name}"
    assert out["tags"] == [name]
    assert out["shippingMethod"] == name
    entries = out["customData"]
    assert entries[f"|x-acme|{name}"]["value"] == name
    assert entries[f"{name}|x-acme|k"]["connectionId"] == name
    assert entries[f"|x-{name}|{name}"]["value"] == {name: name}
    assert [m.text for m in result.messages] == [name]


@pytest.mark.parametrize("name", DUNDERS)
def test_special_names_inside_record_data_are_looked_up_never_attributes(name: str) -> None:
    """Paths into ``json`` custom data and maps read keys: ``__class__`` of a string is null,
    of an object the value stored under that key."""
    source = f"""
        rule "r"
        then
          set note = string(customData[|x-acme|text].{name})
          set shippingMethod = customData[|x-acme|object].{name}
          set paymentMethod = string(customData[|x-acme|list][0].{name})
          set forwarderCode = customData[|x-acme|object].{name}.{name}
        end
    """
    assert codes(source) == []
    record = {
        "customData": {
            "|x-acme|text": {"moduleId": "x-acme", "key": "text", "type": "string", "value": "s"},
            "|x-acme|object": {"moduleId": "x-acme", "key": "object", "type": "json",
                               "value": {name: "stored"}},
            "|x-acme|list": {"moduleId": "x-acme", "key": "list", "type": "json", "value": [1]},
        }
    }  # fmt: skip
    result = run(source, record)
    assert result.status == "ok", result.to_dict()
    out = result.record
    assert out is not None
    assert out.get("note") is None
    assert out["shippingMethod"] == "stored"
    assert out.get("paymentMethod") is None
    assert out.get("forwarderCode") is None


def test_product_attributes_with_special_names_are_map_entries() -> None:
    source = """
        for Product
        rule "r"
        when attributes["__class__"] == "given"
        then
          set attributes["__dict__"] = attributes["__class__"]
          set title = string(keys(attributes))
        end
    """
    assert codes(source) == []
    result = run(source, {"attributes": {"__class__": "given"}}, "Product")
    assert result.status == "ok"
    assert result.record is not None
    assert result.record["attributes"] == {"__class__": "given", "__dict__": "given"}


def test_unknown_fields_with_special_names_are_kept_as_data() -> None:
    record = {"orderNumber": "1", "__class__": "x", "__dict__": {"__globals__": 1}, "rows": []}
    result = run('rule "r" then set note = "n" end\n', record)
    assert result.status == "ok"
    assert result.record is not None
    assert result.record["__class__"] == "x"
    assert result.record["__dict__"] == {"__globals__": 1}


# ------------------------------------------------------------------ no side effects


def test_rules_import_nothing_open_nothing_and_run_nothing(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """Loading and applying hostile-looking rules calls no import, open, socket or process."""
    marker = tmp_path / "PWNED"
    payload = f"__import__('os').system('touch {marker}')"
    source = f"""
        const CODE = "{payload}"
        rule "{payload}"
        when note != "{payload}" or note matches ".*"
        then
          set note = CODE
          set customData["|x-acme|{payload}"] = CODE
          log "{{0.__class__.__init__.__globals__}}"
          set shippingMethod = regex_replace(note, "o", "0")
        end
    """
    assert codes(source) == []
    book = procrules.Book.from_sources({"t.rules": source})
    record = {"orderNumber": "1", "note": "{0.__class__}"}
    book.explain(record, procrules.Context("Order"))  # compile the trace-mode code as well

    calls: list[str] = []

    def refuse(what: str) -> Any:
        def hook(*args: Any, **kwargs: Any) -> Any:
            calls.append(what)
            raise AssertionError(f"{what} called while applying rules")

        return hook

    with generated_code(monkeypatch) as seen:
        procrules.Book.from_sources({"t.rules": source})
    real_import = builtins.__import__

    def guarded_import(name: str, *args: Any, **kwargs: Any) -> Any:
        if name in ("os", "subprocess", "socket", "ctypes", "shutil", "pty"):
            calls.append(f"import {name}")
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", guarded_import)
    monkeypatch.setattr(builtins, "open", refuse("open"))
    monkeypatch.setattr(subprocess, "Popen", refuse("Popen"))
    monkeypatch.setattr(socket, "socket", refuse("socket"))
    monkeypatch.setattr("os.system", refuse("os.system"))
    result = book.apply(record, procrules.Context("Order"))
    _, trace = book.explain(record, procrules.Context("Order"))
    text = jsonio.dumps(result.to_dict()) + jsonio.dumps(trace.to_dict())
    monkeypatch.undo()
    assert calls == []
    assert result.status == "ok"
    assert result.record is not None
    assert result.record["note"] == payload
    assert result.record["shippingMethod"] == payload.replace("o", "0")
    assert payload in text
    assert not marker.exists()
    assert_no_rule_text(seen, payload, "__import__", "system", "{0.__class__")
    assert_sandboxed(seen)
