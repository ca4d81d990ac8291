"""Identifier check algorithms: UPN, ULN, NHS number and UK postcode.

The one definition of each algorithm in the project (domain brief §2.2). Each comes as a scalar
function for tests and single values, and a polars expression for whole columns, so a million rows
validate in well under a second; the NHS number and UPN checks also as DuckDB SQL, for identity
resolution, which works inside DuckDB. The generator uses the same functions to build valid
identifiers. Tests hold every form to the scalar one.
"""

from __future__ import annotations

import re

import polars as pl

# UPN check letters: 23 letters, no I, O or S.
UPN_ALPHABET = "ABCDEFGHJKLMNPQRTUVWXYZ"
UPN_PATTERN = r"^[ABCDEFGHJKLMNPQRTUVWXYZ][0-9]{11}[0-9ABCDEFGHJKLMNPQRTUVWXYZ]$"
TEMPORARY_ULN = "9999999999"

# BS 7666 shapes (A9 9AA … AA9A 9AA), plus the ZZ99 pseudo-postcodes used in NHS data.
POSTCODE_PATTERN = (
    r"^(([A-PR-UWYZ][0-9][0-9]?|[A-PR-UWYZ][A-HK-Y][0-9][0-9]?|[A-PR-UWYZ][0-9][A-HJKPSTUW]"
    r"|[A-PR-UWYZ][A-HK-Y][0-9][ABEHMNPRVWXY]) ?[0-9][ABD-HJLNP-UWXYZ]{2}|ZZ99 ?[0-9][A-Z]{2})$"
)
_POSTCODE_RE = re.compile(POSTCODE_PATTERN)
_UPN_RE = re.compile(UPN_PATTERN)


# --- scalar forms -------------------------------------------------------------------------------


def upn_check_letter(body: str) -> str:
    """Check letter for the 12 characters after it (positions 2–13 of a UPN)."""
    if len(body) != 12:
        raise ValueError(f"a UPN body has 12 characters, got {len(body)}")
    total = 0
    for position, char in enumerate(body, start=2):
        value = UPN_ALPHABET.index(char) if position == 13 and char.isalpha() else int(char)
        total += value * position
    return UPN_ALPHABET[total % 23]


def upn_is_valid(upn: str | None) -> bool:
    if upn is None:
        return False
    upn = upn.strip().upper()
    return bool(_UPN_RE.match(upn)) and upn_check_letter(upn[1:]) == upn[0]


def normalise_nhs_number(value: str | None) -> str | None:
    """Digits only ("943 476 5919" → "9434765919"); None when empty."""
    if value is None:
        return None
    digits = re.sub(r"[\s-]", "", value)
    return digits or None


def nhs_number_check_digit(first9: str) -> int | None:
    """Modulus-11 check digit for the first nine digits; None when no digit is possible (10)."""
    check = 11 - sum(int(d) * w for d, w in zip(first9, range(10, 1, -1), strict=True)) % 11
    if check == 11:
        return 0
    return None if check == 10 else check


def nhs_number_is_valid(value: str | None) -> bool:
    digits = normalise_nhs_number(value)
    if digits is None or len(digits) != 10 or not digits.isdigit():
        return False
    return nhs_number_check_digit(digits[:9]) == int(digits[9])


def uln_is_valid(value: str | None) -> bool:
    if value is None:
        return False
    value = value.strip()
    if len(value) != 10 or not value.isdigit():
        return False
    if value == TEMPORARY_ULN:
        return True
    r = sum(int(d) * w for d, w in zip(value[:9], range(10, 1, -1), strict=True)) % 11
    return r != 0 and int(value[9]) == 10 - r


def normalise_postcode(value: str | None) -> str | None:
    """Upper case with one space before the inward code ("ng15dt" → "NG1 5DT")."""
    if value is None:
        return None
    compact = re.sub(r"\s+", "", value).upper()
    if len(compact) < 5:
        return compact or None
    return f"{compact[:-3]} {compact[-3:]}"


def postcode_is_valid(value: str | None) -> bool:
    normalised = normalise_postcode(value)
    return normalised is not None and bool(_POSTCODE_RE.match(normalised))


# --- polars expression forms ---------------------------------------------------------------------


def _digit(expr: pl.Expr, offset: int) -> pl.Expr:
    return expr.str.slice(offset, 1).cast(pl.Int64, strict=False)


def upn_check_letter_expr(body: pl.Expr) -> pl.Expr:
    """Check letter for a column of 12-character UPN bodies (digits, last may be a letter)."""
    last = body.str.slice(11, 1)
    last_value = (
        pl.when(last.str.contains(r"^[0-9]$"))
        .then(last.cast(pl.Int64, strict=False))
        .otherwise(_alphabet_index(last))
    )
    total = _weighted_digit_sum(body.str.slice(0, 11), 11, lambda i: i + 2) + last_value * 13
    return pl.lit(UPN_ALPHABET).str.slice(total % 23, 1)


def _alphabet_index(letter: pl.Expr) -> pl.Expr:
    expr = pl.lit(None, dtype=pl.Int64)
    for index, char in enumerate(UPN_ALPHABET):
        expr = pl.when(letter == char).then(pl.lit(index, dtype=pl.Int64)).otherwise(expr)
    return expr


def upn_valid_expr(upn: pl.Expr) -> pl.Expr:
    upn = upn.str.strip_chars().str.to_uppercase()
    return upn.str.contains(UPN_PATTERN).fill_null(False) & (
        upn.str.slice(0, 1) == upn_check_letter_expr(upn.str.slice(1, 12))
    ).fill_null(False)


def normalise_nhs_number_expr(value: pl.Expr) -> pl.Expr:
    digits = value.str.replace_all(r"[\s-]", "")
    return pl.when(digits.str.len_chars() > 0).then(digits)


def _weighted_digit_sum(digits: pl.Expr, count: int, weight) -> pl.Expr:
    """Sum of digit i (from the left) times weight(i) over a string of `count` digits, by integer
    arithmetic on the whole number (much faster than slicing each character)."""
    number = digits.str.to_integer(strict=False)
    return sum(((number // 10 ** (count - 1 - i)) % 10) * weight(i) for i in range(count))


def nhs_check_digit_expr(first9: pl.Expr) -> pl.Expr:
    """Check digit for a column of nine-digit strings; null where the number cannot be valid."""
    total = _weighted_digit_sum(first9, 9, lambda i: 10 - i)
    check = 11 - total % 11
    return pl.when(check == 11).then(0).when(check == 10).then(None).otherwise(check)


def nhs_number_valid_expr(value: pl.Expr) -> pl.Expr:
    digits = normalise_nhs_number_expr(value)
    return (
        digits.str.contains(r"^[0-9]{10}$")
        & (nhs_check_digit_expr(digits.str.slice(0, 9)) == _digit(digits, 9))
    ).fill_null(False)


def uln_valid_expr(value: pl.Expr) -> pl.Expr:
    value = value.str.strip_chars()
    r = sum(_digit(value, i) * (10 - i) for i in range(9)) % 11
    checked = (r != 0) & (_digit(value, 9) == 10 - r)
    return (value.str.contains(r"^[0-9]{10}$") & ((value == TEMPORARY_ULN) | checked)).fill_null(
        False
    )


def normalise_postcode_expr(value: pl.Expr) -> pl.Expr:
    compact = value.str.replace_all(r"\s+", "").str.to_uppercase()
    n = compact.str.len_chars()
    spaced = pl.concat_str([compact.str.slice(0, n - 3), pl.lit(" "), compact.str.slice(n - 3)])
    return pl.when(n >= 5).then(spaced).when(n > 0).then(compact)


def postcode_valid_expr(value: pl.Expr) -> pl.Expr:
    return normalise_postcode_expr(value).str.contains(POSTCODE_PATTERN).fill_null(False)


# --- DuckDB SQL forms ----------------------------------------------------------------------------


def _sql_digit(column: str, position: int) -> str:
    return f"try_cast(substr({column}, {position}, 1) as integer)"


def nhs_number_valid_sql(column: str) -> str:
    """SQL: whether `column` (digits only, as normalised) is a valid NHS number."""
    total = " + ".join(f"{_sql_digit(column, i + 1)} * {10 - i}" for i in range(9))
    return (
        f"coalesce(regexp_full_match({column}, '[0-9]{{10}}') "
        f"and (11 - ({total}) % 11) % 11 = {_sql_digit(column, 10)}, false)"
    )


def upn_valid_sql(column: str) -> str:
    """SQL: whether `column` (upper case, no spaces) is a valid UPN."""
    digits = " + ".join(f"{_sql_digit(column, i + 2)} * {i + 2}" for i in range(11))
    last = (
        f"coalesce({_sql_digit(column, 13)}, instr('{UPN_ALPHABET}', substr({column}, 13, 1)) - 1)"
    )
    return (
        f"coalesce(regexp_full_match({column}, '{UPN_PATTERN[1:-1]}') "
        f"and substr('{UPN_ALPHABET}', ({digits} + {last} * 13) % 23 + 1, 1) "
        f"= substr({column}, 1, 1), false)"
    )
