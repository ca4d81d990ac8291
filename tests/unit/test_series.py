"""Monthly deliveries of one synthetic world (pipelines/synthetic/series.py): the same children
in every delivery, what happened in between, and only the planted changes between them."""

from __future__ import annotations

import filecmp
from datetime import date

import numpy as np
import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from pipelines.cli import app
from pipelines.ingest.catalogue import BY_TABLE, SOURCE_TABLES
from pipelines.ingest.read import read_extract
from pipelines.synthetic import generate
from pipelines.synthetic.dates import day
from pipelines.synthetic.generator import build_world
from pipelines.synthetic.series import cut, land, monthly_dates, person_changes, replay
from pipelines.synthetic.streams import Bound, Keyed, stream, unique_numbers

JANUARY, FEBRUARY = date(2025, 1, 16), date(2025, 2, 16)
CHILDREN, SEED = 3_000, 11


@pytest.fixture(scope="module")
def series(tmp_path_factory):
    out = tmp_path_factory.mktemp("series")
    summary = generate(CHILDREN, SEED, out, as_at=FEBRUARY, deliveries=2)
    return out, summary


@pytest.fixture(scope="module")
def world():
    return build_world(CHILDREN, SEED, FEBRUARY)


@settings(max_examples=50, deadline=None)
@given(
    keys=st.lists(st.integers(0, 10**12), min_size=1, max_size=50, unique=True),
    others=st.lists(st.integers(0, 10**12), max_size=50),
)
def test_a_keyed_draw_depends_on_the_key_alone(keys, others):
    keyed = Keyed(5, "test")
    alone = keyed.random(np.array(keys), "u")
    mixed = keyed.random(np.array(others + keys), "u")
    assert np.array_equal(alone, mixed[len(others) :])
    assert ((alone >= 0) & (alone < 1)).all()
    assert not np.array_equal(alone, keyed.random(np.array(keys), "another label")) or len(keys) < 2


def test_keyed_draws_are_uniform_and_ids_are_distinct():
    keyed = Keyed(1, "test")
    u = keyed.random(np.arange(200_000), "u")
    assert abs(u.mean() - 0.5) < 0.005
    assert np.bincount(keyed.integers(0, 4, np.arange(200_000), "i")).min() > 49_000
    ids = keyed.numbers(np.arange(5_000), "n", 5_000, 1_000_000, 9_999_999)
    assert np.unique(ids).size == 5_000
    part = keyed.numbers(np.arange(2_000, 3_000), "n", 5_000, 1_000_000, 9_999_999)
    assert np.array_equal(part, ids[2_000:3_000])  # a key's number, whatever else is present


@settings(max_examples=60, deadline=None)
@given(
    n=st.integers(0, 5_000),
    low=st.sampled_from([1, 100, 100_000]),
    width=st.integers(1, 4_000),
)
def test_unique_numbers_are_distinct_even_when_the_range_is_too_small(n, low, width):
    """Ids are distinct whatever the world's size: a range too small for them gains a digit
    (at 2,000,000 children the county's six-digit client ids are too few, and drawing them
    never ended); a range with room keeps its ids as they were."""
    high = low + width
    numbers = unique_numbers(stream(1, "test"), n, low, high)
    assert len(numbers) == n == len(np.unique(numbers))
    assert (numbers >= low).all()
    if n <= width * 3 // 4:
        assert (numbers < high).all()


def test_bound_draws_are_one_per_row():
    with pytest.raises(ValueError, match="one per row"):
        Bound(1, "t", np.arange(3)).random(4)


def test_monthly_dates_end_at_the_last_and_keep_the_day():
    assert monthly_dates(date(2025, 3, 31), 3) == [
        date(2025, 1, 31),
        date(2025, 2, 28),
        date(2025, 3, 31),
    ]
    assert monthly_dates(date(2025, 1, 16), 2) == [date(2024, 12, 16), date(2025, 1, 16)]


def test_cutting_at_the_worlds_own_date_changes_nothing_and_later_is_refused(world):
    assert cut(world, FEBRUARY) is world
    with pytest.raises(ValueError, match="cannot be cut at a later"):
        cut(world, date(2025, 3, 1))


def test_a_cut_holds_everything_known_by_its_date_and_nothing_after(world):
    january = cut(world, JANUARY)
    t = day(JANUARY)
    e, whole = january.ehcp, world.ehcp
    assert january.as_at == JANUARY and january.whole is world
    # nothing after the cut
    assert e.requests["received"].max() <= t
    assert e.requests["decision"].max() <= t and e.requests["assessed"].max() <= t
    assert e.plans["start"].max() <= t and e.plans["cease"].max() <= t
    assert e.reviews["meeting"].max() <= t and e.reviews["decision"].max() <= t
    assert january.health.contacts["date"].max() <= t
    assert january.health.referrals["discharge"].max() <= t
    # everything before it
    assert e.requests.height == whole.requests.filter(pl.col("received") <= t).height
    assert e.plans.height == whole.plans.filter(pl.col("start") <= t).height
    # a month of events between the two: new requests, decisions, plans issued and ceased
    later = whole.requests.filter(pl.col("received") > t).height
    decided = whole.requests.filter((pl.col("decision") > t) & (pl.col("received") <= t)).height
    ceased = whole.plans.filter(pl.col("cease") > t).height
    assert later > 0 and decided > 0 and ceased > 0
    pending = e.requests.filter(pl.col("decision") < 0)
    assert (
        pending.height
        > whole.requests.filter((pl.col("decision") < 0) & (pl.col("received") <= t)).height
    )


def test_person_records_delivered_twice_differ_only_by_planted_changes(series):
    out, _ = series
    summary, cells = person_changes(out, JANUARY, FEBRUARY)
    in_both = summary["in_both"].sum()
    assert in_both > 5_000
    assert (summary["same_child"] == summary["in_both"]).all()  # ids keep their child
    assert summary["identical"].sum() >= 0.95 * in_both
    assert cells.height > 0
    unexplained = cells.filter(pl.col("explanation").is_null())
    assert unexplained.is_empty(), unexplained
    kinds = set(cells["explanation"].str.split(", ").explode())
    assert {"name_typo_corrected_later", "upn_recorded_later", "nhs_recorded_later"} <= kinds


def test_a_later_delivery_carries_the_earlier_ones_events_on(series):
    out, _ = series
    spec = BY_TABLE["county_requests"]
    frames = {
        when: read_extract(path, spec.sheet) for when, path in spec.candidates(out / "landing")
    }
    january, february = frames[JANUARY], frames[FEBRUARY]
    assert set(january["RequestID"]) < set(february["RequestID"])  # new requests, none lost
    both = january.join(february, on="RequestID", suffix="_feb")
    decided = both.filter(
        pl.col("DecisionDate").is_null() & pl.col("DecisionDate_feb").is_not_null()
    )
    assert decided.height > 0  # requests waiting in January were decided by February
    unchanged = both.filter(pl.col("DecisionDate").is_not_null())
    assert (unchanged["DateReceived"] == unchanged["DateReceived_feb"]).all()


def test_a_later_as_at_of_the_same_world_continues_it(series, tmp_path):
    """`--world-end` February with `--as-at` January writes exactly the series' January."""
    out, summary = series
    assert summary.delivery_dates == [JANUARY, FEBRUARY]
    alone = generate(CHILDREN, SEED, tmp_path, as_at=JANUARY, world_end=FEBRUARY)
    for path in alone.files:
        twin = out / path.relative_to(tmp_path)
        assert filecmp.cmp(path, twin, shallow=False), path.name


def test_land_copies_one_delivery_and_its_truth(series, tmp_path):
    out, _ = series
    landing = tmp_path / "landing"
    copied = land(out, JANUARY, landing)
    assert len(copied) == 17  # 11 city files, the county's workbook and 2 lists, 3 ICB files
    dated = {spec.match(p.name) for p in copied for spec in SOURCE_TABLES} - {None}
    assert dated == {JANUARY}
    truth = pl.read_parquet(tmp_path / "truth" / "record_truth.parquet")
    january = pl.read_parquet(out / "truth" / "deliveries" / "2025-01-16" / "record_truth.parquet")
    assert truth.equals(january)


def test_the_cli_refuses_a_world_that_ends_before_its_extract_date(tmp_path):
    result = CliRunner().invoke(
        app,
        ["generate", "--out", str(tmp_path), "--as-at", "2025-02-16", "--world-end", "2025-01-16"],
    )
    assert result.exit_code == 1
    assert "--world-end 2025-01-16 is before --as-at 2025-02-16" in result.output


def test_a_series_brings_a_late_source_a_re_sent_file_and_a_corrected_re_delivery(series, tmp_path):
    out, summary = series
    arrivals = pl.read_csv(out / "truth" / "arrivals.csv", try_parse_dates=True)
    february = arrivals.filter(pl.col("extract_date") == FEBRUARY)
    kinds = dict(february.group_by("arrival").agg(pl.col("source").unique().sort()).iter_rows())
    assert kinds == {
        "on time": ["city", "county"],
        "late": ["icb"],
        "re-sent": ["county"],
        "corrected": ["city"],
    }
    assert (february.filter(pl.col("arrival") == "late")["arrives"] > FEBRUARY).all()
    assert (arrivals.filter(pl.col("extract_date") == JANUARY)["arrival"] == "on time").all()

    landing = tmp_path / "landing"
    landed = replay(out, landing, None, date(2025, 2, 17))
    assert not (landing / "icb" / "CSDS_CYP001_patients_20250216.csv").exists()  # still late
    assert len(landed) == 17 + 14  # January's files, and February's but the ICB's three
    [resent] = replay(out, landing, date(2025, 2, 17), date(2025, 2, 18))
    assert filecmp.cmp(resent, out / "landing" / "county" / resent.name, shallow=False)
    [corrected] = replay(out, landing, date(2025, 2, 18), date(2025, 2, 20))
    original = out / "landing" / "city" / corrected.name
    assert not filecmp.cmp(corrected, original, shallow=False)
    # the re-delivery is the month's file with its planted invalid values put right
    invalid = pl.read_parquet(out / "truth" / "planted_invalid_rows.parquet").filter(
        pl.col("table") == "city_sen_support"
    )
    assert invalid.height > 0
    first, second = (read_extract(p, None) for p in (original, corrected))
    differs = first.join(second, on="PupilID", suffix="_new").filter(
        pl.any_horizontal(
            [
                pl.col(c).ne_missing(pl.col(f"{c}_new"))
                for c in first.columns
                if c[0] != "_" and c != "PupilID"
            ]
        )
    )
    assert set(differs["PupilID"]) == set(invalid["source_record_id"])
    assert len(replay(out, landing, date(2025, 2, 20), date(2025, 3, 1))) == 3  # the ICB, late
