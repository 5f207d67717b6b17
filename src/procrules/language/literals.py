"""The values written in tokens: text with its escapes, numbers, list indexes and custom-data
references, with the diagnostics for each that is malformed.

Text allows the escapes ``\\" \\\\ \\n \\t \\uXXXX`` (another is E103 at the backslash); a number
with a decimal point is a :class:`~decimal.Decimal`, never a float; a list index is a whole number
(E104); ``customData[c|m|k]`` is split at ``|`` into exactly three parts (E403).
"""

from __future__ import annotations

import re
from decimal import Decimal
from typing import TYPE_CHECKING, Final

from procrules.language.ast import CustomDataRef, Span
from procrules.language.build_context import current, report, token_span
from procrules.language.limits import MAX_NUMBER_DIGITS

if TYPE_CHECKING:
    from lark import Token

_ESCAPE: Final = re.compile(
    r"\\(u[dD][89abAB][0-9A-Fa-f]{2}\\u[dD][c-fC-F][0-9A-Fa-f]{2}|u[0-9A-Fa-f]{4}|.)"
)
_SIMPLE_ESCAPES: Final = {'"': '"', "\\": "\\", "n": "\n", "t": "\t"}
_CUSTOM_DATA_PREFIX: Final = "customData["
_SPACE: Final = re.compile(r"\s")  # what str.isspace() is true for


def text_value(token: Token, offset: int = 1, closing: int = 1) -> str:
    """The value of the double-quoted text in ``token`` whose body starts ``offset`` characters in
    and ends ``closing`` characters before the token's end. An unknown escape is reported (E103)
    and kept as its character."""
    body = str(token.value)[offset:-closing]
    if "\\" not in body:
        return body

    def unescape(match: re.Match[str]) -> str:
        escape = match.group(1)
        if escape in _SIMPLE_ESCAPES:
            return _SIMPLE_ESCAPES[escape]
        column = (token.column or 0) + offset + match.start()
        line = token.line or 0
        if len(escape) == 11:  # a UTF-16 surrogate pair: one character
            high, low = int(escape[1:5], 16), int(escape[7:], 16)
            return chr(0x10000 + ((high - 0xD800) << 10) + (low - 0xDC00))
        if len(escape) == 5:
            code = int(escape[1:], 16)
            if not 0xD800 <= code <= 0xDFFF:
                return chr(code)
            message = f"`\\{escape}` is half of a UTF-16 surrogate pair, not a character"
            span = Span(current().file, line, column, line, column + 6)
            hint = "write the character itself, or both halves of the pair: \\uD83D\\uDE00"
            report("E103", message, span, hint)
            return "\ufffd"
        if escape == "u":
            message = "`\\u` in text must be followed by four hexadecimal digits"
        else:
            message = f"unknown escape `\\{escape}` in text"
        report(
            "E103",
            message,
            Span(current().file, line, column, line, column + 2),
            'the escapes are \\" \\\\ \\n \\t and \\uXXXX; a backslash itself is written \\\\',
        )
        return escape

    return _ESCAPE.sub(unescape, body)


def number_value(token: Token) -> int | Decimal:
    """An integer, or an exact decimal when the number has a decimal point. A number of more
    than :data:`~procrules.language.limits.MAX_NUMBER_DIGITS` digits is E104 (read as 0)."""
    text = str(token.value)
    if len(text) > MAX_NUMBER_DIGITS:
        report(
            "E104",
            f"a number has at most {MAX_NUMBER_DIGITS:,} digits; this one has {len(text):,}",
            token_span(token),
            "decimals in records have the same range: no number needs more digits",
        )
        return 0
    return Decimal(text) if "." in text else int(text)


def index_value(token: Token) -> int:
    """A list index: a whole number (a decimal is reported, E104, and truncated)."""
    value = number_value(token)
    if isinstance(value, Decimal):
        report(
            "E104",
            f"a list index is a whole number, not {token.value}",
            token_span(token),
            "count list elements from 0 (the first), or from -1 (the last)",
        )
        return int(value)
    return value


def custom_data_value(reference: Token) -> CustomDataRef:
    """``customData[c|m|k]`` or ``customData["c|m|k"]`` split at ``|``. Not three parts is E403
    (the node is still made, the missing parts empty), and so are spaces in the unquoted form."""
    span = token_span(reference)
    written = str(reference.value)
    quoted = written.startswith(_CUSTOM_DATA_PREFIX + '"')
    if quoted:
        inside = text_value(reference, offset=len(_CUSTOM_DATA_PREFIX) + 1, closing=2)
    else:
        inside = written[len(_CUSTOM_DATA_PREFIX) : -1]
    parts = inside.split("|")
    if len(parts) != 3:
        report(
            "E403",
            "a custom-data reference has three parts, connection|module|key; "
            f"`{written}` has {len(parts)}",
            span,
            _custom_data_hint(parts),
        )
        if len(parts) < 3:
            parts = [*([""] * (3 - len(parts))), *parts]
        parts = [parts[0], parts[1], "|".join(parts[2:])]
    elif not quoted and _SPACE.search(inside):
        report(
            "E403",
            f"`{written}` contains a space",
            span,
            f'a part with spaces or `]` is written in quotes: customData["{inside.strip()}"]',
        )
    return CustomDataRef(parts[0], parts[1], parts[2], quoted=quoted, span=span)


def _custom_data_hint(parts: list[str]) -> str:
    if len(parts) == 2:
        return (
            "for an entry that belongs to no connection, leave the connection empty: "
            f"customData[|{parts[0]}|{parts[1]}]"
        )
    if len(parts) > 3:
        return "`|` separates the parts and cannot appear inside one"
    return "write customData[connection|module|key], e.g. customData[|x-acme|holdReason]"
