"""Monthly deliveries of one world: the world as it stood on an earlier delivery date.

A series is built once, to its last delivery date; each earlier delivery is that world cut at
its own date: only what had happened by then (requests received, decisions made, plans issued
and ceased, placements, reviews, referrals and contacts, top-up lines), with later events not
yet known and families who moved later still at their old address. Because every random choice
about a record is tied to the record's key (streams.Keyed), a child looks the same in every
delivery except for what changed in between: the cut's events, the record changes of
records.py (`calibration.LATER_CHANGES`) and the moves. Cutting at the world's own date changes
nothing.
"""

from __future__ import annotations

import dataclasses
import shutil
from datetime import date
from pathlib import Path

import polars as pl

from pipelines.synthetic.dates import day
from pipelines.synthetic.ehcp import LEFT_ENGLAND, TRANSFER

# The faults of a series, in its newest delivery: the ICB's extracts arrive late; the county
# sends its SEN support list twice; the city re-delivers its SEN support list corrected (the
# rows the contracts quarantined put right). Written in truth/arrivals.csv; `replay` lands them.
LATE_SOURCE, LATE_DAYS = "icb", 11
RESENT = ("county_sen_support", 2)  # table, days after the first arrival
CORRECTED = "city_sen_support"
CORRECTED_DAYS = 4
ASSESSMENT_PENDING = "A"  # codelists: assessment_outcome / request_outcome "not yet decided"
REQUEST_PENDING = "A"


def monthly_dates(last: date, deliveries: int) -> list[date]:
    """`deliveries` delivery dates a month apart, ending at `last` (same day of the month, or
    the month's last day where it has fewer days)."""
    dates = []
    for back in range(deliveries - 1, -1, -1):
        month = last.month - back
        year = last.year + (month - 1) // 12
        month = (month - 1) % 12 + 1
        for dom in range(last.day, 27, -1):
            try:
                dates.append(date(year, month, dom))
                break
            except ValueError:
                continue
        else:
            dates.append(date(year, month, last.day))
    return dates


def cut(world, as_at: date):
    """The world as it stood on `as_at` (on or before the day it was built to)."""
    whole = world.whole
    if as_at > whole.as_at:
        raise ValueError(f"a world built to {whole.as_at} cannot be cut at a later {as_at}")
    if as_at == whole.as_at:
        return whole
    t = day(as_at)
    e = whole.ehcp

    def later(column: str) -> pl.Expr:
        return pl.col(column) > t

    plans = e.plans.filter(pl.col("start") <= t).with_columns(
        reason=pl.when(later("cease")).then(pl.lit("")).otherwise("reason"),
        cease=pl.when(later("cease")).then(-1).otherwise("cease"),
    )
    issued = plans.select("plan")
    requests = e.requests.filter(pl.col("received") <= t)
    undecided = later("decision") & pl.col("outcome").is_in(["Y", "N"])
    unassessed = later("assessed") & (pl.col("assessment") != "")
    requests = requests.with_columns(
        outcome=pl.when(undecided).then(pl.lit(REQUEST_PENDING)).otherwise("outcome"),
        decision=pl.when(undecided).then(-1).otherwise("decision"),
        assessment=pl.when(undecided)
        .then(pl.lit(""))
        .when(unassessed)
        .then(pl.lit(ASSESSMENT_PENDING))
        .otherwise("assessment"),
        assessed=pl.when(undecided | unassessed).then(-1).otherwise("assessed"),
        week20=pl.when(undecided | unassessed).then(False).otherwise("week20"),
        plan=pl.when(pl.col("plan").is_in(issued["plan"].implode())).then("plan").otherwise(-1),
    )
    placements = e.placements.join(issued, on="plan", how="semi").filter(pl.col("entry") <= t)
    placements = placements.with_columns(
        leaving=pl.when(later("leaving")).then(-1).otherwise("leaving")
    )
    reviews = e.reviews.join(issued, on="plan", how="semi").filter(pl.col("meeting") <= t)
    reviews = reviews.with_columns(
        outcome=pl.when(later("decision")).then(pl.lit("")).otherwise("outcome"),
        decision=pl.when(later("decision")).then(-1).otherwise("decision"),
        draft=pl.when(later("draft")).then(-1).otherwise("draft"),
    )
    ehcp = dataclasses.replace(
        e,
        requests=requests,
        plans=plans,
        placements=placements,
        plan_settings=e.plan_settings.join(issued, on="plan", how="semi"),
        needs=e.needs.join(issued, on="plan", how="semi"),
        reviews=reviews,
        transfers=e.transfers.filter(pl.col("new_start") <= t),
    )
    return dataclasses.replace(
        whole,
        as_at=as_at,
        a=t,
        ehcp=ehcp,
        people=dataclasses.replace(whole.people, frame=_not_yet_moved(whole, t)),
        health=_health(whole.health, t),
        funding=whole.funding.filter(pl.col("period_start") <= t),
        full=whole,
    )


def moves_after(whole, t: int) -> pl.DataFrame:
    """Children whose family moves after day `t` (their plan ceased on leaving the council, and
    the world knows their earlier address): `child`, `moved` (the day)."""
    movers = whole.ehcp.plans.filter(
        (pl.col("cease") > t) & pl.col("reason").is_in([TRANSFER, LEFT_ENGLAND])
    ).select("child", moved="cease")
    known = whole.people.frame.filter(pl.col("previous_postcode").is_not_null()).select("child")
    return movers.join(known, on="child").unique("child", keep="first").sort("child")


def _not_yet_moved(whole, t: int) -> pl.DataFrame:
    """Children whose family moved after `t` still live at the earlier address."""
    people = whole.people.frame
    moved = pl.col("child").is_in(moves_after(whole, t)["child"].implode())
    return people.with_columns(
        postcode=pl.when(moved).then("previous_postcode").otherwise("postcode"),
        home_la=pl.when(moved & (pl.col("prev_la") >= 0)).then("prev_la").otherwise("home_la"),
        prev_la=pl.when(moved).then(pl.lit(-1, pl.Int8)).otherwise("prev_la"),
        previous_postcode=pl.when(moved).then(None).otherwise("previous_postcode"),
    )


def _health(h, t: int):
    contacts = h.contacts.filter(pl.col("date") <= t)
    seen = contacts.group_by("referral").agg(last_seen=pl.col("date").max(), seen_count=pl.len())
    referrals = (
        h.referrals.filter(pl.col("received") <= t)
        .join(seen, on="referral", how="left", maintain_order="left")
        .with_columns(
            rejection=pl.when(pl.col("rejection") > t).then(-1).otherwise("rejection"),
            first=pl.when(pl.col("first") > t).then(-1).otherwise("first"),
            contacts=pl.col("seen_count").fill_null(0).cast(pl.Int64),
            last=pl.col("last_seen"),
            closure=pl.when(pl.col("discharge") > t).then(pl.lit(-1, pl.Int8)).otherwise("closure"),
            discharge=pl.when(pl.col("discharge") > t).then(-1).otherwise("discharge"),
        )
        .drop("last_seen", "seen_count")
    )
    patients = h.patients.join(
        referrals.select("child", "provider").unique(), on=["child", "provider"], how="semi"
    )
    return dataclasses.replace(h, patients=patients, referrals=referrals, contacts=contacts)


# Person-level tables (one row per person record) compared between deliveries.
PERSON_TABLES = (
    "city_person",
    "county_clients",
    "city_sen_support",
    "county_sen_support",
    "city_topup_funding",
    "county_topup_funding",
    "icb_patients",
)
# Not about the person: the census date a list was taken on, the export's row sequence.
_IGNORED = {"CensusDate", "personorderseqcolumn"}


def person_changes(out: Path, earlier: date, later: date) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Compare the person records of two deliveries written by `generate(deliveries=…)` into
    `out`, read back with the pipeline's own reader.

    Returns (per table: records in both, same true child, identical; and every differing cell
    with its explanation from the truth: a record change of the earlier delivery
    (`*_later`), a family that moves in between (`moves_later`), or a planted invalid value;
    null where nothing explains it)."""
    from pipelines.ingest.catalogue import BY_TABLE
    from pipelines.ingest.read import read_extract
    from schemas import contract_columns

    truth = {when: out / "truth" / "deliveries" / when.isoformat() for when in (earlier, later)}
    record_truth = {
        when: pl.read_parquet(path / "record_truth.parquet") for when, path in truth.items()
    }
    issues = pl.read_parquet(truth[earlier] / "planted_issues.parquet")
    invalid = pl.concat(
        [pl.read_parquet(path / "planted_invalid_rows.parquet") for path in truth.values()]
    ).select("table", "source_record_id", invalid="kind")
    later_changes = issues.filter(pl.col("issue_type").str.ends_with("_later"))
    record_changes = (
        later_changes.filter(pl.col("source_record_id").is_not_null())
        .group_by("table", "source_record_id")
        .agg(change=pl.col("issue_type").sort().str.join(", "))
    )
    moves = later_changes.filter(pl.col("issue_type") == "moves_later").select(
        "true_child_id", move=pl.col("issue_type")
    )
    invalid = invalid.group_by("table", "source_record_id").agg(
        invalid=pl.col("invalid").sort().str.join(", ")
    )
    summary, cells = [], []
    for name in PERSON_TABLES:
        spec = BY_TABLE[name]
        frames = {}
        for when in (earlier, later):
            path = next(p for d, p in spec.candidates(out / "landing") if d == when)
            frames[when] = read_extract(path, spec.sheet)
        key = contract_columns(name)[0]
        columns = [
            c for c in frames[earlier].columns if c != key and c not in _IGNORED and c[0] != "_"
        ]
        both = frames[earlier].join(frames[later], on=key, suffix="__later")
        children = {
            when: record_truth[when]
            .filter(pl.col("table") == name)
            .select(pl.col("source_record_id").alias(key), pl.col("true_child_id").alias(tag))
            for when, tag in ((earlier, "child"), (later, "child__later"))
        }
        both = both.join(children[earlier], on=key, how="left").join(
            children[later], on=key, how="left"
        )
        differs = pl.any_horizontal([pl.col(c).ne_missing(pl.col(f"{c}__later")) for c in columns])
        summary.append(
            {
                "table": name,
                "in_both": both.height,
                "same_child": both.filter(pl.col("child") == pl.col("child__later")).height,
                "identical": both.filter(~differs).height,
            }
        )
        for column in columns:
            changed = both.filter(pl.col(column).ne_missing(pl.col(f"{column}__later")))
            cells.append(
                changed.select(
                    table=pl.lit(name),
                    source_record_id=pl.col(key),
                    true_child_id=pl.col("child"),
                    column=pl.lit(column),
                    before=pl.col(column).cast(pl.String),
                    after=pl.col(f"{column}__later").cast(pl.String),
                )
            )
    cells = (
        pl.concat(cells)
        .join(record_changes, on=["table", "source_record_id"], how="left")
        .join(moves, on="true_child_id", how="left")
        .join(invalid, on=["table", "source_record_id"], how="left")
        .with_columns(explanation=pl.coalesce("change", "move", "invalid"))
        .drop("change", "move", "invalid")
    )
    return pl.DataFrame(summary), cells


def land(out: Path, when: date, landing: Path, sources=("city", "county", "icb")) -> list[Path]:
    """Copy the files of the delivery dated `when` (written by `generate(deliveries=…)` into
    `out`) from the chosen sources into another landing folder, as if just delivered; and its
    truth beside that folder when it holds all three sources. Returns the copies."""
    from pipelines.ingest.catalogue import SOURCE_TABLES

    copied = []
    for spec in SOURCE_TABLES:
        if spec.source not in sources:
            continue
        for extract_date, path in spec.candidates(out / "landing"):
            target = landing / spec.source / path.name
            if extract_date == when and not target.exists():
                target.parent.mkdir(parents=True, exist_ok=True)
                shutil.copyfile(path, target)
                copied.append(target)
    if set(sources) == {"city", "county", "icb"}:
        truth = landing.parent / "truth"
        truth.mkdir(parents=True, exist_ok=True)
        for path in (out / "truth" / "deliveries" / when.isoformat()).glob("*.parquet"):
            shutil.copyfile(path, truth / path.name)
    return sorted(copied)


def write_arrivals(out: Path, dates: list[date]) -> Path:
    """truth/arrivals.csv: when each file of a series arrives (`arrives`), and what kind of
    arrival it is: on time, late, re-sent (the same bytes again) or corrected (a new version of
    the month's file, from out/redelivered/)."""
    from datetime import timedelta

    from pipelines.ingest.catalogue import SOURCE_TABLES

    rows = []
    newest = dates[-1]
    for spec in SOURCE_TABLES:
        for extract_date, path in spec.candidates(out / "landing"):
            if extract_date not in dates:
                continue
            late = extract_date == newest and spec.source == LATE_SOURCE
            arrives = extract_date + timedelta(days=LATE_DAYS if late else 0)
            row = {
                "source": spec.source,
                "file": path.name,
                "extract_date": extract_date,
                "arrives": arrives,
                "arrival": "late" if late else "on time",
            }
            rows.append(row)
            if extract_date == newest and spec.table == RESENT[0]:
                rows.append(
                    row | {"arrives": arrives + timedelta(days=RESENT[1]), "arrival": "re-sent"}
                )
            if extract_date == newest and spec.table == CORRECTED:
                rows.append(
                    row
                    | {"arrives": arrives + timedelta(days=CORRECTED_DAYS), "arrival": "corrected"}
                )
    arrivals = (
        pl.DataFrame(rows).unique(["file", "arrival"]).sort("arrives", "source", "file", "arrival")
    )
    path = out / "truth" / "arrivals.csv"
    arrivals.write_csv(path)
    return path


def replay(out: Path, landing: Path, since: date | None, through: date) -> list[Path]:
    """Land every file of a series (truth/arrivals.csv) that arrives after `since` and by
    `through`, as its supplier would: a re-sent file is copied over itself (same bytes, newer
    time), a corrected one replaces the month's file. Returns the files landed."""
    arrivals = pl.read_csv(out / "truth" / "arrivals.csv", try_parse_dates=True)
    due = arrivals.filter(
        (pl.col("arrives") <= through) & ((pl.col("arrives") > since) if since else True)
    )
    landed = []
    for source, name, arrival in due.select("source", "file", "arrival").iter_rows():
        origin = out / ("redelivered" if arrival == "corrected" else "landing") / source / name
        target = landing / source / name
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(origin, target)
        landed.append(target)
    return landed
