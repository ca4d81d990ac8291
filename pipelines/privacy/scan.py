"""Scan a warehouse meant for analysts for direct identifiers before it is published.

Two kinds of search over every column of every table:
- by shape, anywhere in any text: a valid NHS number, UPN or ULN (their check digits and letters,
  schemas/identifiers.py), or a full postcode;
- against the children themselves, in tables with a `child_key`: the child's own forename or
  surname (a word of the value, unless the word is common to the column: see
  VOCABULARY_SHARE), NHS number, UPN, ULN or postcode as recorded in any source, and their exact
  date of birth in a date column or in text, more often than event dates meet birth dates by
  chance (DOB_SHARE_LIMIT).

A finding names the table, the column, the kind and how many rows, never a value: the report
itself must not leak what it found.
"""

from __future__ import annotations

from dataclasses import dataclass

import duckdb
import polars as pl

from schemas.identifiers import nhs_number_valid_expr, uln_valid_expr, upn_valid_expr

# Candidate tokens by shape; each is then checked with the identifier's own algorithm.
TEN_DIGITS = r"\b[0-9]{10}\b|\b[0-9]{3} [0-9]{3} [0-9]{4}\b"
UPN_SHAPE = r"\b[A-Z][0-9]{11}[0-9A-Z]\b"
FULL_POSTCODE = r"\b[A-Z]{1,2}[0-9][A-Z0-9]? ?[0-9][A-Z]{2}\b"
# A word of free text: letters only, between word boundaries (so not a run of letters inside a
# hexadecimal key).
WORD = r"\b[A-Z][A-Z\-]*[A-Z]\b"
# A word found in this share of a column's rows is the column's vocabulary (a code, a district,
# "White" in ethnicity_group), not a name attached to particular children, even where a child
# happens to bear it as a name. A column that really carried names would still show the many
# names too rare to be vocabulary.
VOCABULARY_SHARE = 0.02
# A date of birth equal to a date in the row this often is not coincidence.
DOB_SHARE_LIMIT = 0.01


@dataclass(frozen=True)
class Finding:
    table: str
    column: str
    kind: str
    rows: int

    def __str__(self) -> str:
        return f"{self.table}.{self.column}: {self.rows} row(s) with {self.kind}"


def _identities(restricted: duckdb.DuckDBPyConnection) -> pl.DataFrame:
    """Every name, identifier, postcode and birth date each child is recorded with."""
    return restricted.sql(
        """select crosswalk.child_key,
            upper(persons.forename) as forename, upper(persons.surname) as surname,
            persons.dob, upper(replace(persons.postcode, ' ', '')) as postcode,
            upper(persons.upn) as upn, persons.uln, replace(persons.nhs_number, ' ', '') as nhs
        from linkage.int_person_records_unioned persons
        join linkage.int_child_key_crosswalk crosswalk using (record_id)"""
    ).pl()


def _shape_findings(table: str, frame: pl.DataFrame, text_columns: list[str]) -> list[Finding]:
    findings = []
    for column in text_columns:
        text = pl.col(column).str.to_uppercase()
        checks = {
            "an NHS number": text.str.extract_all(TEN_DIGITS)
            .list.eval(nhs_number_valid_expr(pl.element()))
            .list.any(),
            "a ULN": text.str.extract_all(TEN_DIGITS)
            .list.eval(uln_valid_expr(pl.element().str.replace_all(" ", "")))
            .list.any(),
            "a UPN": text.str.extract_all(UPN_SHAPE)
            .list.eval(upn_valid_expr(pl.element()))
            .list.any(),
            "a full postcode": text.str.contains(FULL_POSTCODE),
        }
        counts = frame.select(
            [expr.fill_null(False).sum().alias(kind) for kind, expr in checks.items()]
        ).row(0, named=True)
        findings += [Finding(table, column, kind, n) for kind, n in counts.items() if n]
    return findings


def _child_findings(
    table: str,
    frame: pl.DataFrame,
    text_columns: list[str],
    date_columns: list[str],
    identities: pl.DataFrame,
) -> list[Finding]:
    findings = []
    rows = frame.with_row_index("_row")
    # The children's names cut into words the way the text is (O'Brien → BRIEN).
    names = (
        pl.concat(
            [
                identities.select("child_key", name="forename"),
                identities.select("child_key", name="surname"),
            ]
        )
        .drop_nulls()
        .select("child_key", word=pl.col("name").str.extract_all(WORD))
        .explode("word")
        .drop_nulls()
        .unique()
    )
    for column in text_columns:
        tokens = (
            rows.select("_row", "child_key", value=pl.col(column).str.to_uppercase())
            .drop_nulls("value")
            .with_columns(
                word=pl.col("value").str.extract_all(WORD),
                squashed=pl.col("value").str.replace_all(r"[\s-]", ""),
            )
        )
        words = tokens.explode("word").select("_row", "child_key", "word").drop_nulls().unique()
        common = (
            words.group_by("word")
            .agg(rows=pl.col("_row").n_unique())
            .filter(pl.col("rows") >= max(2, VOCABULARY_SHARE * frame.height))
            .select("word")
        )
        words = words.join(common, on="word", how="anti")
        own = {
            "the child's name": words.join(names, on=["child_key", "word"]),
            "the child's identifier or postcode": tokens.join(
                pl.concat(
                    [
                        identities.select("child_key", squashed=c)
                        for c in ("nhs", "upn", "uln", "postcode")
                    ]
                )
                .drop_nulls()
                .unique(),
                on=["child_key", "squashed"],
            ),
            "the child's date of birth": _births_in_text(tokens, identities),
        }
        findings += [
            Finding(table, column, kind, hits["_row"].n_unique())
            for kind, hits in own.items()
            if hits.height
        ]
    births = identities.select("child_key", "dob").drop_nulls().unique()
    for column in date_columns:
        values = rows.select("_row", "child_key", value=pl.col(column)).drop_nulls("value")
        matches = values.join(births, on="child_key").filter(pl.col("value") == pl.col("dob"))
        hits = matches["_row"].n_unique()
        if values.height and hits / values.height > DOB_SHARE_LIMIT:
            findings.append(Finding(table, column, "the child's date of birth", hits))
    return findings


def _births_in_text(tokens: pl.DataFrame, identities: pl.DataFrame) -> pl.DataFrame:
    """Rows whose text holds the child's own date of birth; none where the column is one of
    event dates that matches a birth date no more often than chance (DOB_SHARE_LIMIT of its
    rows that hold a date, as for a date column): a health referral made on the day a child
    was born is an event, not a leak, at 1 in 34,000 rows."""
    hits = tokens.join(
        identities.select("child_key", text=pl.col("dob").cast(pl.String)).drop_nulls().unique(),
        on="child_key",
    ).filter(pl.col("value").str.contains(pl.col("text"), literal=True))
    dated = tokens.filter(pl.col("value").str.contains(r"\b\d{4}-\d{2}-\d{2}\b"))["_row"]
    if hits.height and hits["_row"].n_unique() / max(dated.n_unique(), 1) <= DOB_SHARE_LIMIT:
        return hits.clear()
    return hits


def scan_for_identifiers(
    analytics: duckdb.DuckDBPyConnection,
    restricted: duckdb.DuckDBPyConnection,
    schema: str = "main",
) -> list[Finding]:
    """Every direct identifier found in the tables of `schema` (empty when there is none)."""
    identities = _identities(restricted)
    tables = [
        row[0]
        for row in analytics.execute(
            "select table_name from duckdb_tables() where schema_name = ? order by 1", [schema]
        ).fetchall()
    ]
    findings: list[Finding] = []
    for table in tables:
        frame = analytics.sql(f'select * from {schema}."{table}"').pl()
        text_columns = [c for c, t in frame.schema.items() if t == pl.String and c != "child_key"]
        date_columns = [c for c, t in frame.schema.items() if t in (pl.Date, pl.Datetime)]
        findings += _shape_findings(table, frame, text_columns)
        if "child_key" in frame.columns:
            findings += _child_findings(table, frame, text_columns, date_columns, identities)
    return findings
