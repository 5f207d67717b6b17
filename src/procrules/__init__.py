"""procrules: processing rules for records in the manipulator chain of an e-commerce platform.

This module owns the public Python API; everything else is internal. The pipeline is
parse -> check -> compile -> evaluate -> report, one subpackage each: ``language`` (grammar,
parser, checker, diagnostics), ``engine`` (compiler, evaluation, results, chain), ``records``
(the record model and custom data), ``connectors`` (remote formats into records), ``cli``.

The API (CLI.md, "Python API")::

    book = procrules.load("rules/")        # raises procrules.RuleError
    result = book.apply(record, procrules.Context(record_type="Order", direction="import"))
    chain = procrules.Chain([procrules.RulesManipulator(book), my_manipulator])

The names are imported on first use, so ``import procrules`` stays cheap for the CLI.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

if TYPE_CHECKING:
    from procrules.engine import (
        Book,
        Chain,
        Context,
        Manipulator,
        Result,
        RuleError,
        RulesManipulator,
        Trace,
        load,
    )

_API = frozenset(
    {
        "Book",
        "Chain",
        "Context",
        "Manipulator",
        "Result",
        "RuleError",
        "RulesManipulator",
        "Trace",
        "load",
    }
)


def __getattr__(name: str) -> Any:
    if name in _API:
        from procrules import engine

        return getattr(engine, name)
    raise AttributeError(f"module 'procrules' has no attribute {name!r}")


__all__ = [
    "Book",
    "Chain",
    "Context",
    "Manipulator",
    "Result",
    "RuleError",
    "RulesManipulator",
    "Trace",
    "__version__",
    "load",
]
