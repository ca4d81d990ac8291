"""The Dagster resource that tells every asset where the landing zone and warehouse are."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import dagster as dg

from pipelines.config import Settings, get_settings


class WarehouseResource(dg.ConfigurableResource):
    """Landing folder and warehouse folder; empty strings mean the environment's defaults."""

    landing_dir: str = ""
    warehouse_dir: str = ""

    def settings(self) -> Settings:
        settings = get_settings()
        if self.landing_dir:
            settings = replace(settings, landing_dir=Path(self.landing_dir))
        if self.warehouse_dir:
            settings = replace(settings, warehouse_dir=Path(self.warehouse_dir))
        return settings
