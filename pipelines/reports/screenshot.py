"""A picture of the report for the README: `python -m pipelines.reports.screenshot [REPORT] [PNG]`.

Opens the newest report in data/reports/ in headless Chromium (Debian's /usr/bin/chromium) and
saves the top of it. Needs the dev extra (playwright).
"""

from __future__ import annotations

import sys
from pathlib import Path

from pipelines.config import REPO_ROOT, get_settings

CHROMIUM = "/usr/bin/chromium"
FLAGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--no-first-run"]


def screenshot(report: Path, png: Path, height: int = 1500) -> Path:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        page = browser.new_page(viewport={"width": 1200, "height": height})
        page.goto(report.resolve().as_uri())
        page.screenshot(path=str(png))
        browser.close()
    return png


if __name__ == "__main__":
    reports = sorted(get_settings().reports_dir.glob("send_partnership_report_*.html"))
    source = Path(sys.argv[1]) if len(sys.argv) > 1 else reports[-1]
    target = Path(sys.argv[2]) if len(sys.argv) > 2 else REPO_ROOT / "docs" / "img" / "report.png"
    print(screenshot(source, target))
