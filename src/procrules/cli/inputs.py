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
"""

from __future__ import annotations

import re
import sys
from decimal import Decimal
from typing import TYPE_CHECKING, Any, BinaryIO, NamedTuple

import simplejson

from procrules import jsonio
from procrules.language.limits import MAX_INPUT_BYTES, MAX_RECORD_DEPTH, record_problem
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


def read_items(inputs: Iterable[str]) -> Iterator[Item]:
    """Every item of every INPUT, in order; ``-`` (or no INPUT at all) reads stdin."""
    given = list(inputs) or [STDIN]
    for name in given:
        if name == STDIN:
            yield from read_stream(sys.stdin.buffer, STDIN_NAME)
        else:
            with open(name, "rb") as stream:  # noqa: PTH123 - a plain binary stream
                yield from read_stream(stream, name)


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


def read_stream(stream: BinaryIO, file: str) -> Iterator[Item]:
    """The items of one binary stream (see the module docstring for how the format is chosen)."""
    lines = _lines(stream)
    first = next((pair for pair in lines if pair[1].strip()), None)
    if first is None:
        return  # empty, or only blank lines: no record
    number, raw = first
    text = _decode(raw)
    if text is None:
        yield _not_utf8(file, number, raw)
        yield from _jsonl(lines, file)
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
        yield from _jsonl(lines, file)
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
    yield from _jsonl(lines, file)


def _jsonl(lines: Iterator[tuple[int, bytes]], file: str) -> Iterator[Item]:
    for number, raw in lines:
        if not raw.strip():
            continue
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError:
            yield _not_utf8(file, number, raw)
            continue
        yield Item(file, number, text)


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
    problem = record_problem(value)
    if problem is not None:
        raise InputError(problem)
    if _SURROGATE_ESCAPE.search(text):
        _refuse_surrogates(value)
    if source == "woocommerce":
        return _from_woocommerce(value, record_type, connection)
    try:
        return normalize_record(value, record_type)
    except RecordError as exc:
        raise InputError(f"not a valid record: {exc}") from None


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
