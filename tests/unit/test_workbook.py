"""The report's workbook: readable sheet names Excel accepts, and an About sheet listing them."""

from __future__ import annotations

import re
from datetime import date

import openpyxl

from pipelines.reports.disclosure import Cell, load_rules
from pipelines.reports.model import SHEET_NAMES, PublishedTable, Report, Section
from pipelines.reports.render import write_workbook


def test_every_sheet_name_is_readable_and_one_excel_accepts():
    names = list(SHEET_NAMES.values())
    assert len({n.casefold() for n in [*names, "About"]}) == len(names) + 1  # unique
    for key, name in SHEET_NAMES.items():
        assert 0 < len(name) <= 31, name
        assert not re.search(r"[\[\]:*?/\\]", name), name
        assert name[0] != "'" and name[-1] != "'", name
        assert name != key and "_" not in name and name[0].isupper(), name  # words, not a key


def test_the_about_sheet_lists_and_links_every_sheet_with_what_it_holds(tmp_path):
    tables = [
        PublishedTable("gaps_by_type", "Open gaps by type", ["All"], [("A gap", [Cell(5, "5")])]),
        PublishedTable("linkage", "Finding the same child", ["Figure"], [("F1", [Cell(1, "1")])]),
    ]
    report = Report(
        as_at=date(2025, 1, 16),
        published_at="17 January 2025 09:00",
        census_date=date(2024, 1, 18),
        oldest_extract=date(2025, 1, 10),
        sections=[Section("gaps", "Gaps", "A summary.", tables=tables)],
        rules=load_rules(),
    )
    book = openpyxl.load_workbook(write_workbook(report, tmp_path / "report.xlsx"))
    assert book.sheetnames == ["About", "Gaps by type", "Record linkage"]
    about = [row[0] for row in book["About"].iter_rows()]
    start = next(i for i, c in enumerate(about) if c.value == "Sheets in this workbook") + 1
    listed = [c for c in about[start:] if c.value][: len(book.sheetnames)]
    assert [c.value.split(": ", 1)[0] for c in listed] == book.sheetnames
    for cell in listed[1:]:
        name, holds = cell.value.split(": ", 1)
        assert holds == book[name]["A1"].value  # the sheet's own title
        assert cell.hyperlink.location == f"'{name}'!A1"
