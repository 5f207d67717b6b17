"""The grammar: it builds conflict-free in lark's strict mode, is built once per process, and
lexes as grammar/rules.lark documents (reserved words, contextual header words, whole-word
keywords, names versus constants, custom-data references)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from lark import Lark

from procrules.language.ast import CustomDataRef, Field, Remove, Set
from procrules.language.ast import Path as AstPath
from procrules.language.grammar import (
    CONTEXTUAL_WORDS,
    RESERVED_WORDS,
    START_SYMBOLS,
    build_parser,
    get_parser,
    grammar_path,
    grammar_text,
)
from procrules.language.parser import parse
from procrules.language.transform import AstBuilder

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize("start", START_SYMBOLS)
def test_grammar_builds_in_strict_mode(start: str) -> None:
    # strict=True: any shift/reduce or reduce/reduce conflict, or two terminals of one priority
    # that can match the same text (checked with interegular), raises instead of warning.
    parser = build_parser(start, strict=True)
    assert isinstance(parser, Lark)
    assert parser.options.parser == "lalr"
    assert parser.options.lexer == "contextual"


def test_strict_mode_would_catch_a_collision() -> None:
    # The check is real: a NAME that also matched UPPER_SNAKE words collides with CONST_NAME.
    loose = grammar_text().replace(
        "NAME: /[a-z_][A-Za-z0-9_]*|[A-Z][A-Z0-9_]*[a-z][A-Za-z0-9_]*/",
        "NAME: /[A-Za-z_][A-Za-z0-9_]*/",
    )
    assert loose != grammar_text()
    with pytest.raises(Exception, match="Collision between Terminals"):
        Lark(loose, parser="lalr", lexer="contextual", strict=True)


def test_the_parser_is_built_once() -> None:
    assert get_parser() is get_parser()
    assert get_parser("start") is get_parser()
    assert get_parser("rule_chunk") is get_parser("rule_chunk")
    assert get_parser("preamble") is not get_parser("rule_chunk")


def test_an_unknown_start_symbol_is_refused() -> None:
    with pytest.raises(ValueError, match="unknown start symbol 'rules'"):
        build_parser("rules")


def test_the_grammar_is_found_in_the_source_checkout() -> None:
    found = Path(str(grammar_path()))
    assert found == ROOT / "grammar" / "rules.lark"
    assert grammar_text() == found.read_text(encoding="utf-8")


def test_every_reserved_word_is_a_terminal_of_that_name() -> None:
    # The lexer's always_accept list names them by their upper-case form.
    strings = {t.name: t.pattern.value for t in get_parser().terminals if t.pattern.type == "str"}
    for word in RESERVED_WORDS:
        assert strings.get(word.upper()) == word
    assert set(CONTEXTUAL_WORDS) <= set(strings.values())


def test_every_node_building_rule_has_a_builder_method() -> None:
    for rule in get_parser().rules:
        name = str(rule.alias or rule.origin.name)
        if name.startswith("_") or (rule.options.expand1 and len(rule.expansion) == 1):
            continue
        assert hasattr(AstBuilder, name), name


def _first_action(source: str) -> object:
    result = parse(source, "t.rules")
    assert result.diagnostics == ()
    assert result.ruleset is not None
    return result.ruleset.rules[0].actions[0]


@pytest.mark.parametrize("word", CONTEXTUAL_WORDS)
def test_header_words_are_names_outside_a_header(word: str) -> None:
    action = _first_action(f'rule "r" then set {word} = {word}.{word} end')
    assert action == Set(AstPath((Field(word),)), AstPath((Field(word), Field(word))))


@pytest.mark.parametrize("word", RESERVED_WORDS)
def test_reserved_words_are_never_field_names(word: str) -> None:
    result = parse(f'rule "r" then remove a.{word} end', "t.rules")
    first = result.diagnostics[0]
    assert (first.code, first.span.column) == ("E100", 24)
    assert first.message == f"expected a field name, found `{word}`"


@pytest.mark.parametrize("word", RESERVED_WORDS)
def test_a_reserved_word_is_a_field_in_brackets(word: str) -> None:
    action = _first_action(f'rule "r" then remove $["{word}"] end')
    assert action == Remove(AstPath((Field(word),), "root"))


def test_keywords_are_whole_words() -> None:
    result = parse('rule "r" when a == 1 andy == 2 then stop end', "t.rules")
    assert result.diagnostics[0].message == (
        'expected `then` or a condition operator, found "andy"'
    )
    action = _first_action('rule "r" then set endDate = thenValue end')
    assert action == Set(AstPath((Field("endDate"),)), AstPath((Field("thenValue"),)))


def test_custom_data_is_one_token_split_into_three_parts() -> None:
    action = _first_action('rule "r" then remove customData[*|x-acme.v2|a.b-c] end')
    assert isinstance(action, Remove)
    assert action.target.segments == (CustomDataRef("*", "x-acme.v2", "a.b-c"),)


NAME = re.compile(r"[a-z_][A-Za-z0-9_]*|[A-Z][A-Z0-9_]*[a-z][A-Za-z0-9_]*")
CONST_NAME = re.compile(r"[A-Z][A-Z0-9_]*(?![A-Za-z0-9_])")


def test_the_name_patterns_are_the_grammars() -> None:
    patterns = {t.name: t.pattern.value for t in get_parser().terminals}
    assert patterns["NAME"] == NAME.pattern
    assert patterns["CONST_NAME"] == CONST_NAME.pattern


@given(st.from_regex(r"[A-Za-z_][A-Za-z0-9_]{0,12}", fullmatch=True))
def test_names_and_constants_never_overlap(word: str) -> None:
    assert not (NAME.fullmatch(word) and CONST_NAME.fullmatch(word))
    assert NAME.fullmatch(word) or CONST_NAME.fullmatch(word) or set(word) <= set("_0123456789")
