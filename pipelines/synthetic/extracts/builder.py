"""`Builder`: the world's state every table is cut from, and the record pieces shared by sources.

Each `build_*` stage hands the work to its source's module (city.py, county.py, lists.py,
icb.py), which adds one table at a time; `take()` hands over what a stage built.
"""

from __future__ import annotations

import polars as pl

from pipelines.synthetic import calibration as cal
from pipelines.synthetic import records
from pipelines.synthetic.dates import latest_census_day
from pipelines.synthetic.extracts import city, county, icb, lists
from pipelines.synthetic.extracts.common import (
    PERSON_DETAILS,
    Table,
    blade,
    columns,
    finish,
    size,
    source_of,
    with_ids,
)
from pipelines.synthetic.streams import Bound, Keyed


class Builder:
    """Builds every table from the generated world, collecting planted issues on the way."""

    def __init__(self, world) -> None:
        self.world = world
        self.seed = world.seed
        self.tables: dict[str, Table] = {}
        self.issues: list[pl.DataFrame] = []
        people = world.people.frame
        self.people = people
        self.upn_pool = people["upn"].drop_nulls()
        self.nhs_pool = people["nhs"].drop_nulls()
        settings = world.settings.with_row_index("setting").with_columns(
            pl.col("setting").cast(pl.Int64)
        )
        self.settings = settings.select(
            "setting", "urn", "ukprn", "la_code", "estab_number", "setting_type"
        )
        self.census_day = latest_census_day(world.as_at)
        # The county's client records, for its top-up list (set by build_county).
        self.county_clients: pl.DataFrame | None = None
        # Key spaces of the whole world (not of this delivery's cut), so ids drawn from them
        # are the same in every delivery.
        whole = world.whole
        self.universe = {
            "child": whole.people.frame.height,
            "patient": 8 * whole.people.frame.height,  # child × provider
            "request": size(whole.ehcp.requests["request"]),
            "plan": size(whole.ehcp.plans["plan"]),
            "plan_setting": size(whole.ehcp.plan_settings["plan_setting"]),
            "placement": size(whole.ehcp.placements["placement"]),
            "need_row": size(whole.ehcp.needs["need_row"]),
            "review": size(whole.ehcp.reviews["review"]),
            "line": size(whole.funding["line"]),
        }
        # Each council's children over the whole world, numbered densely (a record's key is
        # 2 × number + 0 or 1), and those with a second council record: decided on the whole
        # world, so a child's records are the same in every delivery.
        self.duplicated = {}
        self.known = {}
        for council in (cal.CITY, cal.COUNTY):
            known = pl.concat(
                [
                    frame.filter(pl.col("la") == council).select("child")
                    for frame in (whole.ehcp.requests, whole.ehcp.plans)
                ]
            ).unique()
            self.known[council] = known.sort("child").with_row_index("number")
            multi = (
                whole.ehcp.requests.filter(pl.col("la") == council)
                .group_by("child")
                .len()
                .filter(pl.col("len") >= 2)
                .sort("child")["child"]
            )
            chosen = self.keyed(f"people/{council}").random(multi.to_numpy(), "duplicate") < 0.3
            self.duplicated[council] = multi.filter(pl.Series(chosen))

    # --- the stages generator.py runs ---------------------------------------------------------

    def build_city(self) -> None:
        city.build(self)

    def build_county(self) -> None:
        county.build(self)

    def build_lists(self) -> None:
        lists.build(self)

    def build_icb(self) -> None:
        icb.build(self)

    def take(self) -> dict[str, Table]:
        """The tables built since the last call, handed over (and forgotten here)."""
        tables, self.tables = self.tables, {}
        return tables

    # --- shared pieces ------------------------------------------------------------------------

    def keyed(self, name: str) -> Keyed:
        return Keyed(self.seed, f"extract/{name}")

    def rows(self, name: str, keys) -> Bound:
        """Draws for one table's rows, tied to their keys."""
        return Bound(self.seed, f"extract/rows/{name}", keys)

    def add(self, name: str, frame: pl.DataFrame, **values: pl.Expr) -> None:
        """Add table `name` cut from `frame`, its other contract columns given by `values`."""
        self.tables[name] = finish(name, frame, **values)

    def person_view(self, child: pl.Series, council: int | None) -> pl.DataFrame:
        """True details of each child as a council (or health) record starts out."""
        frame = pl.DataFrame({"child": child}).join(
            self.people.select(PERSON_DETAILS), on="child", how="left", maintain_order="left"
        )
        if council is not None:
            # A child who moved out of the partnership keeps the old address on the council's
            # record; one who moved to the partner council carries the new one (the council
            # knows where the family went: that is why it ceased the plan for transfer).
            moved_away = (
                (pl.col("prev_la") == council)
                & (pl.col("home_la") != council)
                & (pl.col("home_la") != 1 - council)
            )
            frame = frame.with_columns(
                postcode=pl.when(moved_away & pl.col("previous_postcode").is_not_null())
                .then("previous_postcode")
                .otherwise("postcode"),
                previous_postcode=pl.when(moved_away).then(None).otherwise("previous_postcode"),
            )
        return frame

    def corrupt(
        self, frame: pl.DataFrame, table: str, fields: set[str], *, missing_nhs: bool = True
    ) -> pl.DataFrame:
        """The records with the planted errors of records.py (collected in `issues`)."""
        corrupted, issues = records.corrupt(
            frame,
            draws=Bound(self.seed, f"corrupt/{source_of(table)}/{table}", frame["_key"]),
            as_at=self.world.a,
            end=self.world.whole.a,
            source=source_of(table),
            table=table,
            fields=fields,
            upn_pool=self.upn_pool,
            nhs_pool=self.nhs_pool,
            nhs_spare=self.world.people.nhs_spare,
            missing_nhs=missing_nhs,
        )
        self.issues.append(issues)
        return corrupted

    def settings_of(self, frame: pl.DataFrame, column: str = "setting") -> pl.DataFrame:
        """The frame with its setting's URN (schools) or UKPRN (further education) and codes."""
        return frame.join(
            self.settings.rename({"setting": column}),
            on=column,
            how="left",
            maintain_order="left",
        ).with_columns(
            urn=pl.when(pl.col("setting_type") != "further_education").then("urn"),
            ukprn=pl.when(pl.col("setting_type") == "further_education").then("ukprn"),
        )

    def council_cases(
        self, council: int, table: str, keyed: Keyed
    ) -> tuple[pl.DataFrame, pl.DataFrame, pl.DataFrame]:
        """The council's person records (`table`), its requests (each with the id of the record
        that holds it) and its plans."""
        requests = self.world.ehcp.requests.filter(pl.col("la") == council)
        plans = self.world.ehcp.plans.filter(pl.col("la") == council)
        people, first = self.council_people(requests, plans, council, table, keyed)
        # A child's earliest request hangs on the older record where there are two.
        requests = requests.with_columns(
            _record=pl.col("request").is_in(first.implode()).cast(pl.Int32)
        ).join(
            people.select("_child", "_record", columns(table)[0]),
            left_on=["child", "_record"],
            right_on=["_child", "_record"],
            how="left",
            maintain_order="left",
        )
        return people, requests, plans

    def council_people(
        self, requests: pl.DataFrame, plans: pl.DataFrame, council: int, table: str, keyed: Keyed
    ) -> tuple[pl.DataFrame, pl.Series]:
        """One record per child known to the council; some children have a second, older
        record holding their first request (a duplicate the council never merged). Returns
        the records and the requests that belong to the older records."""
        children = (
            pl.concat([requests.select("child"), plans.select("child")]).unique().sort("child")
        )
        dup = self.duplicated[council].filter(
            self.duplicated[council].is_in(children["child"].implode())
        )
        base = self.person_view(children["child"], council).with_columns(_record=pl.lit(0))
        older = self.person_view(dup, council).with_columns(
            _record=pl.lit(1),
            postcode=pl.coalesce("previous_postcode", "postcode"),
        )
        frame = (
            pl.concat([base, older], how="vertical")
            .join(self.known[council], on="child", how="left", maintain_order="left")
            .with_columns(
                _child=pl.col("child"),
                _key=pl.col("number").cast(pl.Int64) * 2 + pl.col("_record"),
            )
            .drop("number")
        )
        id_column = columns(table)[0]
        universe = 2 * self.known[council].height
        if table == "city_person":
            frame = blade(frame, keyed, table, universe)
        else:
            frame = with_ids(frame, keyed, id_column, universe, low=100_000, high=999_999)
            frame = frame.sort(id_column)
        frame = frame.with_columns(record_id=pl.col(id_column))
        if dup.len():
            ids = frame.filter(pl.col("_record") == 1).select("child", id_column)
            self.issues.append(
                ids.select(
                    "child",
                    issue_type=pl.lit("duplicate_person_record"),
                    detail=pl.lit("second person record holding the earliest request"),
                    source=pl.lit(source_of(table)),
                    table=pl.lit(table),
                    source_record_id=pl.col(id_column),
                )
            )
        # Mark each child's earliest request as belonging to the older record.
        first = (
            requests.sort("received", "request")
            .group_by("child")
            .agg(pl.col("request").first())
            .filter(pl.col("child").is_in(dup.implode()))
        )
        return frame, first["request"]
