"""Code lists for the generator, read through `schemas.codes` (the one reader of the CSV files).

Generator logic sometimes needs one particular code (the transfer cease reason, the ASD need).
`code()` returns it only after checking the code list holds it, so a renamed code fails loudly
here instead of producing extracts that the contracts quarantine.
"""

from __future__ import annotations

import polars as pl

from schemas.codes import code_column, code_list


def codelist(name: str) -> pl.DataFrame:
    """The code list `name`, every column as text, in file order."""
    return code_list(name)


def values(name: str, column: str | None = None) -> list[str]:
    """The codes of a list (its first column unless `column` is given), in file order."""
    return list(code_column(name, column))


def code(name: str, value: str, column: str | None = None) -> str:
    """`value`, after checking that code list `name` holds it."""
    if value not in values(name, column):
        raise KeyError(f"{value!r} is not in code list {name!r}")
    return value


def mapping(name: str, key: str, value: str) -> dict[str, str]:
    """`key` → `value` from a code list; the first row wins for a repeated key."""
    result: dict[str, str] = {}
    for k, v in code_list(name).select(key, value).iter_rows():
        result.setdefault(k, v)
    return result


def inverse(name: str, key: str, value: str) -> dict[str, str]:
    """`value` → first `key` listed for it (e.g. SEN2 cease reason → county end-reason text)."""
    return mapping(name, value, key)
