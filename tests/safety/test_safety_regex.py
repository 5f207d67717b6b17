"""Regular expressions run on RE2: linear time, and what RE2 cannot do is a check error (E306).

A classic catastrophic pattern, ``(a+)+$`` on ten thousand ``a`` and a ``!``, takes exponential
time on a backtracking engine (Python's ``re``) and well under a second here, in ``matches``, in
``regex_replace`` and as a pattern taken from the record at run time. Backreferences and
lookarounds are E306 with RE2's reason; at run time a bad pattern from the record is an
evaluation error for that record.
"""

from __future__ import annotations

import time

import pytest

import procrules
from procrules.language.frontend import check_source

EVIL = [r"(a+)+$", r"(a|a)*$", r"(a|aa)+$", r"(.*a){12}$", r"^(a+)+b", r"(\w+\s?)+$"]
SUBJECT = "a" * 10_000 + "!"


def codes(source: str) -> list[str]:
    _, sink = check_source(source, "t.rules")
    return [d.code for d in sink.sorted()]


def escaped(pattern: str) -> str:
    return pattern.replace("\\", "\\\\")


@pytest.mark.parametrize("pattern", EVIL)
def test_catastrophic_patterns_finish_fast(pattern: str) -> None:
    source = f"""
        rule "m"
        when note matches "{escaped(pattern)}" or note not matches "{escaped(pattern)}"
        then set paymentMethod = regex_replace(note, "{escaped(pattern)}", "x")
        end
        rule "dynamic"
        when note matches orderNumber
        then set shippingMethod = "matched"
        end
    """
    assert codes(source) == []
    book = procrules.Book.from_sources({"t.rules": source})
    record = {"orderNumber": pattern, "note": SUBJECT}
    started = time.perf_counter()
    result = book.apply(record, procrules.Context("Order"))
    explained, _trace = book.explain(record, procrules.Context("Order"))
    elapsed = time.perf_counter() - started
    assert elapsed < 1.0, f"{pattern} took {elapsed:.2f} s"
    assert result.status == "ok", result.to_dict()
    assert explained.status == "ok"
    assert [f.rule for f in result.fired] == ["m"]


def test_python_re_would_not_finish_so_the_test_means_something() -> None:
    """The same pattern on Python's backtracking ``re`` grows exponentially: 22 ``a`` take
    longer than 10,000 do on RE2."""
    import re

    started = time.perf_counter()
    assert re.match(r"(a+)+$", "a" * 22 + "!") is None
    assert time.perf_counter() - started > 0.05


@pytest.mark.parametrize(
    "pattern",
    [
        r"(a)\1", r"(?P<x>a)(?P=x)", r"(?=a)a", r"(?!a)b", r"(?<=a)b", r"(?<!a)b", r"(?>a+)",
        r"a++", r"(?(1)a|b)", r"\Z(?#comment)", r"(", r"[z-a]", r"a{2,1}", r"a{100000}",
    ],
)  # fmt: skip
@pytest.mark.parametrize("use", ["matches", "not matches", "regex_replace", "const"])
def test_what_re2_cannot_do_is_e306(pattern: str, use: str) -> None:
    p = escaped(pattern)
    if use == "regex_replace":
        source = f'rule "r" then set note = regex_replace(note, "{p}", "") end\n'
    elif use == "const":
        source = f'const P = "{p}"\nrule "r" when note matches P then stop end\n'
    else:
        source = f'rule "r" when note {use} "{p}" then stop end\n'
    found = codes(source)
    assert found == ["E306"], found
    _, sink = check_source(source, "t.rules")
    assert next(iter(sink)).message.startswith("invalid regular expression: ")


@pytest.mark.parametrize("pattern", [r"(a)\1", "(?=a)", "(", "x" * 100_000 + "{1000}{1000}"])
def test_a_bad_pattern_from_the_record_is_an_evaluation_error(pattern: str) -> None:
    source = 'rule "r" when note matches orderNumber then stop end\n'
    book = procrules.Book.from_sources({"t.rules": source})
    started = time.perf_counter()
    result = book.apply({"orderNumber": pattern, "note": "a"}, procrules.Context("Order"))
    assert time.perf_counter() - started < 1.0
    assert result.status == "error"
    assert result.error is not None
    assert "invalid regular expression" in result.error.message
    assert result.error.rule == "r"
