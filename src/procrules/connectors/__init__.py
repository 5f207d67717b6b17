"""Connectors: interpret a remote system's representation of a record into a platform record."""

from __future__ import annotations
