"""Reusable Pandera checks for raw extract columns, all vectorised polars expressions.

Every raw value is text, so each check reads the text as delivered. A check's ``error`` completes
the sentence "<column> '<value>' ..." and is what a person sees in the quarantine log; its
``name`` is the rule recorded there. Element checks give null for a blank value so blanks pass
(whether a blank is allowed is the column's ``nullable``), and one bad value fails one check only:
the date-range and check-digit checks skip values whose format check already failed.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import date
from typing import Any

import pandera.polars as pa
import polars as pl
from pandera.api.polars.types import PolarsData

from schemas.codes import code_list_path, codes
from schemas.identifiers import (
    UPN_PATTERN,
    nhs_number_valid_expr,
    normalise_nhs_number_expr,
    postcode_valid_expr,
    uln_valid_expr,
    upn_valid_expr,
)

# polars' %Y also accepts two-digit years ("24" -> year 24), so older dates are treated as typos.
EARLIEST_YEAR = 1900

ON_FAIL = "on_fail"
NULLIFY = "nullify"
IDENTIFYING = "identifying"


_EXTRACT_DATE: ContextVar[date | None] = ContextVar("extract_date", default=None)


@contextmanager
def extract_date_context(extract_date: date) -> Iterator[None]:
    """Dates are checked against this extract date (today when none is set)."""
    token = _EXTRACT_DATE.set(extract_date)
    try:
        yield
    finally:
        _EXTRACT_DATE.reset(token)


def current_extract_date() -> date:
    return _EXTRACT_DATE.get() or date.today()


def date_example(fmt: str) -> str:
    return date(2022, 9, 28).strftime(fmt)


def parse_date(value: pl.Expr, fmt: str) -> pl.Expr:
    """The text as a date, or null when it is not a date in this format."""
    parsed = value.str.to_date(fmt, strict=False)
    return pl.when(parsed.dt.year() >= EARLIEST_YEAR).then(parsed)


# --- element checks ------------------------------------------------------------------------------


def _element_check(
    test: Callable[[pl.Expr], pl.Expr], *, name: str, error: str, **statistics: Any
) -> pa.Check:
    """A column check that tests each non-blank value with a polars expression."""

    def check_fn(data: PolarsData) -> pl.LazyFrame:
        value = pl.col(data.key)
        return data.lazyframe.select(pl.when(value.is_not_null()).then(test(value)))

    return pa.Check(check_fn, name=name, error=error, statistics=statistics or None)


def present() -> pa.Check:
    """The value is not blank: for a column whose blanks are warnings rather than errors."""

    def check_fn(data: PolarsData) -> pl.LazyFrame:
        return data.lazyframe.select(pl.col(data.key).is_not_null())

    return pa.Check(check_fn, name="present", error="is blank", ignore_na=False)


def date_format(fmt: str) -> pa.Check:
    return _element_check(
        lambda v: parse_date(v, fmt).is_not_null(),
        name="date_format",
        error=f"is not a date in the form {date_example(fmt)}",
        format=fmt,
    )


def not_after_extract_date(fmt: str) -> pa.Check:
    """For events that must already have happened; the reference date is set per validation."""

    def test(value: pl.Expr) -> pl.Expr:
        return parse_date(value, fmt) <= pl.lit(current_extract_date())

    return _element_check(
        test, name="not_after_extract_date", error="is after the extract date", format=fmt
    )


def in_code_list(list_name: str, what: str, column: str | None = None, **where: str) -> pa.Check:
    """Value is one of the codes in schemas/codelists/<list_name>.csv (optionally filtered)."""
    allowed = sorted(codes(list_name, column, **where))
    return in_codes(allowed, what, list_name)


def in_codes(allowed: frozenset[str] | list[str], what: str, list_name: str) -> pa.Check:
    """Value is one of ``allowed``, codes derived from the named list."""
    allowed = sorted(allowed)
    return _element_check(
        lambda v: v.is_in(allowed),
        name="code_list",
        error=f"is not {what} (see {code_list_path(list_name)})",
        code_list=list_name,
    )


def flag(source: str) -> pa.Check:
    return in_code_list("flag", f"a {source} flag value", "flag_value", source=source)


def integer() -> pa.Check:
    return _element_check(
        lambda v: v.str.contains(r"^[0-9]+$"), name="integer", error="is not a whole number"
    )


def la_code() -> pa.Check:
    """Old-style three-digit local authority number (e.g. 891)."""
    return _element_check(
        lambda v: v.str.contains(r"^[0-9]{3}$"),
        name="la_code",
        error="is not a three-digit local authority code such as 891",
    )


def decimal_amount() -> pa.Check:
    """A money amount: 12345, 12345.00, 12,345.00 or £12,345.00."""
    pattern = r"^£?([0-9]{1,3}(,[0-9]{3})+|[0-9]+)(\.[0-9]{1,2})?$"
    return _element_check(
        lambda v: v.str.contains(pattern),
        name="decimal_amount",
        error="is not an amount in pounds such as 12345.00 or £12,345.00",
    )


def _upn_text(value: pl.Expr) -> pl.Expr:
    return value.str.strip_chars().str.to_uppercase()


def upn_format() -> pa.Check:
    return _element_check(
        lambda v: _upn_text(v).str.contains(UPN_PATTERN),
        name="upn_format",
        error="is not a UPN (a check letter then 12 characters, e.g. B801200005001)",
    )


def upn_check_letter() -> pa.Check:
    return _element_check(
        lambda v: pl.when(_upn_text(v).str.contains(UPN_PATTERN)).then(upn_valid_expr(v)),
        name="upn_check_letter",
        error="has the wrong UPN check letter",
    )


def upn() -> list[pa.Check]:
    return [upn_format(), upn_check_letter()]


def _ten_digits(value: pl.Expr) -> pl.Expr:
    return value.str.contains(r"^[0-9]{10}$")


def nhs_number() -> list[pa.Check]:
    return [
        _element_check(
            lambda v: _ten_digits(normalise_nhs_number_expr(v)).fill_null(False),
            name="nhs_number_format",
            error="is not an NHS number (10 digits, spaces allowed)",
        ),
        _element_check(
            lambda v: pl.when(_ten_digits(normalise_nhs_number_expr(v))).then(
                nhs_number_valid_expr(v)
            ),
            name="nhs_number_check_digit",
            error="fails the NHS number modulus-11 check digit",
        ),
    ]


def uln() -> list[pa.Check]:
    return [
        _element_check(
            lambda v: _ten_digits(v.str.strip_chars()),
            name="uln_format",
            error="is not a ULN (10 digits)",
        ),
        _element_check(
            lambda v: pl.when(_ten_digits(v.str.strip_chars())).then(uln_valid_expr(v)),
            name="uln_check_digit",
            error="fails the ULN check digit",
        ),
    ]


def postcode() -> pa.Check:
    return _element_check(
        postcode_valid_expr, name="postcode", error="is not a UK postcode such as NG1 5DT"
    )


# --- dataframe checks ----------------------------------------------------------------------------


def dates_in_order(earlier: str, later: str, fmt: str) -> classmethod:
    """Model-level check that ``later`` is not before ``earlier`` when both are dates.

    Use as a class attribute of a DataFrameModel: ``_order = dates_in_order("a", "b", ISO_DATE)``.
    The failure is reported against ``later``.
    """

    def check_fn(cls, data: PolarsData) -> pl.LazyFrame:
        in_order = parse_date(pl.col(later), fmt) >= parse_date(pl.col(earlier), fmt)
        return data.lazyframe.select(in_order.alias(later))

    return pa.dataframe_check(
        name="date_order",
        error=f"{later} is before {earlier}",
        statistics={"column": later, "earlier": earlier, "format": fmt},
        description=f"{later} is on or after {earlier}",
    )(check_fn)


# --- fields --------------------------------------------------------------------------------------


def field(
    *checks: pa.Check | list[pa.Check],
    required: bool = False,
    unique: bool = False,
    nullify: bool = False,
    identifying: bool = False,
) -> Any:
    """A contract column (always text) with its checks.

    ``required`` columns must be present and never blank; a failure quarantines the row.
    ``nullify`` marks an optional column whose bad value does not make the row unusable (an
    identifier-like value, an ethnicity, a plan's reason for ending): a value failing its checks
    is set to null with a warning and the row is kept.
    ``identifying`` marks a person's name, birth date or sex in a table whose rows the person's
    other records hang on (the city's persons, the county's clients, the ICB's patients): the
    column must be present, but a blank or failing value is a warning (set to null, row kept).
    Quarantining the row would cut the child off from every request, assessment and plan that
    names it, and linkage identifies a child with any one field missing or wrong.
    """
    if nullify and required:
        raise ValueError("a required column cannot be nullified")
    if identifying and (required or nullify):
        raise ValueError("an identifying column is neither required nor merely nullified")
    metadata = None
    if identifying:
        checks = (*checks, present())
        metadata = {ON_FAIL: NULLIFY, IDENTIFYING: True}
    elif nullify:
        metadata = {ON_FAIL: NULLIFY}
    info = pa.Field(nullable=not required, required=required, unique=unique, metadata=metadata)
    for check in checks:
        info.checks.extend(check if isinstance(check, list) else [check])
    return info


class ContractModel(pa.DataFrameModel):
    """Base of every source contract: raw text columns, extra columns allowed (ignored)."""

    class Config:
        strict = False
        coerce = False
