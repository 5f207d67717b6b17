"""The engine: compiled rules, evaluation of one record, results and the manipulator chain.

``docs/engine.md`` describes the design: code generation per record type, copy-on-write
evaluation, lazy result records, pickling by source.
"""

from __future__ import annotations

from procrules.engine.book import Book, RuleError, load
from procrules.engine.chain import Chain, Context, Manipulator, RulesManipulator
from procrules.engine.result import Change, ErrorInfo, FiredRule, Message, Result
from procrules.engine.trace import Trace

__all__ = [
    "Book",
    "Chain",
    "Change",
    "Context",
    "ErrorInfo",
    "FiredRule",
    "Manipulator",
    "Message",
    "Result",
    "RuleError",
    "RulesManipulator",
    "Trace",
    "load",
]
