"""The city's SEN2 header module checked against the rest of its export.

The header (`Blade-Export_<date>_sen2.csv`) names the council and the census reference date the
other modules are a return for. A header of another council, a reference date that does not fit
the export, modules from different exports or spec versions, or people hung on another header
mean the tables in force are not one return; the check `sen2_header` says which.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

import duckdb

from pipelines.ingest.catalogue import CITY_LA_CODE, SOURCE_TABLES
from schemas.common import BLADE_DATE
from schemas.sen2_versions import is_sen2_module, version_label, versions_in

HEADER = "city_sen2"
MODULES = tuple(spec.table for spec in SOURCE_TABLES if is_sen2_module(spec.table))


@dataclass
class HeaderReport:
    findings: list[str] = field(default_factory=list)
    export_date: str | None = None
    reference_date: str | None = None
    lea: str | None = None
    spec_versions: dict[str, str | None] = field(default_factory=dict)  # per module in force
    spec_version: str | None = None  # of the export: what every module's columns allow

    @property
    def passed(self) -> bool:
        return not self.findings


def check_header(con: duckdb.DuckDBPyConnection) -> HeaderReport:
    """Every way the header in force disagrees with itself or with the modules in force."""
    report = HeaderReport()
    loads = {
        table: (extract_date, version)
        for table, extract_date, version in con.execute(
            "select table_name, extract_date, spec_version from audit.current_loads "
            "where table_name in (select unnest(?))",
            [list(MODULES)],
        ).fetchall()
    }
    if HEADER not in loads:
        report.findings.append("no header module (Blade-Export_<date>_sen2.csv) is loaded")
        return report
    export_date = loads[HEADER][0]
    report.export_date = str(export_date)
    report.spec_versions = {table: version for table, (_, version) in sorted(loads.items())}

    rows = con.execute(f"select sen2tableid, year, referencedate, lea from raw.{HEADER}").fetchall()
    if len(rows) != 1:
        report.findings.append(f"the header has {len(rows)} rows; a return has exactly one")
    if not rows:
        return report
    header_id, year, reference_text, lea = rows[0]
    report.lea = lea
    if lea != CITY_LA_CODE:
        report.findings.append(
            f"lea {lea} is not the city's LA code {CITY_LA_CODE}: this export is another council's"
        )
    reference = datetime.strptime(reference_text, BLADE_DATE).date()
    report.reference_date = str(reference)
    if str(reference.year) != year:
        report.findings.append(f"year {year} is not the year of the reference date {reference}")
    if reference > export_date:
        report.findings.append(
            f"the reference date {reference} is after the export of {export_date}"
        )

    other_dates = sorted(
        {str(d) for table, (d, _) in loads.items() if table != HEADER and d != export_date}
    )
    if other_dates:
        report.findings.append(
            f"modules in force come from exports of {', '.join(other_dates)}, "
            f"not the header's export of {export_date}"
        )
    missing = [table for table in MODULES if table not in loads]
    if missing:
        report.findings.append(f"modules not loaded: {', '.join(missing)}")
    common = frozenset.intersection(*(versions_in(v) for v in report.spec_versions.values()))
    report.spec_version = version_label(common)
    if not common:
        report.findings.append(
            "the modules' columns are of different SEN2 spec versions: "
            + ", ".join(f"{t} {v}" for t, v in report.spec_versions.items())
        )
    if "city_person" in loads:
        (others,) = con.execute(
            "select count(*) from raw.city_person where sen2tableid is distinct from ?",
            [header_id],
        ).fetchone()
        if others:
            report.findings.append(
                f"{others} person row(s) name a header other than sen2tableid {header_id}"
            )
    return report
