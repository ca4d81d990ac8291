"""Which landing file feeds which raw table: the file-name patterns of docs/source-extracts.md.

Each delivery is a full snapshot of its table; the extract date comes from the file name.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

CITY_LA_CODE = "892"  # Nottingham; the city's SEN2 header must name it (sen2_header.py)


@dataclass(frozen=True)
class SourceTable:
    source: str  # city | county | icb: the landing sub-folder and the Dagster group
    table: str  # raw table name, also the asset key raw/<table> and the dbt source table
    patterns: tuple[str, ...]  # file-name regexes, each with a (?P<date>…) group
    date_format: str  # strptime format of that date
    description: str
    sheet: str | None = None  # worksheet name when delivered inside a workbook

    def match(self, file_name: str) -> date | None:
        for pattern in self.patterns:
            found = re.fullmatch(pattern, file_name, flags=re.IGNORECASE)
            if found:
                try:
                    return datetime.strptime(found["date"], self.date_format).date()
                except ValueError:
                    return None
        return None

    def candidates(self, landing_dir: Path) -> list[tuple[date, Path]]:
        """Files delivered for this table, oldest extract first."""
        folder = landing_dir / self.source
        if not folder.is_dir():
            return []
        found = []
        for path in sorted(folder.iterdir()):
            extract_date = self.match(path.name) if path.is_file() else None
            if extract_date is not None:
                found.append((extract_date, path))
        return sorted(found)


def _blade(module: str, description: str) -> SourceTable:
    return SourceTable(
        source="city",
        table=f"city_{module}",
        patterns=(rf"Blade-Export_(?P<date>\d{{2}}-\d{{2}}-\d{{4}})_{module}\.csv",),
        date_format="%d-%m-%Y",
        description=f"City council SEN2 Blade export, {description}",
    )


def _county_sheet(table: str, sheet: str, description: str) -> SourceTable:
    # A sheet too long for Excel arrives as its own CSV beside the workbook.
    return SourceTable(
        source="county",
        table=table,
        patterns=(
            r"EHC_Casework_(?P<date>\d{8})\.xlsx?",  # .xls: older Excel, read the same way
            rf"EHC_Casework_(?P<date>\d{{8}})_{sheet}\.csv",
        ),
        date_format="%d%m%Y",
        description=f"County council EHC casework, {description}",
        sheet=sheet,
    )


def _csds(table: str, stem: str, description: str) -> SourceTable:
    return SourceTable(
        source="icb",
        table=table,
        patterns=(rf"CSDS_{stem}_(?P<date>\d{{8}})\.csv",),
        date_format="%Y%m%d",
        description=f"ICB community health extract, {description}",
    )


SOURCE_TABLES: tuple[SourceTable, ...] = (
    _blade("sen2", "module 0: the return's header (LA code, reference date, software)"),
    _blade("person", "module 1: children and young people"),
    _blade("requests", "module 2: requests for EHC needs assessment"),
    _blade("assessment", "module 3: EHC needs assessments"),
    _blade("namedplan", "module 4a: EHC plans"),
    _blade("plandetail", "module 4b: settings named in plans"),
    _blade("activeplans", "module 5a: active plans and annual reviews"),
    _blade("placementdetail", "module 5b: settings attended"),
    _blade("senneed", "module 5c: special educational needs by rank"),
    SourceTable(
        source="city",
        table="city_sen_support",
        patterns=(r"census_sen_support_(?P<date>\d{4}-\d{2}-\d{2})\.csv",),
        date_format="%Y-%m-%d",
        description="City school census list of pupils on SEN support (provision K)",
    ),
    SourceTable(
        source="city",
        table="city_topup_funding",
        patterns=(r"high_needs_topup_(?P<date>\d{4}-\d{2}-\d{2})\.csv",),
        date_format="%Y-%m-%d",
        description="City high-needs top-up funding lines",
    ),
    _county_sheet("county_clients", "Clients", "children and young people"),
    _county_sheet("county_requests", "Requests", "requests for EHC needs assessment"),
    _county_sheet("county_assessments", "Assessments", "EHC needs assessments"),
    _county_sheet("county_plans", "Plans", "EHC plans"),
    _county_sheet("county_plan_settings", "PlanSettings", "settings named in plans"),
    _county_sheet("county_placements", "Placements", "settings attended"),
    _county_sheet("county_needs", "Needs", "special educational needs by rank"),
    _county_sheet("county_reviews", "Reviews", "annual reviews"),
    SourceTable(
        source="county",
        table="county_sen_support",
        patterns=(r"SEN_Support_(?P<date>\d{8})\.csv",),
        date_format="%d%m%Y",
        description="County school census list of pupils on SEN support (Windows-1252)",
    ),
    SourceTable(
        source="county",
        table="county_topup_funding",
        patterns=(r"HighNeeds_TopUp_(?P<date>\d{8})\.csv",),
        date_format="%d%m%Y",
        description="County high-needs top-up funding lines (Windows-1252, semicolon)",
    ),
    _csds("icb_patients", "CYP001_patients", "patients (CYP001 MPI)"),
    _csds("icb_referrals", "CYP101_referrals", "referrals and the service referred to"),
    _csds("icb_care_contacts", "CYP201_care_contacts", "care contacts, attended or not"),
)

BY_TABLE = {spec.table: spec for spec in SOURCE_TABLES}
SOURCES = ("city", "county", "icb")
