"""Actions (LANGUAGE.md sections 9 and 12): effects on the record and the exact changes."""

from __future__ import annotations

from typing import Any

import pytest
from engine_helpers import CONN, fired, order, run

from procrules.engine import field_actions


def changes(result: Any) -> list[tuple[str, Any, Any]]:
    return [(c.path, c.before, c.after) for c in result.changes]


def act(actions: str, record: dict[str, Any] | None = None, **context: Any) -> Any:
    text = f'for Order\nrule "r"\nthen\n{actions}\nend\n'
    result = run(text, order() if record is None else record, **context)
    assert result.status == "ok", result.to_dict()
    return result


# ----------------------------------------------------------------------------- set


def test_set_a_field() -> None:
    result = act('set orderStatus = "onHold"')
    assert result.record["orderStatus"] == "onHold"
    assert changes(result) == [("orderStatus", "new", "onHold")]
    assert result.changes[0].ruleset == "00-t"
    assert result.changes[0].rule == "r"


def test_set_a_decimal_writes_exact_text() -> None:
    result = act("set shippingCost = 0\nset totalInclVat = totalInclVat * 1.10")
    assert changes(result) == [
        ("shippingCost", "49.00", "0"),
        ("totalInclVat", "549.00", "603.9000"),
    ]
    assert result.record["shippingCost"] == "0"
    assert result.record["totalInclVat"] == "603.9000"


def test_set_the_same_value_records_no_change() -> None:
    result = act('set orderStatus = "new"\nset shippingCost = 49.00')
    assert changes(result) == []
    assert fired(result) == ["r"]


@pytest.mark.parametrize("before", [None, "PNL", "DHL", "", 12, 12.5, True, {"a": 1}, ["PNL"]])
@pytest.mark.parametrize("text", ["PNL", "12", ""])
def test_set_of_a_text_is_the_general_set_written_out(
    monkeypatch: pytest.MonkeyPatch, before: Any, text: str
) -> None:
    """``set forwarderCode = "…"`` runs a shorter path (field_actions._set_text_of_top_field);
    its outcome is the general set's, whatever the field held."""
    record = order(forwarderCode=before)
    fast = act(f'set forwarderCode = "{text}"', record).to_dict()
    monkeypatch.setattr(field_actions, "_set_text_of_top_field", _general_set)
    general = act(f'set forwarderCode = "{text}"', record).to_dict()
    assert fast == general


def _general_set(last: str, new: str, typ: Any, site: Any) -> Any:
    return field_actions.set_field((last,), typ, lambda _st, _cur: new, site)


def test_set_creates_missing_objects() -> None:
    rec = order()
    del rec["customer"]
    result = act('set customer.name = "Bo"', rec)
    assert result.record["customer"] == {"name": "Bo"}
    assert changes(result) == [("customer.name", None, "Bo")]


def test_set_on_every_match_of_a_multi_valued_path() -> None:
    result = act("set rows[*].discount = 5")
    assert [r["discount"] for r in result.record["rows"]] == ["5", "5", "5"]
    assert changes(result) == [
        ("rows[0].discount", None, "5"),
        ("rows[1].discount", None, "5"),
        ("rows[2].discount", None, "5"),
    ]


def test_set_with_where() -> None:
    result = act('set rows[where sku startswith "SKU"].name = "item"')
    assert changes(result) == [("rows[0].name", None, "item"), ("rows[2].name", None, "item")]
    assert "name" not in result.record["rows"][1]


def test_set_an_object_from_another() -> None:
    result = act("set deliveryAddress = billingAddress")
    assert result.record["deliveryAddress"] == {
        "name": "Ann Inc",
        "city": "Oslo",
        "countryCode": "NO",
    }
    assert changes(result) == [
        (
            "deliveryAddress",
            {"name": "Ann", "city": "Umeå", "countryCode": "SE"},
            {"name": "Ann Inc", "city": "Oslo", "countryCode": "NO"},
        )
    ]


def test_each_rule_sees_the_record_as_earlier_rules_left_it() -> None:
    text = (
        'rule "a" then set orderStatus = "onHold" end\n'
        'rule "b" when orderStatus == "onHold" then set note = "held" end\n'
    )
    result = run(text, order())
    assert fired(result) == ["a", "b"]
    assert result.record["note"] == "held"


# ----------------------------------------------------------------------------- remove


def test_remove_a_field_sets_it_to_null() -> None:
    result = act("remove customer.email")
    assert result.record["customer"]["email"] is None
    assert changes(result) == [("customer.email", "ann@example.com", None)]


def test_remove_a_missing_field_changes_nothing() -> None:
    assert changes(act("remove note")) == []


def test_remove_list_elements_by_where() -> None:
    rec = order()
    rec["rows"].append({"rowId": "4", "sku": "GIFTWRAP-BLUE", "quantity": 1})
    result = act('remove rows[where sku startswith "GIFTWRAP"]', rec)
    assert [r["rowId"] for r in result.record["rows"]] == ["1", "3"]
    assert changes(result) == [
        (
            "rows[1]",
            {"rowId": "2", "sku": "GIFTWRAP-RED", "quantity": "1", "pricePerUnitExclVat": "10"},
            None,
        ),
        ("rows[3]", {"rowId": "4", "sku": "GIFTWRAP-BLUE", "quantity": "1"}, None),
    ]


def test_remove_by_index() -> None:
    result = act("remove rows[-1]\nremove tags[0]")
    assert [r["rowId"] for r in result.record["rows"]] == ["1", "2"]
    assert result.record["tags"] == []
    assert [c[0] for c in changes(result)] == ["rows[2]", "tags[0]"]


def test_remove_a_field_of_every_match() -> None:
    result = act("remove rows[*].pricePerUnitExclVat")
    assert [r["pricePerUnitExclVat"] for r in result.record["rows"]] == [None, None, None]
    assert changes(result) == [
        ("rows[0].pricePerUnitExclVat", "100.00", None),
        ("rows[1].pricePerUnitExclVat", "10", None),
        ("rows[2].pricePerUnitExclVat", "20.5", None),
    ]


def test_remove_a_map_key() -> None:
    product = {"recordType": "Product", "attributes": {"Colour": "Red", "Size": "M"}}
    text = 'for Product\nrule "r" then remove attributes["Colour"] end\n'
    result = run(text, product)
    assert result.record["attributes"] == {"Size": "M"}
    assert changes(result) == [("attributes.Colour", "Red", None)]


# ----------------------------------------------------------------------------- add


def test_add_a_string_to_a_list() -> None:
    result = act('add "free-shipping" to tags')
    assert result.record["tags"] == ["web", "free-shipping"]
    assert changes(result) == [("tags[1]", None, "free-shipping")]


def test_add_a_string_already_there_changes_nothing() -> None:
    result = act('add "web" to tags')
    assert result.record["tags"] == ["web"]
    assert changes(result) == []


def test_add_to_a_missing_list() -> None:
    rec = order()
    del rec["tags"]
    result = act('add "a" to tags\nadd "b" to tags\nadd "a" to tags', rec)
    assert result.record["tags"] == ["a", "b"]
    assert changes(result) == [("tags[0]", None, "a"), ("tags[1]", None, "b")]


def test_adds_in_several_rules_grow_one_copy_and_leave_the_input_alone() -> None:
    """The first add copies the input's list; later adds (other rules) append to that copy."""
    text = "".join(f'rule "r{i}"\nwhen true\nthen add "t{i}" to tags\nend\n' for i in range(3))
    rec = order()
    result = run("for Order\n" + text, rec)  # run checks that ``rec`` is not mutated
    assert rec["tags"] == ["web"]
    assert result.record["tags"] == ["web", "t0", "t1", "t2"]
    assert changes(result) == [
        ("tags[1]", None, "t0"),
        ("tags[2]", None, "t1"),
        ("tags[3]", None, "t2"),
    ]
    again = run("for Order\n" + text, rec)
    assert again.record["tags"] == ["web", "t0", "t1", "t2"]


@pytest.mark.parametrize(
    ("tags", "message"),
    [
        ("web", "cannot add to tags: it is a string, not a list"),
        ({"a": 1}, "cannot add to tags: it is a map, not a list"),
    ],
)
def test_add_to_a_field_that_is_not_a_list_is_an_error(tags: Any, message: str) -> None:
    result = run('for Order\nrule "r"\nthen\nadd "x" to tags\nend\n', order(tags=tags))
    assert result.status == "error"
    assert result.error is not None
    assert result.error.message == message


def test_add_text_to_a_list_of_numbers_compares_as_json() -> None:
    result = act('add "1" to tags\nadd "2" to tags', order(tags=[1]))
    assert result.record["tags"] == ["1", "2"]
    assert changes(result) == [("tags[1]", None, "2")]


def test_add_a_map_always_appends_a_row() -> None:
    actions = 'add {"sku": "DISCOUNT", "quantity": 1, "pricePerUnitExclVat": -50} to rows\n' * 2
    result = act(actions)
    row = {"sku": "DISCOUNT", "quantity": "1", "pricePerUnitExclVat": "-50"}
    assert result.record["rows"][3:] == [row, row]
    assert changes(result) == [("rows[3]", None, row), ("rows[4]", None, row)]


# ----------------------------------------------------------------------------- replace


def test_replace_text_in_strings() -> None:
    result = act('replace "Umeå" with "Umea" in deliveryAddress.city')
    assert result.record["deliveryAddress"]["city"] == "Umea"
    assert changes(result) == [("deliveryAddress.city", "Umeå", "Umea")]


def test_replace_in_every_match() -> None:
    result = act('replace "-" with "_" in rows[*].sku')
    assert [r["sku"] for r in result.record["rows"]] == ["SKU_1", "GIFTWRAP_RED", "SKU_3"]
    assert len(result.changes) == 3


def test_replace_in_a_missing_field_changes_nothing() -> None:
    assert changes(act('replace "a" with "b" in note')) == []


# ----------------------------------------------------------------------------- copy, swap


def test_copy_a_sub_object() -> None:
    result = act('copy billingAddress to deliveryAddress\nset deliveryAddress.city = "Bergen"')
    assert result.record["deliveryAddress"]["city"] == "Bergen"
    assert result.record["billingAddress"]["city"] == "Oslo"  # a copy, not the same object
    assert [c[0] for c in changes(result)] == ["deliveryAddress", "deliveryAddress.city"]


def test_copy_a_value() -> None:
    result = act("copy customer.email to deliveryAddress.email")
    assert changes(result) == [("deliveryAddress.email", None, "ann@example.com")]


def test_swap_two_objects() -> None:
    result = act("swap billingAddress and deliveryAddress")
    assert result.record["billingAddress"]["city"] == "Umeå"
    assert result.record["deliveryAddress"]["city"] == "Oslo"
    assert [c[0] for c in changes(result)] == ["billingAddress", "deliveryAddress"]
    assert result.changes[0].before["city"] == "Oslo"
    assert result.changes[0].after["city"] == "Umeå"


def test_swap_two_values() -> None:
    result = act("swap deliveryAddress.city and billingAddress.city")
    assert changes(result) == [
        ("deliveryAddress.city", "Umeå", "Oslo"),
        ("billingAddress.city", "Oslo", "Umeå"),
    ]


# ----------------------------------------------------------------------------- flow


def test_log_adds_an_info_message() -> None:
    result = act('log "total " + string(totalInclVat)')
    assert [m.to_dict() for m in result.messages] == [
        {"level": "info", "ruleset": "00-t", "rule": "r", "text": "total 549.00"}
    ]


def test_logs_between_other_actions_keep_their_order_and_rule() -> None:
    text = """for Order
rule "only logs"
then
log "one"
log "two"
end
rule "mixed"
then
log "three"
set orderStatus = "onHold"
log "four"
end
rule "fails"
then
log "five"
add "x" to tags
end
"""
    result = run(text, order(tags="web"))
    assert result.status == "error"
    assert result.error is not None
    assert result.error.rule == "fails"
    assert [(m.rule, m.level, m.text) for m in result.messages] == [
        ("only logs", "info", "one"),
        ("only logs", "info", "two"),
        ("mixed", "info", "three"),
        ("mixed", "info", "four"),
        ("fails", "info", "five"),
        ("fails", "error", "cannot add to tags: it is a string, not a list"),
    ]


def test_stop_ends_the_rule_set_only() -> None:
    first = 'rule "a" then stop end\nrule "b" then log "b" end\n'
    second = 'rule "c" then log "c" end\n'
    from engine_helpers import book_of

    result = book_of(first, second).apply(order())
    assert fired(result) == ["a", "c"]


def test_ignore_ends_everything() -> None:
    from engine_helpers import book_of

    first = 'rule "a" then set note = "x" ignore "duplicate" end\nrule "b" then log "b" end\n'
    result = book_of(first, 'rule "c" then log "c" end\n').apply(order())
    assert result.status == "ignored"
    assert fired(result) == ["a"]
    assert result.changes == []
    assert "note" not in result.record  # the record as it came in
    assert [m.to_dict() for m in result.messages] == [
        {"level": "warning", "ruleset": "00-t", "rule": "a", "text": "duplicate"}
    ]


def test_ignore_without_reason() -> None:
    result = run('rule "a" then ignore end\n', order())
    assert result.status == "ignored"
    assert result.messages == []


def test_fail_ends_everything() -> None:
    text = 'rule "a" then log "seen" end\nrule "b" when count(rows) > 0 then fail "no" end\n'
    result = run(text, order())
    assert result.status == "failed"
    assert fired(result) == ["a", "b"]
    assert [(m.level, m.text) for m in result.messages] == [("info", "seen"), ("error", "no")]
    assert result.record == run("", order()).record


def test_actions_run_in_order_and_stop_skips_the_rest_of_the_rule() -> None:
    result = act('set note = "a"\nstop\nset note = "b"')
    assert result.record["note"] == "a"


def test_ownership_context_connection_allows_its_own_entries() -> None:
    result = act(f'set customData[{CONN}|connector.woocommerce|meta.x] = "y"', connection_id=CONN)
    assert changes(result) == [(f"customData[{CONN}|connector.woocommerce|meta.x]", None, "y")]


def test_remove_a_list_field_and_every_element() -> None:
    result = act("remove tags\nremove rows[*]")
    assert result.record["tags"] == []
    assert result.record["rows"] == []
    assert [c[0] for c in changes(result)] == ["tags", "rows[0]", "rows[1]", "rows[2]"]
    assert result.changes[0].after == []


def test_add_null_changes_nothing() -> None:
    assert changes(act("add note to tags")) == []


def test_writing_the_whole_custom_data_map_is_an_evaluation_error() -> None:
    text = 'for Order\nrule "r" then remove customData end\n'
    result = run(text, order())
    assert result.status == "error"
    assert result.error is not None
    assert result.error.message.startswith("customData: custom data is written one entry at a time")
