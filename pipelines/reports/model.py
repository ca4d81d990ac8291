"""The report as data: tables of controlled cells, charts, sections. The HTML report and the
workbook both render exactly these, so they are suppressed identically."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from pipelines.reports.disclosure import Cell, Rules

# Each table's sheet in the workbook, by the table's key: readable, and within Excel's rules for
# a sheet name (at most 31 characters, unique, none of [ ] : * ? / \).
SHEET_NAMES = {
    "headline_20_weeks": "Headline - 20 weeks",
    "headline_plans": "Headline - plans in force",
    "headline_health": "Headline - health waits",
    "trends_monthly": "Trends - requests, new plans",
    "trends_timeliness": "Trends - timeliness",
    "trends_caseload": "Trends - plans in force",
    "trends_health_waiting": "Trends - health waiting lists",
    "overlaps_by_period": "Overlaps by type and when",
    "overlaps": "Overlaps by where child lives",
    "gaps_by_type": "Gaps by type",
    "gaps_by_district": "Gaps by district",
    "gaps_by_need": "Gaps by primary need",
    "gaps_by_service": "Gaps by health service",
    "movement": "Moves between the councils",
    "since_last_delivery": "Since the last delivery",
    "quarantine": "Rows kept out or corrected",
    "extracts": "Extracts",
    "linkage": "Record linkage",
}


@dataclass
class PublishedTable:
    key: str  # short name: the HTML table's id, and the key of its sheet's name
    title: str
    columns: list[str]
    rows: list[tuple[str, list[Cell]]]
    note: str = ""

    @property
    def sheet(self) -> str:
        """The table's sheet in the workbook."""
        return SHEET_NAMES[self.key]

    def cell(self, row: str, column: str) -> Cell:
        index = self.columns.index(column)
        return next(cells[index] for label, cells in self.rows if label == row)


@dataclass
class Chart:
    key: str
    title: str
    kind: str  # "line" or "bar"
    categories: list[str]  # x axis (months) or bar labels
    series: dict[str, list[Cell]]  # one controlled value per category
    unit: str = ""
    reference: dict[str, float] = field(default_factory=dict)  # labelled horizontal lines
    note: str = ""
    category_name: str = "Month"  # what a category is: the header of its column of figures


@dataclass
class Section:
    key: str
    title: str
    summary: str
    tables: list[PublishedTable] = field(default_factory=list)
    charts: list[Chart] = field(default_factory=list)


@dataclass
class Report:
    as_at: date
    published_at: str
    census_date: date
    oldest_extract: date
    sections: list[Section]
    rules: Rules
    warnings: list[str] = field(default_factory=list)  # banners above everything else
