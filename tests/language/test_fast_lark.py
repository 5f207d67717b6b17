"""The fast lexer and parser loops (procrules.language.fast_lark) against lark's own: on every rule
file of the repository, on broken variants of them and on edge cases, both give the same nodes,
spans, comments and diagnostics, or the same syntax error with the same parser and lexer state.
Also the assumption the fast lexer rests on, and the builder's fast node constructors."""

from __future__ import annotations

import dataclasses
import random
import re
from decimal import Decimal
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

import interegular
import pytest
from lark import Token, Tree
from lark.exceptions import UnexpectedCharacters, UnexpectedInput, UnexpectedToken

from procrules.language import transform
from procrules.language.ast import Field, Lit, Span
from procrules.language.build_context import building, frozen_maker, new_span
from procrules.language.fast_lark import FastContextualLexer, FastLALRParser
from procrules.language.grammar import (
    START_SYMBOLS,
    build_parser,
    collecting_comments,
    get_parser,
)

if TYPE_CHECKING:
    from lark import Lark

ROOT = Path(__file__).resolve().parents[2]
FILES = sorted(
    path
    for folder in ("rules", "tests", "docs")
    for path in (ROOT / folder).rglob("*.rules")
    if path.stat().st_size < 20_000
)
EDGE_CASES = [
    "",
    "  \n\t\f\r\n",
    "# only a comment",
    "# a comment\n\n   # another\t\n",
    'rule "a" then stop end',
    'rule "a" then stop end   \n  \n\t',
    'rule "a"\r\nwhen x == 1\r\nthen stop # done\r\nend\r\n',
    'rule "a" when a.b[0][-1][*][where c is not empty].d == -1.50 then stop end',
    'rule "a" when any $.rows[*].sku startswith "x" or not (a > 1 and b) then ignore end',
    'rule "a" then set customData[|x-acme|k] = "v" as json\nremove customData["a|b|c d"] end',
    'rule "a" then set customData[a b|c|d] = 1 end',
    'rule "a" then log "unterminated\nend',
    'rule "a" then set x = 1 @ end',
    'rule "a" then set x == 1 end',
    'rule "a" then set in = 1 end',
    'rule "a" when andy == 1 then stop end',
    'rule "a" when And == 1 or NOT == ORx then Stop end\nRule "b" then stop END',
    'rule "a" then set x = replace(a, "b", "c")\nignore\nreplace "a" with "b" in c end',
    'const A = {"a": [1, -2, 3.5, true, null], "b": "\\u00e9\\q"}\nrule "a" then stop end',
    'ruleset "x"\nfor Order, Invoice\non import\nconnection "c"\nconst B = 1',
    'rule "a"\ndescription "d"\ntags "t", "u"\ndisabled\nfor Order\nthen stop\nend',
    'rule "a" then set x = 1 end end\nrule "b" then stop end',
    'rule "a" then set x = (1 +\n',
    'rule "é" when x == "ü…" then set y = "\\uD83D\\uDE00" end',
]
WORDS = ["rule", "then", "end", "and", "==", "=", ".", "[", "]", "(", '"x"', "1", "-", "a", "B"]
TOKEN = re.compile(r'"(?:[^"\\\n]|\\.)*"|\w+|\s+|\S')


@cache
def stock_parser(start: str) -> Lark:
    return build_parser(start, fast=False)


def mutants(count: int) -> list[str]:
    """Broken variants of the repository's smaller rule files: a token dropped, replaced, doubled
    or swapped with another, or the text cut short."""
    rnd = random.Random(20240611)
    bases = [p.read_text(encoding="utf-8") for p in FILES if p.stat().st_size < 2_000]
    out = []
    for _ in range(count):
        tokens = TOKEN.findall(rnd.choice(bases))
        words = [i for i, t in enumerate(tokens) if not t.isspace()]
        if not words:
            continue
        at = rnd.choice(words)
        kind = rnd.randrange(5)
        if kind == 0:
            del tokens[at]
        elif kind == 1:
            tokens[at] = rnd.choice(WORDS)
        elif kind == 2:
            tokens.insert(at, tokens[at])
        elif kind == 3:
            other = rnd.choice(words)
            tokens[at], tokens[other] = tokens[other], tokens[at]
        else:
            tokens = tokens[:at]
        out.append("".join(tokens))
    return out


def dump(value: object) -> object:
    """Nodes with every field (spans too), tokens with every position."""
    if isinstance(value, Token):
        return ("Token", value.type, value.value, token_place(value))
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        fields = dataclasses.fields(value)
        return (type(value).__name__, *(dump(getattr(value, f.name)) for f in fields))
    if isinstance(value, Tree):
        return ("Tree", str(value.data), dump(value.children))
    if isinstance(value, list | tuple):
        return [dump(item) for item in value]
    if isinstance(value, Decimal):
        return ("Decimal", str(value))
    return value


def token_place(token: Token) -> tuple[Any, ...]:
    return (token.line, token.column, token.end_line, token.end_column, token.start_pos,
            token.end_pos)  # fmt: skip


def error_facts(error: UnexpectedInput) -> tuple[Any, ...]:
    """What syntax_errors.py and the error recovery read of an error, and more."""
    interactive = getattr(error, "interactive_parser", None)
    lexer_state = interactive.lexer_thread.state if interactive is not None else None
    counter = lexer_state.line_ctr if lexer_state is not None else None
    common = (
        type(error).__name__,
        error.line,
        error.column,
        sorted(interactive.accepts()) if interactive is not None else None,
        (counter.char_pos, counter.line, counter.column, counter.line_start_pos)
        if counter is not None
        else None,
        dump(lexer_state.last_token) if lexer_state is not None else None,
    )
    if isinstance(error, UnexpectedToken):
        state = error.state
        return (*common, dump(error.token), sorted(error.expected or ()),
                list(state.state_stack), dump(state.value_stack))  # fmt: skip
    assert isinstance(error, UnexpectedCharacters)
    return (*common, error.pos_in_stream, sorted(error.allowed or ()))


def outcome(parser: Lark, text: str) -> tuple[Any, ...]:
    with building("t.rules") as context, collecting_comments() as comments:
        try:
            result: Any = ("parsed", dump(parser.parse(text)))
        except UnexpectedInput as error:
            result = ("error", error_facts(error))
    return result, dump(comments), dump(context.diagnostics)


def test_the_parsers_use_the_fast_loops() -> None:
    parser = get_parser()
    assert isinstance(parser.parser.lexer.lexer, FastContextualLexer)
    assert isinstance(parser.parser.parser, FastLALRParser)
    assert parser.options.lexer == "contextual"


def test_there_are_enough_files_to_compare() -> None:
    assert len(FILES) >= 80


@pytest.mark.parametrize("path", FILES, ids=[str(p.relative_to(ROOT)) for p in FILES])
def test_both_loops_agree_on_the_repositorys_rule_files(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    assert outcome(get_parser(), text) == outcome(stock_parser("start"), text)


@pytest.mark.parametrize("text", EDGE_CASES)
@pytest.mark.parametrize("start", START_SYMBOLS)
def test_both_loops_agree_on_edge_cases(text: str, start: str) -> None:
    assert outcome(get_parser(start), text) == outcome(stock_parser(start), text)


def test_both_loops_agree_on_broken_files() -> None:
    texts = mutants(400)
    differ = [t for t in texts if outcome(get_parser(), t) != outcome(stock_parser("start"), t)]
    assert differ == []


def test_both_loops_agree_on_a_comment_collector_and_the_white_space_at_the_end() -> None:
    text = "# head\n" + (ROOT / "rules" / "orders" / "10-intake.rules").read_text() + "\n  \n\t"
    fast, stock = outcome(get_parser(), text), outcome(stock_parser("start"), text)
    assert fast == stock
    assert fast[1]  # the comments were collected


def test_no_terminal_but_white_space_can_start_with_white_space() -> None:
    # The fast lexer matches the ignored white space before a token with the token's regexp:
    # equivalent to lark's loop only while no other terminal can match there.
    ignored = {"WHITESPACE"}
    white = r"[ \t\f\r\n\v][\s\S]*"
    for terminal in get_parser().terminals:
        regexps = {"terminal": terminal.pattern.to_regexp(), "white": white}
        collisions = list(interegular.Comparator.from_regexes(regexps).check())
        assert bool(collisions) == (terminal.name in ignored), terminal.name


def test_the_fast_constructors_make_what_the_constructors_make() -> None:
    span = Span("f.rules", 1, 2, 3, 4)
    assert new_span("f.rules", 1, 2, 3, 4) == span
    assert dump(new_span("f.rules", 1, 2, 3, 4)) == dump(span)
    assert dump(frozen_maker(Field)("a", True, span)) == dump(Field("a", quoted=True, span=span))
    assert dump(transform._new_lit(Decimal("1.5"), span)) == dump(Lit(Decimal("1.5"), span=span))
    for name in dir(transform):
        maker = getattr(transform, name)
        if name.startswith("_new_"):
            cls = getattr(transform, maker.__name__.removeprefix("make_"))
            values = [f"v{i}" for i, _ in enumerate(dataclasses.fields(cls))]
            made, expected = maker(*values), cls(*values[:-1], span=values[-1])
            assert all(getattr(made, f.name) == getattr(expected, f.name)
                       for f in dataclasses.fields(cls)), name  # fmt: skip
