"""`generate()`: synthetic extracts for all three partners, plus the truth behind them."""

from __future__ import annotations

import multiprocessing
import shutil
import tempfile
from collections.abc import Callable
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path

import polars as pl

from pipelines.synthetic import calibration as cal
from pipelines.synthetic import ehcp as ehcp_module
from pipelines.synthetic import (
    extracts,
    funding,
    health,
    invalid,
    people,
    reference,
    sen2_export,
    series,
    truth_issues,
)
from pipelines.synthetic.dates import day
from pipelines.synthetic.ehcp import ETHNICITIES, SEN_TYPES
from pipelines.synthetic.streams import stream
from pipelines.synthetic.writers import (
    EXCEL_MAX_DATA_ROWS,
    write_csv,
    write_workbook,
    write_workbook_from_files,
)

# Sheet of each county casework table, in workbook order.
COUNTY_SHEETS = {
    "county_clients": "Clients",
    "county_requests": "Requests",
    "county_assessments": "Assessments",
    "county_plans": "Plans",
    "county_plan_settings": "PlanSettings",
    "county_placements": "Placements",
    "county_needs": "Needs",
    "county_reviews": "Reviews",
}
BLADE_MODULES = {
    "city_person": "person",
    "city_requests": "requests",
    "city_assessment": "assessment",
    "city_namedplan": "namedplan",
    "city_plandetail": "plandetail",
    "city_activeplans": "activeplans",
    "city_placementdetail": "placementdetail",
    "city_senneed": "senneed",
}
BACKGROUND_WORKBOOK_CELLS = 3_000_000  # above this the workbook is written in a second process
# Columns of truth/planted_issues.parquet: linkage difficulties (category `linkage`, with the
# record changed for record-level ones) and the overlaps and gaps of docs/marts.md.
PLANTED_ISSUE_COLUMNS = (
    "true_child_id",
    "category",
    "issue_type",
    "organisation",
    "since",
    "service",
    "detail",
    "source",
    "table",
    "source_record_id",
)


@dataclass
class GenerateSummary:
    """What `generate()` wrote: rows per raw table, landing and truth files, planted issues."""

    children: int
    seed: int
    as_at: date
    out: Path
    rows: dict[str, int] = field(default_factory=dict)  # raw table → rows written
    files: list[Path] = field(default_factory=list)  # landing files
    truth_files: list[Path] = field(default_factory=list)
    # issue type → rows of truth/planted_issues.parquet (linkage difficulties, overlaps and
    # gaps; every overlap and gap type of docs/marts.md is listed, 0 where there is none)
    planted_issues: dict[str, int] = field(default_factory=dict)
    invalid_rows: int = 0
    delivery_dates: list[date] = field(default_factory=list)  # oldest first


@dataclass
class World:
    seed: int
    as_at: date
    a: int
    ehcp: ehcp_module.Ehcp
    people: people.People
    health: health.Health
    funding: pl.DataFrame
    settings: pl.DataFrame
    # The world as built, when this one is an earlier delivery's cut of it (series.py).
    full: World | None = None

    @property
    def whole(self) -> World:
        """The world as built: the key spaces every delivery's ids are drawn from."""
        return self.full if self.full is not None else self


def file_names(as_at: date) -> dict[str, str]:
    """Landing file name of each table (county casework tables: their sheet name)."""
    blade = as_at.strftime("%d-%m-%Y")
    iso = as_at.isoformat()
    dmy = as_at.strftime("%d%m%Y")
    ymd = as_at.strftime("%Y%m%d")
    names = {t: f"Blade-Export_{blade}_{m}.csv" for t, m in BLADE_MODULES.items()}
    names["city_sen2"] = f"Blade-Export_{blade}_sen2.csv"
    names |= {
        "city_sen_support": f"census_sen_support_{iso}.csv",
        "city_topup_funding": f"high_needs_topup_{iso}.csv",
        "county_sen_support": f"SEN_Support_{dmy}.csv",
        "county_topup_funding": f"HighNeeds_TopUp_{dmy}.csv",
        "icb_patients": f"CSDS_CYP001_patients_{ymd}.csv",
        "icb_referrals": f"CSDS_CYP101_referrals_{ymd}.csv",
        "icb_care_contacts": f"CSDS_CYP201_care_contacts_{ymd}.csv",
    }
    names |= COUNTY_SHEETS
    return names


def workbook_name(as_at: date) -> str:
    return f"EHC_Casework_{as_at.strftime('%d%m%Y')}.xlsx"


def overflow_name(as_at: date, sheet: str) -> str:
    return f"EHC_Casework_{as_at.strftime('%d%m%Y')}_{sheet}.csv"


def build_world(
    children: int,
    seed: int,
    as_at: date,
    progress: Callable[[str], None] | None = None,
) -> World:
    """The true world behind the extracts (EHC journeys, children, health, funding)."""
    say = progress or (lambda _message: None)
    scale = children / cal.DEFAULT_CHILDREN
    say("Reading reference data")
    ref = reference.load()
    say("Building EHC journeys")
    journeys = ehcp_module.build(seed, scale, as_at)
    say("Building the population of children")
    population = people.build(seed, children, scale, as_at, journeys)
    say("Building community health activity")
    activity = health.build(seed, as_at, population.frame)
    say("Building high-needs funding")
    lines = funding.build(
        seed, as_at, journeys.plans, journeys.placements, journeys.transfers, scale
    )
    # Dense row keys for the rows that have no id of their own (see extracts.Builder.universe).
    journeys.plan_settings = _numbered(journeys.plan_settings, "plan_setting")
    journeys.needs = _numbered(journeys.needs, "need_row")
    journeys.reviews = _numbered(journeys.reviews, "review")
    lines = _numbered(lines, "line")
    return World(
        seed=seed,
        as_at=as_at,
        a=day(as_at),
        ehcp=journeys,
        people=population,
        health=activity,
        funding=lines,
        settings=ref.settings,
    )


def _numbered(frame: pl.DataFrame, column: str) -> pl.DataFrame:
    return frame.with_columns(pl.int_range(pl.len(), dtype=pl.Int64).alias(column))


def generate(
    children: int = cal.DEFAULT_CHILDREN,
    seed: int = 42,
    out: Path = Path("data"),
    as_at: date = date(2025, 1, 16),
    progress: Callable[[str], None] | None = None,
    *,
    world_end: date | None = None,
    deliveries: int = 1,
    sen2_version: str = "1.3",
) -> GenerateSummary:
    """Write synthetic extracts under `out/landing/{city,county,icb}/` and truth under
    `out/truth/`; the same arguments always give byte-identical files.

    The world is built to `world_end` (default `as_at`) and the extracts show it as it stood on
    `as_at` (series.py), so the same seed and `world_end` with a later `as_at` continues the same
    world. `deliveries` > 1 writes that many monthly deliveries ending at `as_at` into the same
    landing folders (file names carry their dates), each with its truth under
    `out/truth/deliveries/<date>/`; `out/truth/` holds the newest delivery's truth.
    `sen2_version` is the SEN2 spec version of the city's Blade export (sen2_export.py)."""
    say = progress or (lambda _message: None)
    if children < 1:
        raise ValueError("children must be at least 1")
    if deliveries < 1:
        raise ValueError("deliveries must be at least 1")
    end = world_end or as_at
    if end < as_at:
        raise ValueError(f"world_end {end} is before as_at {as_at}")
    out = Path(out)
    summary = GenerateSummary(children=children, seed=seed, as_at=as_at, out=out)
    landing = {source: out / "landing" / source for source in ("city", "county", "icb")}
    for directory in [*landing.values(), out / "truth"]:
        directory.mkdir(parents=True, exist_ok=True)

    world = build_world(children, seed, end, say)
    dates = series.monthly_dates(as_at, deliveries)
    for when in dates:
        if deliveries > 1:
            say(f"Delivery of {when.isoformat()}")
        truth = (
            out / "truth" if deliveries == 1 else out / "truth" / "deliveries" / when.isoformat()
        )
        truth.mkdir(parents=True, exist_ok=True)
        summary.rows = {}
        # The newest delivery of a series brings a corrected re-delivery (series.FAULTS).
        redeliver = series.CORRECTED if deliveries > 1 and when == dates[-1] else None
        cut = series.cut(world, when)
        _write_delivery(cut, out, truth, summary, say, redeliver, sen2_version)
        summary.delivery_dates.append(when)
    if deliveries > 1:
        newest = out / "truth" / "deliveries" / dates[-1].isoformat()
        for path in sorted(newest.glob("*.parquet")):
            copy = out / "truth" / path.name
            shutil.copyfile(path, copy)
            summary.truth_files.append(copy)
        summary.truth_files.append(series.write_arrivals(out, dates))
    summary.files.sort()
    summary.truth_files.sort()
    return summary


def _write_delivery(
    world: World,
    out: Path,
    truth: Path,
    summary: GenerateSummary,
    say: Callable[[str], None],
    redeliver: str | None = None,
    sen2_version: str = "1.3",
) -> None:
    """Write one delivery's extracts (dated `world.as_at`) and its truth; `redeliver`: a table
    also written to `out/redelivered/<source>/` under the same name, its invalid values
    corrected (the supplier's corrected re-delivery of the month)."""
    as_at = world.as_at
    say("Finding the overlaps and gaps of the true world")
    overlaps_gaps = truth_issues.compute(world)

    builder = extracts.Builder(world)
    writer = _Writer(out, as_at, summary, sen2_version)
    record_truth: list[pl.DataFrame] = []
    invalid_rows: list[pl.DataFrame] = []
    stages = (
        ("city council extracts", builder.build_city),
        ("county council casework", builder.build_county),
        ("SEN support and top-up lists", builder.build_lists),
        ("ICB community health extracts", builder.build_icb),
    )
    try:
        for label, build in stages:
            say(f"Building the {label}")
            build()
            tables = builder.take()
            if redeliver in tables:
                corrected = _Writer(out, as_at, GenerateSummary(0, 0, as_at, out), sen2_version)
                corrected.landing = {s: out / "redelivered" / s for s in corrected.landing}
                corrected.landing[tables[redeliver].source].mkdir(parents=True, exist_ok=True)
                corrected.write({redeliver: tables[redeliver]})
            invalid_rows.append(invalid.plant(world.seed, tables, as_at))
            for table in tables.values():
                record_truth.append(
                    table.frame.select(
                        source=pl.lit(table.source),
                        table=pl.lit(table.name),
                        source_record_id=pl.col(table.id_column),
                        child=pl.col("_child"),
                    )
                )
            say(f"Writing the {label}")
            writer.write(tables)
            del tables
        say("Writing the truth files")
        summary.truth_files += _write_truth(
            truth,
            world,
            builder,
            pl.concat(record_truth),
            pl.concat(invalid_rows),
            overlaps_gaps,
            summary,
        )
    finally:
        if writer.pending is not None:
            say("Finishing the county workbook")
        writer.finish()


class _Writer:
    """Writes each table to its landing file; the county workbook goes to a second process
    when it is large, so the slowest file is written while the rest of the work goes on."""

    def __init__(
        self, out: Path, as_at: date, summary: GenerateSummary, sen2_version: str = "1.3"
    ) -> None:
        self.landing = {source: out / "landing" / source for source in ("city", "county", "icb")}
        self.as_at = as_at
        self.sen2_version = sen2_version
        self.names = file_names(as_at)
        self.summary = summary
        self.pending: Future | None = None
        self.executor: ProcessPoolExecutor | None = None
        self.spool: tempfile.TemporaryDirectory | None = None

    def write(self, tables: dict[str, extracts.Table]) -> None:
        sheets = [t for t in tables if t in COUNTY_SHEETS]
        if sheets:
            self._workbook({t: tables[t].frame.drop("_child", "_key") for t in sheets})
        for name, table in tables.items():
            if name in COUNTY_SHEETS:
                continue
            frame = table.frame.drop("_child", "_key")
            if name in BLADE_MODULES:
                frame = sen2_export.in_version(name, frame, self.sen2_version)
                if name == "city_person":  # the export's header module goes with its people
                    self._write_csv("city_sen2", sen2_export.header(self.as_at, self.sen2_version))
            self.summary.rows[name] = frame.height
            path = self.landing[table.source] / self.names[name]
            if name == "county_sen_support":
                write_csv(frame, path, encoding="cp1252", line_terminator="\r\n")
            elif name == "county_topup_funding":
                write_csv(frame, path, encoding="cp1252", separator=";", line_terminator="\r\n")
            else:
                write_csv(frame, path)
            self.summary.files.append(path)

    def _write_csv(self, name: str, frame: pl.DataFrame) -> None:
        path = self.landing["city"] / self.names[name]
        write_csv(frame, path)
        self.summary.rows[name] = frame.height
        self.summary.files.append(path)

    def _workbook(self, frames: dict[str, pl.DataFrame]) -> None:
        county = self.landing["county"]
        for stale in sorted(county.glob(overflow_name(self.as_at, "*"))):
            stale.unlink()
        sheets = []
        for name, frame in frames.items():
            sheet = COUNTY_SHEETS[name]
            self.summary.rows[name] = frame.height
            if frame.height > EXCEL_MAX_DATA_ROWS:
                path = county / overflow_name(self.as_at, sheet)
                write_csv(frame, path)
                self.summary.files.append(path)
            else:
                sheets.append((sheet, frame))
        workbook = county / workbook_name(self.as_at)
        created = datetime(self.as_at.year, self.as_at.month, self.as_at.day)
        self.summary.files.append(workbook)
        if sum(f.height * f.width for _, f in sheets) <= BACKGROUND_WORKBOOK_CELLS:
            write_workbook(workbook, sheets, created)
            return
        # Hand the sheets over as Arrow IPC files rather than pickled frames.
        self.spool = tempfile.TemporaryDirectory(prefix="synthetic-workbook-")
        spooled = []
        for index, (sheet, frame) in enumerate(sheets):
            path = Path(self.spool.name) / f"{index:02d}.arrow"
            frame.write_ipc(path)
            spooled.append((sheet, path))
        self.executor = ProcessPoolExecutor(1, mp_context=multiprocessing.get_context("spawn"))
        self.pending = self.executor.submit(write_workbook_from_files, workbook, spooled, created)

    def finish(self) -> None:
        try:
            if self.pending is not None:
                self.pending.result()
        finally:
            if self.executor is not None:
                self.executor.shutdown()
            if self.spool is not None:
                self.spool.cleanup()
            self.pending = self.executor = self.spool = None


def _true_ids(world: World) -> pl.DataFrame:
    """A public id for each child, in an order unrelated to how the child was generated."""
    keys = world.people.frame["child"].to_numpy()
    order = stream(world.seed, "true-ids").permutation(keys.size) + 1
    return pl.DataFrame({"child": keys}).with_columns(
        true_child_id=pl.lit("T") + pl.lit(pl.Series(order).cast(pl.String).str.zfill(7))
    )


def _write_truth(
    directory: Path,
    world: World,
    builder: extracts.Builder,
    record_truth: pl.DataFrame,
    invalid_rows: pl.DataFrame,
    overlaps_gaps: pl.DataFrame,
    summary: GenerateSummary,
) -> list[Path]:
    ids = _true_ids(world)
    truth = record_truth.join(ids, on="child", how="left", maintain_order="left").drop("child")
    summary.invalid_rows = invalid_rows.height

    linkage = pl.concat([*builder.issues, *_child_issues(world)], how="vertical").with_columns(
        category=pl.lit("linkage"),
        organisation=pl.lit(None, pl.String),
        since=pl.lit(None, pl.Date),
        service=pl.lit(None, pl.String),
    )
    served = overlaps_gaps.with_columns(
        source=pl.lit(None, pl.String),
        table=pl.lit(None, pl.String),
        source_record_id=pl.lit(None, pl.String),
    )
    issues = (
        pl.concat([linkage, served], how="diagonal_relaxed")
        .join(ids, on="child", how="left", maintain_order="left")
        .select(*PLANTED_ISSUE_COLUMNS)
    )
    issues = issues.sort(
        "category",
        "issue_type",
        "true_child_id",
        "organisation",
        "since",
        "service",
        "source",
        "table",
        "source_record_id",
        "detail",
        nulls_last=True,
    )
    # Every overlap and gap type is listed, with 0 where the world holds none.
    found = dict(issues.group_by("issue_type").len().iter_rows())
    kinds = sorted(set(found) | set(truth_issues.OVERLAP_TYPES) | set(truth_issues.GAP_TYPES))
    summary.planted_issues = {kind: int(found.get(kind, 0)) for kind in kinds}

    children = _children_truth(world).join(ids, on="child", how="left").drop("child")
    children = children.select(
        "true_child_id", *[c for c in children.columns if c != "true_child_id"]
    ).sort("true_child_id")
    paths = {
        "record_truth.parquet": truth,
        "planted_issues.parquet": issues,
        "planted_invalid_rows.parquet": invalid_rows,
        "children.parquet": children,
    }
    written = []
    for name, frame in paths.items():
        path = directory / name
        frame.write_parquet(path, statistics=False, compression="zstd")
        written.append(path)
    return written


def _la_code(column: str) -> pl.Expr:
    return (
        pl.col(column)
        .cast(pl.Int64)
        .replace_strict(
            {cal.CITY: cal.LA_CODES[0], cal.COUNTY: cal.LA_CODES[1], cal.OUTSIDE: "outside"},
            default=None,
            return_dtype=pl.String,
        )
    )


def _children_truth(world: World) -> pl.DataFrame:
    frame = world.people.frame
    settings = (
        world.settings.with_row_index("school")
        .with_columns(pl.col("school").cast(pl.Int64))
        .select("school", school_urn="urn")
    )
    twins = world.people.twins
    twin_of = pl.concat(
        [twins.select(child="twin_a", twin="twin_b"), twins.select(child="twin_b", twin="twin_a")]
    )
    return (
        frame.join(settings, on="school", how="left", maintain_order="left")
        .join(twin_of, on="child", how="left", maintain_order="left")
        .join(
            _true_ids(world).rename({"child": "twin", "true_child_id": "twin_of"}),
            on="twin",
            how="left",
            maintain_order="left",
        )
        .select(
            "child",
            "forename",
            "surname",
            sex=pl.when(pl.col("male")).then(pl.lit("M")).otherwise(pl.lit("F")),
            dob=pl.col("dob").cast(pl.Int32).cast(pl.Date),
            ethnicity=extracts.lookup("ethnicity", ETHNICITIES),
            home_la=_la_code("home_la"),
            postcode=pl.col("postcode"),
            previous_postcode=pl.col("previous_postcode"),
            previous_la=_la_code("prev_la"),
            school_urn=pl.col("school_urn"),
            school_la=_la_code("school_la"),
            upn=pl.col("upn"),
            upn_unknown_reason=pl.col("upn_reason"),
            uln=pl.col("uln"),
            nhs_number=pl.col("nhs"),
            primary_need=extracts.lookup("need1", SEN_TYPES),
            secondary_need=extracts.lookup("need2", SEN_TYPES),
            group=pl.col("group"),
            ehcp_la=_la_code("ehcp_la"),
            plan_la=_la_code("plan_la"),
            sen_support_la=_la_code("listed_la"),
            known_to_health=pl.col("health"),
            twin_of=pl.col("twin_of"),
        )
    )


def _child_issues(world: World) -> list[pl.DataFrame]:
    """Planted difficulties that belong to a child rather than to one record."""
    schema = extracts.records.ISSUE_SCHEMA
    la_name = {cal.CITY: "city", cal.COUNTY: "county"}
    out: list[pl.DataFrame] = []
    transfers = world.ehcp.transfers
    for from_la, to_la in ((cal.CITY, cal.COUNTY), (cal.COUNTY, cal.CITY)):
        moved = transfers.filter(pl.col("from_la") == from_la)
        old = pl.col("old_cease").cast(pl.Int32).cast(pl.Date)
        new = pl.col("new_start").cast(pl.Int32).cast(pl.Date)
        gap = pl.col("new_start") - pl.col("old_cease")
        timing = (
            pl.when(gap < 0)
            .then(pl.lit("; plans overlap"))
            .when(gap > 60)
            .then(pl.lit("; late transfer"))
            .otherwise(pl.lit(""))
        )
        out.append(
            moved.select(
                "child",
                issue_type=pl.lit(f"transfer_{la_name[from_la]}_to_{la_name[to_la]}"),
                detail=pl.format(
                    f"{la_name[from_la]} plan ceased {{}} (transferred); "
                    f"{la_name[to_la]} plan from {{}}{{}}",
                    old,
                    new,
                    timing,
                ),
            )
        )
        out.append(
            moved.filter(gap < 0).select(
                "child",
                issue_type=pl.lit("dual_council"),
                detail=pl.format("plans in force in both councils from {} to {}", new, old),
            )
        )
    frame = world.people.frame
    other = {cal.CITY: "county", cal.COUNTY: "city"}
    for la in (cal.CITY, cal.COUNTY):
        out.append(
            frame.filter(
                pl.col("stale_listing")
                & (pl.col("listed_la") == 1 - la)
                & (pl.col("plan_la") == la)
            ).select(
                "child",
                issue_type=pl.lit("dual_council"),
                detail=pl.lit(
                    f"on the {other[la]} SEN support list while the {la_name[la]} holds an EHC plan"
                ),
            )
        )
    requested = world.ehcp.requests.select("child", "la").unique().sort("child", "la")
    listed_elsewhere = (
        frame.filter(pl.col("listed_la") >= 0)
        .select("child", "listed_la")
        .join(requested, on="child")
        .filter(pl.col("la") != pl.col("listed_la"))
        .sort("child", "la")
        .unique("child", keep="first", maintain_order=True)
    )
    listed_elsewhere = listed_elsewhere.join(
        frame.filter(~pl.col("stale_listing")).select("child"), on="child"
    )
    out.append(
        listed_elsewhere.select(
            "child",
            issue_type=pl.lit("dual_council"),
            detail=pl.format(
                "EHC request to the {} council, on the {} SEN support list",
                pl.col("la").replace_strict(la_name, return_dtype=pl.String),
                pl.col("listed_la").replace_strict(la_name, return_dtype=pl.String),
            ),
        )
    )
    if world.full is not None:
        # An earlier delivery: families who move before the world's end still show the old
        # address (series.py).
        out.append(
            series.moves_after(world.whole, world.a)
            .join(world.whole.people.frame.select("child", "postcode"), on="child")
            .select(
                "child",
                issue_type=pl.lit("moves_later"),
                detail=pl.format(
                    "at the earlier address until the move of {} to {}",
                    pl.col("moved").cast(pl.Int32).cast(pl.Date),
                    "postcode",
                ),
            )
        )
    twins = world.people.twins
    ids = _true_ids(world)
    for me, them in (("twin_a", "twin_b"), ("twin_b", "twin_a")):
        out.append(
            twins.join(ids.rename({"child": them}), on=them).select(
                child=pl.col(me),
                issue_type=pl.lit("twins"),
                detail=pl.format("twin of {}", "true_child_id"),
            )
        )
    known = frame.filter(
        (pl.col("school_la") >= 0)
        & (pl.col("home_la") <= cal.COUNTY)
        & (pl.col("school_la") != pl.col("home_la"))
        & ((pl.col("ehcp_la") >= 0) | (pl.col("listed_la") >= 0))
    )
    out.append(
        known.select(
            "child",
            issue_type=pl.lit("cross_border_school"),
            detail=pl.format(
                "lives in the {} council area, school in the {} council area",
                pl.col("home_la").replace_strict(la_name, return_dtype=pl.String),
                pl.col("school_la").replace_strict(la_name, return_dtype=pl.String),
            ),
        )
    )
    return [
        f.with_columns(
            source=pl.lit(None, pl.String),
            table=pl.lit(None, pl.String),
            source_record_id=pl.lit(None, pl.String),
        ).cast(schema)
        for f in out
    ]
