"""Code lists: the CSV files in schemas/codelists/, read once and shared by every contract.

Each file is the one definition of its codes (dbt reads the same files as seeds), so contracts ask
for codes by list name here rather than spelling them out. Every value is read as text: codes such
as '01' or '1' must match the raw text exactly.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

import polars as pl

CODELIST_DIR = Path(__file__).parent / "codelists"


def code_list_names() -> list[str]:
    return sorted(path.stem for path in CODELIST_DIR.glob("*.csv"))


def code_list_path(name: str) -> str:
    """Where a list lives, relative to the repository root, for messages people act on."""
    return f"schemas/codelists/{name}.csv"


@cache
def code_list(name: str) -> pl.DataFrame:
    """The whole list as text columns; raises KeyError for an unknown list."""
    path = CODELIST_DIR / f"{name}.csv"
    if not path.is_file():
        raise KeyError(f"no code list {name!r} in {CODELIST_DIR}")
    return pl.read_csv(path, infer_schema=False)


def _filtered(name: str, where: dict[str, str]) -> pl.DataFrame:
    frame = code_list(name)
    unknown = set(where) - set(frame.columns)
    if unknown:
        raise KeyError(f"code list {name!r} has no column(s) {sorted(unknown)}")
    for column, value in where.items():
        frame = frame.filter(pl.col(column) == value)
    return frame


def code_column(name: str, column: str | None = None, **where: str) -> tuple[str, ...]:
    """One column of a list in file order (the first column when none is named).

    Keyword arguments keep only the rows where that column has that value, e.g.
    ``code_column("sex", "source_code", source="city")``.
    """
    frame = _filtered(name, where)
    return tuple(frame.get_column(column or frame.columns[0]).to_list())


@cache
def _codes(name: str, column: str | None, where: tuple[tuple[str, str], ...]) -> frozenset[str]:
    return frozenset(code_column(name, column, **dict(where)))


def codes(name: str, column: str | None = None, **where: str) -> frozenset[str]:
    """The set of valid codes in a list (same arguments as :func:`code_column`)."""
    return _codes(name, column, tuple(sorted(where.items())))


def code_map(name: str, key: str, value: str, **where: str) -> dict[str, str]:
    """Two columns of a list as a mapping, e.g. county need code -> SEN2 type."""
    frame = _filtered(name, where)
    return dict(zip(frame.get_column(key), frame.get_column(value), strict=True))


def county_plan_need_codes() -> frozenset[str]:
    """County need codes allowed in an EHC plan: those whose SEN2 type is not census-only (NSA)."""
    plan_types = codes("sen_type", census_only="false")
    return frozenset(
        county
        for county, sen_type in code_map("county_need_code", "county_need_code", "sen_type").items()
        if sen_type in plan_types
    )
