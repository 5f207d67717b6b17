"""Property tests: custom data keys compose and parse back; any record survives a JSON round trip
(read -> write -> read) unchanged, and its output is a fixed point."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta, timezone
from decimal import Decimal
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from procrules import jsonio
from procrules.records import (
    RECORD_TYPES,
    CustomDataError,
    compose_key,
    dump_record,
    parse_key,
    parse_record,
)

# --- custom data keys -------------------------------------------------------------------------

part_text = st.text(st.characters(blacklist_characters="|", blacklist_categories=("Cs",)))
nonempty_part = part_text.filter(bool)


@given(part_text, nonempty_part, nonempty_part)
def test_parse_inverts_compose(connection: str, module: str, key: str) -> None:
    assert parse_key(compose_key(connection, module, key)) == (connection, module, key)


@given(part_text, nonempty_part, nonempty_part, st.sampled_from([0, 1, 2]), st.data())
def test_compose_refuses_a_pipe_in_any_part(
    connection: str, module: str, key: str, which: int, data: st.DataObject
) -> None:
    parts = [connection, module, key]
    cut = data.draw(st.integers(0, len(parts[which])))
    parts[which] = parts[which][:cut] + "|" + parts[which][cut:]
    with pytest.raises(CustomDataError, match='must not contain "\\|"'):
        compose_key(*parts)


# --- records ----------------------------------------------------------------------------------

decimals = st.decimals(
    allow_nan=False, allow_infinity=False, places=4, min_value=-(10**9), max_value=10**9
)
# A decimal as it may arrive: a Decimal (parse_float=Decimal), an int, a float or a string.
decimal_input = st.one_of(
    decimals,
    st.integers(-(10**12), 10**12),
    st.floats(allow_nan=False, allow_infinity=False, width=32),
    decimals.map(str),
)
text = st.text(st.characters(blacklist_categories=("Cs",)), max_size=12)
string_input = st.one_of(text, st.integers(-(10**6), 10**6))
offsets = st.integers(-14 * 60, 14 * 60).map(lambda m: timezone(timedelta(minutes=m)))
datetimes = st.datetimes(timezones=st.none() | st.just(UTC) | offsets)
datetime_input = st.one_of(datetimes, datetimes.map(datetime.isoformat))
date_input = st.dates().map(lambda d: d.isoformat())

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | text | decimals,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(text, inner, max_size=3),
    max_leaves=8,
)
json_containers = st.lists(json_values, max_size=3) | st.dictionaries(text, json_values, max_size=3)


def _json_text(value: Any) -> str:
    return json.dumps(value, default=str)


# Each type with ways its value may arrive: native, or as a JSON string.
entry_values: dict[str, st.SearchStrategy[Any]] = {
    "string": text,
    "bool": st.booleans() | st.sampled_from(["true", "false"]),
    "integer": st.integers() | st.integers().map(str),
    "decimal": decimal_input,
    "json": json_containers
    | st.integers()
    | st.booleans()
    | st.none()
    | json_values.map(_json_text),
}


@st.composite
def custom_data(draw: st.DrawFn) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for _ in range(draw(st.integers(0, 4))):
        connection = draw(st.sampled_from(["", "5377568eb7e165e3b38af6eece4a0001", "other"]))
        module = draw(st.sampled_from(["connector.woocommerce", "x-acme"]) | nonempty_part)
        key = draw(nonempty_part)
        value_type = draw(st.sampled_from(list(entry_values)))
        entry: dict[str, Any] = {"type": value_type, "value": draw(entry_values[value_type])}
        if draw(st.booleans()):  # an entry may omit the fields its key gives
            entry.update(moduleId=module, key=key)
            if connection or draw(st.booleans()):
                entry["connectionId"] = connection or draw(st.sampled_from([None, ""]))
        if draw(st.booleans()):
            entry["note"] = draw(json_values)
        out[f"{connection}|{module}|{key}"] = entry
    return out


def _fields_of(model: type, record_type: str) -> dict[str, st.SearchStrategy[Any]]:
    from procrules.records import Address, Customer, OrderRow

    strategies: dict[str, st.SearchStrategy[Any]] = {}
    for name, info in model.model_fields.items():
        annotation = info.annotation
        if name == "recordType":
            strategies[name] = st.just(record_type) | st.none()
        elif name == "customData":
            strategies[name] = custom_data()
        elif annotation == (Decimal | None):
            strategies[name] = decimal_input | st.none()
        elif annotation == (datetime | None):
            strategies[name] = datetime_input | st.none()
        elif name in ("invoiceDate", "dueDate"):
            strategies[name] = date_input | st.none()
        elif name == "stock":
            strategies[name] = st.integers() | st.integers().map(str) | st.none()
        elif annotation == list[str]:
            strategies[name] = st.lists(string_input, max_size=3)
        elif name == "attributes":
            strategies[name] = st.dictionaries(text, text, max_size=3)
        elif annotation in (Customer | None, Address | None):
            strategies[name] = objects(annotation.__args__[0], "") | st.none()
        elif name == "rows":
            strategies[name] = st.lists(objects(OrderRow, ""), max_size=3)
        else:
            strategies[name] = string_input | st.none()
    return strategies


@st.composite
def objects(draw: st.DrawFn, model: type, record_type: str) -> dict[str, Any]:
    """A JSON object for ``model``: any subset of its fields, plus unknown fields."""
    strategies = _fields_of(model, record_type)
    chosen = draw(st.lists(st.sampled_from(sorted(strategies)), unique=True, max_size=8))
    out = {name: draw(strategies[name]) for name in chosen}
    extras = draw(
        st.dictionaries(text.filter(lambda k: k not in strategies), json_values, max_size=2)
    )
    return {**extras, **out}


records = st.sampled_from(sorted(RECORD_TYPES)).flatmap(
    lambda name: st.tuples(st.just(name), objects(RECORD_TYPES[name], name))
)

JSON_TYPES = (dict, list, str, int, bool, type(None), Decimal)  # Decimal: a JSON number


def _json_compatible(value: Any) -> bool:
    if isinstance(value, dict):
        return all(isinstance(k, str) and _json_compatible(v) for k, v in value.items())
    if isinstance(value, list):
        return all(_json_compatible(v) for v in value)
    return isinstance(value, JSON_TYPES) and not isinstance(value, float)


PROPERTY = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@PROPERTY
@given(records)
def test_record_round_trip_loses_nothing(case: tuple[str, dict[str, Any]]) -> None:
    record_type, obj = case
    first = parse_record(obj, record_type)
    written = dump_record(first)
    again = parse_record(written, record_type)
    assert again == first
    assert dump_record(again) == written
    assert set(written) == set(obj)  # absent fields stay absent, unknown fields are kept


@PROPERTY
@given(records)
def test_output_is_json_and_survives_serialisation(case: tuple[str, dict[str, Any]]) -> None:
    record_type, obj = case
    written = dump_record(parse_record(obj, record_type))
    assert _json_compatible(written)
    text_form = jsonio.dumps(written)
    reread = jsonio.loads(text_form)
    assert dump_record(parse_record(reread, record_type)) == written


@PROPERTY
@given(records)
def test_custom_data_output_agrees_with_its_keys(case: tuple[str, dict[str, Any]]) -> None:
    record_type, obj = case
    written = dump_record(parse_record(obj, record_type))
    for map_key, entry in written.get("customData", {}).items():
        connection, module, key = parse_key(map_key)
        assert (entry.get("connectionId", ""), entry["moduleId"], entry["key"]) == (
            connection,
            module,
            key,
        )
        assert entry.get("connectionId") != ""
