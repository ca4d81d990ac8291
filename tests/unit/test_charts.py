"""The report's charts: real text, a title and a description read from the chart's own cells, and
the same cells in a table beside the chart."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from datetime import date

from pipelines.reports.charts import describe, render
from pipelines.reports.disclosure import Cell, load_rules
from pipelines.reports.model import Chart, Report, Section
from pipelines.reports.render import write_html

SVG = "{http://www.w3.org/2000/svg}"
RULES = load_rules()
HIDDEN = Cell(None, RULES.symbol, True)

MONTHS = Chart(
    "chart_requests",
    "Requests received per month",
    "line",
    ["Nov 2024", "Dec 2024", "Jan 2025"],
    {
        "City": [Cell(40, "40"), Cell(55, "55"), HIDDEN],
        "County": [Cell(1230, "1,230"), HIDDEN, Cell(1315, "1,315")],
    },
    unit="%",
    reference={"England 2024": 46.4},
)
WAITS = Chart(
    "chart_waits",
    "Median weeks to a first contact, by service",
    "bar",
    ["Speech and language therapy", "Occupational therapy", "CAMHS"],
    {"Median wait": [Cell(12.5, "12.5"), HIDDEN, Cell(30.0, "30.0")]},
    unit="weeks",
    reference={"18-week clock": 18.0},
    category_name="Service",
)


def _svg(chart: Chart) -> ET.Element:
    return ET.fromstring(render(chart))


def test_chart_text_is_text_a_screen_reader_and_a_search_can_read():
    for chart in (MONTHS, WAITS):
        svg = _svg(chart)
        texts = {"".join(t.itertext()).strip() for t in svg.iter(f"{SVG}text")}
        assert set(chart.categories) <= texts, chart.key  # the axis labels are words
        assert set(chart.series) <= texts or len(chart.series) == 1, chart.key  # the legend
        # no glyph outlines: text drawn as paths would be defined as glyphs and reused
        assert not [u for u in svg.iter(f"{SVG}use") if "DejaVu" in str(u.attrib)], chart.key


def test_each_chart_is_an_image_named_by_its_title_and_described_by_its_desc():
    for chart in (MONTHS, WAITS):
        svg = _svg(chart)
        assert svg.get("role") == "img"
        title_id, desc_id = svg.get("aria-labelledby").split()
        by_id = {e.get("id"): e for e in svg.iter() if e.get("id")}
        assert by_id[title_id].tag == f"{SVG}title" and by_id[title_id].text == chart.title
        assert by_id[desc_id].tag == f"{SVG}desc" and by_id[desc_id].text == describe(chart)
        assert title_id.startswith(chart.key) and desc_id.startswith(chart.key)  # unique in a page


def test_a_description_says_the_period_and_the_latest_published_cell_of_each_series():
    said = describe(MONTHS)
    assert "City and County, Nov 2024 to Jan 2025" in said
    # the latest month's cells as published: one hidden, shown as the symbol and said to be
    assert f"City {RULES.symbol} (hidden" in said and "County 1,315" in said
    assert "England 2024 at 46.4%" in said


def test_a_bar_chart_description_names_its_largest_published_bar():
    said = describe(WAITS)
    assert "one bar per service" in said and "CAMHS (30.0 weeks)" in said
    assert "18-week clock at 18 weeks" in said


def test_the_same_chart_always_gives_the_same_svg():
    assert render(MONTHS) == render(MONTHS)


def test_the_report_shows_the_cells_each_chart_plots_in_a_table_beside_it(tmp_path):
    report = Report(
        as_at=date(2025, 1, 16),
        published_at="17 January 2025 09:00",
        census_date=date(2024, 1, 18),
        oldest_extract=date(2025, 1, 10),
        sections=[Section("trends", "Trends", "A summary.", charts=[MONTHS, WAITS])],
        rules=RULES,
    )
    html = write_html(report, tmp_path / "report.html").read_text()
    for chart in (MONTHS, WAITS):
        figure = re.search(rf'<figure data-chart="{chart.key}">.*?</figure>', html, re.S)
        details = ET.fromstring(re.search(r"<details>.*</details>", figure[0], re.S)[0])
        table = details.find(".//table")
        assert table.get("data-chart-table") == chart.key
        assert table.find("caption").text.startswith(chart.title)
        header = [th.text or "" for th in table.find("thead").iter("th")]
        assert header == [chart.category_name, *chart.series]
        assert {th.get("scope") for th in table.find("thead").iter("th")} == {"col"}
        rows = table.find("tbody").findall("tr")
        assert [r.find("th").text for r in rows] == chart.categories
        assert {r.find("th").get("scope") for r in rows} == {"row"}
        cells = [[td.text for td in r.findall("td")] for r in rows]
        # exactly the controlled cells, by column: hidden ones as the symbol
        assert cells == [
            list(c) for c in zip(*([x.text for x in s] for s in chart.series.values()), strict=True)
        ]
        assert any(RULES.symbol in row for row in cells)
        assert chart.reference and "Reference lines:" in "".join(details.itertext())
