"""The Dagster resource that tells every asset where the landing zone and warehouse are."""

from __future__ import annotations

import contextlib
from dataclasses import replace
from pathlib import Path

import dagster as dg
from pydantic import PrivateAttr

from pipelines.config import Settings, get_settings
from pipelines.lock import warehouse_lock

# Runs of this job only look at the landing folders; they write nothing and need no lock.
OBSERVE_JOB = "observe_landing"


class WarehouseResource(dg.ConfigurableResource):
    """Landing folder and warehouse folder; empty strings mean the environment's defaults."""

    landing_dir: str = ""
    warehouse_dir: str = ""
    _held: contextlib.ExitStack | None = PrivateAttr(default=None)

    def setup_for_execution(self, context: dg.InitResourceContext) -> None:
        """Every run that may write holds the warehouse's run lock until it ends, so a run from
        the UI and one from the command never write one warehouse at once (pipelines/lock.py):
        the second is refused at once, naming the first."""
        run = context.run
        if run is not None and run.job_name == OBSERVE_JOB:
            return
        self._held = contextlib.ExitStack()
        what = f"Dagster run {run.run_id[:8]} ({run.job_name})" if run else "a Dagster run"
        self._held.enter_context(warehouse_lock(self.settings().warehouse_dir, what))

    def teardown_after_execution(self, context: dg.InitResourceContext) -> None:
        if self._held is not None:
            self._held.close()
            self._held = None

    def settings(self) -> Settings:
        settings = get_settings()
        if self.landing_dir:
            settings = replace(settings, landing_dir=Path(self.landing_dir))
        if self.warehouse_dir:
            settings = replace(settings, warehouse_dir=Path(self.warehouse_dir))
        return settings
