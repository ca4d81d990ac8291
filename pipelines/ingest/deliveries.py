"""What each source has delivered: its newest delivery, whether it is complete and on time, and
any landing file that matches no documented name.

A delivery is the set of extracts a source sends for one month. It is complete when every table
of the source has an extract dated within `DELIVERY_WINDOW_DAYS` of the source's newest extract
(a council's census list may be dated a few days apart from its casework export); it is overdue
when the newest extract is older than the configured number of days. A file in a source's folder
whose name matches none of that source's patterns would otherwise never be loaded: it is named
here, with the folder it belongs in when it matches another source's pattern.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path

from pipelines.ingest.catalogue import SOURCE_TABLES, SOURCES
from pipelines.ingest.load import newest_extract

DELIVERY_WINDOW_DAYS = 7


@dataclass(frozen=True)
class UnrecognisedFile:
    path: Path
    belongs_to: str | None  # the source whose pattern the name matches, if another one's

    def describe(self) -> str:
        where = f"landing/{self.path.parent.name}/{self.path.name}"
        if self.belongs_to:
            return (
                f"{where}: named like a {self.belongs_to} extract; "
                f"move it to landing/{self.belongs_to}/"
            )
        return f"{where}: matches no documented file name (docs/source-extracts.md); not loaded"


@dataclass(frozen=True)
class Delivery:
    source: str
    newest: date | None  # the newest extract date among the source's tables
    tables: dict[str, date | None]  # each table's newest extract date
    unrecognised: tuple[UnrecognisedFile, ...]

    @property
    def missing(self) -> tuple[str, ...]:
        """Tables with no extract within the delivery window of the newest."""
        if self.newest is None:
            return tuple(self.tables)
        return tuple(
            table
            for table, dated in self.tables.items()
            if dated is None or (self.newest - dated).days > DELIVERY_WINDOW_DAYS
        )

    @property
    def complete(self) -> bool:
        return self.newest is not None and not self.missing

    def days_old(self, today: date) -> int | None:
        return None if self.newest is None else (today - self.newest).days

    def overdue(self, today: date, overdue_days: int) -> bool:
        age = self.days_old(today)
        return age is None or age > overdue_days

    def summary(self, today: date, overdue_days: int) -> str:
        if self.newest is None:
            return f"{self.source}: nothing delivered"
        parts = [f"{self.source}: delivery of {self.newest}"]
        if self.missing:
            parts.append(f"incomplete, waiting for {', '.join(self.missing)}")
        else:
            parts.append("complete")
        if self.overdue(today, overdue_days):
            parts.append(
                f"overdue: {self.days_old(today)} days old, the limit is {overdue_days} days"
            )
        return "; ".join(parts)


def unrecognised_files(source: str, landing_dir: Path) -> tuple[UnrecognisedFile, ...]:
    """Files in the source's landing folder that no table of the source would load."""
    folder = Path(landing_dir) / source
    if not folder.is_dir():
        return ()
    own = [spec for spec in SOURCE_TABLES if spec.source == source]
    others = [spec for spec in SOURCE_TABLES if spec.source != source]
    found = []
    for path in sorted(folder.iterdir()):
        if not path.is_file() or path.name.startswith("."):
            continue  # hidden files (.gitkeep, editors' lock files) are not deliveries
        if any(spec.match(path.name) for spec in own):
            continue
        belongs = next((spec.source for spec in others if spec.match(path.name)), None)
        found.append(UnrecognisedFile(path, belongs))
    return tuple(found)


def delivery(source: str, landing_dir: Path) -> Delivery:
    tables: dict[str, date | None] = {}
    for spec in SOURCE_TABLES:
        if spec.source == source:
            newest = newest_extract(spec, Path(landing_dir))
            tables[spec.table] = newest[0] if newest else None
    dated = [d for d in tables.values() if d is not None]
    return Delivery(
        source=source,
        newest=max(dated) if dated else None,
        tables=tables,
        unrecognised=unrecognised_files(source, landing_dir),
    )


def deliveries(landing_dir: Path) -> dict[str, Delivery]:
    return {source: delivery(source, landing_dir) for source in SOURCES}
