"""Apply a table's data contract to a raw extract and turn its failures into quarantine records.

The Pandera model in CONTRACTS is the definition of the rules; this module only runs it (lazily,
so every failure is collected) and translates Pandera's failure cases into one issue per failed
value, with the file's row number and a reason a person can act on. A row with any error is
quarantined whole; a failure in an optional identifier-like column or an identifying one (Field
metadata ``on_fail: nullify``) is a warning: the value is set to null and the row is kept.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import pandera.polars as pa
import polars as pl
from pandera.config import ValidationDepth, config_context
from pandera.errors import SchemaErrors

from schemas import contract, required_columns
from schemas.checks import NULLIFY, ON_FAIL, extract_date_context
from schemas.common import ContractError, header_key
from schemas.sen2_versions import to_current

ROW = "_source_row"
MALFORMED = "_malformed_line"  # pipelines/ingest/read.py: a line not split into fields
_POSITION = "_position"

ISSUE_SCHEMA = {
    "source_row": pl.Int64,
    "column": pl.String,
    "value": pl.String,
    "rule": pl.String,
    "reason": pl.String,
    "severity": pl.String,
}

_KEPT = "; value set to null, row kept"
_NOT_KEPT = "; value would be set to null, but the row is quarantined for another failure"


@dataclass
class ValidationResult:
    """Outcome of validating one extract against its contract.

    valid: rows to load, every contract column (in contract order) plus ``_source_row``, with
        failing optional identifiers set to null.
    issues: one row per failed value: source_row, column, value, rule, reason, severity
        ('error' quarantines the row, 'warning' nulls the value).
    quarantined: rejected rows as delivered (same columns as ``valid``).
    """

    valid: pl.DataFrame
    issues: pl.DataFrame
    quarantined: pl.DataFrame


def validate(
    frame: pl.DataFrame, table: str, *, file_name: str, extract_date: date
) -> ValidationResult:
    """Validate a raw extract (every column text, plus ``_source_row``) against its contract.

    Raises ContractError when the file has no data rows or lacks a required column.
    """
    model = contract(table)
    schema = model.to_schema()
    malformed = None
    if MALFORMED in frame.columns:  # lines the reader could not split into fields
        malformed = frame.filter(pl.col(MALFORMED).is_not_null()).select(ROW, MALFORMED)
        frame = frame.filter(pl.col(MALFORMED).is_null()).drop(MALFORMED)
    if frame.height == 0:
        raise ContractError(f"{file_name}: no data rows for {table}")
    frame = match_headers(to_current(frame, table), list(schema.columns))
    missing = [name for name in required_columns(table) if name not in frame.columns]
    if missing:
        names = ", ".join(f"'{name}'" for name in missing)
        raise ContractError(f"{file_name}: missing required column(s) {names} for {table}")

    prepared = _prepare(frame, list(schema.columns))
    failure_cases = _failure_cases(model, prepared, extract_date)
    issues = _issues(failure_cases, prepared, schema, file_name, extract_date)
    result = _split(prepared, issues)
    if malformed is not None and malformed.height:
        result = _with_malformed(result, malformed, len(frame.columns) - 1)
    return result


def _with_malformed(result: ValidationResult, lines: pl.DataFrame, width: int) -> ValidationResult:
    """Each malformed line quarantined whole (rule malformed_line), its text as the value."""
    issues = lines.select(
        pl.col(ROW).alias("source_row"),
        pl.lit(None, pl.String).alias("column"),
        pl.col(MALFORMED).str.slice(0, 500).alias("value"),
        pl.lit("malformed_line").alias("rule"),
        pl.lit(
            f"the line does not split into the header's {width} fields (an unquoted delimiter, "
            "a stray quote, or a line cut short)"
        ).alias("reason"),
        pl.lit("error").alias("severity"),
    )
    quarantined = pl.DataFrame(
        {c: [None] * lines.height for c in result.valid.columns if c != ROW},
        schema={c: result.valid.schema[c] for c in result.valid.columns if c != ROW},
    ).with_columns(lines[ROW])
    return ValidationResult(
        valid=result.valid,
        issues=pl.concat([result.issues, issues.select(list(ISSUE_SCHEMA)).cast(ISSUE_SCHEMA)]),
        quarantined=pl.concat([result.quarantined, quarantined.select(result.quarantined.columns)]),
    )


def match_headers(frame: pl.DataFrame, columns: list[str]) -> pl.DataFrame:
    """The frame with each header that differs from a contract column only in case, spacing or
    punctuation ('Pupil ID', 'PUPILID') renamed to the contract's name; order never matters."""
    wanted = {header_key(name): name for name in columns}
    renames = {
        c: wanted[header_key(c)]
        for c in frame.columns
        if c not in columns
        and header_key(c) in wanted
        and wanted[header_key(c)] not in frame.columns
    }
    return frame.rename(renames) if renames else frame


def _prepare(frame: pl.DataFrame, columns: list[str]) -> pl.DataFrame:
    """Contract columns as text, in contract order; missing optional ones null, extras dropped."""
    selected = [
        pl.col(name).cast(pl.String) if name in frame.columns else pl.lit(None, pl.String)
        for name in columns
    ]
    row = (
        pl.col(ROW).cast(pl.Int64)
        if ROW in frame.columns
        else pl.int_range(2, frame.height + 2, dtype=pl.Int64)  # header is row 1
    )
    named = [expr.alias(name) for expr, name in zip(selected, columns, strict=True)]
    return frame.select([*named, row.alias(ROW)])


def _failure_cases(
    model: type[pa.DataFrameModel], prepared: pl.DataFrame, extract_date: date
) -> pl.DataFrame | None:
    with (
        config_context(validation_enabled=True, validation_depth=ValidationDepth.SCHEMA_AND_DATA),
        extract_date_context(extract_date),
    ):
        try:
            model.validate(prepared, lazy=True)
        except SchemaErrors as errors:
            return errors.failure_cases
    return None


def _issues(
    failure_cases: pl.DataFrame | None,
    prepared: pl.DataFrame,
    schema: pa.DataFrameSchema,
    file_name: str,
    extract_date: date,
) -> pl.DataFrame:
    """One issue per failure case, keyed by row position in ``prepared``.

    Pandera's polars backend reports ``index`` as the row's position in the validated frame for
    column checks, the required and unique checks and dataframe-wide checks alike.
    """
    empty = pl.DataFrame(schema={_POSITION: pl.Int64, **ISSUE_SCHEMA}).drop("source_row")
    if failure_cases is None or failure_cases.height == 0:
        return empty
    keys = ["schema_context", "column", "check", "check_number"]
    parts = [empty]
    for key, group in failure_cases.partition_by(keys, as_dict=True, maintain_order=True).items():
        context, column, check_label, check_number = key
        if group["index"].null_count():
            raise RuntimeError(
                f"{file_name}: the contract check {check_label!r} on {column!r} could not run: "
                f"{group['failure_case'][0]}"
            )
        cases = group.select(
            pl.col("index").cast(pl.Int64).alias(_POSITION),
            pl.col("failure_case").cast(pl.String).alias("value"),
        )
        if context == "DataFrameSchema" and check_number is not None:
            part = _dataframe_check_issues(schema.checks[check_number], cases, prepared)
        elif context == "Column" and check_number is not None:
            column_schema = schema.columns[column]
            check = column_schema.checks[check_number]
            part = _column_check_issues(column_schema, check, cases, extract_date)
        elif context == "Column" and check_label in _CORE_CHECKS:
            part = _CORE_CHECKS[check_label](column, cases)
        else:
            raise RuntimeError(
                f"{file_name}: unexpected contract failure {check_label!r} on {column!r}"
            )
        parts.append(part.select(empty.columns))
    return pl.concat(parts)


def _issue_frame(
    cases: pl.DataFrame, column: str, rule: str, reason: pl.Expr, severity: str
) -> pl.DataFrame:
    """``cases`` holds the row position and the failing value."""
    return cases.select(
        pl.col(_POSITION),
        pl.lit(column).alias("column"),
        pl.col("value"),
        pl.lit(rule).alias("rule"),
        reason.alias("reason"),
        pl.lit(severity).alias("severity"),
    )


def _quoted(column: str) -> pl.Expr:
    """``column 'value'`` for the reason text."""
    return pl.concat_str([pl.lit(f"{column} '"), pl.col("value"), pl.lit("'")])


def _required_issues(column: str, cases: pl.DataFrame) -> pl.DataFrame:
    reason = pl.lit(f"{column} is blank but required")
    return _issue_frame(cases, column, "required", reason, "error")


def _unique_issues(column: str, cases: pl.DataFrame) -> pl.DataFrame:
    # Pandera counts blanks as duplicates of each other; a blank id is the required check's issue.
    reason = pl.concat_str(
        [_quoted(column), pl.lit(" appears on more than one row; a record id must be unique")]
    )
    return _issue_frame(cases.drop_nulls("value"), column, "unique", reason, "error")


_CORE_CHECKS = {"not_nullable": _required_issues, "field_uniqueness": _unique_issues}


def _column_check_issues(
    column_schema: pa.Column, check: pa.Check, cases: pl.DataFrame, extract_date: date
) -> pl.DataFrame:
    column = column_schema.name
    error = check.error or check.name
    if check.name == "not_after_extract_date":
        error = f"{error} {extract_date:%Y-%m-%d}"
    nullify = (column_schema.metadata or {}).get(ON_FAIL) == NULLIFY
    if check.name == "present":  # the value is blank: nothing to quote
        reason = pl.lit(f"{column} {error}")
    else:
        reason = pl.concat_str([_quoted(column), pl.lit(f" {error}")])
    return _issue_frame(cases, column, check.name, reason, "warning" if nullify else "error")


def _dataframe_check_issues(
    check: pa.Check, cases: pl.DataFrame, prepared: pl.DataFrame
) -> pl.DataFrame:
    """A row-wise rule across columns, reported against the column named in its statistics.

    Pandera gives the whole row as the failure case, so the values are read from the frame.
    """
    stats = check.statistics or {}
    column = stats.get("column")
    if column is None:
        raise RuntimeError(f"dataframe check {check.name!r} does not name the column it reports")
    positions = cases[_POSITION]
    cases = cases.with_columns(prepared[column].gather(positions).alias("value"))
    detail = [pl.lit(f"{check.error} ("), _quoted(column)]
    earlier = stats.get("earlier")
    if earlier is not None:
        other = prepared[earlier].gather(positions)
        detail += [pl.lit(f", {earlier} '"), pl.lit(other), pl.lit("'")]
    reason = pl.concat_str([*detail, pl.lit(")")])
    return _issue_frame(cases, column, check.name, reason, "error")


def _split(prepared: pl.DataFrame, issues: pl.DataFrame) -> ValidationResult:
    """Quarantine rows with an error; null the values with a warning in the rows kept."""
    error_positions = issues.filter(pl.col("severity") == "error")[_POSITION].unique()
    quarantined_row = pl.col(_POSITION).is_in(error_positions.implode())
    issues = issues.with_columns(
        pl.when(pl.col("severity") == "warning")
        .then(
            pl.concat_str(
                [
                    pl.col("reason"),
                    pl.when(quarantined_row).then(pl.lit(_NOT_KEPT)).otherwise(pl.lit(_KEPT)),
                ]
            )
        )
        .otherwise(pl.col("reason"))
        .alias("reason"),
        prepared[ROW].gather(issues[_POSITION]).alias("source_row"),
    )

    indexed = prepared.with_row_index(_POSITION).with_columns(pl.col(_POSITION).cast(pl.Int64))
    warnings = issues.filter(pl.col("severity") == "warning")
    nulled = [
        pl.when(pl.col(_POSITION).is_in(positions[_POSITION].implode()))
        .then(None)
        .otherwise(pl.col(column))
        .alias(column)
        for (column,), positions in warnings.partition_by("column", as_dict=True).items()
    ]
    valid = indexed.filter(~quarantined_row).with_columns(nulled).drop(_POSITION)
    quarantined = indexed.filter(quarantined_row).drop(_POSITION)
    issues = issues.sort([_POSITION, "column"], maintain_order=True).select(list(ISSUE_SCHEMA))
    return ValidationResult(valid=valid, issues=issues, quarantined=quarantined)
