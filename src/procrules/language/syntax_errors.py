"""Syntax errors in words a business user knows: lark's exceptions turned into diagnostics.

Owns the wording of every syntax diagnostic (E100 generic, E101 unexpected character, E102
missing ``end``, E103 unterminated text, E104 invalid number): which words describe what the parser
expected (terminals are grouped, so a user reads "a condition operator", never ``__ANON_3``), how
the offending token is shown, and the hint for a likely fix. It never raises.
"""

from __future__ import annotations

import difflib
import functools
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Final

from lark import Token
from lark.exceptions import LarkError, UnexpectedCharacters, UnexpectedInput, UnexpectedToken

from procrules.language.ast import Span
from procrules.language.diagnostics import Diagnostic, Severity
from procrules.language.grammar import RESERVED_WORDS, get_parser

if TYPE_CHECKING:
    from collections.abc import Iterable

_CONDITION: Final = "a condition"
_VALUE: Final = "a value (text in double quotes, a number, a field or a constant)"
_LITERAL: Final = (
    "a literal value (text in double quotes, a number, true, false, null, [list] or {map})"
)
_ACTION: Final = "an action (set, remove, add, replace, copy, swap, log, stop, ignore or fail)"
_RULE_HEADER: Final = "a rule header (description, tags, disabled, for, on or connection)"
_FILE_HEADER: Final = "a header line (ruleset, for, on or connection)"
_CONDITION_OPERATOR: Final = "a condition operator"
_CUSTOM_DATA_TYPE: Final = "a custom-data type (string, bool, integer, decimal or json)"
_BRACKET: Final = "a list index (a number, `*` or `where …`) or a field name in double quotes"

_VALUE_STARTERS: Final = frozenset(
    [
        "STRING",
        "NUMBER",
        "NAME",
        "CONST_NAME",
        "CUSTOM_DATA",
        "CUSTOM_DATA_QUOTED",
        "REPLACE_FN",
        "true",
        "false",
        "null",
        "[",
        "{",
        "(",
        "$",
        "-",
    ]
)
_CONDITION_STARTERS: Final = _VALUE_STARTERS | {"not", "exists", "any", "all", "none"}
_LITERAL_STARTERS: Final = frozenset(["STRING", "NUMBER", "-", "true", "false", "null", "[", "{"])
_BRACKET_STEPS: Final = frozenset({"NUMBER", "-", "*", "where", "STRING"})
_ACTIONS: Final = (
    "set",
    "remove",
    "add",
    "replace",
    "copy",
    "swap",
    "log",
    "stop",
    "ignore",
    "fail",
)
_RULE_HEADER_WORDS: Final = ("description", "tags", "disabled", "for", "on", "connection")
_FILE_HEADER_WORDS: Final = ("ruleset", "for", "on", "connection")
_CUSTOM_DATA_TYPES: Final = ("string", "bool", "integer", "decimal", "json")
_CONDITION_OPERATORS: Final = frozenset(
    [
        "==",
        "!=",
        "<",
        "<=",
        ">",
        ">=",
        "in",
        "not",
        "contains",
        "startswith",
        "endswith",
        "matches",
        "is",
        "and",
        "or",
    ]
)
#: Tokens that would only continue what stands before (a path step, arithmetic, `as`): they are
#: left out of "expected …" when anything else could come.
_CONTINUATIONS: Final = frozenset({".", "[", "(", "+", "-", "*", "/", "as"})
_TERMINAL_WORDS: Final = {
    "STRING": "text in double quotes",
    "NAME": "a field name",
    "CONST_NAME": "a constant name (UPPER_SNAKE_CASE)",
    "NUMBER": "a number",
    "CUSTOM_DATA": "a custom-data reference customData[…|…|…]",
    "CUSTOM_DATA_QUOTED": "a custom-data reference customData[…|…|…]",
    "REPLACE_FN": "a function call",
}
_ORDER: Final = (
    "when",
    "then",
    "end",
    "=",
    "to",
    "with",
    "in",
    "and",
    "import",
    "export",
    ",",
    ")",
    "]",
    "}",
    ":",
)
#: What the text in double quotes is, by the keyword before it.
_TEXT_AFTER: Final = {
    "RULE": "the rule's name in double quotes",
    "RULESET": "the rule set's name in double quotes",
    "DESCRIPTION": "the description in double quotes",
    "TAGS": "a tag in double quotes",
    "CONNECTION": "the connection id in double quotes",
}
_ACTION_SYNONYMS: Final = {
    "`remove <field>` clears a field or removes list elements": (
        "delete unset clear drop erase del"
    ),
    "`add <value> to <list>` appends to a list": "append push insert",
    '`log "<text>"` adds a message to the trace': "print echo trace write",
    "`stop` ends this rule set for the record": "exit break return halt end_rule",
    '`ignore ["<reason>"]` skips the record': "skip",
    '`fail "<reason>"` fails the record': "error reject raise abort",
    "`set <field> = <value>` sets a field": "let assign put update change move",
}
_NUMBERISH: Final = re.compile(r"[0-9][0-9A-Za-z_.]*")
_NUMBER: Final = re.compile(r"[0-9]+(?:\.[0-9]+)?")


@dataclass(frozen=True, slots=True)
class InputEnd:
    """What the end of the parsed text stands for (lark's ``$END``).

    A whole file ends at the end of the file; error recovery parses pieces that end where the next
    ``rule`` starts (``next_rule``). ``open_rule`` names the rule (name or None, line) whose piece
    this is, for the missing-``end`` diagnostic.
    """

    line: int
    column: int
    next_rule: bool
    open_rule: tuple[str | None, int] | None = None


def syntax_diagnostic(error: UnexpectedInput, file: str, source: str, end: InputEnd) -> Diagnostic:
    """The diagnostic for one lark syntax error in ``source``."""
    lines = source.split("\n")
    if isinstance(error, UnexpectedCharacters):
        return _unexpected_character(error, file, lines)
    token = getattr(error, "token", None)
    if not isinstance(error, UnexpectedToken) or not isinstance(token, Token):
        line, column = getattr(error, "line", end.line), getattr(error, "column", end.column)
        span = Span(file, max(line, 1), max(column, 1), max(line, 1), max(column, 1) + 1)
        return _error("E100", "the file ends too early", span)
    return _unexpected_token(error, token, file, lines, end)


# ---------------------------------------------------------------------- unexpected characters


def _unexpected_character(error: UnexpectedCharacters, file: str, lines: list[str]) -> Diagnostic:
    line, column = error.line, error.column
    text = lines[line - 1] if 0 < line <= len(lines) else ""
    char = text[column - 1] if 0 < column <= len(text) else ""
    span = Span(file, line, column, line, column + 1)
    if char == '"':
        return _error(
            "E103",
            'text is not closed: the closing `"` is missing',
            span,
            "text in double quotes ends on the line where it starts",
        )
    hint = {
        "'": 'text is written in double quotes: "like this"',
        "&": "conditions are joined with `and`",
        "|": "conditions are joined with `or`",
        "!": "a condition is negated with `not`; `!=` compares",
        "`": 'text is written in double quotes: "like this"',
    }.get(char)
    shown = char if char.isprintable() and not char.isspace() else f"U+{ord(char or ' '):04X}"
    return _error("E101", f'unexpected character "{shown}"', span, hint)


# ---------------------------------------------------------------------- unexpected tokens


def _unexpected_token(
    error: UnexpectedToken, token: Token, file: str, lines: list[str], end: InputEnd
) -> Diagnostic:
    names = _names(error)
    patterns = _string_patterns()
    symbols = {patterns.get(name, name) for name in names}
    previous = _previous_token_types(error)
    at_end = token.type == "$END"
    if at_end:
        width = len("rule") if end.next_rule else 1
        span = Span(file, end.line, end.column, end.line, end.column + width)
        found = "`rule`" if end.next_rule else "the end of the file"
    else:
        span = _token_span(file, token)
        found = _found_words(token)

    if "END" in names and (at_end or token.type in ("RULE", "CONST")):
        return _missing_end(span, end)

    bad_number = None if at_end else _bad_number(lines, token)
    if bad_number is not None:
        column, written = bad_number
        number_span = Span(file, span.line, column, span.line, column + len(written))
        return _error(
            "E104",
            f'"{written}" is not a number',
            number_span,
            "numbers are written like 42, -3 or 499.00 (a point before the decimals)",
        )

    if symbols == {"STRING"} and previous and previous[-1] in _TEXT_AFTER:
        wanted = [_TEXT_AFTER[previous[-1]]]
    elif symbols == {"NAME"} and _in_for_list(previous):
        wanted = ["a record type (like Order or Invoice)"]
    else:
        wanted = expected_words(symbols, ["`rule`", "the end of the file"])
    message = f"expected {_join(wanted)}, found {found}"
    hint = _hint(token, symbols, previous, lines)
    return _error("E100", message, span, hint)


def _missing_end(span: Span, end: InputEnd) -> Diagnostic:
    name, line = end.open_rule if end.open_rule else (None, span.line)
    what = f'rule "{name}"' if name is not None else "the rule"
    hint = f"{what} that starts on line {line} needs `end` after its last action"
    return _error("E102", f"missing `end` of {what}", span, hint)


def expected_words(symbols: Iterable[str], end_words: list[str]) -> list[str]:
    """Words for what may come next, from the expected terminals' symbols (see ``_symbol``)."""
    items = set(symbols)
    groups: list[str] = []

    def take(applies: bool, label: str, members: Iterable[str]) -> None:
        nonlocal items
        if applies:
            groups.append(label)
            items -= set(members)

    if "NAME" in items:
        items -= {"CUSTOM_DATA", "CUSTOM_DATA_QUOTED"}
    take("exists" in items, _CONDITION, _CONDITION_STARTERS)
    take({"STRING", "NUMBER", "NAME"} <= items, _VALUE, _VALUE_STARTERS)
    take({"STRING", "NUMBER", "where"} <= items, _BRACKET, _BRACKET_STEPS)
    take({"STRING", "NUMBER", "true"} <= items, _LITERAL, _LITERAL_STARTERS)
    take("set" in items, _ACTION, _ACTIONS)
    take("description" in items, _RULE_HEADER, _RULE_HEADER_WORDS)
    take("ruleset" in items, _FILE_HEADER, _FILE_HEADER_WORDS)
    take({"string", "json"} <= items, _CUSTOM_DATA_TYPE, _CUSTOM_DATA_TYPES)
    take("==" in items or {"and", "or"} <= items, _CONDITION_OPERATOR, _CONDITION_OPERATORS)
    at_end = "$END" in items
    items.discard("$END")
    if (items - _CONTINUATIONS) or groups or at_end:
        items -= _CONTINUATIONS
    singles = sorted(items, key=lambda s: (_ORDER.index(s) if s in _ORDER else len(_ORDER), s))
    words = [_TERMINAL_WORDS.get(s, f"`{s}`") for s in singles]
    words += groups + (end_words if at_end else [])
    return list(dict.fromkeys(words))


def _hint(token: Token, symbols: set[str], previous: list[str], lines: list[str]) -> str | None:
    value = str(token.value)
    word = value if token.type != "$END" else ""
    if word == "=" and "==" in symbols:
        return "use `==` to compare; `=` only sets a field (`set <field> = <value>`)"
    if word in RESERVED_WORDS and "NAME" in symbols and _used_as_field(lines, token):
        return f'`{word}` is a reserved word; a field with that name is written ["{word}"]'
    if word == "end" and "$END" in symbols:
        return "this `end` has no rule to close"
    if word in _FILE_HEADER_WORDS and "$END" in symbols:
        return (
            "the header (ruleset, for, on, connection) comes first in the file, "
            "before consts and rules"
        )
    if word == "," and _digits_around(lines, token):
        return "decimals are written with a point: 12.50, not 12,50"
    if previous[-1:] == ["RULE"]:
        return 'a rule starts with its name in double quotes: rule "Hold test orders"'
    if word == "when" and "then" in symbols:
        return "a rule has one `when`; join conditions with `and` or `or`"
    if word in _ACTIONS and "then" in symbols:
        return "write `then` before the first action"
    if word == "then" and "exists" in symbols:
        return "write a condition after `when`, or leave `when` out for a rule that always fires"
    if word == "customData" or _after_custom_data_bracket(lines, token):
        return (
            "a custom-data reference is written customData[connection|module|key], without "
            'spaces; a part with spaces or `]` is written customData["…|…|…"]'
        )
    unclosed = next((c for c in (")", "]", "}") if c in symbols), None)
    keyword = token.type not in ("NAME", "CONST_NAME", "STRING", "NUMBER") and word.isalpha()
    if unclosed and (token.type == "$END" or keyword):
        opening = {")": "(", "]": "[", "}": "{"}[unclosed]
        return f"a `{opening}` is not closed: add `{unclosed}`"
    if token.type == "NAME" and "set" in symbols:
        return _action_synonym(word) or _did_you_mean(word, _ACTIONS)
    if token.type == "NAME" and "description" in symbols:
        return _did_you_mean(word, (*_RULE_HEADER_WORDS, "when", "then")) or (
            'after the rule\'s name a rule may have description "…", tags "…", disabled, '
            'for …, on … and connection "…", then `when <condition>` and `then <actions>`'
        )
    if "=" in symbols and "==" not in symbols and "SET" in previous:
        return "a field is set with `set <field> = <value>`"
    if "to" in symbols:
        action = next((t for t in reversed(previous) if t in ("ADD", "COPY")), "ADD")
        return {
            "ADD": "a value is added with `add <value> to <list field>`",
            "COPY": "a value is copied with `copy <field> to <field>`",
        }[action]
    if "with" in symbols or ("in" in symbols and "==" not in symbols):
        return "text is replaced with `replace <text> with <text> in <field>`"
    if "and" in symbols and "or" not in symbols:
        return "two values are swapped with `swap <field> and <field>`"
    if token.type == "NAME":
        keywords = [s for s in symbols if s.isalpha() and s.islower()]
        return _did_you_mean(word, [*keywords, "rule"] if "$END" in symbols else keywords)
    return None


def _digits_around(lines: list[str], token: Token) -> bool:
    """Whether the token stands directly between two digits (the comma of ``12,50``)."""
    text = _line(lines, token.line)
    at = (token.column or 0) - 1
    return 0 < at < len(text) - 1 and text[at - 1].isdigit() and text[at + 1].isdigit()


def _action_synonym(word: str) -> str | None:
    for hint, synonyms in _ACTION_SYNONYMS.items():
        if word.lower() in synonyms.split():
            return hint
    return None


def _did_you_mean(word: str, candidates: Iterable[str]) -> str | None:
    close = difflib.get_close_matches(word, list(candidates), n=1, cutoff=0.75)
    return f"did you mean `{close[0]}`?" if close else None


def _used_as_field(lines: list[str], token: Token) -> bool:
    """Whether a reserved word stands where a field would: after `.` or before `.`/`[`/`=`."""
    text = _line(lines, token.line)
    column = (token.column or 1) - 1
    before = text[:column].rstrip()
    after = text[column + len(token.value) :].lstrip()
    return before.endswith(".") or after[:1] in (".", "[", "=", "!", "<", ">")


def _after_custom_data_bracket(lines: list[str], token: Token) -> bool:
    text = _line(lines, token.line)
    return text[: (token.column or 1) - 1].rstrip().endswith("customData[")


def _bad_number(lines: list[str], token: Token) -> tuple[int, str] | None:
    """(column, text) of a malformed number (``1.2.3``, ``12abc``, ``1.``) that the token is
    part of, if any."""
    text = _line(lines, token.line)
    index = (token.column or 1) - 1
    start = index
    while start > 0 and (text[start - 1].isalnum() or text[start - 1] in "._"):
        start -= 1
    while start < index and not text[start].isdigit():
        start += 1
    if start == index and token.type != "NUMBER":
        return None
    match = _NUMBERISH.match(text, start)
    if match is None or match.end() <= index:
        return None
    if start > 0 and (text[start - 1].isalnum() or text[start - 1] == "_"):
        return None
    written = match.group(0)
    if _NUMBER.fullmatch(written):
        return None
    return start + 1, written


# ---------------------------------------------------------------------- small helpers


def _names(error: UnexpectedToken) -> set[str]:
    """The terminals the parser would accept where it stopped, by name (``_string_patterns``
    turns keywords and punctuation into the words as written). LALR merges look-aheads, so the
    state's table alone can list tokens that a reduction would then refuse; lark's interactive
    parser tries each one."""
    interactive = getattr(error, "interactive_parser", None)
    if interactive is not None:
        try:
            return {str(name) for name in interactive.accepts()}
        except LarkError:
            pass
    return {str(name) for name in error.expected or ()}


def _in_for_list(previous: list[str]) -> bool:
    """Whether the parser stands in the record types after ``for``."""
    if "FOR" not in previous:
        return False
    after = previous[len(previous) - previous[::-1].index("FOR") :]
    return all(kind in ("NAME", "COMMA") for kind in after)


def _previous_token_types(error: UnexpectedToken) -> list[str]:
    """The token types on the parser's stack (not yet reduced), oldest first."""
    stack = getattr(getattr(error, "state", None), "value_stack", None) or []
    return [value.type for value in stack if isinstance(value, Token)]


@functools.cache
def _string_patterns() -> dict[str, str]:
    """Terminal name → the keyword or punctuation it is, for terminals written as strings."""
    return {
        terminal.name: terminal.pattern.value
        for terminal in get_parser().terminals
        if terminal.pattern.type == "str"
    }


def _error(code: str, message: str, span: Span, hint: str | None = None) -> Diagnostic:
    return Diagnostic(code, Severity.ERROR, message, span, hint)


def _found_words(token: Token) -> str:
    value = str(token.value)
    shown = value if len(value) <= 40 else value[:37] + "…"
    if token.type in ("NAME", "CONST_NAME"):
        return f'"{shown}"'
    if token.type == "STRING":
        return shown if shown.endswith('"') else shown + '"'
    if token.type == "NUMBER":
        return f"the number {shown}"
    return f"`{shown}`"


def _token_span(file: str, token: Token) -> Span:
    line, column = token.line or 1, token.column or 1
    end_line, end_column = token.end_line or line, token.end_column or column + 1
    return Span(file, line, column, end_line, end_column)


def _line(lines: list[str], number: int | None) -> str:
    return lines[number - 1] if number and 0 < number <= len(lines) else ""


def _join(words: list[str]) -> str:
    if not words:
        return "something else"
    if len(words) == 1:
        return words[0]
    return ", ".join(words[:-1]) + " or " + words[-1]
