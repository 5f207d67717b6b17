"""Custom data at run time: typed reads, wildcards, json paths, exists, upserts, removal, and
ownership decided against the context connection."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from engine_helpers import CONN, OTHER, cd_entry, fired, fires, order, run

WOO = "connector.woocommerce"


@pytest.mark.parametrize(
    ("condition", "expected"),
    [
        (f'customData[{CONN}|{WOO}|meta._wc_klarna_environment] == "test"', True),
        (f"customData[{CONN}|{WOO}|meta.count] == 12", True),  # integer stored as "12"
        (f"customData[{CONN}|{WOO}|meta.count] > 11.5", True),
        ("customData[|x-acme|flag] == true", True),  # bool stored as "true"
        ('customData[|x-acme|payload].lines[0].sku == "A"', True),
        ("customData[|x-acme|payload].lines[1].qty == 1.5", True),
        ("customData[|x-acme|payload].lines[5].sku is null", True),
        ('any customData[|x-acme|payload].lines[*].sku == "B"', True),
        ("sum(customData[|x-acme|payload].lines[*].qty) == 3.5", True),
        ("customData[|x-acme|missing] is null", True),
        ('customData[|x-acme|missing] == "x"', False),
        (f'any customData[*|{WOO}|meta._wc_klarna_environment] == "live"', True),
        (f'all customData[*|{WOO}|meta._wc_klarna_environment] == "live"', False),
        (f"count(customData[*|{WOO}|meta._wc_klarna_environment]) == 2", True),
        (f"count(customData[{CONN}|{WOO}|*]) == 2", True),
        ("count(customData[*|*|*]) == 5", True),
        ("count(customData[|*|*]) == 2", True),  # the empty connection only
        ("count(customData[*|x-acme|*]) == 2", True),  # `*` includes the empty connection
        ("count(customData[*|nope|*]) == 0", True),
        ("exists customData[|x-acme|flag]", True),
        ("exists customData[|x-acme|nope]", False),
        (f"exists customData[*|{WOO}|meta.count]", True),
        ("exists customData[*|x-none|*]", False),
        ("exists customer.email", True),
        ("exists note", False),
        ("exists rows[2]", True),
        ("exists rows[3]", False),
        ('exists rows[where sku == "SKU-3"]', True),
        ('exists rows[where sku == "none"]', False),
    ],
)
def test_reads(condition: str, expected: bool) -> None:
    assert fires(condition) is expected


def test_exists_is_true_for_an_entry_whose_value_is_null() -> None:
    key, entry = cd_entry("", "x-acme", "nothing", "json", None)
    rec = order(customData={key: entry})
    assert fires("exists customData[|x-acme|nothing]", rec)
    assert fires("customData[|x-acme|nothing] is null", rec)


def test_row_custom_data() -> None:
    rec = order()
    key, entry = cd_entry(CONN, WOO, "meta.pa_color", "string", "red")
    rec["rows"][0]["customData"] = {key: entry}
    assert fires(f'rows[0].customData[{CONN}|{WOO}|meta.pa_color] == "red"', rec)
    assert fires(f'any rows[*].customData[*|{WOO}|meta.pa_color] == "red"', rec)
    assert fires(f"count(rows[*].customData[*|{WOO}|meta.pa_color]) == 1", rec)
    assert fires(f'count(rows[where any customData[*|{WOO}|meta.pa_color] == "red"]) == 1', rec)


def test_a_value_that_does_not_read_as_its_type_is_an_evaluation_error() -> None:
    key, entry = cd_entry("", "x-acme", "n", "integer", "twelve")
    result = run(
        'rule "r" when customData[|x-acme|n] > 1 then log "x" end', order(customData={key: entry})
    )
    assert result.status == "error"
    assert result.error is not None
    assert result.error.message == 'custom data [|x-acme|n]: not an integer: "twelve"'


# ----------------------------------------------------------------------------- writes


def _set(actions: str, record: dict[str, Any] | None = None, **context: Any) -> Any:
    return run(f'rule "r" then\n{actions}\nend\n', order() if record is None else record, **context)


def test_set_creates_an_entry_with_the_inferred_type() -> None:
    result = _set(
        'set customData[|x-acme|reason] = "Klarna test order"\n'
        "set customData[|x-acme|amount] = totalInclVat\n"
        "set customData[|x-acme|n] = 3\n"
        "set customData[|x-acme|b] = true\n"
        'set customData[|x-acme|j] = {"a": [1, 2.5]}\n'
    )
    data = result.record["customData"]
    assert data["|x-acme|reason"] == {
        "moduleId": "x-acme",
        "key": "reason",
        "type": "string",
        "value": "Klarna test order",
    }
    assert data["|x-acme|amount"]["type"] == "decimal"
    assert data["|x-acme|amount"]["value"] == "549.00"
    assert (data["|x-acme|n"]["type"], data["|x-acme|n"]["value"]) == ("integer", 3)
    assert (data["|x-acme|b"]["type"], data["|x-acme|b"]["value"]) == ("bool", True)
    json_value = {"a": [1, Decimal("2.5")]}  # json numbers stay (exact) numbers
    assert (data["|x-acme|j"]["type"], data["|x-acme|j"]["value"]) == ("json", json_value)
    assert [(c.path, c.before, c.after) for c in result.changes] == [
        ("customData[|x-acme|reason]", None, "Klarna test order"),
        ("customData[|x-acme|amount]", None, "549.00"),
        ("customData[|x-acme|n]", None, 3),
        ("customData[|x-acme|b]", None, True),
        ("customData[|x-acme|j]", None, json_value),
    ]


def test_set_updates_an_entry_and_as_names_the_type() -> None:
    result = _set('set customData[|x-acme|flag] = "false" as bool')
    assert result.record["customData"]["|x-acme|flag"]["value"] is False
    assert [(c.path, c.before, c.after) for c in result.changes] == [
        ("customData[|x-acme|flag]", True, False)
    ]


def test_set_with_a_value_that_does_not_fit_as_is_an_evaluation_error() -> None:
    result = _set("set customData[|x-acme|n] = customer.name as integer")
    assert result.status == "error"
    assert result.error is not None
    assert result.error.message == 'cannot set customData[|x-acme|n]: not an integer: "Ann"'


def test_set_into_a_json_value() -> None:
    result = _set('set customData[|x-acme|payload].lines[0].sku = "Z"')
    value = result.record["customData"]["|x-acme|payload"]["value"]
    assert value == {"lines": [{"sku": "Z", "qty": 2}, {"sku": "B", "qty": Decimal("1.5")}]}
    assert [c.path for c in result.changes] == ["customData[|x-acme|payload]"]


def test_remove_an_entry() -> None:
    result = _set("remove customData[|x-acme|flag]\nremove customData[|x-acme|nothing]")
    assert "|x-acme|flag" not in result.record["customData"]
    assert [(c.path, c.before, c.after) for c in result.changes] == [
        ("customData[|x-acme|flag]", True, None)
    ]


def test_remove_with_wildcards_removes_every_match() -> None:
    rec = order()
    key, entry = cd_entry(CONN, "x-acme", "k", "string", "v")
    rec["customData"][key] = entry
    result = _set("remove customData[*|x-acme|*]", rec)
    assert sorted(k for k in result.record["customData"] if "x-acme" in k) == []
    assert sorted(c.path for c in result.changes) == [
        f"customData[{CONN}|x-acme|k]",
        "customData[|x-acme|flag]",
        "customData[|x-acme|payload]",
    ]


@pytest.mark.parametrize(
    ("action", "context", "ok"),
    [
        (f'set customData[{CONN}|{WOO}|meta.x] = "y"', {"connection_id": CONN}, True),
        (f'set customData[{OTHER}|{WOO}|meta.x] = "y"', {"connection_id": CONN}, False),
        (f'set customData[{CONN}|{WOO}|meta.x] = "y"', {}, False),  # no owner
        (f"remove customData[{CONN}|{WOO}|meta.count]", {"connection_id": CONN}, True),
        (f"remove customData[{OTHER}|{WOO}|meta.count]", {"connection_id": CONN}, False),
        (f"remove customData[{CONN}|{WOO}|meta.count]", {}, False),
        ('set customData[|x-acme|x] = "y"', {}, True),  # x- modules always
    ],
)
def test_ownership_at_run_time(action: str, context: dict[str, Any], ok: bool) -> None:
    result = _set(action, **context)
    assert result.status == ("ok" if ok else "error"), result.to_dict()
    if not ok:
        assert result.error is not None
        assert "not an x- module" in result.error.message
        assert result.error.line == 2
        assert result.changes == []


def test_ownership_with_a_rule_set_connection_scope() -> None:
    # No context connection: the rule set's connection scope (matched by the record's source)
    # is the writer.
    text = f'connection "{CONN}"\nrule "r" then set customData[{CONN}|{WOO}|meta.x] = "y" end\n'
    result = run(text, order())
    assert result.status == "ok"
    assert fired(result) == ["r"]
    assert result.record["customData"][f"{CONN}|{WOO}|meta.x"]["value"] == "y"


def test_copy_into_custom_data_and_back() -> None:
    result = _set(
        "copy totalInclVat to customData[|x-acme|total]\n"
        f"copy customData[{CONN}|{WOO}|meta._wc_klarna_environment] to note\n"
    )
    data = result.record["customData"]
    assert (data["|x-acme|total"]["type"], data["|x-acme|total"]["value"]) == ("decimal", "549.00")
    assert result.record["note"] == "test"
    assert [(c.path, c.before, c.after) for c in result.changes] == [
        ("customData[|x-acme|total]", None, "549.00"),
        ("note", None, "test"),
    ]


def test_a_value_that_does_not_fit_its_field_is_an_evaluation_error() -> None:
    result = _set('set orderStatus = "x"\ncopy customData[|x-acme|flag] to note')
    assert result.status == "error"
    assert result.error is not None
    assert (result.error.line, result.error.message) == (3, "cannot set note: not a string: true")


def test_set_in_the_custom_data_of_every_row() -> None:
    result = _set("set rows[*].customData[|x-acme|seen] = true")
    assert [r["customData"]["|x-acme|seen"]["value"] for r in result.record["rows"]] == [True] * 3
    assert [c.path for c in result.changes] == [
        "rows[0].customData[|x-acme|seen]",
        "rows[1].customData[|x-acme|seen]",
        "rows[2].customData[|x-acme|seen]",
    ]


def test_swap_two_entries_keeps_their_types() -> None:
    rec = order()
    key, entry = cd_entry("", "x-acme", "n", "integer", 7)
    rec["customData"][key] = entry
    result = _set("swap customData[|x-acme|flag] and customData[|x-acme|n]", rec)
    data = result.record["customData"]
    assert (data["|x-acme|flag"]["type"], data["|x-acme|flag"]["value"]) == ("integer", 7)
    assert (data["|x-acme|n"]["type"], data["|x-acme|n"]["value"]) == ("bool", True)
    assert [(c.path, c.before, c.after) for c in result.changes] == [
        ("customData[|x-acme|flag]", True, 7),
        ("customData[|x-acme|n]", 7, True),
    ]


def test_swap_an_entry_with_a_missing_one_moves_it() -> None:
    result = _set("swap customData[|x-acme|flag] and customData[|x-acme|other]")
    data = result.record["customData"]
    assert "|x-acme|flag" not in data
    assert data["|x-acme|other"]["value"] is True


def test_add_to_and_remove_from_a_list_inside_a_json_value() -> None:
    result = _set(
        'add {"sku": "C", "qty": 3} to customData[|x-acme|payload].lines\n'
        "remove customData[|x-acme|payload].lines[0]\n"
    )
    value = result.record["customData"]["|x-acme|payload"]["value"]
    assert value == {"lines": [{"sku": "B", "qty": Decimal("1.5")}, {"sku": "C", "qty": 3}]}
    # changes inside a json value are reported as changes of the entry's value
    assert [c.path for c in result.changes] == ["customData[|x-acme|payload]"] * 2
    assert result.changes[1].before == result.changes[0].after
    assert result.changes[1].after == value


def test_add_to_a_json_list_entry() -> None:
    rec = order()
    key, entry = cd_entry("", "x-acme", "list", "json", ["a"])
    rec["customData"][key] = entry
    result = _set('add "b" to customData[|x-acme|list]\nadd "a" to customData[|x-acme|list]', rec)
    assert result.record["customData"]["|x-acme|list"]["value"] == ["a", "b"]
    assert [(c.path, c.before, c.after) for c in result.changes] == [
        ("customData[|x-acme|list]", ["a"], ["a", "b"])
    ]


def test_wildcard_reads_see_the_writes_of_earlier_rules() -> None:
    """Wildcard reads are remembered per evaluation; the first write copies the record's custom
    data, and a read after it sees the written entry (its pattern matches the key) or the same
    entries as before (it does not)."""
    rule = 'rule "{name}"\nwhen {cond}\nthen {action}\nend\n'
    texts = [
        ("before", 'any customData[*|x-a|k] == "1"', 'log "before"'),
        ("woo-before", f'any customData[*|{WOO}|meta._wc_klarna_environment] == "test"', "log 1"),
        ("write", "true", 'set customData[|x-a|k] = "1"'),
        ("after", 'any customData[*|x-a|k] == "1"', 'log "after"'),
        ("any-module", 'any customData[*|*|k] == "2"', 'log "early"'),
        ("woo-after", f'any customData[*|{WOO}|meta._wc_klarna_environment] == "test"', "log 2"),
        ("rewrite", "true", 'set customData[|x-a|k] = "2"'),
        ("after-rewrite", 'any customData[*|x-a|k] == "1"', 'log "stale"'),
        ("any-module-after", 'any customData[*|*|k] == "2"', 'log "seen"'),
        ("count", "count(customData[*|x-a|*]) == 1", 'log "one"'),
    ]
    text = "for Order\n" + "".join(rule.format(name=n, cond=c, action=a) for n, c, a in texts)
    result = run(text, order(), connection_id=CONN)
    assert result.status == "ok", result.to_dict()
    assert fired(result) == [
        *("woo-before", "write", "after", "woo-after", "rewrite"),
        *("any-module-after", "count"),
    ]


def test_a_read_of_any_module_sees_a_write_of_any_module() -> None:
    """A remembered read whose pattern names no module (``*|*|k``) is forgotten by a write of
    an entry of a module no other remembered read names."""
    text = """for Order
rule "before"
when any customData[*|*|k] == "2"
then log "early"
end
rule "write"
then set customData[|x-b|k] = "2"
end
rule "after"
when any customData[*|*|k] == "2"
then log "seen"
end
"""
    result = run(text, order(), connection_id=CONN)
    assert result.status == "ok", result.to_dict()
    assert fired(result) == ["write", "after"]
