"""Build the report files from a published warehouse (the asset and `send-pipeline report`)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path

from pipelines.config import Settings
from pipelines.privacy.pseudonymise import load_key
from pipelines.reports.content import build_report
from pipelines.reports.disclosure import load_rules
from pipelines.reports.model import Report
from pipelines.reports.render import write_html, write_workbook


@dataclass
class ReportFiles:
    html: Path
    workbook: Path
    report: Report


def build_files(
    settings: Settings, out_dir: Path | None = None, on: date | None = None
) -> ReportFiles:
    """Write send_partnership_report_<run date>.html and .xlsx; a same-day rerun replaces them."""
    out_dir = out_dir or settings.reports_dir
    out_dir.mkdir(parents=True, exist_ok=True)
    if not settings.analytics_db.exists():
        raise FileNotFoundError(
            f"{settings.analytics_db} does not exist: run the pipeline (send-pipeline run) first"
        )
    # The report reads the analysts' tier only; the key gives the secret of its rounding.
    report = build_report(settings.analytics_db, load_rules().keyed(load_key(settings.key_file)))
    stem = f"send_partnership_report_{(on or date.today()).isoformat()}"
    html = write_html(report, out_dir / f"{stem}.html")
    workbook = write_workbook(report, out_dir / f"{stem}.xlsx")
    return ReportFiles(html=html, workbook=workbook, report=report)
