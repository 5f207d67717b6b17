"""The ``procrules`` command line: one module per command, registered in ``main``."""

from __future__ import annotations
