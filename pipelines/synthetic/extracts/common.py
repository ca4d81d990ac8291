"""Pieces every source's tables are made with: the contract columns, date and flag text, ids."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

import numpy as np
import polars as pl

import schemas
from pipelines.synthetic import codes
from pipelines.synthetic.streams import Keyed

CITY_DATE = "%Y-%b-%d 00:00:00"
COUNTY_DATE = "%d/%m/%Y"
ISO_DATE = "%Y-%m-%d"

# The prefix of each Blade table's NativeId.
BLADE_PREFIX = {
    "city_person": "P",
    "city_requests": "R",
    "city_assessment": "A",
    "city_namedplan": "NP",
    "city_plandetail": "PD",
    "city_activeplans": "AP",
    "city_placementdetail": "PL",
    "city_senneed": "SN",
}
SEX_CODES = {
    source: codes.codelist("sex")
    .filter(pl.col("source") == source)
    .group_by("sex", maintain_order=True)
    .agg(pl.col("source_code").first())
    for source in ("city", "county", "icb")
}
# The columns of the true population a person record is made from.
PERSON_DETAILS = (
    "child",
    "forename",
    "surname",
    "dob",
    "male",
    "ethnicity",
    "postcode",
    "previous_postcode",
    "upn",
    "upn_reason",
    "uln",
    "nhs",
    "prev_la",
    "home_la",
    "school",
    "need1",
    "need2",
)


@cache
def columns(table: str) -> tuple[str, ...]:
    """The table's contract columns, in contract order (docs/source-extracts.md)."""
    return tuple(schemas.contract_columns(table))


def source_of(table: str) -> str:
    """The organisation that delivers the table (city, county or icb)."""
    return table.split("_", 1)[0]


@dataclass
class Table:
    name: str
    # contract columns as text, plus `_child` (the true child) and `_key` (the row's key in the
    # whole world, which its random draws are tied to)
    frame: pl.DataFrame

    @property
    def source(self) -> str:
        return source_of(self.name)

    @property
    def id_column(self) -> str:
        return columns(self.name)[0]


def finish(name: str, frame: pl.DataFrame, **values: pl.Expr) -> Table:
    """The table as delivered: its contract columns (those not in `frame` given by `values`) in
    order, plus `_child` (the row's true child) and `_key`."""
    frame = frame.with_columns(**values, _child=pl.col("child"))
    return Table(name, frame.select(*columns(name), "_child", "_key"))


def day_text(column: str, fmt: str) -> pl.Expr:
    value = pl.col(column)
    return pl.when(value >= 0).then(value.cast(pl.Int32).cast(pl.Date).dt.strftime(fmt))


def flag(column: str | pl.Expr, yes: str, no: str) -> pl.Expr:
    value = pl.col(column) if isinstance(column, str) else column
    return pl.when(value).then(pl.lit(yes)).otherwise(pl.lit(no))


def sex(source: str, male: pl.Expr) -> pl.Expr:
    """The source's own code for each person's sex."""
    table = dict(SEX_CODES[source].iter_rows())
    return pl.when(male).then(pl.lit(table["M"])).otherwise(pl.lit(table["F"]))


def upn_unknown() -> pl.Expr:
    """Why the UPN is missing, on rows without one (UN8 where the child's reason is unknown)."""
    return pl.when(pl.col("upn").is_null()).then(
        pl.col("upn_reason").fill_null(codes.code("upn_unknown", "UN8"))
    )


def setting_code() -> pl.Expr:
    """The SEN setting code, null where the placement has none."""
    return pl.when(pl.col("sen_setting") != "").then("sen_setting")


def lookup(column: str | pl.Expr, values) -> pl.Expr:
    """Map an integer index column onto `values` (null where out of range)."""
    value = pl.col(column) if isinstance(column, str) else column
    return value.cast(pl.Int64).replace_strict(
        dict(enumerate(values)), default=None, return_dtype=pl.String
    )


def with_ids(
    frame: pl.DataFrame,
    keyed: Keyed,
    column: str,
    universe: int,
    start: int = 1,
    *,
    text: str = "{}",
    low: int | None = None,
    high: int | None = None,
) -> pl.DataFrame:
    """Add a unique id column from each row's `_key` (0 … universe-1): the ids of the whole
    world shuffled (sequential from `start`, or random in [low, high)), so a row keeps its id in
    every delivery."""
    keys = frame["_key"].to_numpy()
    if low is not None:
        values = keyed.numbers(keys, column, universe, low, high)
    else:
        values = keyed.ids(keys, column, universe, start)
    prefix, suffix = text.split("{}")
    ids = pl.Series(values.astype(np.int64)).cast(pl.String)
    return frame.with_columns((pl.lit(prefix) + pl.lit(ids) + pl.lit(suffix)).alias(column))


def blade(frame: pl.DataFrame, keyed: Keyed, table: str, universe: int) -> pl.DataFrame:
    """Blade housekeeping columns: table id, native id, order sequence, source id."""
    module = table.split("_", 1)[1]
    id_column = columns(table)[0]
    frame = with_ids(frame, keyed, id_column, universe)
    frame = with_ids(
        frame,
        keyed,
        "NativeId",
        universe,
        text=BLADE_PREFIX[table] + "{}",
        low=1_000_000,
        high=9_999_999,
    )
    frame = frame.sort(pl.col(id_column).cast(pl.Int64))
    return frame.with_columns(
        pl.int_range(1, frame.height + 1).cast(pl.String).alias(f"{module}orderseqcolumn"),
        sourceid=pl.lit("1"),
    )


def size(ids: pl.Series) -> int:
    """Size of a key space 0 … max (a key is a dense row number of the whole world)."""
    return int(ids.max()) + 1 if ids.len() else 0
