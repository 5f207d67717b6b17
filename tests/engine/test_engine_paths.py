"""Compiled paths agree with jsonpath-ng (LANGUAGE.md section 5), plus the null rules on top:
where jsonpath-ng finds nothing, a single-valued path is null and ``[*]`` gives one null per
element that lacks the field. Also: locations and their text."""

from __future__ import annotations

from typing import Any

import jsonpath_ng
import pytest
from engine_helpers import order

from procrules.engine.codegen import Emitter, Env
from procrules.engine.paths import CDKey, location_text
from procrules.engine.state import State
from procrules.language import ast
from procrules.language.parser import parse
from procrules.language.schema import record_types

ORDER = record_types()["Order"]


def read(path: str, record: dict[str, Any]) -> tuple[Any, bool]:
    """The value(s) the engine reads for ``path`` (and whether it is multi-valued)."""
    parsed = parse(f'rule "r" when count({path}) >= 0 then stop end\n', "t.rules")
    assert parsed.ruleset is not None, parsed.diagnostics
    condition = parsed.ruleset.rules[0].condition
    assert isinstance(condition, ast.Compare)
    assert isinstance(condition.left, ast.Call)
    node = condition.left.args[0]
    assert isinstance(node, ast.Path)
    em = Emitter({}, "t.rules")
    code = em.path(node, Env(ORDER, ORDER))
    function = em.function(code.src)
    em.flush()
    return function(State(record), record), code.multi


RECORD = order(
    rows=[{"sku": "a", "name": "A"}, {"rowId": "2"}, {"sku": "c", "name": "C"}],
    tags=["x", "y"],
)


@pytest.mark.parametrize(
    "path",
    [
        "rows[*].sku",
        "rows[0].sku",
        "rows[-1].name",
        "rows[7].sku",
        "deliveryAddress.countryCode",
        "deliveryAddress.region",
        "tags[*]",
        "tags[1]",
        "customer.email",
        "rows[*].rowId",
    ],
)
def test_paths_find_what_jsonpath_ng_finds(path: str) -> None:
    expected = [m.value for m in jsonpath_ng.parse(path).find(RECORD)]
    value, multi = read(path, RECORD)
    if multi:
        assert [v for v in value if v is not None] == expected
        assert len(value) == (len(RECORD[path.split("[", maxsplit=1)[0]]))  # one value per element
    else:
        assert ([] if value is None else [value]) == expected


def test_where_selects_like_a_filter() -> None:
    value, multi = read('rows[where sku == "c" or rowId == "2"].name', RECORD)
    assert multi
    assert value == [None, "C"]


def test_location_text() -> None:
    assert location_text(("rows", 2, "sku")) == "rows[2].sku"
    assert location_text(("tags", 3)) == "tags[3]"
    assert location_text(("attributes", "Colour name")) == 'attributes["Colour name"]'
    assert location_text(("in",)) == '$["in"]'
    assert location_text(("rows", 0, CDKey("c", "x-a", "k"))) == "rows[0].customData[c|x-a|k]"
    assert location_text((CDKey("", "x-a", "k"),)) == "customData[|x-a|k]"
