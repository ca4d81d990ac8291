"""The report as one self-contained HTML file and as a workbook with the same tables.

Both are written from the same disclosure-controlled tables (pipelines/reports/sections/), so a
figure is suppressed identically in each. The HTML carries its styles and its charts (inline SVG)
and fetches nothing: it opens offline.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import xlsxwriter
from jinja2 import Environment, FileSystemLoader, select_autoescape

from pipelines.reports.charts import reference_lines
from pipelines.reports.charts import render as render_chart
from pipelines.reports.model import Report

TEMPLATES = Path(__file__).with_name("templates")


def methodology(report: Report) -> list[tuple[str, list[str]]]:
    rules = report.rules
    return [
        (
            "Where the figures come from",
            [
                "Each organisation delivers its own extracts: the city council its SEN2 return, "
                "the county council its case-management export, both their SEN support lists and "
                "top-up funding, and the ICB its community health records. Every file is checked "
                "against a written contract; rows that break it are kept out and listed for the "
                "data team, so no figure rests on them.",
                "The same child appears in several organisations' records, spelled differently "
                "and with identifiers only some of the time. The pipeline links the records into "
                "children, each with a key that reveals nothing about them. Figures about "
                "children count each child once, whichever organisations know them.",
            ],
        ),
        (
            "What the measures mean",
            [
                "Timeliness follows the Department for Education's definitions: a plan is "
                "issued within 20 weeks when the final plan comes within 20 weeks of the request; "
                "the figure 'leaving out exceptions' drops plans where the law allows longer. "
                "Annual review decisions are counted as on time within 4 weeks of the meeting.",
                "Health waits run from the referral to the first appointment the child attended. "
                "The clock is 13 weeks for an autism assessment (NICE) and 18 weeks for the other "
                "services.",
                "An overlap is a child served twice: plans or top-up funding in both councils at "
                "once, assessments running in both, two open referrals to one service. A gap is "
                "a child waiting past a statutory clock or missed between organisations: no "
                "decision or plan in time, a plan not taken on after a move, an overdue review, "
                "an autism or speech, language and communication need with no referral to the "
                "matching health service, no school place, or a child known only to health. "
                "Every definition is written out in docs/marts.md.",
            ],
        ),
        (
            "Protecting children's privacy",
            [
                f"No row of this report describes a single child. Counts of 1 to "
                f"{rules.suppress_to} are shown as {rules.symbol}. "
                + (
                    f"Other counts are rounded randomly to a multiple of {rules.round_to}: up "
                    f"or down to a neighbouring multiple, at most {rules.round_to - 1} from the "
                    "true count, the same count always the same way. A total is the sum of "
                    "the rounded figures it adds up, so it may differ from the true total by "
                    "more; where a total is also the total of a second breakdown, that "
                    "breakdown's largest figure is made to add up; a year's figures are "
                    "rounded on their own, not added up from its months. Percentages are worked "
                    "out "
                    "from the rounded figures (so they agree with the counts shown)"
                    if rules.rounding == "random"
                    else f"Other counts are rounded to the nearest {rules.round_to}, so a total "
                    "may differ slightly from the sum of its rounded parts. Percentages are "
                    "worked out from the unrounded counts"
                )
                + f"; averages from the unrounded figures. Neither is shown when it rests on "
                f"fewer than {rules.minimum_base} children or would reveal a small count. "
                "Where a hidden figure could be worked out from the others in its row or "
                "column, or from city plus county making the partnership, further figures are "
                "hidden too.",
                "The same rules apply to the charts and to the workbook that comes with this "
                "report.",
            ],
        ),
    ]


def write_html(report: Report, path: Path) -> Path:
    environment = Environment(
        loader=FileSystemLoader(TEMPLATES), autoescape=select_autoescape(["html", "j2"])
    )
    charts = [chart for section in report.sections for chart in section.charts]
    html = environment.get_template("report.html.j2").render(
        report=report,
        svg={chart.key: render_chart(chart) for chart in charts},
        references={chart.key: reference_lines(chart) for chart in charts},
        methodology=methodology(report),
    )
    path.write_text(html, encoding="utf-8")
    return path


def write_workbook(report: Report, path: Path) -> Path:
    """One sheet per table, the same cells as the report, plus a sheet on how to read them."""
    workbook = xlsxwriter.Workbook(str(path))
    bold = workbook.add_format({"bold": True})
    title = workbook.add_format({"bold": True, "font_size": 13})
    header = workbook.add_format({"bold": True, "bg_color": "#F3F2F1", "text_wrap": True})
    note = workbook.add_format({"italic": True, "font_color": "#505A5F", "text_wrap": True})
    # Figures are typed numbers with the report's formats, so they sum and sort in a spreadsheet
    number = workbook.add_format({"num_format": "#,##0"})
    decimal = workbook.add_format({"num_format": "0.0"})
    percent = workbook.add_format({"num_format": '0.0"%"'})  # the value is the percentage
    pounds = workbook.add_format({"num_format": '"£"#,##0'})
    days = workbook.add_format({"num_format": '0.0" days"'})
    right = workbook.add_format({"align": "right"})
    dated = workbook.add_format({"num_format": "d mmm yyyy"})

    def number_format(cell):
        if "%" in cell.text:
            return percent
        if "£" in cell.text:
            return pounds
        if cell.text.endswith(" days"):
            return days
        if float(cell.value).is_integer() and "." not in cell.text:
            return number
        return decimal

    about = workbook.add_worksheet("About")
    about.set_column(0, 0, 110)
    about.write(0, 0, "SEND partnership report", title)
    about.write(1, 0, f"Figures as at {report.as_at:%-d %B %Y}; published {report.published_at}.")
    warning = workbook.add_format({"bold": True, "bg_color": "#FFDD00", "text_wrap": True})
    row = 3
    for text in report.warnings:
        about.write(row, 0, f"Warning. {text}", warning)
        row += 1
    row += 1 if report.warnings else 0
    # The contents: every sheet, "name: what it holds", a link to it (a name has no colon)
    tables = [table for section in report.sections for table in section.tables]
    about.write(row, 0, "Sheets in this workbook", bold)
    about.write(row + 1, 0, "About: this list, the warnings and how the figures are made")
    row += 2
    for table in tables:
        quoted = table.sheet.replace("'", "''")
        about.write_url(row, 0, f"internal:'{quoted}'!A1", string=f"{table.sheet}: {table.title}")
        row += 1
    row += 1
    for heading, paragraphs in methodology(report):
        about.write(row, 0, heading, bold)
        row += 1
        for paragraph in paragraphs:
            about.write(row, 0, paragraph, note)
            row += 1
        row += 1
    for table in tables:
        sheet = workbook.add_worksheet(table.sheet)
        sheet.write(0, 0, table.title, title)
        sheet.write_row(2, 0, ["", *table.columns], header)
        sheet.set_column(0, 0, 48)
        sheet.set_column(1, len(table.columns), 16)
        for i, (label, cells) in enumerate(table.rows, start=3):
            sheet.write(i, 0, label, bold if label.startswith("All") else None)
            for j, cell in enumerate(cells, start=1):
                if isinstance(cell.value, date):
                    sheet.write_datetime(i, j, cell.value, dated)
                elif cell.value is None:  # suppressed (*), not applicable (–) or words
                    sheet.write_string(i, j, cell.text, right)
                else:
                    sheet.write_number(i, j, cell.value, number_format(cell))
        # the header row and the labels stay in view; every column can be filtered
        sheet.freeze_panes(3, 1)
        sheet.autofilter(2, 0, 2 + len(table.rows), len(table.columns))
        if table.note:
            sheet.write(len(table.rows) + 4, 0, table.note, note)
    workbook.close()
    return path
