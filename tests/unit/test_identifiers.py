"""Identifier algorithms: known examples, and the scalar and polars forms agreeing."""

from __future__ import annotations

import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from schemas.identifiers import (
    UPN_ALPHABET,
    nhs_number_check_digit,
    nhs_number_is_valid,
    nhs_number_valid_expr,
    nhs_number_valid_sql,
    normalise_nhs_number,
    normalise_postcode,
    postcode_is_valid,
    postcode_valid_expr,
    uln_is_valid,
    uln_valid_expr,
    upn_check_letter,
    upn_is_valid,
    upn_valid_expr,
    upn_valid_sql,
)


def _expr_results(expr_fn, values: list[str | None]) -> list[bool]:
    frame = pl.DataFrame({"value": values}, schema={"value": pl.String})
    return frame.lazy().select(expr_fn(pl.col("value"))).collect().to_series().to_list()


# --- known examples ------------------------------------------------------------------------------

UPN_CASES = [
    ("B801200005001", True),
    ("b801200005001", True),  # case and surrounding spaces are forgiven
    (" B801200005001 ", True),
    ("A801200005001", False),  # wrong check letter
    ("P89212341900A", True),  # temporary UPN: serial ends in a letter
    ("B89212341900A", False),
    ("I801200005001", False),  # I, O and S are never check letters
    ("B80120000500", False),  # too short
    ("B8012000050011", False),  # too long
    ("UN1", False),
    ("", False),
]

NHS_CASES = [
    ("9434765919", True),
    ("943 476 5919", True),
    ("943-476-5919", True),
    ("9434765918", False),  # wrong check digit
    ("9990000018", True),  # 999 range: valid but never issued (synthetic data)
    ("9990000026", True),
    ("9999999999", True),
    ("9990000019", False),
    ("9991234560", False),  # 999123456 has no possible check digit (remainder 10)
    ("943476591", False),
    ("94347659190", False),
    ("943476591X", False),
    ("", False),
]

ULN_CASES = [
    ("1234567899", True),
    ("9999999999", True),  # the temporary ULN
    ("1234567890", False),
    ("1000000060", False),  # weighted sum divisible by 11: never valid
    ("123456789", False),
    ("123456789A", False),
]

POSTCODE_CASES = [
    ("NG1 5DT", True),
    ("ng15dt", True),
    ("NG18 1AB", True),
    ("W1A 1AA", True),
    ("EC1A 1BB", True),
    ("S80 2AB", True),
    ("DN22 7XX", True),
    ("ZZ99 3VZ", True),  # NHS pseudo-postcode
    ("QQ1 1AA", False),  # Q never starts a postcode
    ("NG1", False),
    ("NG1 5D", False),
    ("12345", False),
    ("NG1 5CT", False),  # C never appears in the inward code
]


@pytest.mark.parametrize(("value", "valid"), UPN_CASES)
def test_upn_examples(value, valid):
    assert upn_is_valid(value) is valid
    assert _expr_results(upn_valid_expr, [value]) == [valid]


@pytest.mark.parametrize(("value", "valid"), NHS_CASES)
def test_nhs_number_examples(value, valid):
    assert nhs_number_is_valid(value) is valid
    assert _expr_results(nhs_number_valid_expr, [value]) == [valid]


@pytest.mark.parametrize(("value", "valid"), ULN_CASES)
def test_uln_examples(value, valid):
    assert uln_is_valid(value) is valid
    assert _expr_results(uln_valid_expr, [value]) == [valid]


@pytest.mark.parametrize(("value", "valid"), POSTCODE_CASES)
def test_postcode_examples(value, valid):
    assert postcode_is_valid(value) is valid
    assert _expr_results(postcode_valid_expr, [value]) == [valid]


def test_nulls_are_never_valid():
    for scalar, expr in [
        (upn_is_valid, upn_valid_expr),
        (nhs_number_is_valid, nhs_number_valid_expr),
        (uln_is_valid, uln_valid_expr),
        (postcode_is_valid, postcode_valid_expr),
    ]:
        assert scalar(None) is False
        assert _expr_results(expr, [None]) == [False]


def test_helpers():
    assert upn_check_letter("801200005001") == "B"
    assert nhs_number_check_digit("943476591") == 9
    assert nhs_number_check_digit("999123456") is None
    assert normalise_nhs_number(" 943 476 5919 ") == "9434765919"
    assert normalise_postcode("ng15dt") == "NG1 5DT"
    with pytest.raises(ValueError):
        upn_check_letter("123")


# --- properties ----------------------------------------------------------------------------------

_LETTERS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
_digits = st.text(alphabet="0123456789", min_size=1, max_size=1)
_noise = st.text(alphabet="0123456789 -abxzAXZIOS", max_size=15)


def _digit_string(size: int):
    return st.text(alphabet="0123456789", min_size=size, max_size=size)


_upn_like = st.one_of(
    _noise,
    st.builds(
        lambda first, body, last: first + body + last,
        st.sampled_from(_LETTERS),
        _digit_string(11),
        st.sampled_from("0123456789" + UPN_ALPHABET + "IOS"),
    ),
)
_ten_digit_like = st.one_of(
    _noise,
    _digit_string(10),
    st.builds(lambda a, b, c: f"{a} {b} {c}", _digit_string(3), _digit_string(3), _digit_string(4)),
)
_postcode_like = st.one_of(
    st.text(alphabet="ABDEGHNQSTWXZ0123456789 ", max_size=9),
    st.builds(
        lambda area, district, sector, unit: f"{area}{district} {sector}{unit}",
        st.sampled_from(["NG", "DN", "S", "W", "EC", "ZZ", "Q", "X"]),
        st.integers(0, 99).map(str),
        _digits,
        st.text(alphabet="ABCDEFGHIJKLMNOPQRSTUVWXYZ", min_size=2, max_size=2),
    ),
)


@settings(max_examples=60, deadline=None)
@given(st.lists(_upn_like, min_size=1, max_size=40))
def test_upn_scalar_and_expression_agree(values):
    assert _expr_results(upn_valid_expr, values) == [upn_is_valid(v) for v in values]


@settings(max_examples=60, deadline=None)
@given(st.lists(_ten_digit_like, min_size=1, max_size=40))
def test_nhs_number_scalar_and_expression_agree(values):
    assert _expr_results(nhs_number_valid_expr, values) == [nhs_number_is_valid(v) for v in values]


@settings(max_examples=60, deadline=None)
@given(st.lists(_ten_digit_like, min_size=1, max_size=40))
def test_uln_scalar_and_expression_agree(values):
    assert _expr_results(uln_valid_expr, values) == [uln_is_valid(v) for v in values]


@settings(max_examples=60, deadline=None)
@given(st.lists(_postcode_like, min_size=1, max_size=40))
def test_postcode_scalar_and_expression_agree(values):
    assert _expr_results(postcode_valid_expr, values) == [postcode_is_valid(v) for v in values]


def _sql_results(form, values: list[str | None]) -> list[bool]:
    import duckdb

    con = duckdb.connect()
    rows = con.execute(
        f"select {form('v')} from unnest(?::varchar[]) with ordinality as t(v, i) order by i",
        [values],
    ).fetchall()
    return [bool(valid) for (valid,) in rows]


def _compact(value: str | None) -> str | None:
    """As identity resolution normalises identifiers: upper case, no spaces or hyphens."""
    return None if value is None else value.upper().replace(" ", "").replace("-", "") or None


@settings(max_examples=60, deadline=None)
@given(st.lists(_upn_like, min_size=1, max_size=40))
def test_upn_sql_agrees_with_the_scalar_form(values):
    values = [_compact(v) for v in values]
    assert _sql_results(upn_valid_sql, values) == [upn_is_valid(v) for v in values]


@settings(max_examples=60, deadline=None)
@given(st.lists(_ten_digit_like, min_size=1, max_size=40))
def test_nhs_number_sql_agrees_with_the_scalar_form(values):
    values = [_compact(v) for v in values]
    assert _sql_results(nhs_number_valid_sql, values) == [nhs_number_is_valid(v) for v in values]


@st.composite
def _valid_nhs_numbers(draw) -> str:
    first9 = draw(_digit_string(9).filter(lambda d: nhs_number_check_digit(d) is not None))
    return first9 + str(nhs_number_check_digit(first9))


@settings(max_examples=200, deadline=None)
@given(_valid_nhs_numbers(), st.integers(0, 9), st.integers(1, 9))
def test_any_single_digit_change_to_an_nhs_number_is_detected(number, position, shift):
    assert nhs_number_is_valid(number)
    changed_digit = str((int(number[position]) + shift) % 10)
    changed = number[:position] + changed_digit + number[position + 1 :]
    assert not nhs_number_is_valid(changed)
    assert _expr_results(nhs_number_valid_expr, [number, changed]) == [True, False]
