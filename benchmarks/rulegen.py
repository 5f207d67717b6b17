"""A seeded generator of realistic rules: one description per rule, rendered for every engine.

Each rule is a small Python structure (:class:`RuleSpec`: a condition tree and a list of actions).
This module renders it as procrules rule text (:func:`rule_file`); :mod:`translate` renders the
*same* structure as a hand-written Python function, a rule-engine expression, a CEL expression,
JsonLogic JSON and a zen-engine expression -- so every engine evaluates the same conditions by
construction.

The conditions mix what business users write (LANGUAGE.md): comparisons of strings and exact
decimals, membership in a const or a list, string operations (``contains``, ``startswith``,
``endswith``, ``lower()``), quantifiers over rows (``any``/``all``/``none``), custom-data reads
(an exact key, ``*`` for any connection, and custom data of rows), null and empty checks,
``not``, field-to-field comparison and ``count()``. Every rule has one or two actions.

Actions write only fields that no condition reads (``tags``, ``forwarderCode``, ``shippingStatus``,
``customData[|x-bench|…]``) -- :func:`rule_specs` asserts it -- so an engine that evaluates
conditions only (a peer) fires exactly the rules that an engine doing the actions fires.
"""

from __future__ import annotations

import json
import random
from dataclasses import dataclass
from decimal import Decimal
from typing import Literal

Kind = Literal["str", "dec", "int"]
Quantifier = Literal["any", "all", "none"]
Lit = str | int | Decimal

WOO = "connector.woocommerce"
KLARNA_ENV = "meta._wc_klarna_environment"
SOURCE_TYPE = "meta._wc_order_attribution_source_type"
PAY_TITLE = "meta._payment_method_title"
PA_COLOR = "meta.pa_color"
CONN_A = "5377568eb7e165e3b38af6eece4a0001"  # the web shop the run is for
CONN_B = "5377568eb7e165e3b38af6eece4a0002"  # a second WooCommerce connection

STATUSES = ["new", "onHold", "processing", "completed", "cancelled"]
PAYMENTS = ["klarna_payments", "bacs", "cod", "stripe", "paypal", "swish"]
CURRENCIES = ["SEK", "EUR", "NOK", "DKK", "USD", "GBP"]
SHIPPING = ["flat_rate", "free_shipping", "local_pickup"]
COLOURS = ["red", "blue", "black", "white", "green"]
CONSTS: dict[str, tuple[str, ...]] = {"NORDIC": ("SE", "NO", "DK", "FI")}


# ----------------------------------------------------------------------------- values


@dataclass(frozen=True)
class Field:
    """A scalar field of the record, by its path from the root: ``deliveryAddress.countryCode``."""

    path: tuple[str, ...]
    kind: Kind


@dataclass(frozen=True)
class Lower:
    """``lower(<field>)``."""

    arg: Field
    kind: Kind = "str"


@dataclass(frozen=True)
class Count:
    """``count(rows)``."""

    path: tuple[str, ...] = ("rows",)
    kind: Kind = "int"


@dataclass(frozen=True)
class CD:
    """``customData[<conn>|<module>|<key>]``, one exact entry (string-typed), ``conn`` may be
    empty (the entry belongs to no connection)."""

    conn: str
    module: str
    key: str
    kind: Kind = "str"

    @property
    def map_key(self) -> str:
        return f"{self.conn}|{self.module}|{self.key}"


@dataclass(frozen=True)
class Elem:
    """The value a quantifier ranges over (the element of a multi-valued path)."""

    kind: Kind


Scalar = Field | Lower | Count | CD | Elem


@dataclass(frozen=True)
class RowsOf:
    """``rows[*].<field>``: one value per row (null where a row lacks the field)."""

    field: str
    kind: Kind


@dataclass(frozen=True)
class AnyCD:
    """``customData[*|<module>|<key>]``: the value of every matching entry, any connection."""

    module: str
    key: str
    kind: Kind = "str"


@dataclass(frozen=True)
class RowsAnyCD:
    """``rows[*].customData[*|<module>|<key>]``: matching entries of every row's custom data."""

    module: str
    key: str
    kind: Kind = "str"


Multi = RowsOf | AnyCD | RowsAnyCD


# ----------------------------------------------------------------------------- conditions


@dataclass(frozen=True)
class Cmp:
    """``left <op> right``; ``right`` is a literal or another scalar (field to field)."""

    op: Literal["==", "!=", "<", "<=", ">", ">="]
    left: Scalar
    right: Lit | Scalar


@dataclass(frozen=True)
class In:
    """``left in [values]`` (or ``in CONST`` when ``const`` names it); ``negate``: ``not in``."""

    left: Scalar
    values: tuple[str, ...]
    const: str | None = None
    negate: bool = False


@dataclass(frozen=True)
class StrOp:
    """``left contains|startswith|endswith "text"``; ``negate`` for the ``not`` forms."""

    op: Literal["contains", "startswith", "endswith"]
    left: Scalar
    text: str
    negate: bool = False


@dataclass(frozen=True)
class IsNull:
    """``x is null`` / ``x is not null``."""

    ref: Scalar
    negate: bool = False


@dataclass(frozen=True)
class IsEmpty:
    """``x is empty`` / ``x is not empty`` on a string (empty: null or "")."""

    ref: Scalar
    negate: bool = False


@dataclass(frozen=True)
class Exists:
    """``exists customData[…]``: such an entry exists, whatever its value."""

    ref: CD | AnyCD


@dataclass(frozen=True)
class Quant:
    """``any|all|none <multi> <comparison>``; ``pred`` compares :class:`Elem`."""

    q: Quantifier
    src: Multi
    pred: Cmp | In | StrOp | IsNull


@dataclass(frozen=True)
class And:
    items: tuple[Cond, ...]


@dataclass(frozen=True)
class Or:
    items: tuple[Cond, ...]


@dataclass(frozen=True)
class Not:
    item: Cond


Cond = Cmp | In | StrOp | IsNull | IsEmpty | Exists | Quant | And | Or | Not


# ----------------------------------------------------------------------------- actions


@dataclass(frozen=True)
class AddTag:
    tag: str


@dataclass(frozen=True)
class SetField:
    field: str
    value: str


@dataclass(frozen=True)
class SetCD:
    """``set customData[|x-bench|<key>] = "<value>"`` (a string entry of an ``x-`` module)."""

    key: str
    value: str
    module: str = "x-bench"


@dataclass(frozen=True)
class Log:
    text: str


Action = AddTag | SetField | SetCD | Log


@dataclass(frozen=True)
class RuleSpec:
    name: str
    cond: Cond
    actions: tuple[Action, ...]


# ----------------------------------------------------------------------------- generation


def _f(path: str, kind: Kind = "str") -> Field:
    return Field(tuple(path.split(".")), kind)


def _money(rng: random.Random, lo: int, hi: int) -> Decimal:
    return Decimal(rng.randint(lo, hi)).quantize(Decimal("0.01"))


def _condition(rng: random.Random, i: int) -> Cond:
    kind = i % 15
    if kind == 0:
        return And(
            (
                Cmp("==", _f("orderStatus"), rng.choice(STATUSES)),
                Cmp(">=", _f("totalInclVat", "dec"), _money(rng, 50, 2500)),
            )
        )
    if kind == 1:
        return And(
            (
                In(_f("deliveryAddress.countryCode"), CONSTS["NORDIC"], const="NORDIC"),
                Cmp(">", _f("shippingCost", "dec"), rng.randint(0, 99)),
            )
        )
    if kind == 2:
        email = _f("customer.email")
        return Or((StrOp("endswith", email, f"@example{i % 5}.com"), IsNull(email)))
    if kind == 3:
        return And(
            (
                Quant(
                    "any", RowsOf("sku", "str"), StrOp("startswith", Elem("str"), f"SKU-{i % 10}")
                ),
                Cmp(">", Count(), rng.randint(0, 3)),
            )
        )
    if kind == 4:
        envs = tuple(rng.sample(["test", "eu-test", "us-test", "playground"], 2))
        return Quant("any", AnyCD(WOO, KLARNA_ENV), In(Elem("str"), envs))
    if kind == 5:
        return And(
            (Cmp("==", _f("paymentMethod"), rng.choice(PAYMENTS)), IsEmpty(_f("note"), True))
        )
    if kind == 6:
        return And(
            (
                StrOp("contains", Lower(_f("customer.name")), rng.choice("aeiouå")),
                Cmp("==", _f("currency"), rng.choice(CURRENCIES[:3])),
            )
        )
    if kind == 7:
        return And(
            (
                Quant("all", RowsOf("quantity", "dec"), Cmp(">", Elem("dec"), rng.randint(0, 2))),
                IsNull(_f("discountTotal", "dec")),
            )
        )
    if kind == 8:
        return And(
            (
                Cmp("!=", _f("billingAddress.countryCode"), _f("deliveryAddress.countryCode")),
                Cmp(">", _f("totalInclVat", "dec"), _money(rng, 100, 1500)),
            )
        )
    if kind == 9:
        return And(
            (
                Cmp("==", CD("", "x-acme", "segment"), rng.choice(["vip", "regular"])),
                Cmp(">=", _f("totalExclVat", "dec"), _money(rng, 100, 2000)),
            )
        )
    if kind == 10:
        return And(
            (
                Quant(
                    "none", RowsAnyCD(WOO, PA_COLOR), Cmp("==", Elem("str"), rng.choice(COLOURS))
                ),
                Cmp("==", _f("deliveryAddress.countryCode"), rng.choice(["SE", "NO", "DE"])),
            )
        )
    if kind == 11:
        return And(
            (
                Not(Cmp("==", _f("shippingMethod"), "local_pickup")),
                Cmp("<", _f("totalInclVat", "dec"), _money(rng, 200, 3000)),
            )
        )
    if kind == 12:
        return And(
            (
                Cmp("!=", _f("shippingMethod"), rng.choice(SHIPPING)),
                Exists(AnyCD(WOO, SOURCE_TYPE)),
            )
        )
    if kind == 13:
        return And(
            (
                StrOp("startswith", _f("deliveryAddress.postalCode"), str(rng.randint(1, 9))),
                In(_f("customer.type"), ("private",), negate=True),
            )
        )
    return Or(
        (
            Cmp("==", CD(CONN_A, WOO, PAY_TITLE), rng.choice(["Klarna", "Card", "Invoice"])),
            Quant(
                "any", RowsOf("totalInclVat", "dec"), Cmp(">=", Elem("dec"), _money(rng, 300, 1500))
            ),
        )
    )


def _actions(rng: random.Random, i: int) -> tuple[Action, ...]:
    kind = i % 4
    if kind == 0:
        return (AddTag(f"tag-{i}"),)
    if kind == 1:
        return (SetCD(f"rule{i}", "fired"),)
    if kind == 2:
        return (Log(f"rule {i} fired"), SetField("shippingStatus", rng.choice(["hold", "check"])))
    return (SetField("forwarderCode", rng.choice(["PNL", "DHLE", "UPS"])),)


#: What actions write; no condition reads it (checked by :func:`rule_specs`).
WRITTEN = frozenset({("tags",), ("forwarderCode",), ("shippingStatus",), ("customData", "x-bench")})


def _reads(cond: Cond) -> set[tuple[str, ...]]:
    if isinstance(cond, And | Or):
        return set().union(*(_reads(c) for c in cond.items))
    if isinstance(cond, Not):
        return _reads(cond.item)
    out: set[tuple[str, ...]] = set()
    for part in vars(cond).values():
        if isinstance(part, Field):
            out.add(part.path)
        elif isinstance(part, Lower):
            out.add(part.arg.path)
        elif isinstance(part, CD):
            out.add(("customData", part.module))
    return out


def rule_specs(n_rules: int, seed: int = 7) -> list[RuleSpec]:
    """``n_rules`` rules for Orders, deterministic for a seed."""
    rng = random.Random(seed)
    specs = [RuleSpec(f"rule {i}", _condition(rng, i), _actions(rng, i)) for i in range(n_rules)]
    for spec in specs:
        assert not (_reads(spec.cond) & WRITTEN), f"{spec.name} reads a field that actions write"
    return specs


# ----------------------------------------------------------------------------- procrules text


def _lit(value: Lit) -> str:
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)
    return str(value)


def _scalar(ref: Scalar | Lit) -> str:
    if isinstance(ref, Field):
        return ".".join(ref.path)
    if isinstance(ref, Lower):
        return f"lower({_scalar(ref.arg)})"
    if isinstance(ref, Count):
        return f"count({'.'.join(ref.path)})"
    if isinstance(ref, CD):
        return f"customData[{ref.map_key}]"
    if isinstance(ref, Elem):
        raise TypeError("Elem is rendered by its quantifier")
    return _lit(ref)


def _multi(src: Multi) -> str:
    if isinstance(src, RowsOf):
        return f"rows[*].{src.field}"
    if isinstance(src, AnyCD):
        return f"customData[*|{src.module}|{src.key}]"
    return f"rows[*].customData[*|{src.module}|{src.key}]"


def _test(cond: Cmp | In | StrOp | IsNull | IsEmpty) -> str:
    """The comparison part after its left operand."""
    if isinstance(cond, Cmp):
        return f"{cond.op} {_scalar(cond.right)}"
    if isinstance(cond, In):
        target = cond.const or "[" + ", ".join(_lit(v) for v in cond.values) + "]"
        return f"{'not in' if cond.negate else 'in'} {target}"
    if isinstance(cond, StrOp):
        return f"{'not ' if cond.negate else ''}{cond.op} {_lit(cond.text)}"
    if isinstance(cond, IsNull):
        return "is not null" if cond.negate else "is null"
    return "is not empty" if cond.negate else "is empty"


def condition_text(cond: Cond, outer: str = "") -> str:
    """A condition in the rule language (``outer``: the enclosing boolean operator)."""
    if isinstance(cond, And | Or):
        op = "and" if isinstance(cond, And) else "or"
        text = f" {op} ".join(condition_text(c, op) for c in cond.items)
        return f"({text})" if outer and outer != op else text
    if isinstance(cond, Not):
        return f"not ({condition_text(cond.item)})"
    if isinstance(cond, Exists):
        ref = cond.ref
        return f"exists {_scalar(ref) if isinstance(ref, CD) else _multi(ref)}"
    if isinstance(cond, Quant):
        return f"{cond.q} {_multi(cond.src)} {_test(cond.pred)}"
    left = cond.ref if isinstance(cond, IsNull | IsEmpty) else cond.left
    return f"{_scalar(left)} {_test(cond)}"


def action_text(action: Action) -> str:
    if isinstance(action, AddTag):
        return f"add {_lit(action.tag)} to tags"
    if isinstance(action, SetField):
        return f"set {action.field} = {_lit(action.value)}"
    if isinstance(action, SetCD):
        return f"set customData[|{action.module}|{action.key}] = {_lit(action.value)}"
    return f"log {_lit(action.text)}"


def rule_text(spec: RuleSpec) -> str:
    actions = "\n".join(f"  {action_text(a)}" for a in spec.actions)
    return f"rule {_lit(spec.name)}\nwhen {condition_text(spec.cond)}\nthen\n{actions}\nend\n"


def ruleset_text(specs: list[RuleSpec], name: str) -> str:
    head = [f"ruleset {_lit(name)}", "for Order", ""]
    head += [f"const {k} = [{', '.join(_lit(v) for v in vs)}]" for k, vs in CONSTS.items()]
    return "\n".join(head) + "\n\n" + "\n".join(rule_text(s) for s in specs)


def rule_file(n_rules: int, seed: int = 7) -> str:
    """A rule file of ``n_rules`` rules for Orders, deterministic for a seed."""
    return ruleset_text(rule_specs(n_rules, seed), f"bench {n_rules}")
