"""Fixtures for the engine tests (the helpers are in ``engine_helpers``)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from engine_helpers import CONN

from procrules.connectors.woocommerce import convert_order


@pytest.fixture
def klarna_order() -> dict[str, Any]:

    path = Path(__file__).resolve().parents[2] / "rules" / "records" / "woocommerce"
    name = "indigosleep_Heroku-NCFI_klarna_payments_order_on-hold_PII-REDACTED.json"
    wc = json.loads((path / name).read_text())
    return convert_order(wc, CONN)
