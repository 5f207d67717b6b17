"""The LANGUAGE.md section 1 example end to end; pickling; threads; the result format."""

from __future__ import annotations

import copy
import json
import pickle
import subprocess
import sys
import threading
from typing import Any

import pytest
from engine_helpers import CONN, cd_entry, fired, order

import procrules
from procrules import Book, Context

EXAMPLE = """\
# Rules for orders imported from the web shop.
ruleset "Web shop intake"
for Order
on import

const NORDIC = ["SE", "NO", "DK", "FI"]
const FORWARDERS = {"PNL": "POSTNORD", "DHLE": "DHL_EXPRESS"}

rule "Hold Klarna test orders"
  description "Orders placed in Klarna's test environment must never ship."
  tags "payments", "klarna"
when
  any customData[*|connector.woocommerce|meta._wc_klarna_environment]
    in ["test", "eu-test", "us-test"]
then
  set orderStatus = "onHold"
  set customData[|x-acme|holdReason] = "Klarna test order"
  log "held: Klarna environment is a test one"
  stop
end

rule "Nordic free shipping"
when
  deliveryAddress.countryCode in NORDIC and totalInclVat >= 499.00
then
  set shippingCost = 0
  add "free-shipping" to tags
end

rule "Map forwarder codes"
when forwarderCode in keys(FORWARDERS)
then set forwarderCode = FORWARDERS[forwarderCode]
end

rule "Drop gift wrapping rows"
when any rows[*].sku startswith "GIFTWRAP"
then remove rows[where sku startswith "GIFTWRAP"]
end

rule "Refuse orders without rows"
when count(rows) == 0
then fail "order has no rows"
end
"""

CTX = Context(record_type="Order", direction="import", connection_id=CONN)


@pytest.fixture(scope="module")
def book() -> Book:
    return Book.from_sources({"intake.rules": EXAMPLE})


def test_klarna_live_order_from_woocommerce(book: Book, klarna_order: dict[str, Any]) -> None:
    given = copy.deepcopy(klarna_order)
    result = book.apply(klarna_order, CTX)
    assert klarna_order == given
    assert result.status == "ok"
    assert result.fired == []  # live environment, US address, no forwarder, no gift wrap
    assert result.record == procrules.engine.book.normal_form(klarna_order, CTX)


def test_klarna_test_order_is_held(book: Book, klarna_order: dict[str, Any]) -> None:
    key = f"{CONN}|connector.woocommerce|meta._wc_klarna_environment"
    klarna_order["customData"][key]["value"] = "test"
    klarna_order["orderStatus"] = "processing"
    result = book.apply(klarna_order, CTX)
    out = result.to_dict()
    assert out["status"] == "ok"
    assert out["fired"] == [{"ruleset": "Web shop intake", "rule": "Hold Klarna test orders"}]
    assert out["changes"] == [
        {
            "ruleset": "Web shop intake",
            "rule": "Hold Klarna test orders",
            "path": "orderStatus",
            "before": "processing",
            "after": "onHold",
        },
        {
            "ruleset": "Web shop intake",
            "rule": "Hold Klarna test orders",
            "path": "customData[|x-acme|holdReason]",
            "before": None,
            "after": "Klarna test order",
        },
    ]
    assert out["messages"] == [
        {
            "level": "info",
            "ruleset": "Web shop intake",
            "rule": "Hold Klarna test orders",
            "text": "held: Klarna environment is a test one",
        }
    ]
    assert out["error"] is None
    assert out["record"]["orderStatus"] == "onHold"
    assert out["record"]["customData"]["|x-acme|holdReason"] == {
        "moduleId": "x-acme",
        "key": "holdReason",
        "type": "string",
        "value": "Klarna test order",
    }
    json.dumps(out)  # JSON-ready


def klarna_environment(value: str) -> tuple[str, dict[str, Any]]:
    return cd_entry(CONN, "connector.woocommerce", "meta._wc_klarna_environment", "string", value)


def nordic_order() -> dict[str, Any]:
    rec = order(forwarderCode="PNL", tags=["web"])
    rec["customData"] = dict([klarna_environment("live")])
    return rec


def test_nordic_order_runs_every_other_rule(book: Book) -> None:
    result = book.apply(nordic_order(), CTX)
    assert result.status == "ok"
    assert fired(result) == [
        "Nordic free shipping",
        "Map forwarder codes",
        "Drop gift wrapping rows",
    ]
    assert [(c.path, c.before, c.after) for c in result.changes] == [
        ("shippingCost", "49.00", "0"),
        ("tags[1]", None, "free-shipping"),
        ("forwarderCode", "PNL", "POSTNORD"),
        (
            "rows[1]",
            {"rowId": "2", "sku": "GIFTWRAP-RED", "quantity": "1", "pricePerUnitExclVat": "10"},
            None,
        ),
    ]
    assert result.record["tags"] == ["web", "free-shipping"]
    assert [r["sku"] for r in result.record["rows"]] == ["SKU-1", "SKU-3"]


def test_order_without_rows_fails(book: Book) -> None:
    rec = nordic_order()
    del rec["rows"]
    rec["totalInclVat"] = "10"
    result = book.apply(rec, CTX)
    assert result.status == "failed"
    assert fired(result) == ["Map forwarder codes", "Refuse orders without rows"]
    assert result.changes == []
    assert result.record["forwarderCode"] == "PNL"  # as it came in
    assert [(m.level, m.text) for m in result.messages] == [("error", "order has no rows")]


def test_export_direction_runs_nothing(book: Book) -> None:
    result = book.apply(nordic_order(), Context(direction="export", connection_id=CONN))
    assert result.fired == []


# ----------------------------------------------------------------------------- pickling


def test_a_book_pickles_by_its_sources(book: Book) -> None:
    clone = pickle.loads(pickle.dumps(book))
    assert isinstance(clone, Book)
    assert clone.sources() == book.sources()
    assert clone.apply(nordic_order(), CTX).to_dict() == book.apply(nordic_order(), CTX).to_dict()


def test_a_loaded_book_pickles(tmp_path: Any) -> None:
    (tmp_path / "a.rules").write_text(EXAMPLE)
    book = procrules.load(tmp_path)
    clone = pickle.loads(pickle.dumps(book))
    assert [rs.name for rs in clone.rulesets] == ["Web shop intake"]
    assert clone.rulesets[0].file == book.rulesets[0].file


def test_a_book_is_used_in_another_process(book: Book) -> None:
    script = (
        "import pickle, sys, json\n"
        "book, record, ctx = pickle.loads(sys.stdin.buffer.read())\n"
        "print(json.dumps([f.rule for f in book.apply(record, ctx).fired]))\n"
    )
    payload = pickle.dumps((book, nordic_order(), CTX))
    done = subprocess.run(
        [sys.executable, "-c", script], input=payload, capture_output=True, check=True
    )
    assert json.loads(done.stdout) == [
        "Nordic free shipping",
        "Map forwarder codes",
        "Drop gift wrapping rows",
    ]


def test_results_pickle(book: Book) -> None:
    result = book.apply(nordic_order(), CTX)
    clone = pickle.loads(pickle.dumps(result))
    assert clone.to_dict() == result.to_dict()


# ----------------------------------------------------------------------------- threads


def test_one_book_from_many_threads_gives_the_same_results(book: Book) -> None:
    records = [nordic_order() for _ in range(4)]
    records[1]["deliveryAddress"]["countryCode"] = "US"
    records[2]["rows"] = []
    records[3]["customData"] = dict([klarna_environment("test")])
    expected = [book.apply(r, CTX).to_dict() for r in records]
    fresh = Book.from_sources({"intake.rules": EXAMPLE})  # its plans are built under contention
    seen: list[list[dict[str, Any]]] = []
    errors: list[BaseException] = []

    def work() -> None:
        try:
            seen.append([fresh.apply(r, CTX).to_dict() for r in records for _ in range(50)][::50])
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    threads = [threading.Thread(target=work) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert seen == [expected] * 8
    assert [r["status"] for r in expected] == ["ok", "ok", "failed", "ok"]


def test_rule_error_lists_the_diagnostics() -> None:
    with pytest.raises(procrules.RuleError) as caught:
        Book.from_sources({"bad.rules": 'rule "a" when orderStatuss == "x" then stop end\n'})
    assert len(caught.value.files) == 1
    assert not caught.value.files[0].ok
    assert 'bad.rules:1:15: error[E201]: unknown field "orderStatuss"' in str(caught.value)


def test_normal_input_gives_the_same_record_without_a_second_normalisation(book: Book) -> None:
    from procrules.records import normalize_record

    test_order = nordic_order()
    test_order["customData"] = dict([klarna_environment("test")])
    no_rows = nordic_order()
    no_rows["rows"] = []
    for rec in (nordic_order(), test_order, no_rows, order()):
        normal = normalize_record(rec)
        fast = book.apply(normal, CTX, normal=True)
        slow = book.apply(normal, CTX)
        assert fast.to_dict() == slow.to_dict()
        assert fast.changes or fast.status != "ok" or fast.record is normal


@pytest.mark.parametrize("enabled", [True, False])
@pytest.mark.parametrize("text", ['for Order\nrule "r"\nthen log "a"\nend\n', "for Order\nrule"])
def test_building_a_book_leaves_the_garbage_collector_as_it_was(enabled: bool, text: str) -> None:
    """The collector is paused while a book is built (load time), then set back, also when the
    rule file has errors."""
    import contextlib
    import gc

    from procrules import RuleError

    was = gc.isenabled()
    (gc.enable if enabled else gc.disable)()
    try:
        with contextlib.suppress(RuleError):
            Book.from_sources({"t.rules": text})
        assert gc.isenabled() is enabled
    finally:
        (gc.enable if was else gc.disable)()
