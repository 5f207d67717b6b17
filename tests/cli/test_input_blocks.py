"""``--workers N`` reads JSONL in blocks of raw lines that the workers split (``Block``,
``block_items``): the items are exactly those of reading line by line, whatever the lines hold
(blank lines, CRLF, bad UTF-8, a BOM, no final newline, lines longer than a block); the limits'
shortcut in ``load_record`` gives the same answers as the full walk."""

from __future__ import annotations

import io
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from procrules.cli import inputs
from procrules.cli.inputs import Block, InputError, Item, block_items, load_record, read_stream
from procrules.language.limits import MAX_RECORD_DEPTH, record_problem

line_parts = st.sampled_from(
    [b'{"a": 1}', b'{"orderNumber": "1"}', b"", b" ", b"\r", b"\t", b"\xff\xfe", b"\xef\xbb\xbf",
     b'{"a": "\xc3\xa9"}', b"[1, 2]", b"{", b"}", b"x" * 40, b'"\\ud800"', b"\x00"]
)  # fmt: skip
lines = st.lists(st.lists(line_parts, max_size=4).map(b"".join), max_size=25)


def by_lines(data: bytes) -> list[Item]:
    return [i for i in read_stream(io.BytesIO(data), "in") if isinstance(i, Item)]


def by_blocks(data: bytes) -> list[Item]:
    out: list[Item] = []
    for item in read_stream(io.BytesIO(data), "in", blocks=True):
        out += block_items(item) if isinstance(item, Block) else [item]
    return out


@settings(max_examples=300, deadline=None)
@given(lines, st.sampled_from([b"\n", b"\r\n"]), st.booleans(), st.integers(1, 64))
def test_blocks_give_the_items_of_the_lines(
    rows: list[bytes], end: bytes, final: bool, size: int
) -> None:
    data = end.join(rows) + (end if final else b"")
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(inputs, "BLOCK_BYTES", size)
        assert by_blocks(data) == by_lines(data)


def test_blocks_are_whole_lines_and_number_them(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(inputs, "BLOCK_BYTES", 1000)
    data = b"".join(b'{"n": %d}\n' % n for n in range(1, 2001))
    stream = io.BytesIO(data)
    found = list(read_stream(stream, "big", blocks=True))
    assert found[0] == Item("big", 1, '{"n": 1}')
    blocks = found[1:]
    assert len(blocks) > 1
    assert all(isinstance(b, Block) and b.data.endswith(b"\n") for b in blocks)
    items = [i for b in blocks for i in block_items(b)]  # type: ignore[arg-type]
    assert [i.line for i in items] == list(range(2, 2001))
    assert all(i.text == f'{{"n": {i.line}}}' for i in items)


def test_a_line_longer_than_a_block_stays_whole() -> None:
    long = b'{"note": "' + b"n" * (3 * inputs.BLOCK_BYTES) + b'"}'
    data = b'{"n": 1}\n' + long + b"\n" + b'{"n": 3}'
    items = by_blocks(data)
    assert [(i.line, len(i.text)) for i in items] == [(1, 8), (2, len(long)), (3, 8)]


def outcome(text: str) -> Any:
    try:
        return load_record(Item("in.jsonl", 1, text), None, "platform", None)
    except InputError as exc:
        return exc.message


@pytest.mark.parametrize("levels", [MAX_RECORD_DEPTH - 1, MAX_RECORD_DEPTH, MAX_RECORD_DEPTH + 1])
def test_the_limits_shortcut_agrees_with_the_walk(levels: int) -> None:
    """Around the nesting limit, with and without brackets inside strings."""
    for extra in ("", '"[{"', '"' + "[" * 300 + '"'):
        text = '{"x": ' + "[" * (levels - 1) + extra + "]" * (levels - 1) + "}"
        value = inputs.jsonio.loads(text)
        problem = record_problem(value)
        assert outcome(text) == (problem or outcome_without_limits(text))


def outcome_without_limits(text: str) -> Any:
    return load_record(Item("in.jsonl", 1, text), None, "platform", None)
