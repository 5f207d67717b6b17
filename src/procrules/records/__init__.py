"""Records: the platform's Order, Invoice and Product model, exact decimals, and custom data."""

from __future__ import annotations
