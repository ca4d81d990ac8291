"""Where things live and the few settings an operator may change, read once from the environment.

Every path defaults to a folder of this repository so `make run` works on a fresh clone; a
deployment points the same variables at real extracts and a secure warehouse location.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
DBT_PROJECT_DIR = REPO_ROOT / "dbt_project"


@dataclass(frozen=True)
class Settings:
    landing_dir: Path
    warehouse_dir: Path
    key_file: Path
    # A table whose quarantined share of rows exceeds this fails its asset check (warning severity).
    quarantine_rate_threshold: float = 0.01
    # A newer extract whose row count is below (1 - this) or above 1 / (1 - this) of the extract
    # in force is held until an operator accepts it (a file cut short, a wrong export).
    volume_tolerance: float = 0.25
    # Figures resting on extracts older than this, or on sources this far apart, get a warning.
    max_extract_age_days: int = 45
    max_extract_spread_days: int = 31
    # A source whose newest extract is older than this is overdue (monthly, with 4 days' grace).
    delivery_overdue_days: int = 35
    # DuckDB's memory for the warehouse's dbt build (identity resolution included) and the publish
    # step; beyond it, joins and sorts spill to disk beside the database, in the zone they belong
    # to. A 2,000,000-child run stays under 4.4 GB with it (docs/deployment.md).
    duckdb_memory_limit: str = "4GB"

    @property
    def restricted_db(self) -> Path:
        """Identifiable data: raw extracts, staging, identity resolution. Engineers only."""
        return self.warehouse_dir / "restricted.duckdb"

    @property
    def analytics_db(self) -> Path:
        """Pseudonymised marts for commissioning analysts: no direct identifiers."""
        return self.warehouse_dir / "analytics.duckdb"

    @property
    def returns_dir(self) -> Path:
        """The suppliers' data-quality returns: their own values, so in the restricted zone."""
        return self.warehouse_dir / "returns"

    @property
    def reports_dir(self) -> Path:
        """The disclosure-controlled reports for strategy leads (publishable)."""
        return self.warehouse_dir.parent / "reports"

    @property
    def marts_parquet_dir(self) -> Path:
        """The same marts as Parquet files, one per table."""
        return self.warehouse_dir / "marts"


def _path(var: str, default: Path) -> Path:
    value = os.environ.get(var)
    return Path(value).expanduser().resolve() if value else default


def get_settings() -> Settings:
    return Settings(
        landing_dir=_path("SEND_LANDING_DIR", REPO_ROOT / "data" / "landing"),
        warehouse_dir=_path("SEND_WAREHOUSE_DIR", REPO_ROOT / "data" / "warehouse"),
        key_file=_path(
            "SEND_PSEUDONYMISATION_KEY_FILE",
            REPO_ROOT / "data" / "secrets" / "pseudonymisation.key",
        ),
        quarantine_rate_threshold=float(os.environ.get("SEND_QUARANTINE_RATE_THRESHOLD", "0.01")),
        volume_tolerance=float(os.environ.get("SEND_VOLUME_TOLERANCE", "0.25")),
        max_extract_age_days=int(os.environ.get("SEND_MAX_EXTRACT_AGE_DAYS", "45")),
        max_extract_spread_days=int(os.environ.get("SEND_MAX_EXTRACT_SPREAD_DAYS", "31")),
        delivery_overdue_days=int(os.environ.get("SEND_DELIVERY_OVERDUE_DAYS", "35")),
        duckdb_memory_limit=os.environ.get("SEND_DUCKDB_MEMORY_LIMIT", "4GB"),
    )


# dbt is installed beside this interpreter: called by its path, it is found from any PATH.
DBT_EXECUTABLE = str(Path(sys.executable).parent / "dbt")


@contextmanager
def dbt_environment(settings: Settings) -> Iterator[None]:
    """The variables dbt's profile reads (profiles.yml: the restricted warehouse's path, its
    storage key, DuckDB's extension folder and memory limit), set for the dbt invocations
    inside the block and restored after.
    dbt runs as a subprocess that dagster-dbt hands this process's environment; a variable,
    unlike --vars, leaves dbt's parse of its project intact (project.reused_parse keeps one per
    warehouse)."""
    from pipelines.privacy.storage import extension_directory, key_for

    wanted = {
        "SEND_RESTRICTED_DB": str(settings.restricted_db),
        "SEND_DUCKDB_MEMORY_LIMIT": settings.duckdb_memory_limit,
        "SEND_DUCKDB_EXTENSIONS": str(extension_directory()),
        "DBT_ENV_SECRET_STORAGE_KEY": key_for(settings.restricted_db),
    }
    before = {name: os.environ.get(name) for name in wanted}
    os.environ.update(wanted)
    try:
        yield
    finally:
        for name, value in before.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value
