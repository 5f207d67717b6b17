"""Custom data operations on the JSON form: lookup with ``*``, typed values, upsert, removal, and
the ownership rule that every write enforces (exact messages)."""

from __future__ import annotations

import copy
from decimal import Decimal
from typing import Any

import pytest

from procrules.records import (
    CustomDataError,
    OwnershipError,
    check_write,
    entry_value,
    get_value,
    key_matcher,
    lookup,
    lookup_values,
    make_entry,
    normalize_record,
    parse_record,
    remove,
    remove_matching,
    upsert,
)

CONN = "5377568eb7e165e3b38af6eece4a0001"
OTHER = "0000000000000000000000000000beef"
WOO = "connector.woocommerce"


@pytest.fixture
def custom_data() -> dict[str, Any]:
    """A normal-form ``customData`` map with one entry of every type and of several owners."""
    record = normalize_record(
        {
            "customData": {
                f"{CONN}|{WOO}|meta.env": {"type": "string", "value": "test"},
                f"{OTHER}|{WOO}|meta.env": {"type": "string", "value": "prod"},
                f"|{WOO}|meta.env": {"type": "string", "value": "none"},
                "|x-acme|flag": {"type": "bool", "value": "true"},
                f"{CONN}|x-acme|count": {"type": "integer", "value": "3"},
                "|x-acme|price": {"type": "decimal", "value": "12.50"},
                "|x-acme|payload": {"type": "json", "value": '{"lines": [{"sku": "A"}]}'},
                "|x-other|text": {"type": "json", "value": '"plain"'},
            }
        }
    )
    data: dict[str, Any] = record["customData"]
    return data


# --- lookup -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("parts", "keys"),
    [
        ((CONN, WOO, "meta.env"), [f"{CONN}|{WOO}|meta.env"]),
        (("", WOO, "meta.env"), [f"|{WOO}|meta.env"]),
        ((None, WOO, "meta.env"), [f"|{WOO}|meta.env"]),
        ((CONN, WOO, "META.ENV"), []),
        (
            ("*", WOO, "meta.env"),
            [f"{CONN}|{WOO}|meta.env", f"{OTHER}|{WOO}|meta.env", f"|{WOO}|meta.env"],
        ),
        ((CONN, "*", "*"), [f"{CONN}|{WOO}|meta.env", f"{CONN}|x-acme|count"]),
        (("", "x-acme", "*"), ["|x-acme|flag", "|x-acme|price", "|x-acme|payload"]),
        (
            ("*", "x-acme", "*"),
            ["|x-acme|flag", f"{CONN}|x-acme|count", "|x-acme|price", "|x-acme|payload"],
        ),
        (("*", "*", "text"), ["|x-other|text"]),
        (("*", "x-acme", "meta.*"), []),  # only a whole part "*" is a wildcard
    ],
)
def test_lookup(
    custom_data: dict[str, Any], parts: tuple[str | None, str, str], keys: list[str]
) -> None:
    found = lookup(custom_data, *parts)
    assert [k for k, _ in found] == keys
    assert all(custom_data[k] is e for k, e in found)


def test_lookup_works_on_a_model_map_too() -> None:
    record = parse_record({"customData": {"|x-a|k": {"type": "integer", "value": 1}}})
    [(key, entry)] = lookup(record.customData, "*", "x-a", "*")
    assert key == "|x-a|k"
    assert entry_value(entry) == 1


def test_key_matcher() -> None:
    matches = key_matcher("*", "x-a", "k")
    assert matches("|x-a|k")
    assert matches("c|x-a|k")
    assert not matches("c|x-b|k")
    assert not matches("c|x-a|k|extra")


@pytest.mark.parametrize(
    ("parts", "values"),
    [
        ((CONN, WOO, "meta.env"), ["test"]),
        (("", "x-acme", "flag"), [True]),
        ((CONN, "x-acme", "count"), [3]),
        (("", "x-acme", "price"), [Decimal("12.50")]),
        (("", "x-acme", "payload"), [{"lines": [{"sku": "A"}]}]),
        (("", "x-other", "text"), ["plain"]),
        (("*", WOO, "meta.env"), ["test", "prod", "none"]),
        (("", "x-acme", "missing"), []),
    ],
)
def test_lookup_values_are_typed(
    custom_data: dict[str, Any], parts: tuple[str, str, str], values: list[Any]
) -> None:
    found = lookup_values(custom_data, *parts)
    assert found == values
    assert [type(v) for v in found] == [type(v) for v in values]


def test_get_value(custom_data: dict[str, Any]) -> None:
    assert get_value(custom_data, "", "x-acme", "price") == Decimal("12.50")
    assert get_value(custom_data, None, "x-acme", "nothing") is None


# --- ownership --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("parts", "writer"),
    [
        (("", "x-acme", "k"), CONN),
        (("", "x-acme", "k"), None),
        ((OTHER, "x-acme", "k"), CONN),  # an x- module is anyone's
        ((CONN, WOO, "meta.x"), CONN),  # the writer's own connection
    ],
)
def test_check_write_allows(parts: tuple[str, str, str], writer: str | None) -> None:
    assert check_write(*parts, writer) == "|".join(parts)


@pytest.mark.parametrize(
    ("parts", "writer", "message"),
    [
        (
            ("", WOO, "meta.x"),
            CONN,
            (
                f'cannot write customData[|{WOO}|meta.x]: module "{WOO}" is not an x- module and '
                f'the entry belongs to no connection (writer: connection "{CONN}")'
            ),
        ),
        (
            ("", WOO, "meta.x"),
            None,
            (
                f'cannot write customData[|{WOO}|meta.x]: module "{WOO}" is not an x- module and '
                "the entry belongs to no connection (writer: no connection)"
            ),
        ),
        (
            (OTHER, WOO, "meta.x"),
            CONN,
            (
                f'cannot write customData[{OTHER}|{WOO}|meta.x]: module "{WOO}" is not an x- '
                f'module and the entry belongs to connection "{OTHER}" '
                f'(writer: connection "{CONN}")'
            ),
        ),
        (
            (CONN, WOO, "meta.x"),
            None,
            (
                f'cannot write customData[{CONN}|{WOO}|meta.x]: module "{WOO}" is not an x- '
                f'module and the entry belongs to connection "{CONN}" (writer: no connection)'
            ),
        ),
        (
            ("", "X-acme", "k"),
            CONN,
            (
                'cannot write customData[|X-acme|k]: module "X-acme" is not an x- module and the '
                f'entry belongs to no connection (writer: connection "{CONN}")'
            ),
        ),
    ],
)
def test_check_write_refuses_what_the_writer_does_not_own(
    parts: tuple[str, str, str], writer: str | None, message: str
) -> None:
    with pytest.raises(OwnershipError) as info:
        check_write(*parts, writer)
    assert str(info.value) == message


@pytest.mark.parametrize(
    ("parts", "message"),
    [
        (
            ("*", "x-a", "k"),
            'cannot write customData[*|x-a|k]: "*" is not allowed in a written key',
        ),
        (
            ("", "x-a", "*"),
            'cannot write customData[|x-a|*]: "*" is not allowed in a written key',
        ),
        (
            ("", "x-*", "k"),
            'cannot write customData[|x-*|k]: "*" is not allowed in a written key',
        ),
        (("", "", "k"), "cannot write customData[||k]: moduleId must not be empty"),
        (("", "x-a", ""), "cannot write customData[|x-a|]: key must not be empty"),
        (
            ("", "x-a", "k|j"),
            'cannot write customData[|x-a|k|j]: key must not contain "|": "k|j"',
        ),
    ],
)
def test_check_write_refuses_invalid_keys(parts: tuple[str, str, str], message: str) -> None:
    with pytest.raises(CustomDataError) as info:
        check_write(*parts, CONN)
    assert type(info.value) is CustomDataError
    assert str(info.value) == message


# --- upsert -----------------------------------------------------------------------------------


def test_upsert_creates_one_entry_in_normal_form(custom_data: dict[str, Any]) -> None:
    before = copy.deepcopy(custom_data)
    previous = upsert(custom_data, "", "x-acme", "new", Decimal("1.50"), writer_connection=CONN)
    assert previous is None
    assert custom_data.pop("|x-acme|new") == {
        "moduleId": "x-acme",
        "key": "new",
        "type": "decimal",
        "value": "1.50",
    }
    assert custom_data == before  # never replaces the whole map


def test_upsert_updates_and_returns_the_previous_entry(custom_data: dict[str, Any]) -> None:
    old = custom_data[f"{CONN}|{WOO}|meta.env"]
    previous = upsert(custom_data, CONN, WOO, "meta.env", "live", writer_connection=CONN)
    assert previous == old
    assert custom_data[f"{CONN}|{WOO}|meta.env"] == {**old, "value": "live"}


def test_upsert_keeps_unknown_fields_of_the_entry_it_updates() -> None:
    data: dict[str, Any] = {"|x-a|k": make_entry("", "x-a", "k", 1) | {"note": "kept"}}
    upsert(data, "", "x-a", "k", 2, writer_connection=None)
    assert data["|x-a|k"] == {
        "moduleId": "x-a",
        "key": "k",
        "type": "integer",
        "value": 2,
        "note": "kept",
    }


@pytest.mark.parametrize(
    ("value", "value_type", "written"),
    [
        ("SE", None, {"type": "string", "value": "SE"}),
        (True, None, {"type": "bool", "value": True}),
        (12, None, {"type": "integer", "value": 12}),
        (Decimal("12.50"), None, {"type": "decimal", "value": "12.50"}),
        ({"a": [1]}, None, {"type": "json", "value": {"a": [1]}}),
        ("12", "integer", {"type": "integer", "value": 12}),
        ("true", "bool", {"type": "bool", "value": True}),
        ("12.50", "decimal", {"type": "decimal", "value": "12.50"}),
        ('{"a": 1}', "json", {"type": "json", "value": {"a": 1}}),
        (12, "decimal", {"type": "decimal", "value": "12"}),
    ],
)
def test_upsert_types(value: object, value_type: Any, written: dict[str, Any]) -> None:
    data: dict[str, Any] = {}
    upsert(data, CONN, "x-acme", "k", value, value_type, writer_connection=None)
    assert data == {
        f"{CONN}|x-acme|k": {"connectionId": CONN, "moduleId": "x-acme", "key": "k", **written}
    }
    assert normalize_record({"customData": data})["customData"] == data  # a valid normal form


@pytest.mark.parametrize(
    ("args", "error", "message"),
    [
        (
            ("", WOO, "meta.x", "v"),
            OwnershipError,
            (
                f'cannot write customData[|{WOO}|meta.x]: module "{WOO}" is not an x- module and '
                f'the entry belongs to no connection (writer: connection "{CONN}")'
            ),
        ),
        (
            ("*", "x-acme", "k", "v"),
            CustomDataError,
            'cannot write customData[*|x-acme|k]: "*" is not allowed in a written key',
        ),
        (
            ("", "x-acme", "flag", "maybe", "bool"),
            CustomDataError,
            'not a bool (true or false): "maybe"',
        ),
        (
            ("", "x-acme", "k", {1}),
            CustomDataError,
            "cannot infer a custom data type for a set value: {1}",
        ),
    ],
)
def test_upsert_refuses_and_changes_nothing(
    custom_data: dict[str, Any], args: tuple[Any, ...], error: type[Exception], message: str
) -> None:
    before = copy.deepcopy(custom_data)
    with pytest.raises(error) as info:
        upsert(custom_data, *args, writer_connection=CONN)
    assert str(info.value) == message
    assert custom_data == before


# --- removal ----------------------------------------------------------------------------------


def test_remove_returns_the_removed_entry(custom_data: dict[str, Any]) -> None:
    old = custom_data["|x-acme|flag"]
    assert remove(custom_data, "", "x-acme", "flag", writer_connection=None) == old
    assert "|x-acme|flag" not in custom_data
    assert remove(custom_data, "", "x-acme", "flag", writer_connection=None) is None


def test_remove_obeys_ownership_even_for_a_missing_entry(custom_data: dict[str, Any]) -> None:
    before = copy.deepcopy(custom_data)
    for key in ("meta.env", "meta.absent"):
        with pytest.raises(OwnershipError) as info:
            remove(custom_data, OTHER, WOO, key, writer_connection=CONN)
        assert str(info.value) == (
            f'cannot write customData[{OTHER}|{WOO}|{key}]: module "{WOO}" is not an x- module '
            f'and the entry belongs to connection "{OTHER}" (writer: connection "{CONN}")'
        )
    assert custom_data == before


def test_remove_own_connection_entry(custom_data: dict[str, Any]) -> None:
    assert remove(custom_data, CONN, WOO, "meta.env", writer_connection=CONN) is not None
    assert lookup_values(custom_data, "*", WOO, "meta.env") == ["prod", "none"]


@pytest.mark.parametrize(
    ("parts", "removed"),
    [
        (
            ("*", "x-acme", "*"),
            ["|x-acme|flag", f"{CONN}|x-acme|count", "|x-acme|price", "|x-acme|payload"],
        ),
        (("", "x-acme", "*"), ["|x-acme|flag", "|x-acme|price", "|x-acme|payload"]),
        (("*", "x-acme", "count"), [f"{CONN}|x-acme|count"]),
        (("", "x-acme", "price"), ["|x-acme|price"]),
        (("", "x-acme", "absent"), []),
    ],
)
def test_remove_matching(
    custom_data: dict[str, Any], parts: tuple[str, str, str], removed: list[str]
) -> None:
    before = copy.deepcopy(custom_data)
    result = remove_matching(custom_data, *parts, writer_connection=None)
    assert [k for k, _ in result] == removed
    assert [e for _, e in result] == [before[k] for k in removed]
    assert custom_data == {k: e for k, e in before.items() if k not in removed}


@pytest.mark.parametrize(
    ("parts", "message"),
    [
        (
            ("*", WOO, "meta.env"),
            (
                f'cannot remove customData[*|{WOO}|meta.env]: "*" is allowed only as the whole '
                "connection or key part of an x- module"
            ),
        ),
        (
            ("", "*", "k"),
            (
                'cannot remove customData[|*|k]: "*" is allowed only as the whole connection or '
                "key part of an x- module"
            ),
        ),
        (
            ("", "x-acme", "pr*"),
            (
                'cannot remove customData[|x-acme|pr*]: "*" is allowed only as the whole '
                "connection or key part of an x- module"
            ),
        ),
        (
            ("", "x-acme|b", "*"),
            'cannot remove customData[|x-acme|b|*]: moduleId must not contain "|": "x-acme|b"',
        ),
    ],
)
def test_remove_matching_refuses(
    custom_data: dict[str, Any], parts: tuple[str, str, str], message: str
) -> None:
    before = copy.deepcopy(custom_data)
    with pytest.raises(CustomDataError) as info:
        remove_matching(custom_data, *parts, writer_connection=CONN)
    assert str(info.value) == message
    assert custom_data == before


def test_remove_matching_without_wildcard_is_an_ownership_checked_remove(
    custom_data: dict[str, Any],
) -> None:
    with pytest.raises(OwnershipError):
        remove_matching(custom_data, "", WOO, "meta.env", writer_connection=CONN)
    assert remove_matching(custom_data, CONN, WOO, "meta.env", writer_connection=CONN) == [
        (
            f"{CONN}|{WOO}|meta.env",
            {
                "connectionId": CONN,
                "moduleId": WOO,
                "key": "meta.env",
                "type": "string",
                "value": "test",
            },
        )
    ]


def test_a_key_the_bare_form_cannot_hold_is_shown_quoted() -> None:
    with pytest.raises(OwnershipError) as info:
        upsert({}, None, WOO, "odd key]", "v", writer_connection=None)
    assert str(info.value).startswith(f'cannot write customData["|{WOO}|odd key]"]: ')
