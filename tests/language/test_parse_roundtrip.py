"""Source to AST: the example and every snippet of LANGUAGE.md parse, and each construct gives the
AST built by hand from ``procrules.language.ast`` (equality ignores spans), plus a few spans."""

from __future__ import annotations

from decimal import Decimal

import pytest

from procrules.language.ast import (
    Add,
    And,
    BinOp,
    Call,
    Compare,
    Const,
    ConstRef,
    Copy,
    CustomDataRef,
    Exists,
    Expr,
    Fail,
    Field,
    Ignore,
    Index,
    IsCheck,
    ListLit,
    Lit,
    Log,
    MapLit,
    Name,
    Neg,
    Not,
    Or,
    Path,
    Remove,
    Replace,
    Rule,
    RuleSet,
    Scope,
    Segment,
    Set,
    Span,
    Stop,
    Subscript,
    Swap,
    Truthy,
    Where,
    Wildcard,
)
from procrules.language.parser import parse

EXAMPLE = """\
# Rules for orders imported from the web shop.
ruleset "Web shop intake"
for Order
on import

const NORDIC = ["SE", "NO", "DK", "FI"]
const FORWARDERS = {"PNL": "POSTNORD", "DHLE": "DHL_EXPRESS"}

rule "Hold Klarna test orders"
  description "Orders placed in Klarna's test environment must never ship."
  tags "payments", "klarna"
when
  any customData[*|connector.woocommerce|meta._wc_klarna_environment] in ["test", "eu-test", "us-test"]
then
  set orderStatus = "onHold"
  set customData[|x-acme|holdReason] = "Klarna test order"
  log "held: Klarna environment is a test one"
  stop
end

rule "Nordic free shipping"
when
  deliveryAddress.countryCode in NORDIC and totalInclVat >= 499.00
then
  set shippingCost = 0
  add "free-shipping" to tags
end

rule "Map forwarder codes"
when forwarderCode in keys(FORWARDERS)
then set forwarderCode = FORWARDERS[forwarderCode]
end

rule "Drop gift wrapping rows"
when any rows[*].sku startswith "GIFTWRAP"
then remove rows[where sku startswith "GIFTWRAP"]
end

rule "Refuse orders without rows"
when count(rows) == 0
then fail "order has no rows"
end
"""  # noqa: E501 (line 13 is the spec's own)


def path(*steps: str | Segment, root: bool = False) -> Path:
    """A path from field names and segments."""
    segments = tuple(Field(s) if isinstance(s, str) else s for s in steps)
    return Path(segments, "root" if root else "current")


def lit(value: str | int | Decimal | bool | None) -> Lit:
    return Lit(value)


def cd(connection: str, module: str, key: str) -> CustomDataRef:
    return CustomDataRef(connection, module, key)


def only_rule(source: str) -> Rule:
    result = parse(source, "t.rules")
    assert result.diagnostics == ()
    assert result.ruleset is not None
    (rule,) = result.ruleset.rules
    return rule


def condition_of(text: str) -> object:
    return only_rule(f'rule "r"\nwhen {text}\nthen stop\nend\n').condition


def action_of(text: str) -> object:
    (action,) = only_rule(f'rule "r"\nthen {text}\nend\n').actions
    return action


def value_of(text: str) -> Expr:
    action = action_of(f"set x = {text}")
    assert isinstance(action, Set)
    return action.value


# ---------------------------------------------------------------------- the example


def test_the_complete_example_parses_to_its_rule_set() -> None:
    result = parse(EXAMPLE, "example.rules")
    assert result.diagnostics == ()
    ruleset = result.ruleset
    assert ruleset is not None
    assert ruleset.name == "Web shop intake"
    assert ruleset.scope == Scope(record_types=(Name("Order"),), directions=(Name("import"),))
    assert [c.text for c in ruleset.comments] == ["# Rules for orders imported from the web shop."]
    assert ruleset.consts == (
        Const("NORDIC", ListLit(tuple(lit(c) for c in ("SE", "NO", "DK", "FI")))),
        Const("FORWARDERS", MapLit((("PNL", lit("POSTNORD")), ("DHLE", lit("DHL_EXPRESS"))))),
    )
    first, nordic, forwarders, gift, refuse = ruleset.rules
    assert first == Rule(
        "Hold Klarna test orders",
        Compare(
            "in",
            path(cd("*", "connector.woocommerce", "meta._wc_klarna_environment")),
            ListLit((lit("test"), lit("eu-test"), lit("us-test"))),
            "any",
        ),
        (
            Set(path("orderStatus"), lit("onHold")),
            Set(path(cd("", "x-acme", "holdReason")), lit("Klarna test order")),
            Log(lit("held: Klarna environment is a test one")),
            Stop(),
        ),
        description="Orders placed in Klarna's test environment must never ship.",
        tags=("payments", "klarna"),
    )
    assert nordic.condition == And(
        Compare("in", path("deliveryAddress", "countryCode"), ConstRef("NORDIC")),
        Compare(">=", path("totalInclVat"), lit(Decimal("499.00"))),
    )
    assert nordic.actions == (
        Set(path("shippingCost"), lit(0)),
        Add(lit("free-shipping"), path("tags")),
    )
    assert forwarders.actions == (
        Set(path("forwarderCode"), Subscript(ConstRef("FORWARDERS"), path("forwarderCode"))),
    )
    assert gift.actions == (
        Remove(path("rows", Where(Compare("startswith", path("sku"), lit("GIFTWRAP"))))),
    )
    assert refuse.condition == Compare("==", Call("count", (path("rows"),)), lit(0))
    assert refuse.actions == (Fail(lit("order has no rows")),)


def test_spans_point_at_the_source() -> None:
    ruleset = parse(EXAMPLE, "example.rules").ruleset
    assert ruleset is not None
    assert ruleset.name_span == Span("example.rules", 2, 9, 2, 26)
    nordic_const = ruleset.consts[0]
    assert nordic_const.name_span == Span("example.rules", 6, 7, 6, 13)
    assert nordic_const.span == Span("example.rules", 6, 1, 6, 40)
    first = ruleset.rules[0]
    assert first.keyword_span == Span("example.rules", 9, 1, 9, 5)
    assert first.name_span == Span("example.rules", 9, 6, 9, 31)
    assert first.span == Span("example.rules", 9, 1, 19, 4)
    assert first.actions[0].span == Span("example.rules", 15, 3, 15, 29)
    assert first.actions[3].span == Span("example.rules", 18, 3, 18, 7)
    refuse = ruleset.rules[4]
    assert isinstance(refuse.condition, Compare)
    assert refuse.condition.span == Span("example.rules", 40, 6, 40, 22)
    call = refuse.condition.left
    assert isinstance(call, Call)
    assert call.name_span == Span("example.rules", 40, 6, 40, 11)
    assert call.span == Span("example.rules", 40, 6, 40, 17)
    gift = ruleset.rules[3]
    assert isinstance(gift.actions[0], Remove)
    where = gift.actions[0].target.segments[1]
    assert where.span == Span("example.rules", 36, 17, 36, 50)


def test_a_bare_path_condition_keeps_the_path_span() -> None:
    rule = only_rule('rule "r"\nwhen  isPaid\nthen stop\nend\n')
    assert rule.condition == Truthy(path("isPaid"))
    assert rule.condition is not None
    assert rule.condition.span == Span("t.rules", 2, 7, 2, 13)


# ---------------------------------------------------------------------- every snippet of the spec

SPEC_SNIPPETS = [
    # section 2
    'rule "a" then add "x" to tags end',
    'rule "a" then set description = strip_html(description) end',
    'rule "a" when attributes["in"] == 1 or $["in"] == 2 then stop end',
    'rule "a" when x == 42 and y == -3 and z == 499.00 and w == 0.25 then stop end',
    'rule "a" when 0.1 + 0.2 == 0.3 then stop end',
    # section 3
    'ruleset "name"\nfor Order, Invoice\non import\nconnection "5377…0001"\n',
    'on export\nrule "a" then stop end',
    'on import, export\nrule "a" then stop end',
    (
        'rule "u"\n description "d"\n tags "t1", "t2"\n disabled\n for Order\n on import\n'
        ' connection "c"\nwhen x == 1\nthen stop\nend'
    ),
    'rule "always" then stop end',
    # section 4
    'rule "a" when createdAt >= "2024-01-01" then stop end',
    # section 5
    (
        'rule "a" when orderStatus == customer.email or deliveryAddress.countryCode == rows[0].sku'
        " then stop end"
    ),
    'rule "a" when rows[-1].sku == rows[*].sku then stop end',
    'rule "a" when attributes["Colour name"] == rows[where quantity > 10].sku then stop end',
    'rule "a" when any rows[where $.orderStatus == "new" and quantity > 1].sku == 1 then stop end',
    # section 6
    'rule "a" when customData[conn|module|key] == customData["|x-acme|odd key]"] then stop end',
    'rule "a" when customData[|x-acme|payload].lines[0].sku == "x" then stop end',
    'rule "a" when exists customData[*|x-acme|k] then stop end',
    # section 7
    'rule "a" when (a and b) or not a then stop end',
    'rule "a" when x == y and x != y and x < y and x <= y and x > y and x >= y then stop end',
    'rule "a" when x in [1, 2] and x in CONST and x not in CONST then stop end',
    'rule "a" when x contains y and x not contains y then stop end',
    'rule "a" when x startswith y and x endswith y and x not startswith y then stop end',
    'rule "a" when x not endswith y and x matches "re" and x not matches "re" then stop end',
    'rule "a" when x is null and x is not null and x is empty and x is not empty then stop end',
    'rule "a" when exists x.y then stop end',
    'rule "a" when any x[*] > 1 and all x[*] > 1 and none x[*] > 1 then stop end',
    'rule "a" when isPaid and is_weekend(createdAt) then stop end',
    # section 8
    'rule "a" then set x = lower(s) + upper(s) + trim(s) + string(length(s)) end',
    'rule "a" then set x = substring(s, 0) + substring(s, 1, 2) + replace(s, "a", "b") end',
    'rule "a" then set x = regex_replace(s, "p", "n") + join(split(s, ","), ";") end',
    'rule "a" then set x = round(n) + round(n, 2) + floor(n) + ceil(n) + abs(n) end',
    'rule "a" then set x = count(rows) + sum(rows[*].q) + min(rows[*].q) + max(rows[*].q) end',
    'rule "a" then set x = coalesce(a, b, c) + number("12,50") end',
    'rule "a" then set x = keys(MAP) + values(MAP) + MAP[key] end',
    'rule "a" then set x = days_between(date(s), add_days(today(), 3)) + now() end',
    # section 9
    'rule "a" then set customData[c|m|k] = 1 as json set customData[c|m|k] = "t" as string end',
    'rule "a" then set customData[c|m|k] = true as bool set customData[c|m|k] = 1 as integer end',
    'rule "a" then set customData[c|m|k] = 1.5 as decimal remove customData[c|m|k] end',
    'rule "a" then add {"sku": "DISCOUNT", "quantity": 1, "pricePerUnitExclVat": -50} to rows end',
    'rule "a" then replace "a" with "b" in name copy billingAddress to deliveryAddress end',
    'rule "a" then swap billingAddress and deliveryAddress log "text" end',
    'rule "a" then ignore end',
    'rule "a" then ignore "reason" end',
    'rule "a" then fail "reason" end',
    # section 12
    'rule "a" when x == null or x != null or not (x == "a") or x != "a" or x is null then stop end',
    'rule "a" when all rows[*].x > 0 and round(-2.5) == -3 then set rows[*].x = v set a.b = v end',
    'rule "a" when rows[0].customData[|x-acme|k] == 1 then stop end',
    (
        'rule "a" when any rows[*].customData[*|connector.woocommerce|meta.pa_color] == "r"'
        " then stop end"
    ),
    'rule "a" then remove customData[*|x-acme|*] end',
    'rule "a" when any rows[where customData[|x-acme|k] == 1].sku == "x" then stop end',
]


@pytest.mark.parametrize("source", SPEC_SNIPPETS)
def test_every_snippet_of_the_spec_parses(source: str) -> None:
    result = parse(source, "snippet.rules")
    assert result.diagnostics == ()
    assert result.ruleset is not None


# ---------------------------------------------------------------------- each construct

CONDITIONS: list[tuple[str, object]] = [
    ("a == 1", Compare("==", path("a"), lit(1))),
    ("a != 1", Compare("!=", path("a"), lit(1))),
    ("a < 1", Compare("<", path("a"), lit(1))),
    ("a <= 1", Compare("<=", path("a"), lit(1))),
    ("a > 1", Compare(">", path("a"), lit(1))),
    ("a >= 1", Compare(">=", path("a"), lit(1))),
    ("a in L", Compare("in", path("a"), ConstRef("L"))),
    ("a not  in L", Compare("not in", path("a"), ConstRef("L"))),
    ('a contains "x"', Compare("contains", path("a"), lit("x"))),
    ('a not contains "x"', Compare("not contains", path("a"), lit("x"))),
    ('a startswith "x"', Compare("startswith", path("a"), lit("x"))),
    ('a not startswith "x"', Compare("not startswith", path("a"), lit("x"))),
    ('a endswith "x"', Compare("endswith", path("a"), lit("x"))),
    ('a not endswith "x"', Compare("not endswith", path("a"), lit("x"))),
    ('a matches "x+"', Compare("matches", path("a"), lit("x+"))),
    ('a not matches "x+"', Compare("not matches", path("a"), lit("x+"))),
    ("a is null", IsCheck("null", negated=False, operand=path("a"))),
    ("a is not null", IsCheck("null", negated=True, operand=path("a"))),
    ("a is empty", IsCheck("empty", negated=False, operand=path("a"))),
    ("a is not empty", IsCheck("empty", negated=True, operand=path("a"))),
    ("exists a.b", Exists(path("a", "b"))),
    ("exists customData[|x|k]", Exists(path(cd("", "x", "k")))),
    ("exists $.a", Exists(path("a", root=True))),
    ("any a[*] > 1", Compare(">", path("a", Wildcard()), lit(1), "any")),
    ("all a[*] == 1", Compare("==", path("a", Wildcard()), lit(1), "all")),
    ("none a[*] in L", Compare("in", path("a", Wildcard()), ConstRef("L"), "none")),
    ("any a[*] is null", IsCheck("null", False, path("a", Wildcard()), "any")),
    ("all a[*] is not empty", IsCheck("empty", True, path("a", Wildcard()), "all")),
    ("isPaid", Truthy(path("isPaid"))),
    ("is_big(total)", Truthy(Call("is_big", (path("total"),)))),
    ("not a", Not(Truthy(path("a")))),
    ("not not a", Not(Not(Truthy(path("a"))))),
    ("a and b", And(Truthy(path("a")), Truthy(path("b")))),
    ("a or b", Or(Truthy(path("a")), Truthy(path("b")))),
    # precedence, loosest first: or, and, not, comparisons, + -, * /, unary -
    (
        "a or b and c",
        Or(Truthy(path("a")), And(Truthy(path("b")), Truthy(path("c")))),
    ),
    (
        "a and b or c",
        Or(And(Truthy(path("a")), Truthy(path("b"))), Truthy(path("c"))),
    ),
    (
        "a or b or c",
        Or(Or(Truthy(path("a")), Truthy(path("b"))), Truthy(path("c"))),
    ),
    ("not a == 1", Not(Compare("==", path("a"), lit(1)))),
    (
        "not a and b",
        And(Not(Truthy(path("a"))), Truthy(path("b"))),
    ),
    ("(a or b) and c", And(Or(Truthy(path("a")), Truthy(path("b"))), Truthy(path("c")))),
    (
        "a + 1 > b * 2",
        Compare(">", BinOp("+", path("a"), lit(1)), BinOp("*", path("b"), lit(2))),
    ),
    (
        "(a + b) * c == 0",
        Compare("==", BinOp("*", BinOp("+", path("a"), path("b")), path("c")), lit(0)),
    ),
]


@pytest.mark.parametrize(("source", "expected"), CONDITIONS, ids=[c[0] for c in CONDITIONS])
def test_condition(source: str, expected: object) -> None:
    assert condition_of(source) == expected


EXPRESSIONS: list[tuple[str, Expr]] = [
    ('"text"', lit("text")),
    (r'"a \"q\" \\ \n \t \u00e9"', lit('a "q" \\ \n \t é')),
    ("42", lit(42)),
    ("0.25", lit(Decimal("0.25"))),
    ("499.00", lit(Decimal("499.00"))),
    ("-3", lit(-3)),
    ("-0.5", lit(Decimal("-0.5"))),
    ("-(3)", lit(-3)),
    ("-a", Neg(path("a"))),
    ("-a.b * 2", BinOp("*", Neg(path("a", "b")), lit(2))),
    ("true", lit(True)),
    ("false", lit(False)),
    ("null", lit(None)),
    ("[]", ListLit(())),
    ('[1, "a", [true],]', ListLit((lit(1), lit("a"), ListLit((lit(True),))))),
    ("{}", MapLit(())),
    ('{"a": 1, "b": {"c": null}}', MapLit((("a", lit(1)), ("b", MapLit((("c", lit(None)),)))))),
    ("NORDIC", ConstRef("NORDIC")),
    ("MAX_2", ConstRef("MAX_2")),
    ("MAP[key]", Subscript(ConstRef("MAP"), path("key"))),
    ('MAP["a"]["b"]', Subscript(Subscript(ConstRef("MAP"), lit("a")), lit("b"))),
    ("now()", Call("now", ())),
    ("round(a, 2)", Call("round", (path("a"), lit(2)))),
    ('replace(a, "x", "y")', Call("replace", (path("a"), lit("x"), lit("y")))),
    ("a + b - c", BinOp("-", BinOp("+", path("a"), path("b")), path("c"))),
    (
        "a - b * c / d",
        BinOp("-", path("a"), BinOp("/", BinOp("*", path("b"), path("c")), path("d"))),
    ),
    ("a - -3", BinOp("-", path("a"), lit(-3))),
    ("Order", path("Order")),
]


@pytest.mark.parametrize(("source", "expected"), EXPRESSIONS, ids=[e[0] for e in EXPRESSIONS])
def test_expression(source: str, expected: Expr) -> None:
    assert value_of(source) == expected


PATHS: list[tuple[str, Path]] = [
    ("orderStatus", path("orderStatus")),
    ("customer.email", path("customer", "email")),
    ("rows[0].sku", path("rows", Index(0), "sku")),
    ("rows[-1].sku", path("rows", Index(-1), "sku")),
    ("rows[*].sku", path("rows", Wildcard(), "sku")),
    ('attributes["Colour name"]', path("attributes", Field("Colour name", quoted=True))),
    ('a["in"].b', path("a", Field("in"), "b")),
    (
        "rows[where quantity > 10].sku",
        path("rows", Where(Compare(">", path("quantity"), lit(10))), "sku"),
    ),
    (
        "rows[where $.status == status]",
        path("rows", Where(Compare("==", path("status", root=True), path("status")))),
    ),
    ("rows[where isGift]", path("rows", Where(Truthy(path("isGift"))))),
    ("$.orderStatus", path("orderStatus", root=True)),
    ('$["in"]', path("in", root=True)),
    ("$.rows[0]", path("rows", Index(0), root=True)),
    ("customData[|x-acme|k]", path(cd("", "x-acme", "k"))),
    ("customData[*|connector.woo|meta._x]", path(cd("*", "connector.woo", "meta._x"))),
    (
        "customData[|x-acme|payload].lines[0].sku",
        path(cd("", "x-acme", "payload"), "lines", Index(0), "sku"),
    ),
    ('customData["|x-acme|odd key]"]', path(cd("", "x-acme", "odd key]"))),
    ('customData["|x-acme|\\u0041"]', path(cd("", "x-acme", "A"))),
    ("rows[0].customData[|x-acme|k]", path("rows", Index(0), cd("", "x-acme", "k"))),
    (
        "rows[*].customData[*|c|m].more.path",
        path("rows", Wildcard(), cd("*", "c", "m"), "more", "path"),
    ),
    (
        "rows[where customData[|x|k] == 1]",
        path("rows", Where(Compare("==", path(cd("", "x", "k")), lit(1)))),
    ),
    ("tags", path("tags")),
    ("description.for.on.import", path("description", "for", "on", "import")),
    ("connection", path("connection")),
    ("customData", path("customData")),
]


@pytest.mark.parametrize(("source", "expected"), PATHS, ids=[p[0] for p in PATHS])
def test_path(source: str, expected: Path) -> None:
    action = action_of(f"remove {source}")
    assert action == Remove(expected)


ACTIONS: list[tuple[str, object]] = [
    ("set a = 1", Set(path("a"), lit(1))),
    ("set customData[|x|k] = 1 as json", Set(path(cd("", "x", "k")), lit(1), "json")),
    ('set customData[|x|k] = "1" as string', Set(path(cd("", "x", "k")), lit("1"), "string")),
    ("set customData[|x|k] = 1 as integer", Set(path(cd("", "x", "k")), lit(1), "integer")),
    (
        "set customData[|x|k] = 1.5 as decimal",
        Set(path(cd("", "x", "k")), lit(Decimal("1.5")), "decimal"),
    ),
    ("set customData[|x|k] = true as bool", Set(path(cd("", "x", "k")), lit(True), "bool")),
    ("remove a.b", Remove(path("a", "b"))),
    ('add "x" to tags', Add(lit("x"), path("tags"))),
    (
        'add {"sku": "D", "q": -50} to rows',
        Add(MapLit((("sku", lit("D")), ("q", lit(-50)))), path("rows")),
    ),
    ('replace "a" with "b" in name', Replace(lit("a"), lit("b"), path("name"))),
    (
        "copy billingAddress to deliveryAddress",
        Copy(path("billingAddress"), path("deliveryAddress")),
    ),
    (
        "swap billingAddress and deliveryAddress",
        Swap(path("billingAddress"), path("deliveryAddress")),
    ),
    ('log "held " + orderId', Log(BinOp("+", lit("held "), path("orderId")))),
    ("stop", Stop()),
    ("ignore", Ignore()),
    ('ignore "test order"', Ignore(lit("test order"))),
    ("ignore replace(a, b, c)", Ignore(Call("replace", (path("a"), path("b"), path("c"))))),
    ('fail "no rows"', Fail(lit("no rows"))),
]


@pytest.mark.parametrize(("source", "expected"), ACTIONS, ids=[a[0] for a in ACTIONS])
def test_action(source: str, expected: object) -> None:
    assert action_of(source) == expected


def test_rule_header_and_scope() -> None:
    rule = only_rule(
        'rule "Narrow"\n  description "d"\n  tags "a", "b"\n  disabled\n'
        '  for Order, Invoice\n  on import, export\n  connection "c-1"\n'
        "then stop\nend\n"
    )
    assert rule == Rule(
        "Narrow",
        None,
        (Stop(),),
        description="d",
        tags=("a", "b"),
        disabled=True,
        scope=Scope(
            record_types=(Name("Order"), Name("Invoice")),
            directions=(Name("import"), Name("export")),
            connection=Name("c-1"),
        ),
    )
    assert rule.scope.span == Span("t.rules", 5, 3, 7, 19)


def test_header_lines_in_any_order_and_consts_between_rules() -> None:
    result = parse(
        'connection "c"\non export\nruleset "R"\nfor Product\n'
        'rule "a" then stop end\nconst A = -1\nrule "b" then stop end\nconst B = [1.5, "x"]\n',
        "t.rules",
    )
    assert result.diagnostics == ()
    assert result.ruleset == RuleSet(
        "t.rules",
        "R",
        Scope((Name("Product"),), (Name("export"),), Name("c")),
        (
            Rule("a", None, (Stop(),)),
            Const("A", lit(-1)),
            Rule("b", None, (Stop(),)),
            Const("B", ListLit((lit(Decimal("1.5")), lit("x")))),
        ),
    )


def test_an_empty_file_is_an_empty_rule_set() -> None:
    result = parse("# nothing yet\n", "empty.rules")
    assert result.diagnostics == ()
    assert result.ruleset == RuleSet("empty.rules", None, Scope(), ())
    assert result.ruleset is not None
    assert result.ruleset.comments[0].span == Span("empty.rules", 1, 1, 1, 14)


def test_decimals_are_exact() -> None:
    value = value_of("0.1")
    assert isinstance(value, Lit)
    assert type(value.value) is Decimal
    assert value.value == Decimal("0.1")
    integer = value_of("7")
    assert isinstance(integer, Lit)
    assert type(integer.value) is int


def test_comments_are_collected_with_their_places() -> None:
    result = parse('# one\nrule "a" # two\nthen stop # three\nend\n', "c.rules")
    assert result.ruleset is not None
    comments = [(c.text, c.span.line, c.span.column) for c in result.ruleset.comments]
    assert comments == [("# one", 1, 1), ("# two", 2, 10), ("# three", 3, 11)]


def test_a_byte_order_mark_is_ignored() -> None:
    result = parse('\ufeffrule "a" then stop end\n', "bom.rules")
    assert result.diagnostics == ()
    assert result.ruleset is not None
    assert result.ruleset.rules[0].keyword_span == Span("bom.rules", 1, 1, 1, 5)
