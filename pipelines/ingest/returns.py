"""A data-quality return to each supplier: what its delivery broke, row by row, and how to fix it.

The people who can mend bad data are the suppliers' data teams (the city's and the county's SEN
teams, the ICB's community health data team), as council data teams hear from the DfE's COLLECT
validation. After every load each organisation gets one workbook, written from the quarantine of
its own current extracts only:

- Summary: rows kept out and values set to blank, by rule in plain words, against the previous
  delivery of the same tables;
- Rows kept out: file, row number, column, value, the rule broken and how to fix it;
- Identifiers blanked: the same for identifiers that failed their check (the row was kept).

The returns hold the suppliers' own values (names, identifiers), so they are written in the
restricted zone (`<warehouse>/returns/`) for the data engineers to send back, never with the
report. Values are written as text: one that looks like a formula (`=HYPERLINK(…)`) stays text.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import duckdb
import xlsxwriter

from pipelines.ingest.catalogue import BY_TABLE
from pipelines.privacy.storage import open_database
from schemas.common import RULE_WORDS

# Each rule (in words: schemas.checks.RULE_WORDS): how the supplier fixes it at source.
FIXES = {
    "code_list": "Use one of the codes the specification lists for this column (see the code list "
    "named in the reason); map local codes before export.",
    "date_format": "Export dates as dd/mm/yyyy (the ICB: yyyy-mm-dd) from a date field, not as "
    "text or as an Excel date number; check the day exists (30/02 does not).",
    "date_order": "Check both dates in the case record: an end cannot come before its start.",
    "not_after_extract_date": "A date in the future of the extract is a typing error or a planned "
    "date in an actual-date field: correct the record.",
    "required": "Fill the field in the case record; the row cannot be used without it.",
    "unique": "Each record id must appear once per file: remove the duplicate row or give it its "
    "own id.",
    "malformed_line": "Quote any value that holds the delimiter, a quote or a line break (CSV "
    "quoting), and check the file was not cut short in transfer.",
    "nhs_number_check_digit": "Verify the NHS number against the Personal Demographics Service; "
    "a mistyped number is left blank and the child is matched on other details.",
    "upn_check_letter": "Correct the UPN from the school's record (the DfE's UPN check letter); a "
    "wrong UPN is left blank.",
    "uln_check_digit": "Correct the ULN from the Learning Records Service; a wrong ULN is left "
    "blank.",
}


def _rule_words(rule: str) -> tuple[str, str]:
    """The rule in plain words, and how to fix it."""
    return (
        RULE_WORDS.get(rule, rule.replace("_", " ").capitalize()),
        FIXES.get(rule, "See the reason given."),
    )


def _rows(con: duckdb.DuckDBPyConnection, sql: str, params: list) -> list[tuple]:
    return con.execute(sql, params).fetchall()


def write_return(restricted_db: Path, source: str, out_dir: Path) -> tuple[Path, int]:
    """The workbook for one supplier (city, county or icb), from its current extracts only;
    returns its path and the number of rows it lists."""
    with open_database(restricted_db, read_only=True) as con:
        extract_date = _rows(
            con,
            "select max(extract_date) from audit.current_loads where source = ?",
            [source],
        )[0][0]
        listed = _rows(
            con,
            """select severity, file_path, table_name, source_row, column_name, value, rule, reason
            from audit.current_quarantine where source = ?
            order by severity, file_path, source_row, column_name""",
            [source],
        )
        now = {
            (severity, rule): n
            for severity, rule, n in _rows(
                con,
                """select severity, rule, count(distinct (table_name, source_row))
                from audit.current_quarantine where source = ? group by all""",
                [source],
            )
        }
        # the previous delivery of each table: its last load before the current one
        before = {
            (severity, rule): n
            for severity, rule, n in _rows(
                con,
                """with previous as (
                    select loads.table_name, max(loads.loaded_at) as loaded_at
                    from audit.file_loads as loads
                    join audit.current_loads as current using (table_name)
                    where loads.source = ? and loads.status = 'loaded'
                      and loads.loaded_at < current.loaded_at
                    group by loads.table_name)
                select q.severity, q.rule, count(distinct (q.table_name, q.source_row))
                from audit.quarantine as q
                join audit.file_loads as loads using (load_id)
                join previous on previous.table_name = loads.table_name
                    and previous.loaded_at = loads.loaded_at
                group by all""",
                [source],
            )
        }
    out_dir.mkdir(parents=True, exist_ok=True)
    stamp = extract_date.isoformat() if isinstance(extract_date, date) else "no-extract"
    path = out_dir / f"{source}_data_quality_return_{stamp}.xlsx"
    partial = path.with_name(path.name + ".writing")
    book = xlsxwriter.Workbook(
        str(partial),
        # every value is the supplier's text: never a formula, a link or a number
        {"strings_to_formulas": False, "strings_to_urls": False, "strings_to_numbers": False},
    )
    bold = book.add_format({"bold": True})
    wrap = book.add_format({"text_wrap": True, "valign": "top"})

    summary = book.add_worksheet("Summary")
    summary.write_string(0, 0, f"Data-quality return: {source}, extracts of {stamp}", bold)
    summary.write_string(
        1,
        0,
        "Rows of your current extracts that the partnership's data contracts kept out, and "
        "identifiers set to blank, by rule; the sheets that follow list each one and how to fix "
        "it.",
    )
    header = ["Rule", "What it means", "Kept out or blanked", "Rows now", "Previous delivery"]
    summary.write_row(3, 0, header, bold)
    r = 4
    for severity, rule in sorted(set(now) | set(before)):
        words, _ = _rule_words(rule)
        summary.write_string(r, 0, rule)
        summary.write_string(r, 1, words)
        summary.write_string(r, 2, "kept out" if severity == "error" else "value set to blank")
        summary.write_number(r, 3, now.get((severity, rule), 0))
        if before:
            summary.write_number(r, 4, before.get((severity, rule), 0))
        else:
            summary.write_string(r, 4, "no previous delivery")
        r += 1
    summary.set_column(0, 0, 24)
    summary.set_column(1, 1, 48)
    summary.set_column(2, 4, 20)

    columns = [
        "File",
        "Sheet",
        "Row",
        "Column",
        "Value",
        "Rule",
        "What it means",
        "Reason",
        "How to fix",
    ]
    for sheet_name, severity in (("Rows kept out", "error"), ("Identifiers blanked", "warning")):
        sheet = book.add_worksheet(sheet_name)
        sheet.write_row(0, 0, columns, bold)
        sheet.freeze_panes(1, 0)
        row = 1
        for sev, file_path, table, source_row, column, value, rule, reason in listed:
            if sev != severity:
                continue
            words, fix = _rule_words(rule)
            spec = BY_TABLE.get(table)
            in_workbook = spec is not None and spec.sheet and file_path.endswith(".xlsx")
            sheet.write_string(row, 0, Path(file_path).name)
            sheet.write_string(row, 1, spec.sheet if in_workbook else "")
            if source_row is not None:
                sheet.write_number(row, 2, source_row)
            for k, text in enumerate((column, value, rule, words, reason, fix), start=3):
                if text is not None:
                    sheet.write_string(row, k, str(text), wrap if k == 8 else None)
            row += 1
        sheet.set_column(0, 0, 34)
        sheet.set_column(1, 1, 14)
        sheet.set_column(3, 5, 22)
        sheet.set_column(6, 7, 40)
        sheet.set_column(8, 8, 60)
    book.close()
    partial.replace(path)  # a reader never sees half a workbook
    return path, len(listed)
