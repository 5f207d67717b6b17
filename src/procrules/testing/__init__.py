"""Rule test files (``*.test.yaml``) and ``procrules test``: cases that apply rules to a record
and say what the result must be, run with coverage of the rules and conditions.

``loader`` reads and validates a test file (``yamlfile``: YAML with exact decimals and line
numbers); ``runner`` finds test files and runs their cases; ``compare`` compares a result with a
case's ``expect``; ``coverage`` counts rules fired and condition outcomes seen; ``report``
writes text, JSON and JUnit XML. docs/testing.md is the user's guide.
"""

from __future__ import annotations

from procrules.testing.coverage import Coverage
from procrules.testing.loader import load_test_file
from procrules.testing.model import Problem, TestFile, TestFileError
from procrules.testing.runner import CaseResult, FileResult, Runner, discover

__all__ = [
    "CaseResult",
    "Coverage",
    "FileResult",
    "Problem",
    "Runner",
    "TestFile",
    "TestFileError",
    "discover",
    "load_test_file",
]
