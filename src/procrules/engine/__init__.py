"""The engine: compiled rules, evaluation of one record, results and the manipulator chain."""

from __future__ import annotations
