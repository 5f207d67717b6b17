"""``procrules.jsonio.dumps`` writes exactly what ``simplejson.dumps`` with the same options
writes (its compact encoder is made once and skips the named-tuple check), for any JSON value:
every character, decimals, big integers, tuples, nesting; errors included."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import simplejson
from hypothesis import given, settings
from hypothesis import strategies as st

from procrules import jsonio

leaves = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.text(),  # every code point, lone surrogates included
    st.decimals(allow_nan=True, allow_infinity=True),
    st.floats(),
)
values = st.recursive(
    leaves,
    lambda inner: (
        st.lists(inner, max_size=4)
        | st.lists(inner, max_size=3).map(tuple)
        | st.dictionaries(st.text(max_size=8), inner, max_size=4)
    ),
    max_leaves=20,
)


def outcome(write: Any, value: Any) -> tuple[str, str]:
    try:
        return "ok", write(value)
    except (TypeError, ValueError) as exc:
        return type(exc).__name__, str(exc)


def reference(value: Any) -> str:
    return simplejson.dumps(value, use_decimal=True, ensure_ascii=False, allow_nan=False)


@settings(max_examples=300, deadline=None)
@given(values)
def test_dumps_writes_what_simplejson_writes(value: Any) -> None:
    assert outcome(jsonio.dumps, value) == outcome(reference, value)


def test_decimals_keep_their_digits() -> None:
    assert (
        jsonio.dumps({"a": Decimal("1.50"), "b": [Decimal("1E+3")]}) == '{"a": 1.50, "b": [1E+3]}'
    )
    assert jsonio.dumps({"a": [1]}, indent=2) == '{\n  "a": [\n    1\n  ]\n}'
