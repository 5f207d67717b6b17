"""Reading INPUT for ``procrules run``: every input shape, items with file/line/raw text, and
input that is not a record."""

from __future__ import annotations

import io
import json
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from procrules.cli.inputs import InputError, Item, error_result, load_record, read_stream
from procrules.cli.main import cli

RULES = Path(__file__).resolve().parent / "data" / "intake.rules"
CONN = "5377568eb7e165e3b38af6eece4a0001"


def items(data: bytes) -> list[Item]:
    return list(read_stream(io.BytesIO(data), "in"))


def shape(data: bytes) -> list[tuple[int, str, str | None]]:
    return [(i.line, i.text, i.problem) for i in items(data)]


def test_jsonl_skips_blank_lines_and_numbers_lines() -> None:
    data = b'{"a": 1}\n\n  \n{"b": 2}\r\n{bad\n{"c": 3.10}'
    assert shape(data) == [
        (1, '{"a": 1}', None),
        (4, '{"b": 2}', None),
        (5, "{bad", None),
        (6, '{"c": 3.10}', None),
    ]


def test_array_elements_carry_the_line_where_they_start() -> None:
    data = b'\n[\n  {"a": 1},\n  {"b":\n     2.50},   {"c": 3}\n]\n'
    got = items(data)
    assert [(i.line, i.text) for i in got] == [
        (3, '{"a": 1}'),
        (4, '{"b":\n     2.50}'),
        (5, '{"c": 3}'),
    ]
    assert got[1].value == {"b": Decimal("2.50")}
    assert items(b"[ ]\n") == []


def test_single_object_on_one_line_and_spanning_lines() -> None:
    assert shape(b'{"a": 1}') == [(1, '{"a": 1}', None)]
    pretty = b'\n{\n  "a": 1,\n  "b": [1,\n    2]\n}\n'
    (item,) = items(pretty)
    assert item.line == 2
    assert item.value == {"a": 1, "b": [1, 2]}
    assert item.text == '{\n  "a": 1,\n  "b": [1,\n    2]\n}'


def test_pretty_documents_one_after_the_other() -> None:
    data = b'{\n "a": 1\n}\n{\n "b": 2\n}\n'
    assert [(i.line, i.value) for i in items(data)] == [(1, {"a": 1}), (4, {"b": 2})]


def test_malformed_pretty_document_is_one_error_item() -> None:
    data = b'{\n  "a": 1\n  "b": 2\n}\n'
    ((line, text, problem),) = shape(data)
    assert line == 1
    assert text == data.decode().rstrip()
    assert "line 3, column 3" in str(problem)


def test_malformed_array_element_takes_the_rest_of_the_file() -> None:
    data = b'[{"a": 1},\n {"b": x},\n {"c": 1}]'
    first, bad = items(data)
    assert first.value == {"a": 1}
    assert (bad.line, bad.text) == (2, '{"b": x},\n {"c": 1}]')
    assert str(bad.problem).startswith("not valid JSON")
    trailing = items(b'[{"a": 1},\n]')
    assert "missing after ','" in str(trailing[1].problem)
    unclosed = items(b'[{"a": 1}')
    assert "not closed" in str(unclosed[1].problem)
    extra = items(b'[{"a": 1}] {"b": 2}')
    assert "extra data" in str(extra[1].problem)
    assert extra[1].text == '{"b": 2}'


def test_truncated_first_line_of_jsonl_stays_line_by_line() -> None:
    assert shape(b'{"a": 1,\n{"b": 2}\n') == [(1, '{"a": 1,', None), (2, '{"b": 2}', None)]


def test_bom_empty_and_not_utf8() -> None:
    assert shape(b'\xef\xbb\xbf{"a": 1}\n') == [(1, '{"a": 1}', None)]
    assert items(b"") == []
    assert items(b"\n \n") == []
    bad, good = items(b'{"a": "\xff"}\n{"b": 1}\n')
    assert bad.problem == "not UTF-8 text"
    assert bad.text == '{"a": "\ufffd"}'
    assert good == Item("in", 2, '{"b": 1}')


def test_jsonl_is_read_lazily() -> None:
    """Memory stays flat: an item is produced before the rest of the stream is read."""

    class Lines(io.BytesIO):
        read_lines = 0

        def __next__(self) -> bytes:
            Lines.read_lines += 1
            return super().__next__()

    stream = Lines(b"".join(b'{"n": %d}\n' % n for n in range(10_000)))
    reader = read_stream(stream, "big")
    first = next(reader)
    assert first.text == '{"n": 0}'
    assert Lines.read_lines < 10


def test_load_record_and_its_errors() -> None:
    good = Item("f", 1, '{"orderNumber": "1", "totalInclVat": 10.50}')
    assert load_record(good, None, "platform", None)["totalInclVat"] == "10.50"
    cases: list[tuple[Item, str | None, str]] = [
        (Item("f", 1, "{oops"), None, "not valid JSON"),
        (Item("f", 1, "NaN"), None, "not valid JSON"),
        (Item("f", 1, "[1]"), None, "not a valid record: a record is a JSON object"),
        (Item("f", 1, '{"totalInclVat": "abc"}'), None, "not a decimal number"),
        (Item("f", 1, '{"recordType": "Product"}'), "Order", "disagrees"),
        (Item("f", 1, "x", problem="not UTF-8 text"), None, "not UTF-8 text"),
    ]
    for item, record_type, message in cases:
        with pytest.raises(InputError, match=message):
            load_record(item, record_type, "platform", None)
    with pytest.raises(InputError, match="not a WooCommerce order"):
        load_record(Item("f", 1, '{"number": "1"}'), None, "woocommerce", CONN)
    with pytest.raises(InputError, match="disagrees"):
        load_record(Item("f", 1, '{"id": 1}'), "Invoice", "woocommerce", CONN)
    converted = load_record(Item("f", 1, '{"id": 1, "number": "7"}'), None, "woocommerce", CONN)
    assert converted["orderNumber"] == "7"
    assert converted["source"] == CONN


def test_error_result_shape() -> None:
    result = error_result(Item("in.jsonl", 7, "{x"), "not valid JSON: …")
    assert result["status"] == "error"
    assert result["record"] is None
    assert result["error"] == {
        "ruleset": None, "rule": None, "file": "in.jsonl", "line": 7, "column": None,
        "message": "not valid JSON: …", "input": "{x",
    }  # fmt: skip


# ---------------------------------------------------------------------------- through the CLI

ONE = {"orderNumber": "1", "rows": [{"sku": "A"}]}
TWO = {"orderNumber": "2", "rows": [{"sku": "B"}]}


def run(*args: str, stdin: str | None = None) -> Any:
    return CliRunner().invoke(cli, ["run", "--rules", str(RULES), *args], input=stdin)


def numbers(stdout: str) -> list[str]:
    return [json.loads(line)["record"]["orderNumber"] for line in stdout.splitlines()]


@pytest.mark.parametrize(
    ("name", "text"),
    [
        ("object.json", json.dumps(ONE, indent=2)),
        ("object-line.json", json.dumps(ONE)),
        ("array.json", json.dumps([ONE, TWO], indent=2)),
        ("array-line.json", json.dumps([ONE, TWO])),
        ("lines.jsonl", f"\n{json.dumps(ONE)}\n\n\n{json.dumps(TWO)}\n\n"),
    ],
)
def test_every_input_shape(tmp_path: Path, name: str, text: str) -> None:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    result = run(str(path))
    assert result.exit_code == 0, result.stdout + result.stderr
    expected = ["1"] if "object" in name else ["1", "2"]
    assert numbers(result.stdout) == expected


def test_stdin_without_input_and_with_dash_and_several_inputs(tmp_path: Path) -> None:
    text = json.dumps(ONE) + "\n" + json.dumps(TWO) + "\n"
    assert numbers(run(stdin=text).stdout) == ["1", "2"]
    assert numbers(run("-", stdin=text).stdout) == ["1", "2"]
    array = tmp_path / "a.json"
    array.write_text(json.dumps([TWO, ONE]), encoding="utf-8")
    result = run(str(array), "-", stdin=text)
    assert numbers(result.stdout) == ["2", "1", "1", "2"]


def test_array_element_errors_name_their_line(tmp_path: Path) -> None:
    path = tmp_path / "a.json"
    path.write_text('[\n  {"orderNumber": "1", "rows": [{}]},\n  {"totalInclVat": "abc"}\n]\n')
    result = run(str(path))
    assert result.exit_code == 3
    _, bad = (json.loads(line) for line in result.stdout.splitlines())
    assert bad["error"]["line"] == 3
    assert bad["error"]["input"] == '{"totalInclVat": "abc"}'
