"""Data contracts for the partners' source extracts, one Pandera model per raw table.

The models are the single definition of what a delivered row must look like; `schemas.validate`
applies them and turns failures into quarantine records. They are loaded on first use (with
Pandera and pandas, about a second), so what only reads, plans or reports does not pay for them.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from schemas.contracts import (
        CONTRACTS,
        contract,
        contract_columns,
        identifying_columns,
        nullified_columns,
        required_columns,
    )

__all__ = [
    "CONTRACTS",
    "contract",
    "contract_columns",
    "identifying_columns",
    "nullified_columns",
    "required_columns",
]


def __getattr__(name: str):
    if name in __all__:
        return getattr(importlib.import_module("schemas.contracts"), name)
    raise AttributeError(f"module 'schemas' has no attribute {name!r}")
