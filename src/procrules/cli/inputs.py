"""Reading the INPUT of ``procrules run`` / ``dry-run``: files or stdin into numbered items.

This module owns the input formats and the error results of input that is not a record:

* The format is decided by content. A file whose first non-blank character is ``[`` is one JSON
  array (each element a record). Otherwise, when the first non-blank line is a complete JSON
  value, the file is JSONL: one record a line, blank lines skipped, read line by line (memory
  stays flat however long the file is). Otherwise -- the first line is an unfinished value and the
  next non-blank line does not start a new object -- the file is one JSON document spanning
  several lines (a pretty-printed record; several such documents one after the other are several
  records).
* Every :class:`Item` carries its file, its line (for an array element: the line where the
  element starts) and its raw text. Text that is not UTF-8 or not JSON, and a malformed array (the
  rest of the file from the bad element on becomes one item), still become items: their results
  have status ``error``, ``record`` null and the raw ``input``, so nothing that came in is lost.
* :func:`load_record` turns an item into a record in normal form (``--from woocommerce``
  converts a WooCommerce order first), or raises :class:`InputError`; :func:`error_result` is
  the result of such an item.
* With ``blocks=True`` (``--workers N``) the JSONL part of a file is not split here: it comes as
  :class:`Block` s of whole lines, raw bytes, and :func:`block_items` (run in a worker) gives
  their items, exactly the items the line-by-line reading gives.
"""

from __future__ import annotations

import re
import sys
from decimal import Decimal
from typing import TYPE_CHECKING, Any, BinaryIO, NamedTuple

import simplejson

from procrules import jsonio
from procrules.language.limits import (
    MAX_INPUT_BYTES,
    MAX_LIST_ITEMS,
    MAX_RECORD_DEPTH,
    MAX_STRING_CHARS,
    record_problem,
)
from procrules.records import RecordError, normalize_record

if TYPE_CHECKING:
    from collections.abc import Iterable, Iterator

STDIN = "-"
STDIN_NAME = "<stdin>"
_BOM = b"\xef\xbb\xbf"
_WHITESPACE = " \t\r\n"
_TOO_DEEP = f"the record nests objects and lists more than {MAX_RECORD_DEPTH} levels deep"
#: A JSON escape of half a surrogate pair (only then can a parsed string hold one).
_SURROGATE_ESCAPE = re.compile(r"\\u[dD][89a-fA-F]")


class Item(NamedTuple):
    """One input record as read: where it starts, its raw text, and what is known about it.

    ``value`` is the parsed JSON when the reader already parsed it (array elements), else
    ``...``; ``problem`` is set when the text cannot be a record at all (its error message).
    """

    file: str
    line: int
    text: str
    value: Any = ...
    problem: str | None = None


class Block(NamedTuple):
    """Consecutive whole lines of a JSONL file, as read: ``line`` is the number of the first."""

    file: str
    line: int
    data: bytes


#: The size of the reads that make :class:`Block` s (each block is whole lines, so a little less
#: or, for a line longer than this, more).
BLOCK_BYTES = 1 << 18


class InputError(Exception):
    """An item that is not a record; the message says why."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def _no_constant(name: str) -> Any:
    raise ValueError(f"{name} is not a JSON number")


# The same reading as jsonio.loads (exact decimals, no NaN), for raw_decode over a document.
_DECODER = simplejson.JSONDecoder(parse_float=Decimal, parse_constant=_no_constant)


# ---------------------------------------------------------------------------------- reading


def read_items(inputs: Iterable[str], *, blocks: bool = False) -> Iterator[Item | Block]:
    """Every item of every INPUT, in order; ``-`` (or no INPUT at all) reads stdin. With
    ``blocks``, the lines of JSONL after the first come as :class:`Block` s."""
    given = list(inputs) or [STDIN]
    for name in given:
        if name == STDIN:
            yield from read_stream(sys.stdin.buffer, STDIN_NAME, blocks=blocks)
        else:
            with open(name, "rb") as stream:  # noqa: PTH123 - a plain binary stream
                yield from read_stream(stream, name, blocks=blocks)


def _lines(stream: BinaryIO) -> Iterator[tuple[int, bytes]]:
    """Numbered lines without their line end (a BOM on the first line dropped)."""
    for number, raw in enumerate(stream, 1):
        line = raw.rstrip(b"\n").rstrip(b"\r")
        if number == 1 and line.startswith(_BOM):
            line = line[len(_BOM) :]
        yield number, line


def _decode(raw: bytes) -> str | None:
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        return None


def _not_utf8(file: str, number: int, raw: bytes) -> Item:
    text = raw.decode("utf-8", "replace")
    return Item(file, number, text, problem="not UTF-8 text")


def read_stream(stream: BinaryIO, file: str, *, blocks: bool = False) -> Iterator[Item | Block]:
    """The items of one binary stream (see the module docstring for how the format is chosen)."""
    lines = _lines(stream)
    first = next((pair for pair in lines if pair[1].strip()), None)
    if first is None:
        return  # empty, or only blank lines: no record
    number, raw = first

    def rest(after: int) -> Iterator[Item | Block]:
        """The JSONL lines after line ``after`` (the last one taken from ``lines``)."""
        return _blocks(stream, file, after + 1) if blocks else _jsonl(lines, file)

    text = _decode(raw)
    if text is None:
        yield _not_utf8(file, number, raw)
        yield from rest(number)
        return
    stripped = text.strip()
    if stripped.startswith("["):
        yield from _document([raw], stream.read(), file, number, array=True)
        return
    try:
        jsonio.loads(stripped)
    except (ValueError, RecursionError) as exc:
        unfinished = getattr(exc, "pos", -1) >= len(stripped)
    else:
        yield Item(file, number, text)
        yield from rest(number)
        return
    # The first line is not a value by itself: look at the next non-blank line.
    held: list[tuple[int, bytes]] = []
    for later in lines:
        held.append(later)
        if later[1].strip():
            break
    next_starts_object = bool(held) and held[-1][1].lstrip().startswith(b"{")
    if unfinished and not next_starts_object:
        head = [raw, *(line for _, line in held)]
        yield from _document(head, stream.read(), file, number, array=False)
        return
    yield Item(file, number, text)
    yield from _jsonl(iter(held), file)
    yield from rest(held[-1][0] if held else number)


def _jsonl(lines: Iterable[tuple[int, bytes]], file: str) -> Iterator[Item]:
    for number, raw in lines:
        if not raw.strip():
            continue
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError:
            yield _not_utf8(file, number, raw)
            continue
        yield Item(file, number, text)


def _blocks(stream: BinaryIO, file: str, number: int) -> Iterator[Block]:
    """The rest of ``stream`` as blocks of whole lines, the first being line ``number``."""
    pending: list[bytes] = []  # the start of a line that is not complete yet
    while chunk := stream.read(BLOCK_BYTES):
        cut = chunk.rfind(b"\n") + 1
        if not cut:
            pending.append(chunk)
            continue
        data = b"".join([*pending, chunk[:cut]]) if pending else chunk[:cut]
        pending = [chunk[cut:]] if cut < len(chunk) else []
        yield Block(file, number, data)
        number += data.count(b"\n")
    if pending:
        yield Block(file, number, b"".join(pending))


def block_items(block: Block) -> Iterator[Item]:
    """The items of a block: what reading its lines one by one gives (blank lines skipped)."""
    lines = block.data.split(b"\n")
    if lines[-1] == b"":
        lines.pop()  # the block ends with its last line's end
    return _jsonl(enumerate((line.rstrip(b"\r") for line in lines), block.line), block.file)


def _skip(text: str, pos: int) -> int:
    end = len(text)
    while pos < end and text[pos] in _WHITESPACE:
        pos += 1
    return pos


def _json_problem(exc: simplejson.JSONDecodeError, first_line: int) -> str:
    line = exc.lineno + first_line - 1
    return f"not valid JSON: {exc.msg} (line {line}, column {exc.colno})"


def _document(
    head: list[bytes], rest: bytes, file: str, first_line: int, *, array: bool
) -> Iterator[Item]:
    """The items of a whole JSON document: an array's elements, or the values one after the
    other. ``head`` are the lines read so far, from line ``first_line`` on; ``rest`` the rest."""
    raw = b"\n".join(head) + (b"\n" + rest if rest else b"")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        yield Item(file, first_line, raw.decode("utf-8", "replace"), problem="not UTF-8 text")
        return
    line, counted = first_line, 0

    def line_at(pos: int) -> int:
        nonlocal line, counted
        line += text.count("\n", counted, pos)
        counted = pos
        return line

    def rest_from(pos: int, message: str) -> Item:
        return Item(file, line_at(pos), text[pos:].rstrip(), problem=message)

    pos = _skip(text, 0)
    if array:
        pos = _skip(text, pos + 1)  # past "["
        if text.startswith("]", pos):
            pos = _skip(text, pos + 1)
            if pos < len(text):
                yield rest_from(pos, "not valid JSON: extra data after the array")
            return
    while pos < len(text):
        try:
            value, end = _DECODER.raw_decode(text, pos)
        except simplejson.JSONDecodeError as exc:
            yield rest_from(pos, _json_problem(exc, first_line))
            return
        except RecursionError:
            yield rest_from(pos, _TOO_DEEP)
            return
        except ValueError as exc:
            yield rest_from(pos, f"not valid JSON: {exc}")
            return
        yield Item(file, line_at(pos), text[pos:end], value)
        pos = _skip(text, end)
        if not array:
            continue
        if text.startswith(",", pos):
            pos = _skip(text, pos + 1)
            if pos >= len(text) or text.startswith("]", pos):
                yield rest_from(pos, "not valid JSON: an array element is missing after ','")
                return
        elif text.startswith("]", pos):
            pos = _skip(text, pos + 1)
            if pos < len(text):
                yield rest_from(pos, "not valid JSON: extra data after the array")
            return
        elif pos >= len(text):
            yield rest_from(pos, "not valid JSON: the array is not closed (']' missing)")
            return
        else:
            yield rest_from(pos, "not valid JSON: expected ',' or ']' after an array element")
            return


# ---------------------------------------------------------------------------------- records


def load_record(
    item: Item, record_type: str | None, source: str, connection: str | None
) -> dict[str, Any]:
    """The record of an item in JSON normal form; raises :class:`InputError`."""
    if item.problem is not None:
        raise InputError(item.problem)
    text = item.text
    if len(text) > MAX_INPUT_BYTES // 4 and len(text.encode("utf-8", "replace")) > MAX_INPUT_BYTES:
        raise InputError(f"the input is larger than {MAX_INPUT_BYTES:,} bytes: not read")
    value = item.value
    if value is ...:
        try:
            value = jsonio.loads(text)
        except jsonio.JSONDecodeError as exc:
            raise InputError(f"not valid JSON: {exc.msg} (column {exc.colno})") from None
        except RecursionError:
            raise InputError(_TOO_DEEP) from None
        except ValueError as exc:
            raise InputError(f"not valid JSON: {exc}") from None
    if not _within_limits(text):
        problem = record_problem(value)
        if problem is not None:
            raise InputError(problem)
    if "\\u" in text and _SURROGATE_ESCAPE.search(text):
        _refuse_surrogates(value)
    if source == "woocommerce":
        return _from_woocommerce(value, record_type, connection)
    try:
        return normalize_record(value, record_type)
    except RecordError as exc:
        raise InputError(f"not a valid record: {exc}") from None


#: Text shorter than this cannot hold a string over ``MAX_STRING_CHARS`` characters, nor a list or
#: object of over ``MAX_LIST_ITEMS`` elements (each element takes two characters at least).
_SHORT_TEXT = min(MAX_STRING_CHARS, 2 * MAX_LIST_ITEMS)


def _within_limits(text: str) -> bool:
    """The value parsed from ``text`` is surely within the record limits (``record_problem`` is
    ``None``) -- short, with no more brackets than the nesting limit -- so the walk over it can
    be skipped. (A nesting level needs an opening bracket in the text; escapes only shorten.)"""
    return len(text) < _SHORT_TEXT and text.count("{") + text.count("[") <= MAX_RECORD_DEPTH


def _refuse_surrogates(value: Any) -> None:
    """Raise :class:`InputError` when a string of ``value`` holds half a surrogate pair (from an
    escape such as ``\\ud800``): it is no character, and no output could be written with it."""
    try:
        jsonio.dumps(value).encode("utf-8")
    except UnicodeEncodeError as exc:
        half = f"\\u{ord(exc.object[exc.start]):04x}"
        raise InputError(
            f"not valid JSON: {half} is half of a UTF-16 surrogate pair, not a character"
        ) from None


def _from_woocommerce(
    value: Any, record_type: str | None, connection: str | None
) -> dict[str, Any]:
    from procrules.connectors.woocommerce import WooCommerceError, convert_order

    assert connection is not None
    if record_type not in (None, "Order"):
        raise InputError(
            f'not a valid record: recordType: "Order" (a WooCommerce order) disagrees with the '
            f"record type {record_type}"
        )
    try:
        return convert_order(value, connection)
    except WooCommerceError as exc:
        raise InputError(f"not a WooCommerce order: {exc}") from None


def error_result(item: Item, message: str) -> dict[str, Any]:
    """The result of input that is not a record: status ``error``, ``record`` null, and the
    error with the item's file, line and raw ``input``."""
    return {
        "status": "error",
        "record": None,
        "fired": [],
        "changes": [],
        "messages": [{"level": "error", "ruleset": None, "rule": None, "text": message}],
        "error": {
            "ruleset": None,
            "rule": None,
            "file": item.file,
            "line": item.line,
            "column": None,
            "message": message,
            "input": item.text,
        },
    }
