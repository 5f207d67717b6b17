"""The example rule sets in ``rules/`` are clean, their records valid, and together complete.

A business user copies these files, so every one must check without a single diagnostic, every
example record must read as a record, and between them the files must show every action of
LANGUAGE.md section 9 and do the job of every manipulator the platform names; ``rules/README.md``
maps each manipulator and action to the rule that shows it.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from procrules.language import ast
from procrules.language.frontend import check_paths
from procrules.language.parser import parse
from procrules.records import RECORD_TYPES, normalize_record

ROOT = Path(__file__).resolve().parents[2]
RULES = ROOT / "rules"
RULE_FILES = sorted(RULES.rglob("*.rules"))
RECORD_FILES = sorted((RULES / "records").glob("*.jsonl"))
README = RULES / "README.md"

ACTION_KEYWORDS = {
    ast.Set: "set",
    ast.Remove: "remove",
    ast.Add: "add",
    ast.Replace: "replace",
    ast.Copy: "copy",
    ast.Swap: "swap",
    ast.Log: "log",
    ast.Stop: "stop",
    ast.Ignore: "ignore",
    ast.Fail: "fail",
}

MANIPULATORS = [
    "OrderFieldSetter",
    "OrderStatusSetter",
    "OrderEmailSetter",
    "OrderAddressSwitcher",
    "OrderAddressFieldCopy",
    "OrderAddDiscountRow",
    "OrderRowFieldFilter",
    "OrderSKUSearchReplace",
    "OrderForwarderCodeReplace",
    "ProductHTMLStripper",
    "ProductBrandMapper",
    "ProductPriceAdjustment",
    "Price rounding",
    "ProductStockBelowRule",
    "ProductSkuIgnoreRule",
    "ProductCustomDataFieldSetter",
    "Ignore",
    "Fail",
    "Klarna",
]

HEX32 = re.compile(r"[0-9a-f]{32}")


def rule_file_id(path: Path) -> str:
    return path.relative_to(RULES).as_posix()


def parsed(path: Path) -> ast.RuleSet:
    result = parse(path.read_text(encoding="utf-8"), str(path))
    assert result.ruleset is not None, result.diagnostics
    assert not result.diagnostics
    return result.ruleset


def all_actions() -> list[ast.Action]:
    return [action for path in RULE_FILES for rule in parsed(path).rules for action in rule.actions]


def readme_table_rows() -> list[list[str]]:
    """The cells of every table row of the README (header and separator rows included)."""
    rows = []
    for line in README.read_text(encoding="utf-8").splitlines():
        if line.startswith("|"):
            cells = re.split(r"(?<!\\)\|", line.strip().strip("|"))
            rows.append([cell.strip() for cell in cells])
    return rows


# --------------------------------------------------------------------------- rule files


def test_the_example_rule_files_are_there() -> None:
    names = {rule_file_id(p) for p in RULE_FILES}
    assert {
        "orders/10-intake.rules",
        "orders/20-addresses.rules",
        "orders/30-rows.rules",
        "orders/40-shipping.rules",
        "orders/90-gatekeeping.rules",
        "products/10-catalogue.rules",
    } <= names


@pytest.mark.parametrize("path", RULE_FILES, ids=[rule_file_id(p) for p in RULE_FILES])
def test_every_example_rule_file_checks_without_any_diagnostic(path: Path) -> None:
    [checked] = check_paths([path])
    assert checked.ruleset is not None
    assert checked.diagnostics == (), checked.render()


def test_the_whole_directory_checks_clean_together() -> None:
    checked = check_paths([RULES])
    assert len(checked) == len(RULE_FILES)
    assert all(c.ok and not c.diagnostics for c in checked)


@pytest.mark.parametrize("path", RULE_FILES, ids=[rule_file_id(p) for p in RULE_FILES])
def test_every_rule_set_is_named_scoped_and_documented(path: Path) -> None:
    ruleset = parsed(path)
    assert ruleset.name, "give the rule set a name with `ruleset`"
    assert ruleset.scope.record_types, "say which record types the rule set is for"
    assert ruleset.scope.directions, "say on which direction the rule set runs"
    assert ruleset.rules
    lines = path.read_text(encoding="utf-8").splitlines()
    assert lines[0].startswith("#"), "start the file with a comment saying what it is for"
    for rule in ruleset.rules:
        assert rule.tags, f"rule {rule.name!r} has no tags"


@pytest.mark.parametrize("path", RULE_FILES, ids=[rule_file_id(p) for p in RULE_FILES])
def test_rule_files_follow_the_layout(path: Path) -> None:
    """`rule`/`when`/`then`/`end` at column 1; rule headers and actions indented by two spaces."""
    column_one = ("rule ", "when", "then", "end")
    indented = (
        "description ",
        "tags ",
        "disabled",
        "for ",
        "on ",
        "connection ",
        *(f"{k} " for k in ACTION_KEYWORDS.values()),
    )
    inside_rule = False
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        where = f"{rule_file_id(path)}:{number}: {line!r}"
        assert line == line.rstrip(), f"trailing whitespace at {where}"
        assert "\t" not in line, f"tab at {where}"
        stripped = line.strip()
        if stripped.startswith("rule "):
            inside_rule = True
        if not inside_rule or not stripped or stripped.startswith("#"):
            continue
        if stripped.startswith(column_one):
            assert line == stripped, f"write this at column 1: {where}"
        elif stripped in ("stop", "ignore", "disabled") or stripped.startswith(indented):
            assert line == "  " + stripped, f"indent by two spaces: {where}"
        if stripped == "end":
            inside_rule = False


def test_every_action_of_the_language_is_shown() -> None:
    shown = {ACTION_KEYWORDS[type(action)] for action in all_actions()}
    assert shown == set(ACTION_KEYWORDS.values())


def test_every_variant_of_the_actions_is_shown() -> None:
    actions = all_actions()

    def cd_target(path: ast.Path) -> bool:
        return bool(path.segments) and isinstance(path.segments[-1], ast.CustomDataRef)

    sets = [a for a in actions if isinstance(a, ast.Set)]
    removes = [a for a in actions if isinstance(a, ast.Remove)]
    adds = [a for a in actions if isinstance(a, ast.Add)]
    assert any(a.target.is_multi for a in sets), "set on a multi-valued path"
    assert any(cd_target(a.target) and a.as_type for a in sets), "set customData … as <type>"
    assert any(not cd_target(a.target) and not a.target.is_multi for a in removes), "remove field"
    assert any(isinstance(a.target.segments[-1], ast.Where | ast.Index) for a in removes), (
        "remove list elements"
    )
    assert any(cd_target(a.target) for a in removes), "remove customData[…]"
    assert any(isinstance(a.value, ast.MapLit) for a in adds), "add a map row"
    assert any(isinstance(a.value, ast.Lit) for a in adds), "add a value to a list"
    assert any(isinstance(a, ast.Ignore) and a.reason is None for a in actions)
    assert any(isinstance(a, ast.Ignore) and a.reason is not None for a in actions)


def test_custom_data_is_written_only_to_x_modules() -> None:
    for action in all_actions():
        targets = {
            ast.Set: lambda a: [a.target],
            ast.Remove: lambda a: [a.target],
            ast.Copy: lambda a: [a.target],
            ast.Swap: lambda a: [a.left, a.right],
        }.get(type(action), lambda a: [])(action)
        for target in targets:
            for segment in target.segments:
                if isinstance(segment, ast.CustomDataRef):
                    assert segment.module.startswith("x-"), segment.dict_key


def test_the_klarna_rule_is_there_as_in_the_language_reference() -> None:
    intake = parsed(RULES / "orders" / "10-intake.rules")
    assert intake.scope.connection is not None
    assert intake.scope.connection.value == "5377568eb7e165e3b38af6eece4a0001"
    [klarna] = [r for r in intake.rules if r.name == "Hold Klarna test orders"]
    assert intake.rules[0] is klarna
    assert isinstance(klarna.actions[-1], ast.Stop)
    text = (RULES / "orders" / "10-intake.rules").read_text(encoding="utf-8")
    assert "customData[*|connector.woocommerce|meta._wc_klarna_environment]" in text


# --------------------------------------------------------------------------- records


def test_there_are_example_records() -> None:
    names = {p.name for p in RECORD_FILES}
    assert {"orders.jsonl", "products.jsonl"} <= names


@pytest.mark.parametrize("path", RECORD_FILES, ids=[p.name for p in RECORD_FILES])
def test_every_example_record_reads_as_a_record(path: Path) -> None:
    lines = [line for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    assert len(lines) >= 8
    ids = set()
    for number, line in enumerate(lines, 1):
        obj = json.loads(line)
        assert obj.get("recordType") in RECORD_TYPES, f"{path.name}:{number}"
        assert HEX32.fullmatch(obj["localId"]), f"{path.name}:{number}: localId"
        normalized = normalize_record(obj)
        assert normalized["recordType"] == obj["recordType"]
        ids.add(obj["localId"])
    assert len(ids) == len(lines), "every example record has its own localId"


def test_the_example_orders_include_the_awkward_cases() -> None:
    orders = [
        json.loads(line)
        for line in (RULES / "records" / "orders.jsonl").read_text(encoding="utf-8").splitlines()
    ]
    klarna_key = (
        "5377568eb7e165e3b38af6eece4a0001|connector.woocommerce|meta._wc_klarna_environment"
    )
    assert any(o.get("customData", {}).get(klarna_key, {}).get("value") == "test" for o in orders)
    assert any(not o.get("rows") for o in orders), "an order without rows"
    assert any(
        any(str(r.get("sku", "")).startswith("GIFTWRAP") for r in o.get("rows", [])) for o in orders
    ), "gift-wrap rows"
    assert any(o.get("deliveryAddress") is None for o in orders), "no delivery address"
    assert any(None in o.values() for o in orders), "explicit nulls"
    countries = {(o.get("deliveryAddress") or {}).get("countryCode") for o in orders}
    assert {"SE", "FI", "DK"} <= countries, "Nordic addresses"
    assert {"DE", "GB"} <= countries, "non-Nordic addresses"


# --------------------------------------------------------------------------- README


def test_the_readme_maps_every_manipulator_to_a_rule() -> None:
    first_cells = [row[0] for row in readme_table_rows()]
    for name in MANIPULATORS:
        assert any(name in cell for cell in first_cells), f"{name} is missing from the table"


def test_the_readme_shows_every_action() -> None:
    first_cells = {row[0].strip("`").split("`")[0].strip() for row in readme_table_rows()}
    for keyword in ACTION_KEYWORDS.values():
        assert keyword in first_cells, f"action {keyword} is missing from the table"


def test_the_readme_names_only_rules_that_exist() -> None:
    names = {rule.name for path in RULE_FILES for rule in parsed(path).rules}
    for row in readme_table_rows():
        if len(row) == 3 and row[0] != "manipulator" and not set(row[0]) <= {"-"}:
            for quoted in re.findall(r'"([^"]+)"', row[2]):
                assert quoted in names, f"README names a rule that does not exist: {quoted}"
