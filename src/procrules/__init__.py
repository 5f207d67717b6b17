"""procrules: processing rules for records in the manipulator chain of an e-commerce platform.

This module owns the public Python API; everything else is internal. The pipeline is
parse -> check -> compile -> evaluate -> report, one subpackage each: ``language`` (grammar,
parser, checker, diagnostics), ``engine`` (compiler, evaluation, results, chain), ``records``
(the record model and custom data), ``connectors`` (remote formats into records), ``cli``.
"""

from __future__ import annotations

__version__ = "0.1.0"

__all__ = ["__version__"]
