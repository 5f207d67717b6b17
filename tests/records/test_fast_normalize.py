"""The fast path of ``normalize_record`` (``procrules.records.fast``) against the pydantic path.

For every input -- generated valid records of each type in every form their values may arrive
in, the same with random places broken, the example records of ``rules/records`` and the
WooCommerce fixtures (raw and as the converter hands them to ``normalize_record``) -- either the
fast path declines (``None``) or both give the same normal form: the same keys in the same
order, the same values of the same types (``Decimal("1.0")`` is not ``Decimal("1.00")`` nor
``1``). When the pydantic path refuses a record, the fast path must decline, so the error
message is the pydantic path's. The fast path must also take the usual records itself, and never
share a container with its input (the engine writes into the record it is given).
"""

from __future__ import annotations

import copy
import json
from datetime import UTC, datetime, timedelta, timezone
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from procrules import jsonio
from procrules.records import RECORD_TYPES, dump_record, normalize_record, parse_record
from procrules.records.fast import fast_normalize

ROOT = Path(__file__).resolve().parents[2]
SHARED = ROOT.parent / "shared" / "fixtures" / "woocommerce"
CONN = "5377568eb7e165e3b38af6eece4a0001"
PROPERTY = settings(max_examples=150, deadline=None, suppress_health_check=list(HealthCheck))


def canonical(value: Any) -> Any:
    """A form that compares types, key order and the exact digits of decimals."""
    if isinstance(value, dict):
        return ("dict", [(type(k).__name__, k, canonical(v)) for k, v in value.items()])
    if isinstance(value, list):
        return ("list", [canonical(v) for v in value])
    return (type(value).__name__, repr(value))


def containers(value: Any) -> list[Any]:
    if isinstance(value, dict):
        return [value, *(c for v in value.values() for c in containers(v))]
    if isinstance(value, list):
        return [value, *(c for v in value for c in containers(v))]
    return []


def reference(obj: Any, record_type: str | None) -> tuple[str, Any]:
    """The pydantic path's outcome. (Not only ``RecordError``: an int of over 4,300 digits for a
    string field raises Python's own ``ValueError`` there; JSON input cannot hold one.)"""
    try:
        return "ok", canonical(dump_record(parse_record(obj, record_type)))
    except Exception as exc:  # noqa: BLE001
        return type(exc).__name__, str(exc)


def outcome(obj: Any, record_type: str | None) -> tuple[str, Any]:
    try:
        return "ok", canonical(normalize_record(obj, record_type))
    except Exception as exc:  # noqa: BLE001
        return type(exc).__name__, str(exc)


def check(obj: Any, record_type: str | None) -> dict[str, Any] | None:
    """Assert the fast path agrees with the pydantic path on ``obj``; the fast result."""
    before = canonical(obj) if isinstance(obj, dict | list) else None
    fast = fast_normalize(obj, record_type)
    expected = reference(obj, record_type)
    if before is not None:
        assert canonical(obj) == before, "the input was changed"
    if fast is None:
        assert outcome(obj, record_type) == expected
        return None
    assert expected == ("ok", canonical(fast))
    ids = {id(c) for c in containers(obj)}
    assert not any(id(c) in ids for c in containers(fast)), "the output shares a container"
    return fast


# ------------------------------------------------------------------------------ strategies
# Each value is usually one the model accepts (in any of the forms it may arrive in), and now and
# then an odd one (refused, or at an edge), so that most broken records have one thing wrong.


def maybe(good: st.SearchStrategy[Any], odd: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    return st.integers(0, 24).flatmap(lambda n: odd if n == 0 else good)


text = st.text(st.characters(blacklist_categories=("Cs",)), max_size=10)
decimals = st.decimals(
    allow_nan=False, allow_infinity=False, places=3, min_value=-1e9, max_value=1e9
)
#: Decimals in range but far from the usual: exponents, many digits, signed zeros.
edge_decimals = st.sampled_from(
    [
        Decimal("1E+3"), Decimal("1.5E-7"), Decimal("-0"), Decimal("-0.00"), Decimal("1E+1000"),
        Decimal("1E-1000"), Decimal("123456789012345678901234567890.123456789"),
        Decimal("0.000001"), Decimal("0.0000001"), Decimal(10**999), Decimal("9" * 1000),
        Decimal("0." + "1" * 999), Decimal("0." + "1" * 1000), Decimal("0E-1000"),
    ]
)  # fmt: skip
bad_decimals = st.sampled_from(
    [
        Decimal("0E+2000"), Decimal("0E-2000"), Decimal("1E+1001"), Decimal("1E-1001"),
        Decimal("NaN"), Decimal("-Infinity"), Decimal(10**1001), Decimal("0." + "1" * 1001),
    ]
)  # fmt: skip
odd_numbers = st.sampled_from(
    ["+5", "05", ".5", "5.", "1e3", "1E+3", " 5", "5_0", "١٢", "NaN", "-0", "0.10", "", "-",
     "1" * 41, "0." + "1" * 41, 10**40, -(10**40), 10**39, 10**1001, True, 1e16, 0.1, -0.0,
     1e300, None]
)  # fmt: skip
money = maybe(
    st.one_of(decimals, decimals.map(str), st.integers(-(10**12), 10**12), edge_decimals),
    st.one_of(bad_decimals, odd_numbers, st.floats(), edge_decimals.map(str)),
)
strings = maybe(
    st.one_of(text, st.integers(-(10**20), 10**20)),
    st.one_of(decimals, edge_decimals, st.floats(), st.booleans()),
)
offsets = st.integers(-14 * 60, 14 * 60).map(lambda m: timezone(timedelta(minutes=m)))
moments = st.datetimes(timezones=st.none() | st.just(UTC) | offsets)
datetime_values = maybe(
    moments.map(datetime.isoformat) | moments.map(lambda m: m.isoformat().replace("+00:00", "Z")),
    st.sampled_from(["2024-05-02", "2024-13-45T00:00:00Z", "now", "2024-05-02T08:15:00.5Z", 3]),
)
date_values = maybe(
    st.dates().map(lambda d: d.isoformat()),
    st.sampled_from(["2024-02-30", "20240502", "2024-05-02T00:00:00", "2024-W18-4", 3]),
)
integers = maybe(
    st.integers() | st.integers().map(str),
    st.sampled_from(["1.0", 1.5, "x", 12.0, True, Decimal("1E+3"), "1e3", Decimal("NaN")]),
)
json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | text | decimals | edge_decimals,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(text, inner, max_size=3),
    max_leaves=8,
)
odd_json = st.one_of(
    bad_decimals,
    st.floats(),
    st.tuples(st.integers()),
    st.builds(lambda: {1: "a"}),
    st.builds(lambda: {"a": 1.5}),
)
json_text = json_values.map(lambda v: json.dumps(v, default=str))
entry_values: dict[Any, st.SearchStrategy[Any]] = {
    "string": maybe(text, st.integers() | st.none()),
    "bool": maybe(st.booleans() | st.sampled_from(["true", "false"]), st.sampled_from([1, "T"])),
    "integer": integers,
    "decimal": money,
    "json": maybe(json_values | json_text | text, odd_json),
}
connections = st.sampled_from(["", CONN, "other"])
names = st.sampled_from(["connector.woocommerce", "x-acme"]) | text.filter(lambda t: "|" not in t)


@st.composite
def entry(draw: st.DrawFn) -> tuple[str, Any]:
    conn, module, key = draw(connections), draw(names), draw(names)
    value_type = draw(maybe(st.sampled_from(sorted(entry_values)), st.sampled_from(["", 7])))
    values = entry_values.get(value_type, json_values)
    fields: dict[str, Any] = {"type": value_type, "value": draw(values)}
    odd_parts = {
        "connectionId": st.sampled_from([None, "", "other", 3, CONN]),
        "moduleId": st.sampled_from(["x-acme", "", 3, None, "a|b"]),
        "key": st.sampled_from(["k", "", None, "a|b"]),
    }
    for field, part in (("connectionId", conn), ("moduleId", module), ("key", key)):
        given = draw(maybe(st.sampled_from(["same", "absent"]), st.just("odd")))
        if given == "same":
            fields[field] = part
        elif given == "odd":
            fields[field] = draw(odd_parts[field])
    if draw(st.integers(0, 3)) == 0:
        fields[draw(text)] = draw(maybe(json_values, odd_json))
    for field in ("type", "value"):
        if draw(st.integers(0, 40)) == 0:
            del fields[field]
    fields = dict(draw(st.permutations(list(fields.items()))))
    map_key = f"{conn}|{module}|{key}"
    odd_keys = st.sampled_from(["", "a|b", "a|b|c|d", "no pipes", f"{conn}||{key}", "c|m|"])
    return draw(maybe(st.just(map_key), odd_keys)), draw(maybe(st.just(fields), json_values))


custom_data = maybe(st.lists(entry(), max_size=4).map(dict), st.none() | json_values)


def _field_values(model: Any) -> dict[str, st.SearchStrategy[Any]]:
    from procrules.records import Address, Customer, OrderRow

    out: dict[str, st.SearchStrategy[Any]] = {}
    nothing = st.none() | st.just("x") | st.builds(list) | st.builds(dict)  # fresh containers
    for name, info in model.model_fields.items():
        annotation = info.annotation
        if name == "recordType":
            out[name] = st.sampled_from([None, "Order", "Invoice", "Product", "order", 3])
        elif name == "customData":
            out[name] = custom_data
        elif annotation == (Decimal | None):
            out[name] = money
        elif name in ("createdAt", "lastModified"):
            out[name] = datetime_values | st.none()
        elif name in ("invoiceDate", "dueDate"):
            out[name] = date_values | st.none()
        elif name == "stock":
            out[name] = integers | st.none()
        elif name in ("tags", "categories"):
            out[name] = maybe(st.lists(strings, max_size=3) | st.none(), strings | nothing)
        elif name == "attributes":
            out[name] = maybe(st.dictionaries(text, strings, max_size=3) | st.none(), nothing)
        elif name in ("customer", "billingAddress", "deliveryAddress"):
            part = Customer if name == "customer" else Address
            out[name] = maybe(objects(part) | st.none(), nothing)
        elif name == "rows":
            out[name] = maybe(st.lists(objects(OrderRow), max_size=3) | st.none(), nothing)
        else:
            out[name] = strings | st.none()
    return out


@st.composite
def objects(draw: st.DrawFn, model: Any) -> dict[str, Any]:
    """A JSON object for ``model``: some of its fields in any order, and unknown fields."""
    values = _field_values(model)
    chosen = draw(st.lists(st.sampled_from(sorted(values)), unique=True, max_size=10))
    out = {name: draw(values[name]) for name in chosen}
    for _ in range(draw(st.integers(0, 2))):
        name = draw(text | st.sampled_from(["_x", "model_config", "map_key", "__class__"]))
        if name not in values:
            out[name] = draw(maybe(json_values, odd_json))
    return out


records = st.tuples(
    st.sampled_from(sorted(RECORD_TYPES)).flatmap(lambda name: objects(RECORD_TYPES[name])),
    maybe(st.sampled_from([None, "Order", "Invoice", "Product"]), st.just("Customer")),
)


# ------------------------------------------------------------------------------ properties


@PROPERTY
@given(records)
def test_fast_path_agrees_with_pydantic(case: tuple[dict[str, Any], str | None]) -> None:
    obj, record_type = case
    check(obj, record_type)


@PROPERTY
@given(records)
def test_normal_form_goes_the_fast_way(case: tuple[dict[str, Any], str | None]) -> None:
    """A record's own normal form (the engine's output, read again) never needs pydantic."""
    obj, record_type = case
    kind, _ = reference(obj, record_type)
    if kind == "ok":
        normal = dump_record(parse_record(obj, record_type))
        reread = jsonio.loads(jsonio.dumps(normal))
        assert check(reread, record_type) is not None


def _example_records(folder: Path, pattern: str = "*.jsonl") -> list[Any]:
    """The records of the JSONL files of ``folder`` (of results: their records)."""
    found: list[Any] = []
    for path in sorted(folder.glob(pattern)):
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.strip():
                value = jsonio.loads(line)
                if isinstance(value, dict) and "fired" in value:  # a result: its record
                    value = value["record"]
                if isinstance(value, dict):
                    found.append(value)
    return found


INPUTS = _example_records(ROOT / "rules" / "records")
#: The WooCommerce examples converted: custom data of every type, in rows too.
CONVERTED = _example_records(ROOT / "rules" / "records" / "expected" / "woocommerce")
EXAMPLES = INPUTS + CONVERTED + _example_records(ROOT / "rules" / "records" / "expected")


def _paths(value: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    items: Any = value.items() if isinstance(value, dict) else ()
    if isinstance(value, list):
        items = enumerate(value)
    out: list[tuple[Any, ...]] = []
    for k, v in items:
        out += [(*prefix, k), *_paths(v, (*prefix, k))]
    return out


@PROPERTY
@given(st.sampled_from(EXAMPLES), st.data())
def test_broken_example_records(example: dict[str, Any], data: st.DataObject) -> None:
    """An example record with a few places replaced, removed, or given an unknown field."""
    record = copy.deepcopy(example)
    for _ in range(data.draw(st.integers(1, 4))):
        path = data.draw(st.sampled_from(_paths(record)))
        target = record
        for step in path[:-1]:
            target = target[step]
        how = data.draw(st.integers(0, 3))
        if how == 0 and isinstance(target, dict):
            del target[path[-1]]
        elif how == 1 and isinstance(target, dict):
            target[data.draw(text)] = data.draw(json_values)
        else:
            target[path[-1]] = data.draw(money | strings | json_values | odd_json)
    check(record, data.draw(st.sampled_from([None, "Order", "Product"])))


# ------------------------------------------------------------------------------ one defect
# Every example record with exactly one thing changed, from a catalogue of values at the edges of
# what the model accepts, in every place: deterministic, so every kind of defect is tried.

DELETE = object()
EDGE_VALUES: list[Any] = [
    None, "", "x", "12", "12.50", "-0", "+5", "05", ".5", "1e3", " 5", "NaN", "true", "[1]",
    "null", "a|b", "2024-05-02", "2024-05-02T08:15:00Z", "2024-13-45", 0, 1, -1, 10**39, 10**40,
    10**1001, True, 1.5, 1e16, Decimal("1.50"), Decimal("1E+3"), Decimal("1E-7"),
    Decimal("0E+2000"), Decimal("1E+1001"), Decimal("NaN"), Decimal("-Infinity"), [], [1], {},
    {"a": 1}, {"a": Decimal("NaN")}, [1.5], CONN, "other", "x-acme", DELETE,
]  # fmt: skip

PART_VALUES: list[Any] = [None, "", "x", "a|b", 3, True, CONN, "other", "x-acme", {}, DELETE]


def _entries(record: dict[str, Any]) -> list[dict[str, Any]]:
    maps = [record.get("customData")] + [
        row.get("customData") for row in record.get("rows") or [] if isinstance(row, dict)
    ]
    return [m for m in maps if isinstance(m, dict) and m]


def _set(target: Any, key: Any, value: Any) -> None:
    if value is DELETE:
        if isinstance(target, dict):
            target.pop(key, None)
    else:
        target[key] = copy.deepcopy(value)


def _bases() -> list[dict[str, Any]]:
    return INPUTS + CONVERTED


@pytest.mark.parametrize("field", ["connectionId", "moduleId", "key", "type", "value", "extra"])
def test_one_entry_defect(field: str) -> None:
    """The first entry of each custom-data map, with one field set to each edge value."""
    values = [*EDGE_VALUES, *entry_values] if field in ("type", "extra") else PART_VALUES
    checked = 0
    for example in _bases():
        for index in range(len(_entries(example))):
            for value in values:
                record = copy.deepcopy(example)
                data = _entries(record)[index]
                _set(data[next(iter(data))], field if field != "extra" else "note", value)
                check(record, None)
                checked += 1
    assert checked > 150


@pytest.mark.parametrize("value_type", ["string", "bool", "integer", "decimal", "json"])
def test_one_entry_value_of_each_type(value_type: str) -> None:
    checked = 0
    for example in _bases():
        if _entries(example):
            for value in EDGE_VALUES:
                record = copy.deepcopy(example)
                data = _entries(record)[0]
                entry = data[next(iter(data))]
                entry["type"] = value_type
                _set(entry, "value", value)
                check(record, None)
                checked += 1
    assert checked > 200


def test_one_map_key_defect() -> None:
    checked = 0
    for example in _bases():
        for index in range(len(_entries(example))):
            data = _entries(example)[index]
            map_key = next(iter(data))
            conn, module, key = map_key.split("|")
            for changed in (
                "", "a|b", "a|b|c|d", f"|{module}|{key}", f"{conn}||{key}", f"{conn}|{module}|",
                f"other|{module}|{key}", f"{CONN}|{module}|{key}", f"{conn}|x-acme|{key}",
                f"{conn}|{module}|other",
            ):  # fmt: skip
                for dropped in ((), ("connectionId", "moduleId", "key")):
                    record = copy.deepcopy(example)
                    entries = _entries(record)[index]
                    entries[changed] = entry = entries.pop(map_key)
                    for name in dropped:
                        entry.pop(name, None)
                    check(record, None)
                    checked += 1
    assert checked > 100


def test_one_field_defect() -> None:
    """Every place of every example record (custom data included) set to an edge value, the
    values taken in turn; a record type given or not."""
    turn = 0
    for example in _bases():
        for path in _paths(example):
            if "value" in path[:-1]:
                continue  # inside a json value: no field of the model
            record = copy.deepcopy(example)
            target = record
            for step in path[:-1]:
                target = target[step]
            _set(target, path[-1], EDGE_VALUES[turn % len(EDGE_VALUES)])
            check(record, [None, "Order", "Product", "Invoice"][turn % 4])
            turn += 1
    assert turn > len(EDGE_VALUES) * 10


# ------------------------------------------------------------------------------ fixtures


@pytest.mark.parametrize("record_type", [None, "Order", "Invoice", "Product"])
def test_example_records(record_type: str | None) -> None:
    assert len(EXAMPLES) >= 20
    taken = sum(check(example, record_type) is not None for example in EXAMPLES)
    if record_type is None:
        assert taken == len(EXAMPLES)  # every example record goes the fast way


def _woocommerce_files() -> list[Path]:
    files = sorted((ROOT / "rules" / "records" / "woocommerce").glob("*.json"))
    return files + (sorted(SHARED.glob("*.json")) if SHARED.is_dir() else [])


@pytest.mark.parametrize("path", _woocommerce_files(), ids=lambda p: p.name)
def test_woocommerce_fixtures(path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from procrules.connectors import woocommerce

    payload = jsonio.loads(path.read_text(encoding="utf-8"))
    orders = payload if isinstance(payload, list) else [payload]
    for order in orders:
        check(order, None)  # a WooCommerce order read as a record: unknown fields, nested
    handed: list[Any] = []

    def capture(record: Any, record_type: str | None = None) -> dict[str, Any]:
        handed.append(copy.deepcopy(record))
        return normalize_record(record, record_type)

    monkeypatch.setattr(woocommerce, "normalize_record", capture)
    for order in orders:
        try:
            woocommerce.convert_order(order, CONN)
        except woocommerce.WooCommerceError:
            continue
    assert handed
    for record in handed:
        assert check(record, "Order") is not None


def test_unusual_inputs_decline() -> None:
    from collections import OrderedDict

    assert fast_normalize(OrderedDict(orderNumber="1")) is None  # a Mapping, not a dict
    assert fast_normalize([], None) is None
    assert fast_normalize({}, "Customer") is None
    assert fast_normalize({"recordType": "Invoice"}, "Order") is None
    assert fast_normalize({"orderNumber": 1.5}) is None  # floats take the pydantic path
    assert fast_normalize({"orderNumber": 12}) == {"orderNumber": "12"}
    assert fast_normalize({"totalInclVat": Decimal("1E+3")}) == {"totalInclVat": "1000"}
