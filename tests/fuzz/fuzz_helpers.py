"""What the fuzz tests share: the profile, the corpora, the strategies and the invariants.

* :func:`fuzz` gives the hypothesis settings of the profile chosen by ``HYPOTHESIS_PROFILE``
  (``ci`` by default, ``long`` by hand; see ``conftest.py``), scaled per test.
* Rule files: :data:`RULE_CORPUS` is every ``*.rules`` of the repository (the example rule sets
  and the test data, golden files included); :func:`mutated_rule_files` mutates them (tokens and
  lines deleted, duplicated, swapped; characters inserted; truncation; random unicode; very long
  lines) and :func:`token_soup` writes random files from the language's own words.
* Records: :func:`records` are JSON objects per schema (from ``language.schema``: every field
  good, null, missing, of a wrong type, huge, or a float, NaN or bool where a decimal belongs),
  plus wrong custom data, unknown fields and mutated example records.
* :func:`assert_applies` is the invariant of ``Book.apply``: a status with its reason, a result
  that ``jsonio.dumps`` writes, and the same outcome from ``Book.explain``.
"""

from __future__ import annotations

import copy
import math
import os
import re
from decimal import Decimal
from functools import cache
from pathlib import Path
from typing import Any

from hypothesis import settings
from hypothesis import strategies as st

import procrules
from procrules import jsonio
from procrules.language import types as t
from procrules.language.limits import record_problem
from procrules.language.schema import record_types

ROOT = Path(__file__).resolve().parents[2]
PROFILE = os.environ.get("HYPOTHESIS_PROFILE", "ci")
CONN = "5377568eb7e165e3b38af6eece4a0001"
STATUSES = ("ok", "ignored", "failed", "error")


def fuzz(weight: float = 1.0) -> settings:
    """The settings of the chosen profile, with ``weight`` times its number of examples."""
    name = PROFILE if PROFILE in ("ci", "long") else "ci"
    base = settings.get_profile(name)
    return settings(base, max_examples=max(1, round(base.max_examples * weight)))


# ------------------------------------------------------------------------------ rule files


def _rule_files() -> list[Path]:
    found = sorted((ROOT / "rules").rglob("*.rules")) + sorted((ROOT / "tests").rglob("*.rules"))
    return [p for p in found if ".hypothesis" not in p.parts]


RULE_FILES = _rule_files()
RULE_CORPUS = [p.read_text(encoding="utf-8") for p in RULE_FILES]


def _words(text: str) -> list[str]:
    return text.split()


#: Words of the language and of the schema, with names that must never reach Python.
VOCABULARY = [
    *_words(
        "rule when then end const and or not any all none in is null empty exists set remove add "
        "to replace with copy swap ignore fail stop log as where true false ruleset for on import "
        "export connection description tags disabled Order Invoice Product"
    ),
    *_words(
        "orderStatus rows sku quantity customer email totalInclVat deliveryAddress countryCode "
        "customData attributes categories tags note price stock createdAt"
    ),
    *_words(
        "lower upper trim length substring replace regex_replace split join strip_html round "
        "floor ceil abs count sum min max coalesce number string keys values now today date "
        "days_between add_days"
    ),
    *_words(
        "__class__ __dict__ __globals__ __builtins__ __import__ __subclasses__ eval exec open os "
        "sys _c1 _f1 st cur _dict"
    ),
    *_words('== != < <= > >= + - * / ( ) [ ] { } , : . $ | "x" "" 0 -1 1.5 499.00 NAME CONST_1'),
    "customData[*|connector.woocommerce|meta.x]",
    "customData[|x-acme|k]",
    "rows[*].sku",
    "rows[where quantity > 1]",
    '"\\u00e9"',
    '"\\n"',
    '"a\\"b"',
    "#comment\n",
    "\n",
]

_TOKEN = re.compile(r'"(?:[^"\\\n]|\\.)*"|customData\[[^\]\n]*\]|\w+|\s+|.', re.DOTALL)
_TRICKY = "\"\\'|[]{}()$*#.,:=<>!&\n\r\t\x00\x0b\x0c\u2028\u2029\u0085\ufeff\u200b\ufffdé😀"
_LONG = [1_000, 10_000, 100_000]


def _tokens(text: str) -> list[str]:
    return _TOKEN.findall(text)


def _solid(tokens: list[str]) -> list[int]:
    return [i for i, tok in enumerate(tokens) if not tok.isspace()] or [0]


@st.composite
def _mutation(draw: st.DrawFn, source: str) -> str:
    op = draw(
        st.sampled_from(
            [
                "del_token", "dup_token", "swap_tokens", "del_line", "dup_line", "swap_lines",
                "insert_chars", "insert_word", "truncate", "unicode", "long_line", "replace_token",
            ]
        )
    )  # fmt: skip
    if op.endswith(("token", "tokens")):
        tokens = _tokens(source) or [""]
        solid = _solid(tokens)
        i = draw(st.sampled_from(solid))
        if op == "del_token":
            tokens[i] = ""
        elif op == "dup_token":
            tokens[i] = tokens[i] + " " + tokens[i]
        elif op == "replace_token":
            tokens[i] = draw(st.sampled_from(VOCABULARY))
        else:
            j = draw(st.sampled_from(solid))
            tokens[i], tokens[j] = tokens[j], tokens[i]
        return "".join(tokens)
    if op.endswith(("line", "lines")):
        lines = source.split("\n")
        i = draw(st.integers(0, len(lines) - 1))
        if op == "del_line":
            del lines[i]
        elif op == "dup_line":
            lines.insert(i, lines[i])
        else:
            j = draw(st.integers(0, len(lines) - 1))
            lines[i], lines[j] = lines[j], lines[i]
        return "\n".join(lines)
    at = draw(st.integers(0, len(source)))
    if op == "truncate":
        return source[:at]
    if op == "insert_chars":
        chars = draw(st.text(st.sampled_from(_TRICKY) | st.characters(), min_size=1, max_size=8))
        return source[:at] + chars + source[at:]
    if op == "insert_word":
        return source[:at] + " " + draw(st.sampled_from(VOCABULARY)) + " " + source[at:]
    if op == "unicode":
        return source[:at] + draw(st.text(max_size=40)) + source[at:]
    n = draw(st.sampled_from(_LONG))
    unit = draw(st.sampled_from(["x", "9", "(", "[", "-", '"', "a.", "#", "é", "\\u0041", "or x"]))
    return source[:at] + unit * (n // len(unit)) + source[at:]


@st.composite
def mutated_rule_files(draw: st.DrawFn) -> str:
    """A file of the corpus with one to four mutations."""
    source = draw(st.sampled_from(RULE_CORPUS))
    for _ in range(draw(st.integers(1, 4))):
        source = draw(_mutation(source))
    return source


def token_soup() -> st.SearchStrategy[str]:
    """A random file of the language's words, separated by spaces or newlines."""
    word = st.sampled_from(VOCABULARY) | st.text(max_size=6)
    return st.lists(st.tuples(word, st.sampled_from([" ", "\n"])), max_size=60).map(
        lambda pairs: "".join(w + s for w, s in pairs)
    )


# ------------------------------------------------------------------------------ records


def deep(levels: int, leaf: Any = 1) -> Any:
    """A JSON value nested ``levels`` deep: alternating lists and objects around ``leaf``."""
    value = leaf
    for n in range(levels):
        value = [value] if n % 2 else {"a": value}
    return value


_HUGE = "h" * 1_000_001
#: Values that have no business in a field; most are wrong for any field.
NASTY: list[Any] = [
    None, "", " ", "x" * 10_000, True, False, 0, -1, 10**30, -(10**30), 10**400,
    1.5, -0.0, math.nan, math.inf, -math.inf, 1e308, 5e-324, Decimal("NaN"), Decimal("1E+999999"),
    Decimal("-0.00"), "NaN", "1e999999", "12,50", "0x1F", "٣", "2024-13-45", "2024-02-30T25:61:00Z",
    [], {}, [None], [[[]]], {"": None}, {"a": {"b": []}}, "\x00", "\u2028", "😀" * 3,
    "__class__", "{0.__class__}", '"); import os; ("', "%s%n", "\\", "a|b|c", "||", "|x-acme|k",
]  # fmt: skip
#: Rare, expensive values: over the record limits.
OVER_LIMITS: list[Any] = [_HUGE, [0] * 100_001, deep(1_200), deep(201)]


@cache
def _nasty() -> st.SearchStrategy[Any]:
    # copies: a record drawn once may be changed by a later mutation, never NASTY itself
    fresh = st.sampled_from(NASTY).map(copy.deepcopy)
    return fresh | st.floats() | st.integers() | st.text(max_size=30)


@cache
def _json_leaf() -> st.SearchStrategy[Any]:
    return (
        st.none()
        | st.booleans()
        | st.integers()
        | st.decimals(allow_nan=False, allow_infinity=False, places=3)
        | st.text(max_size=20)
    )


@cache
def json_values() -> st.SearchStrategy[Any]:
    return st.recursive(
        _json_leaf(),
        lambda inner: (
            st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4)
        ),
        max_leaves=12,
    )


@cache
def _decimal_good() -> st.SearchStrategy[Any]:
    dec = st.decimals(min_value=-(10**9), max_value=10**9, allow_nan=False, places=2)
    return dec | dec.map(str) | st.integers(-(10**6), 10**6) | st.floats(-1e6, 1e6)


_DATETIMES = ["2024-05-02T08:15:00Z", "2024-05-02T08:15:00+02:00", "2024-05-02", "2024-05-02T08:15"]


@cache
def _good(typ: t.Type, depth: int) -> st.SearchStrategy[Any]:
    kind = typ.kind
    if kind is t.Kind.STRING:
        return st.text(max_size=20) | st.sampled_from(["new", "SE", "GIFTWRAP-1", "WS-1", "acme"])
    if kind is t.Kind.DECIMAL:
        return _decimal_good()
    if kind is t.Kind.INTEGER:
        return st.integers(-(10**6), 10**6) | st.integers().map(str)
    if kind is t.Kind.BOOL:
        return st.booleans()
    if kind in (t.Kind.DATETIME, t.Kind.DATE):
        return st.sampled_from(_DATETIMES)
    if kind is t.Kind.LIST:
        return st.lists(value_for(typ.element or t.ANY, depth + 1), max_size=3)
    if kind is t.Kind.MAP:
        return st.dictionaries(
            st.text(max_size=10), value_for(typ.element or t.ANY, depth + 1), max_size=3
        )
    if kind is t.Kind.OBJECT:
        return objects(typ, depth + 1)
    if kind is t.Kind.CUSTOM_DATA:
        return custom_data()
    return json_values()


@cache
def value_for(typ: t.Type, depth: int = 0) -> st.SearchStrategy[Any]:
    """A value for a field of type ``typ``: usually a fitting one, else null or a nasty one."""
    if depth > 3:
        return _nasty()
    return st.one_of(_good(typ, depth), _good(typ, depth), st.none(), _nasty())


@cache
def objects(typ: t.Type, depth: int = 0) -> st.SearchStrategy[dict[str, Any]]:
    """An object of ``typ``: every field optional (missing parts), sometimes unknown fields."""
    fields = typ.fields or {}
    known = st.fixed_dictionaries({}, optional={k: value_for(v, depth) for k, v in fields.items()})
    names = st.sampled_from(["x", "__class__", "__dict__", "", "a b", "$", "customdata"])
    unknown = st.dictionaries(names | st.text(max_size=8), json_values(), max_size=2)
    return st.builds(lambda a, b: {**b, **a}, known, unknown)


_CD_TYPES = ["string", "bool", "integer", "decimal", "json"]


@st.composite
def _entry(draw: st.DrawFn) -> tuple[str, Any]:
    conn = draw(st.sampled_from(["", CONN, "other", "*", "a b"]))
    module = draw(st.sampled_from(["x-acme", "connector.woocommerce", "", "x-", "__class__"]))
    keys = ["holdReason", "meta._wc_klarna_environment", "webShopStatus", "k", "__dict__"]
    key = draw(st.sampled_from(keys) | st.text(max_size=8))
    kind = draw(st.sampled_from([*_CD_TYPES, "float", "", None, 7]))
    value = draw(json_values() | _nasty())
    entry: Any = {
        "connectionId": conn,
        "moduleId": module,
        "key": key,
        "type": kind,
        "value": value,
    }
    if draw(st.booleans()):
        entry = {k: v for k, v in entry.items() if draw(st.booleans())}  # missing parts
    if draw(st.integers(0, 9)) == 0:
        entry = draw(_nasty())  # not an entry at all
    map_key = f"{conn}|{module}|{key}"
    if draw(st.integers(0, 4)) == 0:
        map_key = draw(st.sampled_from(["", "a|b", "a|b|c|d", "|x-acme|other", "no pipes"]))
    return map_key, entry


@cache
def custom_data() -> st.SearchStrategy[Any]:
    return st.lists(_entry(), max_size=4).map(dict) | _nasty()


def _example_records() -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = []
    for path in sorted((ROOT / "rules" / "records").rglob("*.jsonl")):
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.strip():
                value = jsonio.loads(line)
                record = value.get("record", value) if "status" in value else value
                if isinstance(record, dict):
                    found.append(record)
    return found


EXAMPLE_RECORDS = _example_records()


def _set_at(record: Any, path: list[Any], value: Any, *, delete: bool) -> None:
    target = record
    for step in path[:-1]:
        target = target[step]
    if delete and isinstance(target, dict):
        del target[path[-1]]
    else:
        target[path[-1]] = value


def _paths(value: Any, prefix: tuple[Any, ...] = ()) -> list[list[Any]]:
    out: list[list[Any]] = []
    items = (
        value.items()
        if isinstance(value, dict)
        else enumerate(value)
        if isinstance(value, list)
        else ()
    )
    for k, v in items:
        out.append([*prefix, k])
        out.extend(_paths(v, (*prefix, k)))
    return out


@st.composite
def mutated_records(draw: st.DrawFn) -> dict[str, Any]:
    """An example record with one to five places replaced by nasty values or removed."""
    record = jsonio.loads(jsonio.dumps(draw(st.sampled_from(EXAMPLE_RECORDS))))
    for _ in range(draw(st.integers(1, 5))):
        paths = _paths(record)
        if not paths:
            break
        path = draw(st.sampled_from(paths))
        value = draw(_nasty() | json_values() | custom_data())
        _set_at(record, path, value, delete=draw(st.integers(0, 3)) == 0)
    return record


@st.composite
def records(draw: st.DrawFn) -> Any:
    """A record to apply: per schema, mutated from an example, over the limits, or no object."""
    which = draw(st.integers(0, 19))
    if which < 8:
        kind = draw(st.sampled_from(["Order", "Invoice", "Product"]))
        record = draw(objects(record_types()[kind]))
        if draw(st.booleans()):
            record["recordType"] = draw(
                st.sampled_from([kind, kind, "Order", "order", "Nope", None, 3])
            )
        return record
    if which < 17:
        return draw(mutated_records())
    if which < 19:
        record = dict(draw(st.sampled_from(EXAMPLE_RECORDS)))
        where = draw(st.sampled_from(["unknown", "json", "note", "tags"]))
        value = draw(st.sampled_from(OVER_LIMITS))
        if where == "json":
            key = "|x-acme|payload"
            record["customData"] = {
                key: {"moduleId": "x-acme", "key": "payload", "type": "json", "value": value}
            }
        else:
            record[where if where != "unknown" else "someUnknownField"] = value
        return record
    return draw(_nasty())


@st.composite
def contexts(draw: st.DrawFn) -> procrules.Context:
    return procrules.Context(
        record_type=draw(st.sampled_from([None, "Order", "Invoice", "Product"])),
        direction=draw(st.sampled_from(["import", "export"])),
        connection_id=draw(st.sampled_from([None, CONN, "other", ""])),
    )


# ------------------------------------------------------------------------------ books


@cache
def example_books() -> tuple[tuple[str, procrules.Book], ...]:
    """Every example rule set of ``rules/``: each directory, and each file on its own."""
    rules = ROOT / "rules"
    paths = sorted(p for p in rules.iterdir() if p.is_dir() and any(p.rglob("*.rules")))
    paths += sorted(rules.rglob("*.rules"))
    return tuple((p.relative_to(ROOT).as_posix(), procrules.load(p)) for p in paths)


# ------------------------------------------------------------------------------ invariants


def assert_result(result: procrules.Result) -> dict[str, Any]:
    """A status with its reason, and a result that ``jsonio.dumps`` writes; its dict."""
    assert result.status in STATUSES
    if result.status == "error":
        assert result.error is not None
        assert result.error.message
    else:
        assert result.error is None
    if result.status in ("ignored", "failed"):
        assert result.fired, "the rule that ended the record is named"
    as_dict = result.to_dict()
    text = jsonio.dumps(as_dict)
    text.encode("utf-8")  # writable: no half surrogate pair
    assert jsonio.loads(text)["status"] == result.status
    return as_dict


def assert_applies(book: procrules.Book, record: Any, context: procrules.Context) -> str:
    """``apply`` and ``explain`` never raise, agree, give writable results, and leave the record
    as it was; the status."""
    snapshot = repr(record) if record_problem(record) is None else None
    result = book.apply(record, context)
    as_dict = assert_result(result)
    explained, trace = book.explain(record, context)
    assert explained.status == result.status
    assert assert_result(explained) == as_dict
    jsonio.dumps(trace.to_dict()).encode("utf-8")
    if snapshot is not None:
        assert repr(record) == snapshot, "the input record was changed"
    return result.status
