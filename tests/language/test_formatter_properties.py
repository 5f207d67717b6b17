"""Properties of ``procrules fmt`` (issue 5, point 4): for every rule file of the repository and for
generated ones, formatting is idempotent, keeps the meaning (the formatted text parses to an equal
AST) and keeps every comment (the same multiset of comment texts), and its output has no trailing
whitespace and ends with exactly one newline.

Generated files come from a small grammar-based strategy over *tokens*: random conditions,
expressions, paths (with ``[where …]``, quoted fields, custom data), actions, consts, headers and
parentheses, with a random separator between every two tokens: a space, newlines, indentation,
blank lines, or a comment (on its own line or after the code).
"""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from procrules.language.formatter import comment_texts, format_source
from procrules.language.parser import parse

REPO = Path(__file__).resolve().parents[2]
REPO_FILES = sorted(
    p
    for p in [*REPO.glob("rules/**/*.rules"), *REPO.glob("tests/**/*.rules")]
    if not parse(p.read_text(encoding="utf-8"), p.name).has_errors
)

Tokens = list[str]
DrawFn = st.DrawFn

FIELDS = ["orderStatus", "rows", "sku", "tags", "description", "for", "on", "string", "x_1", "aB"]
QUOTED_FIELDS = ["in", "and", "Colour name", "customData", "a]b", 'say "hi"', "tab\there", "é"]
CONSTS = ["NORDIC", "LIMIT", "MAX_2"]
TEXTS = ["", "a", "it's", 'quote " inside', "back\\slash", "new\nline", "tab\t", "\x01", "ö€"]
CD_PARTS = ["", "*", "x-acme", "connector.woocommerce", "meta._wc", "odd key", "a]b", 'q"t']
COMPARE = ["==", "!=", "<", "<=", ">", ">=", "in", "not in", "contains", "not contains",
           "startswith", "not startswith", "endswith", "matches", "not matches"]  # fmt: skip
IS = ["is null", "is not null", "is empty", "is not empty"]
COMMENT_TEXTS = st.text(st.characters(blacklist_characters="\n\r", codec="utf-8"), max_size=12)


def quote(text: str) -> str:
    escapes = {'"': '\\"', "\\": "\\\\", "\n": "\\n", "\t": "\\t", "\x01": "\\u0001"}
    return '"' + "".join(escapes.get(ch, ch) for ch in text) + '"'


def string(draw: DrawFn) -> str:
    return quote(draw(st.sampled_from(TEXTS)))


def number(draw: DrawFn) -> Tokens:
    value = draw(st.sampled_from(["0", "42", "499.00", "0.25", "007", "1.50"]))
    return ["-", value] if draw(st.booleans()) else [value]


def custom_data(draw: DrawFn) -> str:
    parts = [draw(st.sampled_from(CD_PARTS)) for _ in range(3)]
    inside = "|".join(parts)
    if any(ch in inside for ch in ' ]"'):
        return f"customData[{quote(inside)}]"
    return f"customData[{inside}]"


def path(draw: DrawFn, depth: int) -> Tokens:
    start = draw(st.sampled_from(["field", "field", "custom", "root"]))
    if start == "field":
        tokens = [draw(st.sampled_from(FIELDS))]
    elif start == "custom":
        tokens = [custom_data(draw)]
    else:
        tokens = ["$", "[", quote(draw(st.sampled_from(QUOTED_FIELDS))), "]"]
    for _ in range(draw(st.integers(0, 3))):
        step = draw(st.sampled_from(["dot", "quoted", "index", "star", "where", "cd"]))
        if step == "dot":
            tokens += [".", draw(st.sampled_from(FIELDS))]
        elif step == "quoted":
            tokens += ["[", quote(draw(st.sampled_from(QUOTED_FIELDS + FIELDS))), "]"]
        elif step == "index":
            sign = ["-"] if draw(st.booleans()) else []
            tokens += ["[", *sign, draw(st.sampled_from(["0", "3"])), "]"]
        elif step == "star":
            tokens += ["[", "*", "]"]
        elif step == "where" and depth > 0:
            tokens += ["[", "where", *condition(draw, depth - 1), "]"]
        elif step == "cd":
            tokens += [".", custom_data(draw)]
    return tokens


def literal(draw: DrawFn, depth: int) -> Tokens:
    kind = draw(st.sampled_from(["str", "num", "word", "list", "map"] if depth else ["str", "num"]))
    if kind == "str":
        return [string(draw)]
    if kind == "num":
        return number(draw)
    if kind == "word":
        return [draw(st.sampled_from(["true", "false", "null"]))]
    items = [literal(draw, depth - 1) for _ in range(draw(st.integers(0, 3)))]
    if kind == "map":
        items = [[string(draw), ":", *item] for item in items]
    tokens = ["[" if kind == "list" else "{"]
    for number_, item in enumerate(items):
        tokens += ([","] if number_ else []) + item
    if draw(st.booleans()) and items:
        tokens.append(",")
    return [*tokens, "]" if kind == "list" else "}"]


def expr(draw: DrawFn, depth: int) -> Tokens:
    kinds = ["lit", "path", "const"] + (["bin", "neg", "call", "paren", "sub"] if depth else [])
    kind = draw(st.sampled_from(kinds))
    if kind == "lit":
        return literal(draw, min(depth, 2))
    if kind == "path":
        return path(draw, depth)
    if kind == "const":
        return [draw(st.sampled_from(CONSTS))]
    if kind == "bin":
        op = draw(st.sampled_from(["+", "-", "*", "/"]))
        return [*expr(draw, depth - 1), op, *expr(draw, depth - 1)]
    if kind == "neg":
        return ["-", *expr(draw, depth - 1)]
    if kind == "paren":
        return ["(", *expr(draw, depth - 1), ")"]
    if kind == "sub":
        return [draw(st.sampled_from(CONSTS)), "[", *expr(draw, depth - 1), "]"]
    name = draw(st.sampled_from(["lower(", "replace(", "coalesce(", "now("]))
    tokens = [name]
    for number_ in range(draw(st.integers(0, 3))):
        tokens += ([","] if number_ else []) + expr(draw, depth - 1)
    return [*tokens, ")"]


def condition(draw: DrawFn, depth: int) -> Tokens:
    kinds = ["cmp", "is", "exists", "truthy"] + (["and", "or", "not", "paren"] * 2 if depth else [])
    kind = draw(st.sampled_from(kinds))
    quantifier = [draw(st.sampled_from(["any", "all", "none"]))] if draw(st.booleans()) else []
    if kind == "cmp":
        op = draw(st.sampled_from(COMPARE)).split()
        return [*quantifier, *expr(draw, depth), *op, *expr(draw, depth)]
    if kind == "is":
        return [*quantifier, *expr(draw, depth), *draw(st.sampled_from(IS)).split()]
    if kind == "exists":
        return ["exists", *path(draw, depth)]
    if kind == "truthy":
        return path(draw, 0) if draw(st.booleans()) else ["lower(", *expr(draw, 0), ")"]
    if kind == "not":
        return ["not", *condition(draw, depth - 1)]
    if kind == "paren":
        return ["(", *condition(draw, depth - 1), ")"]
    return [*condition(draw, depth - 1), kind, *condition(draw, depth - 1)]


def action(draw: DrawFn) -> Tokens:
    kind = draw(st.sampled_from(["set", "remove", "add", "replace", "copy", "swap", "log", "stop",
                                 "ignore", "fail"]))  # fmt: skip
    if kind == "set":
        as_type = ["as", "json"] if draw(st.booleans()) else []
        return ["set", *path(draw, 1), "=", *expr(draw, 2), *as_type]
    if kind in {"remove"}:
        return ["remove", *path(draw, 1)]
    if kind == "add":
        return ["add", *expr(draw, 2), "to", *path(draw, 1)]
    if kind == "replace":
        return ["replace", *expr(draw, 1), "with", *expr(draw, 1), "in", *path(draw, 1)]
    if kind in {"copy", "swap"}:
        return [kind, *path(draw, 1), "to" if kind == "copy" else "and", *path(draw, 1)]
    if kind in {"ignore"} and draw(st.booleans()):
        return ["ignore"]
    if kind == "stop":
        return ["stop"]
    return [kind, string(draw)]


def scope(draw: DrawFn) -> list[Tokens]:
    lines: list[Tokens] = []
    if draw(st.booleans()):
        lines.append(["for", "Order"] + ([",", "Invoice"] if draw(st.booleans()) else []))
    if draw(st.booleans()):
        lines.append(["on", *draw(st.sampled_from([["import"], ["export", ",", "import"]]))])
    if draw(st.booleans()):
        lines.append(["connection", string(draw)])
    return lines


def rule(draw: DrawFn, number_: int) -> Tokens:
    headers = scope(draw)
    if draw(st.booleans()):
        headers.append(["description", string(draw)])
    if draw(st.booleans()):
        headers.append(["tags", string(draw), ",", quote("b")])
    if draw(st.booleans()):
        headers.append(["disabled"])
    headers = draw(st.permutations(headers))
    when = ["when", *condition(draw, 3)] if draw(st.booleans()) else []
    actions = [token for _ in range(draw(st.integers(1, 3))) for token in action(draw)]
    return ["rule", quote(f"r{number_}"), *(t for h in headers for t in h), *when, "then",
            *actions, "end"]  # fmt: skip


@st.composite
def rule_files(draw: DrawFn) -> str:
    header = scope(draw)
    if draw(st.booleans()):
        header.append(["ruleset", string(draw)])
    tokens = [t for line in draw(st.permutations(header)) for t in line]
    for number_ in range(draw(st.integers(0, 4))):
        if draw(st.integers(0, 2)) == 0:
            tokens += ["const", draw(st.sampled_from(CONSTS)), "=", *literal(draw, 2)]
        else:
            tokens += rule(draw, number_)
    separators = st.one_of(
        st.sampled_from([" ", " ", " ", "\n", "\n  ", "\n\n", "\n\n\n", "\t"]),
        COMMENT_TEXTS.map(lambda text: f" #{text}\n"),
        COMMENT_TEXTS.map(lambda text: f"\n  #{text}\n"),
    )
    out = draw(st.sampled_from(["", "# first\n", "# first\n\n"]))
    for token in tokens:
        out += token + draw(separators)
    return out


def check_formatting(source: str, label: str) -> None:
    parsed = parse(source, label)
    assert parsed.ruleset is not None
    formatted = format_source(source, label)
    again = parse(formatted, label)
    assert not again.has_errors, formatted
    assert again.ruleset == parsed.ruleset, formatted
    assert comment_texts(again.ruleset.comments) == comment_texts(parsed.ruleset.comments)
    assert format_source(formatted, label) == formatted, formatted
    assert formatted == "" or (formatted.endswith("\n") and not formatted.endswith("\n\n"))
    assert all(line == line.rstrip() for line in formatted.split("\n")), formatted


def test_the_repository_has_rule_files_to_format() -> None:
    assert len(REPO_FILES) >= 40


@pytest.mark.parametrize(
    "path", REPO_FILES, ids=[p.relative_to(REPO).as_posix() for p in REPO_FILES]
)
def test_repository_files_format_idempotently_with_the_same_meaning(path: Path) -> None:
    check_formatting(path.read_text(encoding="utf-8"), path.name)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(rule_files())
def test_generated_files_format_idempotently_with_the_same_meaning(source: str) -> None:
    parsed = parse(source, "generated.rules")
    assume(parsed.ruleset is not None and not parsed.has_errors)
    check_formatting(source, "generated.rules")
