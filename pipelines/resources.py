"""The Dagster resource that tells every asset where the landing zone and warehouse are."""

from __future__ import annotations

from pathlib import Path

import dagster as dg

from pipelines.config import Settings, get_settings


class WarehouseResource(dg.ConfigurableResource):
    """Landing folder and warehouse folder; empty strings mean the environment's defaults."""

    landing_dir: str = ""
    warehouse_dir: str = ""

    def settings(self) -> Settings:
        defaults = get_settings()
        return Settings(
            landing_dir=Path(self.landing_dir) if self.landing_dir else defaults.landing_dir,
            warehouse_dir=Path(self.warehouse_dir)
            if self.warehouse_dir
            else defaults.warehouse_dir,
            key_file=defaults.key_file,
            quarantine_rate_threshold=defaults.quarantine_rate_threshold,
        )
