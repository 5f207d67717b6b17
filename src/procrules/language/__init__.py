"""The rule language: grammar loading, parser, AST, checker stages and diagnostics."""

from __future__ import annotations
