"""The partnership report as the last Dagster asset of a run."""

import dagster as dg

from pipelines.code_versions import source_digest
from pipelines.publish.assets import ANALYTICS
from pipelines.resources import WarehouseResource


@dg.asset(
    key=dg.AssetKey(["reports", "partnership_report"]),
    deps=[ANALYTICS],
    group_name="publish",
    kinds={"html", "excel"},
    code_version=source_digest("pipelines/reports"),
    description=(
        "The gap and overlap report for strategy leads: one self-contained HTML file and a "
        "workbook with the same disclosure-controlled tables, in data/reports/ with the run "
        "date in the name (rules: pipelines/reports/disclosure.yml)"
    ),
)
def partnership_report(
    context: dg.AssetExecutionContext, warehouse: WarehouseResource
) -> dg.MaterializeResult:
    # imported here: the report's charting stack (matplotlib) is half a second of every
    # command's start-up otherwise, also of a refresh with nothing to do
    from pipelines.reports.build import build_files

    files = build_files(warehouse.settings())
    context.log.info(f"report written to {files.html} and {files.workbook}")
    tables = sum(len(section.tables) for section in files.report.sections)
    suppressed = sum(
        cell.suppressed
        for section in files.report.sections
        for table in section.tables
        for _, cells in table.rows
        for cell in cells
    )
    return dg.MaterializeResult(
        metadata={
            # A path (the UI offers to copy it): browsers block file:// links from a web page.
            "latest_report": dg.MetadataValue.path(str(files.html.resolve())),
            "report_html": dg.MetadataValue.path(str(files.html)),
            "report_workbook": dg.MetadataValue.path(str(files.workbook)),
            "as_at": str(files.report.as_at),
            "tables": tables,
            "cells_suppressed": suppressed,
            "size_kb": round(files.html.stat().st_size / 1024),
        }
    )
