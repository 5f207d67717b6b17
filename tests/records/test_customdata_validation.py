"""Custom data as the seed documents define it: keys, value types, entries and whole maps.

Each rule of the seeds has valid and invalid cases; every refusal is checked by its exact message.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from pydantic import ValidationError

from procrules.records import (
    CUSTOM_DATA_TYPES,
    CustomDataEntry,
    CustomDataError,
    Order,
    RecordError,
    coerce_value,
    compose_key,
    dump_entry,
    dump_record,
    infer_type,
    normalize_record,
    parse_key,
    parse_record,
)

CONN = "5377568eb7e165e3b38af6eece4a0001"
WOO = "connector.woocommerce"

# The "Anatomy by example" of the seed documents, verbatim.
SEED_EXAMPLE: dict[str, Any] = {
    "customData": {
        f"{CONN}|{WOO}|meta._wc_klarna_environment": {
            "connectionId": CONN,
            "moduleId": WOO,
            "key": "meta._wc_klarna_environment",
            "type": "string",
            "value": "test",
        },
        f"{CONN}|{WOO}|meta._wc_klarna_country": {
            "connectionId": CONN,
            "moduleId": WOO,
            "key": "meta._wc_klarna_country",
            "type": "string",
            "value": "SE",
        },
    }
}


def errors_of(custom_data: object) -> list[tuple[str, str]]:
    with pytest.raises(RecordError) as info:
        parse_record({"customData": custom_data})
    return info.value.errors


def test_seed_example_is_already_in_normal_form() -> None:
    assert normalize_record(SEED_EXAMPLE) == SEED_EXAMPLE


def test_the_five_types() -> None:
    assert CUSTOM_DATA_TYPES == ("string", "bool", "integer", "decimal", "json")


# --- keys -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("parts", "key"),
    [
        ((CONN, WOO, "meta.x"), f"{CONN}|{WOO}|meta.x"),
        (("", "x-acme", "k"), "|x-acme|k"),
        ((None, "x-acme", "k"), "|x-acme|k"),
        (("C", "M", "odd key]"), "C|M|odd key]"),
    ],
)
def test_compose_key(parts: tuple[str | None, str, str], key: str) -> None:
    assert compose_key(*parts) == key


@pytest.mark.parametrize(
    ("parts", "message"),
    [
        (("a|b", "m", "k"), 'connectionId must not contain "|": "a|b"'),
        (("", "m|n", "k"), 'moduleId must not contain "|": "m|n"'),
        (("", "m", "k|l"), 'key must not contain "|": "k|l"'),
        (("", "", "k"), "moduleId must not be empty"),
        (("", "m", ""), "key must not be empty"),
    ],
)
def test_compose_key_refuses(parts: tuple[str, str, str], message: str) -> None:
    with pytest.raises(CustomDataError) as info:
        compose_key(*parts)
    assert str(info.value) == message


@pytest.mark.parametrize(
    ("key", "parts"),
    [
        (f"{CONN}|{WOO}|meta.x", (CONN, WOO, "meta.x")),
        ("|x-acme|k", ("", "x-acme", "k")),
        ("Conn|Mod|Key", ("Conn", "Mod", "Key")),
    ],
)
def test_parse_key(key: str, parts: tuple[str, str, str]) -> None:
    assert parse_key(key) == parts


@pytest.mark.parametrize(
    ("key", "message"),
    [
        ("abc", 'invalid custom data key "abc": expected connectionId|moduleId|key'),
        ("a|b", 'invalid custom data key "a|b": expected connectionId|moduleId|key'),
        ("a|b|c|d", 'invalid custom data key "a|b|c|d": expected connectionId|moduleId|key'),
        ("c||k", 'invalid custom data key "c||k": moduleId is empty'),
        ("c|m|", 'invalid custom data key "c|m|": key is empty'),
    ],
)
def test_parse_key_refuses(key: str, message: str) -> None:
    with pytest.raises(CustomDataError) as info:
        parse_key(key)
    assert str(info.value) == message


# --- values -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value_type", "raw", "expected"),
    [
        ("string", "test", "test"),
        ("string", "", ""),
        ("string", "12", "12"),
        ("bool", True, True),
        ("bool", False, False),
        ("bool", "true", True),
        ("bool", "false", False),
        ("integer", 12, 12),
        ("integer", "12", 12),
        ("integer", -4, -4),
        ("integer", Decimal("12.0"), 12),
        ("decimal", "12.50", Decimal("12.50")),
        ("decimal", Decimal("12.50"), Decimal("12.50")),
        ("decimal", 3, Decimal(3)),
        ("decimal", 12.5, Decimal("12.5")),
        ("json", {"a": 1}, {"a": 1}),
        ("json", '{"a":1}', {"a": 1}),
        ("json", "[1, 2.50]", [1, Decimal("2.50")]),
        ("json", "wc_order_5a22", "wc_order_5a22"),  # not JSON text: the string itself
        ("json", "{a", "{a"),
        ("json", '"abc"', "abc"),
        ("json", "null", None),
        ("json", None, None),
        ("json", 7, 7),
        ("json", [True, {"b": Decimal("0.5")}], [True, {"b": Decimal("0.5")}]),
        ("json", [1.5], [Decimal("1.5")]),
    ],
)
def test_coerce_value(value_type: str, raw: object, expected: object) -> None:
    value = coerce_value(value_type, raw)
    assert value == expected
    assert type(value) is type(expected)


def test_coerce_decimal_keeps_digits() -> None:
    assert coerce_value("decimal", "12.50").as_tuple() == Decimal("12.50").as_tuple()


@pytest.mark.parametrize(
    ("value_type", "raw", "message"),
    [
        ("string", 12, "not a string: 12"),
        ("string", None, "not a string: null"),
        ("string", True, "not a string: true"),
        ("bool", "yes", 'not a bool (true or false): "yes"'),
        ("bool", "True", 'not a bool (true or false): "True"'),
        ("bool", 1, "not a bool (true or false): 1"),
        ("bool", None, "not a bool (true or false): null"),
        ("integer", 1.5, "not an integer: 1.5"),
        ("integer", "1.5", 'not an integer: "1.5"'),
        ("integer", True, "not an integer: true"),
        ("integer", "twelve", 'not an integer: "twelve"'),
        ("decimal", "abc", 'not a decimal number: "abc"'),
        ("decimal", "12,50", 'not a decimal number: "12,50"'),
        ("decimal", False, "not a decimal number: false"),
        ("decimal", "NaN", 'not a decimal number: "NaN"'),
        ("json", {1, 2}, "not a JSON value: {1, 2}"),
        ("text", "x", 'not a custom data type: "text" (string, bool, integer, decimal or json)'),
    ],
)
def test_coerce_value_refuses(value_type: str, raw: object, message: str) -> None:
    with pytest.raises(CustomDataError) as info:
        coerce_value(value_type, raw)
    assert str(info.value) == message


@pytest.mark.parametrize(
    ("value", "value_type"),
    [
        ("x", "string"),
        (True, "bool"),
        (False, "bool"),
        (3, "integer"),
        (Decimal("1.5"), "decimal"),
        (1.5, "decimal"),
        ({"a": 1}, "json"),
        ([1], "json"),
        (None, "json"),
    ],
)
def test_infer_type(value: object, value_type: str) -> None:
    assert infer_type(value) == value_type


def test_infer_type_refuses_other_values() -> None:
    with pytest.raises(CustomDataError) as info:
        infer_type({1, 2})
    assert str(info.value) == "cannot infer a custom data type for a set value: {1, 2}"


# --- entries ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("entry", "written"),
    [
        ({"type": "string", "value": "SE"}, "SE"),
        ({"type": "bool", "value": "true"}, True),
        ({"type": "integer", "value": "12"}, 12),
        ({"type": "decimal", "value": 12.5}, "12.5"),
        ({"type": "decimal", "value": Decimal("549.00")}, "549.00"),
        ({"type": "json", "value": '{"a": [1, 2.5]}'}, {"a": [1, Decimal("2.5")]}),
        ({"type": "json", "value": '"abc"'}, "abc"),  # the JSON value itself
        ({"type": "json", "value": "3.1.2"}, "3.1.2"),  # not JSON text: the string itself
        ({"type": "json", "value": '"12"'}, '"12"'),  # bare "12" would read back as 12
        ({"type": "json", "value": '"null"'}, '"null"'),
        ({"type": "json", "value": None}, None),
    ],
)
def test_entry_value_is_written_in_the_json_form_of_its_type(
    entry: dict[str, Any], written: object
) -> None:
    out = dump_entry(CustomDataEntry.model_validate({"moduleId": "x-a", "key": "k", **entry}))
    assert out == {"moduleId": "x-a", "key": "k", "type": entry["type"], "value": written}
    again = dump_entry(CustomDataEntry.model_validate(out))
    assert again == out


@pytest.mark.parametrize("connection", [None, ""])
def test_entry_without_connection_is_written_without_connection_id(connection: str | None) -> None:
    raw = {"connectionId": connection, "moduleId": "x-a", "key": "k", "type": "string", "value": ""}
    entry = CustomDataEntry.model_validate(raw)
    assert entry.connectionId is None
    assert entry.map_key == "|x-a|k"
    assert "connectionId" not in dump_entry(entry)


def test_entry_keeps_unknown_fields_in_normal_form() -> None:
    raw = {"moduleId": "m", "key": "k", "type": "string", "value": "v", "note": Decimal("1.5")}
    assert dump_entry(CustomDataEntry.model_validate(raw))["note"] == Decimal("1.5")


def test_fields_the_entry_omits_are_filled_from_its_key() -> None:
    out = normalize_record({"customData": {f"{CONN}|{WOO}|k": {"type": "string", "value": "v"}}})
    assert out["customData"] == {
        f"{CONN}|{WOO}|k": {
            "connectionId": CONN,
            "moduleId": WOO,
            "key": "k",
            "type": "string",
            "value": "v",
        }
    }


def test_null_custom_data_reads_as_empty_map() -> None:
    assert normalize_record({"customData": None}) == {"customData": {}}


def entry(**fields: Any) -> dict[str, Any]:
    return {"moduleId": "m", "key": "k", "type": "string", "value": "v", **fields}


@pytest.mark.parametrize(
    ("custom_data", "errors"),
    [
        pytest.param(
            {f"{CONN}|{WOO}|meta.x": {"moduleId": "y", "type": "string", "value": "v"}},
            [
                (
                    f'customData["{CONN}|{WOO}|meta.x"]',
                    'key does not agree with the entry: moduleId is "y"',
                )
            ],
            id="module-disagrees",
        ),
        pytest.param(
            {"c|m|k": entry(connectionId="d", key="K")},
            [
                (
                    'customData["c|m|k"]',
                    'key does not agree with the entry: connectionId is "d", key is "K"',
                )
            ],
            id="two-fields-disagree-case-sensitive",
        ),
        pytest.param(
            {"c|m|k": entry(connectionId=None)},
            [('customData["c|m|k"]', "key does not agree with the entry: connectionId is null")],
            id="entry-without-connection-under-connection-key",
        ),
        pytest.param(
            {"|m|k": entry(connectionId="c")},
            [('customData["|m|k"]', 'key does not agree with the entry: connectionId is "c"')],
            id="entry-with-connection-under-no-connection-key",
        ),
        pytest.param(
            {"m|k": entry()},
            [('customData["m|k"]', "invalid key: expected connectionId|moduleId|key")],
            id="two-part-key",
        ),
        pytest.param(
            {"c||k": entry(moduleId="")},
            [
                ('customData["c||k"]', "invalid key: moduleId is empty"),
                ('customData["c||k"].moduleId', "must not be empty"),
            ],
            id="empty-module",
        ),
        pytest.param(
            {"|m|k": entry(type="text")},
            [
                (
                    'customData["|m|k"].type',
                    'not a custom data type: "text" (string, bool, integer, decimal or json)',
                )
            ],
            id="unknown-type",
        ),
        pytest.param(
            {"|m|k": entry(type="integer", value=1.5)},
            [('customData["|m|k"].value', "not an integer: 1.5")],
            id="value-not-of-its-type",
        ),
        pytest.param(
            {"|m|k": {"moduleId": "m", "key": "k", "value": 1}},
            [('customData["|m|k"].type', "missing")],
            id="type-missing",
        ),
        pytest.param(
            {"|m|k": {"type": "bool"}},
            [('customData["|m|k"].value', "missing")],
            id="value-missing",
        ),
        pytest.param(
            {"|m|k": entry(moduleId=7)},
            [('customData["|m|k"].moduleId', "not a string: 7")],
            id="module-not-a-string",
        ),
        pytest.param(
            {"a|b|m|k": entry(connectionId="a|b")},
            [
                ('customData["a|b|m|k"]', "invalid key: expected connectionId|moduleId|key"),
                ('customData["a|b|m|k"].connectionId', 'must not contain "|": "a|b"'),
            ],
            id="pipe-in-connection",
        ),
        pytest.param(
            {"|m|k": "v"},
            [('customData["|m|k"]', 'not an object: "v"')],
            id="entry-not-an-object",
        ),
        pytest.param(["x"], [("customData", 'not an object: ["x"]')], id="map-not-an-object"),
    ],
)
def test_custom_data_map_refuses(custom_data: object, errors: list[tuple[str, str]]) -> None:
    assert errors_of(custom_data) == errors


def test_row_custom_data_is_validated_the_same_way() -> None:
    with pytest.raises(RecordError) as info:
        parse_record({"rows": [{}, {"customData": {"|m|k": entry(key="j")}}]})
    assert info.value.errors == [
        ('rows[1].customData["|m|k"]', 'key does not agree with the entry: key is "j"')
    ]


def test_entry_models_in_a_map_are_checked_against_their_keys() -> None:
    entry = CustomDataEntry(moduleId="x-a", key="k", type="integer", value="3")
    assert dump_record(Order(customData={"|x-a|k": entry})) == {
        "customData": {"|x-a|k": {"moduleId": "x-a", "key": "k", "type": "integer", "value": 3}}
    }
    with pytest.raises(ValidationError) as info:
        Order(customData={"|x-a|j": entry})
    [error] = info.value.errors()
    assert error["loc"] == ("customData", "|x-a|j")
    assert error["msg"] == 'key does not agree with the entry, whose key is "|x-a|k"'
