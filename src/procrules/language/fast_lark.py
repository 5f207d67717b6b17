"""lark's contextual lexer and LALR parser loops, written out: the same lexing and parsing, in
about half the time.

A parse of a rule file spends most of its time in two loops of lark: the contextual lexer's, which
makes seven or so Python calls per token (and a regexp match of its own for the white space before
each one), and the LALR parser's, which hashes and compares lark's ``Rule`` objects in Python on
every reduction. The classes here are lark's own with those loops written out in one generator and
one function; lark takes them through its ``_plugins`` option, and the ``lexer`` and ``parser``
options stay "contextual" and "lalr". Nothing else changes: the lexer uses lark's basic lexer of
each parser state (its terminals, its compiled regexp, its ``unless`` keywords) and its line
counting, the parser lark's parse table and the builder's callbacks. Wherever the fast loops meet
something unusual -- a syntax error, a callback they do not know, a lark whose internals differ --
they hand over to lark's loop at that point, which then does exactly what it always does (and
raises its own errors). ``tests/language/test_fast_lark.py`` compares both on every kind of input.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any, NamedTuple

from lark import Token
from lark.exceptions import UnexpectedInput
from lark.lexer import CallChain, ContextualLexer, UnlessCallback
from lark.parsers.lalr_analysis import Shift
from lark.parsers.lalr_interactive_parser import InteractiveParser
from lark.parsers.lalr_parser import LALR_Parser, _Parser
from lark.parsers.lalr_parser_state import ParserState

from procrules.language.transform import PASS_CHILD

if TYPE_CHECKING:
    from collections.abc import Callable, Iterator

    from lark.lexer import LexerState


# ---------------------------------------------------------------------- the lexer


class _LexTable(NamedTuple):
    """What the fast loop needs of one parser state's basic lexer."""

    #: lark's regexp for the state's terminals, after the ignored white space (see below)
    match: Callable[[str, int, int], re.Match[str] | None]
    #: terminals that may hold a newline; the ignored ones (past the white space: comments)
    newline: frozenset[str]
    ignore: frozenset[str]
    #: the keywords that lark's ``unless`` callback would give a terminal's text (NAME: `and` …)
    keywords: dict[str, dict[str, str]]
    #: the other callbacks by terminal (the comment collector)
    callbacks: dict[str, Callable[[Token], Token]]


class FastContextualLexer(ContextualLexer):
    """lark's contextual lexer, with its per-token loop written out in one generator.

    The lexing is lark's own: for each parser state the same basic lexer, with its terminals in
    one compiled regexp and lark's ``unless`` rule for keywords (a NAME whose text is a keyword of
    the state is that keyword), the same line counting and the same tokens. The loop makes fewer
    calls per token: lark's makes seven or so, and a regexp match of its own for the white space
    before each token, here matched by the token's regexp itself (an atomic group in front; no
    other terminal can start with white space, which a test checks). Whatever the loop does not
    handle, lark's does: a position where no terminal matches (lark raises its error there, or
    lexes the white space at the end of the text), a state whose basic lexer needs several
    regexps or other callbacks, and an input that is not a ``str``. lark takes the class through
    its ``_plugins`` option; the ``lexer`` option stays "contextual".
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._tables: dict[int, _LexTable] = {}
        self._by_lexer: dict[int, _LexTable | None] = {}

    def lex(self, lexer_state: LexerState, parser_state: Any) -> Iterator[Token]:
        text_slice: Any = lexer_state.text
        text = getattr(text_slice, "text", text_slice)
        stack = getattr(parser_state, "state_stack", None)
        if not isinstance(text, str) or not isinstance(stack, list):
            yield from super().lex(lexer_state, parser_state)
            return
        end: int = getattr(text_slice, "end", len(text))
        tables = self._tables
        counter = lexer_state.line_ctr
        pos, line, line_start = counter.char_pos, counter.line, counter.line_start_pos
        new_token = str.__new__
        while True:
            table = tables.get(stack[-1]) or self._table(stack[-1])
            if table is None:
                break
            match, newline, ignore, keywords, callbacks = table
            found = match(text, pos, end)
            if found is None:
                break
            kind: str = found.lastgroup  # type: ignore[assignment]  # every terminal is a group
            start, next_pos = found.span(kind)
            if start != pos:  # the white space before the token
                newlines = text.count("\n", pos, start)
                if newlines:
                    line += newlines
                    line_start = text.rindex("\n", pos, start) + 1
            pos = next_pos
            value = text[start:pos]
            token = new_token(Token, value)
            token.type, token.value, token.start_pos = kind, value, start
            token.line, token.column, token.end_pos = line, start - line_start + 1, pos
            if kind in newline and "\n" in value:
                line += value.count("\n")
                line_start = start + value.rindex("\n") + 1
            token.end_line, token.end_column = line, pos - line_start + 1
            if kind in keywords:
                token.type = keywords[kind].get(value, kind)
            elif kind in callbacks:
                token = callbacks[kind](token)
            if kind in ignore:
                continue
            counter.char_pos, counter.line, counter.line_start_pos = pos, line, line_start
            counter.column = pos - line_start + 1
            lexer_state.last_token = token
            yield token
        counter.char_pos, counter.line, counter.line_start_pos = pos, line, line_start
        counter.column = pos - line_start + 1
        if pos < end:
            yield from super().lex(lexer_state, parser_state)

    def _table(self, state: int) -> _LexTable | None:
        """The fast loop's table for a parser state, made the first time the state lexes (a
        table per basic lexer, which lark shares between states with the same terminals); None
        where lark's loop lexes."""
        lexer = self.lexers.get(state)
        if lexer is None:
            return None
        if id(lexer) not in self._by_lexer:
            try:
                self._by_lexer[id(lexer)] = _lex_table(lexer)
            except (AttributeError, TypeError, ValueError, re.error):  # not the lark it knows
                self._by_lexer[id(lexer)] = None
        table = self._by_lexer[id(lexer)]
        if table is not None:
            self._tables[state] = table
        return table


def _lex_table(lexer: Any) -> _LexTable | None:
    """The fast loop's table for one of lark's basic lexers, or None where lark's loop lexes."""
    regexps: list[re.Pattern[str]] = getattr(lexer.scanner, "_mres", [])  # makes lexer.callback
    if len(regexps) != 1 or not isinstance(regexps[0].pattern, str):
        return None
    terminals = {t.name: t for t in lexer.terminals}
    skipped = [n for n in lexer.ignore_types if n not in lexer.callback and n in terminals]
    keywords: dict[str, dict[str, str]] = {}
    callbacks: dict[str, Callable[[Token], Token]] = {}
    for kind, callback in lexer.callback.items():
        if type(callback) is UnlessCallback:
            words = callback.scanner.terminals
            if any(w.pattern.type != "str" or w.pattern.flags for w in words):
                return None
            keywords[kind] = {w.pattern.value: w.name for w in words}
        elif isinstance(callback, UnlessCallback | CallChain):
            return None
        else:
            callbacks[kind] = callback
    space = "|".join(terminals[n].pattern.to_regexp() for n in sorted(skipped))
    prefix = f"(?>(?:{space})*)" if space else ""
    regexp = re.compile(prefix + f"(?:{regexps[0].pattern})", regexps[0].flags)
    ignore = frozenset(lexer.ignore_types)
    return _LexTable(regexp.match, frozenset(lexer.newline_types), ignore, keywords, callbacks)


# ---------------------------------------------------------------------- the parser


class _Reduction(NamedTuple):
    """A rule of the parse table, as the fast loop reduces by it: ``callback`` is None for a rule
    of one symbol whose callback is :data:`PASS_CHILD`."""

    size: int
    origin: str
    callback: Callable[[list[Any]], Any] | None


#: The parse table as the fast loop reads it: per state, per symbol, the state to shift (or go) to
#: (an ``int``) or the :class:`_Reduction` to make (typed Any: the loop calls no ``cast``).
_FastTable = dict[int, dict[str, Any]]


class _FastParser(_Parser):
    """lark's LALR driver with the loop of ``ParserState.feed_token`` inlined, reading a copy of
    the parse table where each reduction is its rule's size, name and callback (lark's ``Rule``
    hashes and compares in Python, twice per reduction, to find them)."""

    _table: _FastTable | None = None

    def parse_from_state(self, state: ParserState[Any], last_token: Token | None = None) -> Any:
        table = self._fast_table(state)
        if table is None:
            return super().parse_from_state(state, last_token)
        state_stack, value_stack = state.state_stack, state.value_stack
        lexer: Any = state.lexer
        try:
            token = last_token
            for token in lexer.lex(state):
                kind = token.type
                while True:
                    try:
                        target = table[state_stack[-1]][kind]
                    except KeyError:  # a syntax error: lark's step raises it
                        state.feed_token(token)
                        break
                    if type(target) is int:
                        state_stack.append(target)
                        value_stack.append(token)
                        break
                    size, origin, callback = target
                    if callback is None:  # the value stays, under the rule's state
                        state_stack[-1] = table[state_stack[-2]][origin]
                        continue
                    if size:
                        children = value_stack[-size:]
                        del state_stack[-size:]
                        del value_stack[-size:]
                    else:
                        children = []
                    value_stack.append(callback(children))
                    state_stack.append(table[state_stack[-1]][origin])
            end = Token.new_borrow_pos("$END", "", token) if token else Token("$END", "", 0, 1, 1)
            return state.feed_token(end, is_end=True)
        except UnexpectedInput as error:
            error.interactive_parser = InteractiveParser(self, state, state.lexer)
            raise

    def _fast_table(self, state: ParserState[Any]) -> _FastTable | None:
        """The fast loop's copy of the parse table, made on first use; None where lark's loop
        parses: a state of another class or with other callbacks (lark's interactive parser
        makes such states), or a table or callbacks that the copy cannot take."""
        conf = state.parse_conf
        if (
            type(state) is not ParserState
            or conf.states is not self.parse_table.states
            or conf.callbacks is not self.callbacks
        ):
            return None
        if self._table is None:
            try:
                self._table = _copy_table(self.parse_table.states, self.callbacks)
            except (AttributeError, TypeError, ValueError):  # not the lark it knows
                self._table = {}
        return self._table or None


def _copy_table(states: dict[Any, dict[str, tuple[Any, Any]]], callbacks: Any) -> _FastTable:
    """The parse table for the fast loop, or an empty one if it cannot be made."""
    if any(isinstance(key, str) for key in callbacks):
        return {}
    reductions: dict[int, _Reduction] = {}
    table: _FastTable = {}
    for number, actions in states.items():
        if type(number) is not int:
            return {}
        row: dict[str, Any] = {}
        for symbol, (action, arg) in actions.items():
            if action is Shift:
                if type(arg) is not int:
                    return {}
                row[symbol] = arg
            else:
                if id(arg) not in reductions:
                    callback = callbacks.get(arg)
                    if callback is None:
                        return {}
                    size = len(arg.expansion)
                    if size == 1 and callback is PASS_CHILD:
                        callback = None
                    reductions[id(arg)] = _Reduction(size, arg.origin.name, callback)
                row[symbol] = reductions[id(arg)]
        table[number] = row
    return table


class FastLALRParser(LALR_Parser):
    """lark's LALR parser whose driver is :class:`_FastParser`, whether it is built from the
    grammar or loaded from lark's cache."""

    def __init__(self, parser_conf: Any, debug: bool = False, strict: bool = False) -> None:
        super().__init__(parser_conf, debug=debug, strict=strict)
        self.parser = _FastParser(self._parse_table, parser_conf.callbacks, debug)

    @classmethod
    def deserialize(  # type: ignore[override]  # lark's own signature
        cls, data: Any, memo: Any, callbacks: Any, debug: bool = False
    ) -> FastLALRParser:
        parser: FastLALRParser = super().deserialize(data, memo, callbacks, debug)  # type: ignore[no-untyped-call]
        parser.parser = _FastParser(parser._parse_table, callbacks, debug)
        return parser
