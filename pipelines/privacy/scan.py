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


@dataclass(frozen=True)
class _Children:
    """What the restricted zone knows of the children, in the forms the text is matched in,
    built once for all tables."""

    names: pl.DataFrame  # child_key, word: their names cut into words (O'Brien → BRIEN)
    identifiers: pl.DataFrame  # child_key, squashed: NHS number, UPN, ULN, postcode
    births: pl.DataFrame  # child_key, dob
    birth_texts: pl.DataFrame  # child_key, date: the birth date as text, 2014-03-09
    # the values alone, for the first, set-based pass over a column's distinct values
    any_word: pl.DataFrame
    any_identifier: pl.DataFrame
    any_birth_text: pl.DataFrame
    identifier_lengths: pl.Series  # a value of another length is no identifier or postcode

    @classmethod
    def of(cls, identities: pl.DataFrame) -> _Children:
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
        identifiers = (
            pl.concat(
                [
                    identities.select("child_key", squashed=c)
                    for c in ("nhs", "upn", "uln", "postcode")
                ]
            )
            .drop_nulls()
            .unique()
        )
        births = identities.select("child_key", "dob").drop_nulls().unique()
        birth_texts = births.select("child_key", date=pl.col("dob").cast(pl.String))
        return cls(
            names,
            identifiers,
            births,
            birth_texts,
            any_word=names.select("word").unique(),
            any_identifier=identifiers.select("squashed").unique(),
            any_birth_text=birth_texts.select("date").unique(),
            identifier_lengths=identifiers["squashed"].str.len_chars().unique(),
        )


def _distinct(rows: pl.DataFrame) -> pl.DataFrame:
    """Each distinct value of a column with its number of rows: the checks by shape and the
    search for values any child is recorded with run once per value, not once per row."""
    return rows.group_by("value").agg(n=pl.len())


def _shape_findings(table: str, frame: pl.DataFrame, text_columns: list[str]) -> list[Finding]:
    findings = []
    for column in text_columns:
        distinct = _distinct(
            frame.select(value=pl.col(column).str.to_uppercase()).drop_nulls("value")
        )
        text = pl.col("value")
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
        counts = distinct.select(
            [
                pl.col("n").filter(expr.fill_null(False)).sum().alias(kind)
                for kind, expr in checks.items()
            ]
        ).row(0, named=True)
        findings += [Finding(table, column, kind, n) for kind, n in counts.items() if n]
    return findings


def _child_findings(
    table: str,
    frame: pl.DataFrame,
    text_columns: list[str],
    date_columns: list[str],
    children: _Children,
) -> list[Finding]:
    """Rows holding their own child's name, identifier, postcode or birth date. Each search
    first keeps the column's distinct values that hold anything some child is recorded with
    (a set join), then matches only their rows against the row's own child."""
    findings = []
    rows = frame.select("child_key").with_row_index("_row")
    for column in text_columns:
        rows = rows.with_columns(value=frame[column].str.to_uppercase())
        present = rows.drop_nulls("value")
        distinct = _distinct(present)
        # A word in VOCABULARY_SHARE of the rows is the column's vocabulary, not a name.
        words = (
            distinct.with_columns(word=pl.col("value").str.extract_all(WORD))
            .explode("word")
            .drop_nulls("word")
            .unique(["value", "word"])
        )
        common = (
            words.group_by("word")
            .agg(rows=pl.col("n").sum())
            .filter(pl.col("rows") >= max(2, VOCABULARY_SHARE * frame.height))
        )
        named = words.join(common, on="word", how="anti").join(
            children.any_word, on="word", how="semi"
        )
        squashed = distinct.select(
            "value", squashed=pl.col("value").str.replace_all(r"[\s-]", "")
        ).filter(pl.col("squashed").str.len_chars().is_in(children.identifier_lengths.implode()))
        if squashed.height:  # the identifiers are probed with the column's few candidates
            found = children.any_identifier.join(squashed, on="squashed", how="semi")
            squashed = squashed.join(found, on="squashed", how="semi")
        own = {
            "the child's name": _own(
                present.join(named.select("value", "word"), on="value"), children.names, "word"
            ),
            "the child's identifier or postcode": _own(
                present.join(squashed, on="value"), children.identifiers, "squashed"
            ),
            "the child's date of birth": _births_in_text(present, distinct, children),
        }
        findings += [
            Finding(table, column, kind, hits["_row"].n_unique())
            for kind, hits in own.items()
            if hits.height
        ]
    # the birth dates of this table's children, once for all its date columns
    births_here = (
        children.births.join(rows.select("child_key").unique(), on="child_key", how="semi")
        if date_columns
        else children.births
    )
    for column in date_columns:
        values = rows.select("_row", "child_key", dob=frame[column]).drop_nulls("dob")
        births = births_here.with_columns(pl.col("dob").cast(frame.schema[column]))
        hits = values.join(births, on=["child_key", "dob"], how="semi").height
        if values.height and hits / values.height > DOB_SHARE_LIMIT:
            findings.append(Finding(table, column, "the child's date of birth", hits))
    return findings


def _own(candidates: pl.DataFrame, known: pl.DataFrame, column: str) -> pl.DataFrame:
    """The candidate rows whose `column` is a value their own child is recorded with (the
    children's table cut to the candidates' children first: most columns have no candidate)."""
    if not candidates.height:
        return candidates
    known = known.join(candidates.select("child_key").unique(), on="child_key", how="semi")
    return candidates.join(known, on=["child_key", column], how="semi")


def _births_in_text(
    present: pl.DataFrame, distinct: pl.DataFrame, children: _Children
) -> pl.DataFrame:
    """Rows whose text holds the child's own date of birth; none where the column is one of
    event dates that matches a birth date no more often than chance (DOB_SHARE_LIMIT of its
    rows that hold a date, as for a date column): a health referral made on the day a child
    was born is an event, not a leak, at 1 in 34,000 rows."""
    dates = (
        distinct.select("value", date=pl.col("value").str.extract_all(r"\d{4}-\d{2}-\d{2}"))
        .explode("date")
        .drop_nulls("date")
        .join(children.any_birth_text, on="date", how="semi")
    )
    hits = _own(present.join(dates, on="value"), children.birth_texts, "date")
    if not hits.height:
        return hits
    dated = present.join(
        distinct.filter(pl.col("value").str.contains(r"\b\d{4}-\d{2}-\d{2}\b")),
        on="value",
        how="semi",
    ).height
    if hits["_row"].n_unique() / max(dated, 1) <= DOB_SHARE_LIMIT:
        return hits.clear()
    return hits


def scan_for_identifiers(
    analytics: duckdb.DuckDBPyConnection,
    restricted: duckdb.DuckDBPyConnection,
    schema: str = "main",
) -> list[Finding]:
    """Every direct identifier found in the tables of `schema` (empty when there is none)."""
    children = _Children.of(_identities(restricted))
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
            findings += _child_findings(table, frame, text_columns, date_columns, children)
    return findings
