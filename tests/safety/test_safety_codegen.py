"""Adversarial text in rule files is data, end to end, and never reaches generated source.

Each payload (quotes, backslashes, newlines and NUL written as escapes, code such as
``"); import os; ("``, format strings such as ``{0.__class__}``, very long text, unicode line
separators, …) is put everywhere a rule file holds text: the rule set's and the rules' names,
descriptions and tags, consts (text, list, map keys and values), comparisons, ``in``,
``contains``, ``startswith``, ``replace``, ``regex_replace``, ``log``, ``fail`` reasons, map keys
of ``attributes`` and custom-data keys. The file must check clean, load, apply and explain with
the payload coming out exactly as written, format to a file that gives the same results, and
the code generator's sources (:mod:`safety_helpers`) must hold no literal, no rule-file text and
no name but generated identifiers and helpers.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from safety_helpers import assert_no_rule_text, assert_sandboxed, generated_code

import procrules
from procrules import jsonio
from procrules.language.formatter import format_source
from procrules.language.formatter_exprs import quote
from procrules.language.frontend import check_source

PAYLOADS = [
    '"); import os; ("',
    "'); import os; ('",
    "{0.__class__}",
    "{0.__class__.__init__.__globals__[os]}",
    "%s%s%s%n%x",
    "${HOME}",
    "`id`",
    "\\",
    "\\\\n",
    '\\"',
    '"',
    "'''",
    '"""',
    "a\nb",
    "line\r\nbreak",
    "tab\there",
    "nul\x00byte",
    "\x00",
    "\u2028line separator\u2029paragraph",
    "\u0085next line",
    "\ufeffbom",
    "\u202eright to left",
    "é😀\U0010ffff",
    "#not a comment",
    "end\nrule",
    "__import__('os').system('id')",
    "lambda: 0",
    "st.rec.clear()",
    "_c1",
    "cur",
    "None",
    "x" * 30_000,
    "]",
    "customData[|x-acme|k]",
    "$[\"in\"]",
]  # fmt: skip
IDS = [f"p{n}" for n in range(len(PAYLOADS))]
CONN = "5377568eb7e165e3b38af6eece4a0001"
ROOT = Path(__file__).resolve().parents[2]


def rule_file(payload: str) -> str:
    """A rule file using ``payload`` in every place a rule file holds text."""
    q = quote(payload)
    key = quote("|x-acme|" + payload.replace("|", "/"))
    return f"""# {payload.splitlines()[0] if payload.splitlines() else ""}
ruleset {q}
for Order

const TEXT = {q}
const TEXTS = [{q}, "other"]
const MAP = {{{q}: {q}}}

rule {q}
  description {q}
  tags {q}, "t"
when note == {q} and note in TEXTS and note contains {q} and note startswith {q}
  and note endswith TEXT and MAP[note] == {q} and note != "{{0}}"
then
  set customData[{key}] = {q}
  set customData[|x-acme|copy] = customData[{key}]
  set paymentMethod = replace(note, {q}, "[" + {q} + "]")
  set shippingMethod = regex_replace(note, ".+", "<re>")
  add {q} to tags
  log {q}
end

rule "second"
when customData[{key}] == TEXT and any tags[*] == {q}
then
  set forwarderCode = MAP[TEXT] + lower("")
  replace {q} with "R" in orderStatus
end

rule "third"
when orderNumber == {q}
then fail {q}
end
"""


def expected_record(payload: str, out: dict[str, Any]) -> None:
    assert out["note"] == payload
    assert out["paymentMethod"] == f"[{payload}]"
    assert out["forwarderCode"] == payload
    assert out["orderStatus"] == "<R>"
    assert out["tags"] == [payload]
    key = "|x-acme|" + payload.replace("|", "/")
    assert out["customData"][key]["value"] == payload
    assert out["customData"]["|x-acme|copy"]["value"] == payload


@pytest.mark.parametrize("payload", PAYLOADS, ids=IDS)
def test_adversarial_text_is_data_end_to_end(payload: str, monkeypatch: pytest.MonkeyPatch) -> None:
    source = rule_file(payload)
    _, sink = check_source(source, "adversarial.rules")
    assert [d.headline() for d in sink.sorted()] == []
    with generated_code(monkeypatch) as seen:
        book = procrules.Book.from_sources({"adversarial.rules": source})
        record = {"orderNumber": "1", "orderStatus": f"<{payload}>", "note": payload}
        context = procrules.Context("Order", "import", CONN)
        result = book.apply(record, context)
        explained, trace = book.explain(record, context)  # compiles the trace-mode code too
    monkeypatch.undo()
    assert_no_rule_text(seen, *_distinctive(payload))

    # apply: the payload comes out exactly, wherever it went in
    assert result.status == "ok", result.to_dict()
    assert [(f.ruleset, f.rule) for f in result.fired] == [(payload, payload), (payload, "second")]
    assert result.record is not None
    expected_record(payload, result.record)
    assert [m.text for m in result.messages] == [payload]
    assert explained.to_dict() == result.to_dict()
    dumped = jsonio.dumps(result.to_dict())
    assert jsonio.loads(dumped) == jsonio.loads(jsonio.dumps(result.record and result.to_dict()))
    dumped.encode("utf-8")
    traced = jsonio.dumps(trace.to_dict())
    assert jsonio.dumps(payload)[1:-1] in traced
    failing = book.apply({**record, "orderNumber": payload}, context)
    assert failing.status == "failed"
    assert failing.messages[-1].text == payload

    # fmt: the formatted file means the same and gives the same results
    formatted = format_source(source, "adversarial.rules")
    assert format_source(formatted, "adversarial.rules") == formatted
    again = procrules.Book.from_sources({"adversarial.rules": formatted})
    assert again.apply(record, context).to_dict() == result.to_dict()


def test_generated_code_runs_without_builtins(monkeypatch: pytest.MonkeyPatch) -> None:
    """Defence in depth: even a name slipping into generated source would find no built-in
    (``eval``, ``open``, ``__import__``) and no module in the functions' namespace."""
    with generated_code(monkeypatch) as seen:
        book = procrules.load(ROOT / "rules")
        for record_type in ("Order", "Product"):
            book.explain({"orderNumber": "1"}, procrules.Context(record_type))
    monkeypatch.undo()
    assert_sandboxed(seen)


def _distinctive(payload: str) -> list[str]:
    """The parts of ``payload`` that generated code could never contain by chance."""
    if len(payload) < 4 or payload.isidentifier() or payload in ("None", "lambda: 0"):
        return []
    return [payload]


@pytest.mark.parametrize(
    ("label", "name"),
    [
        ('x"); import os; ("', "ruleset label"),
        ("{0.__class__}.rules", "format label"),
        ("a\nb.rules", "newline label"),
        ("../../etc/passwd.rules", "path label"),
    ],
)
def test_adversarial_file_labels_are_data(label: str, name: str) -> None:
    book = procrules.Book.from_sources({label: 'rule "r" then set note = "n" end\n'})
    result = book.apply({"orderNumber": "1"}, procrules.Context("Order"))
    assert result.status == "ok", name
    assert result.fired[0].ruleset == label.removesuffix(".rules")


@pytest.mark.parametrize("payload", ['"); import os; ("', "{0.__class__}", "\\", "x" * 10_000])
def test_adversarial_record_text_is_data(payload: str) -> None:
    """Text in the record reaches rules only as values: as a pattern it is RE2 text."""
    source = """
        rule "r"
        when note matches orderNumber or note == orderNumber
        then set paymentMethod = upper(note) + orderNumber
        end
    """
    book = procrules.Book.from_sources({"t.rules": source})
    result = book.apply({"orderNumber": payload, "note": payload}, procrules.Context("Order"))
    assert result.status in ("ok", "error")
    jsonio.dumps(result.to_dict())
    assert result.record is not None
    if result.status == "ok":
        assert result.record["paymentMethod"] == payload.upper() + payload
