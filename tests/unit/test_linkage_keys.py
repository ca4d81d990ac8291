"""Persistent child keys: deterministic, order-free, kept across runs, merges and splits logged."""

from __future__ import annotations

import polars as pl
from hypothesis import given, settings
from hypothesis import strategies as st

from pipelines.linkage.keys import assign_keys, child_key, child_keys

SECRET = b"k" * 32


def clusters(assignment: dict[str, str]) -> pl.DataFrame:
    return pl.DataFrame(
        {"record_id": list(assignment), "cluster": list(assignment.values())},
        schema={"record_id": pl.String, "cluster": pl.String},
    )


def crosswalk(frame: pl.DataFrame, keys: dict[str, str]) -> pl.DataFrame:
    return frame.select(
        "record_id", child_key=pl.col("cluster").replace_strict(keys, return_dtype=pl.String)
    )


def test_key_is_keyed_hash_of_the_anchor():
    key = child_key(SECRET, "city:person:1", "C")
    assert key.startswith("C") and len(key) == 17
    assert key != child_key(b"x" * 32, "city:person:1", "C")
    assert "city" not in key and "person" not in key


record_ids = st.lists(
    st.text("abc:0123456789", min_size=1, max_size=8), min_size=1, max_size=40, unique=True
)


@settings(max_examples=60, deadline=None)
@given(ids=record_ids, groups=st.integers(1, 6), data=st.data())
def test_keys_are_deterministic_and_independent_of_row_order(ids, groups, data):
    labels = {r: f"g{data.draw(st.integers(0, groups - 1))}" for r in ids}
    frame = clusters(labels)
    first = assign_keys(frame, None, SECRET, "C")
    shuffled = frame.sample(fraction=1.0, shuffle=True, seed=data.draw(st.integers(0, 999)))
    second = assign_keys(shuffled, None, SECRET, "C")
    assert (
        crosswalk(frame, first.keys)
        .sort("record_id")
        .equals(crosswalk(shuffled, second.keys).sort("record_id"))
    )
    # One key per cluster, never shared.
    assert len(set(first.keys.values())) == len(first.keys)


def test_new_records_join_existing_children_without_changing_keys():
    before = clusters({"a1": "x", "a2": "x", "b1": "y"})
    first = assign_keys(before, None, SECRET, "C")
    previous = crosswalk(before, first.keys)
    after = clusters({"a1": "x", "a2": "x", "a3": "x", "b1": "y", "c1": "z"})
    second = assign_keys(after, previous, SECRET, "C")
    assert second.keys["x"] == first.keys["x"] and second.keys["y"] == first.keys["y"]
    assert second.new == 1 and not second.history


def test_merge_keeps_the_larger_child_key_and_logs_it():
    before = clusters({"a1": "x", "a2": "x", "b1": "y"})
    first = assign_keys(before, None, SECRET, "C")
    previous = crosswalk(before, first.keys)
    merged = assign_keys(clusters({"a1": "m", "a2": "m", "b1": "m"}), previous, SECRET, "C")
    assert merged.keys["m"] == first.keys["x"]
    assert merged.merges == 1
    assert merged.history[0]["old_key"] == first.keys["y"]
    assert merged.history[0]["reason"] == "merge"


def test_split_keeps_the_key_on_the_larger_part_and_never_reissues_it():
    before = clusters({"a1": "x", "a2": "x", "a3": "x"})
    first = assign_keys(before, None, SECRET, "C")
    previous = crosswalk(before, first.keys)
    # The part holding a1 (the old anchor) is the smaller one: it must get a different key.
    split = assign_keys(clusters({"a1": "p", "a2": "q", "a3": "q"}), previous, SECRET, "C")
    assert split.keys["q"] == first.keys["x"]
    assert split.keys["p"] != first.keys["x"]
    assert split.splits == 1 and split.history[0]["reason"] == "split"
    assert split.history[0]["new_key"] == split.keys["p"]


@settings(max_examples=40, deadline=None)
@given(anchors=st.lists(st.text(min_size=0, max_size=30), max_size=20), size=st.integers(32, 100))
def test_keys_computed_in_duckdb_equal_the_python_hmac(anchors, size):
    secret = bytes(range(size % 256)) * 2
    secret = (secret or b"s")[:size].ljust(size, b"z")
    assert child_keys(secret, anchors, "C") == [child_key(secret, a, "C") for a in anchors]


def test_key_changes_judges_merges_and_splits_against_the_truth(tmp_path):
    """A split that separates two children and a merge that completes one are corrections;
    a merge that joins a record to another child is not; changes without a history row are
    counted as such."""
    import duckdb

    from pipelines.linkage.evaluate import key_changes

    truth = {"r1": "A", "r2": "A", "r3": "A", "r4": "B", "r5": "C"}
    before = {"r1": "K1", "r2": "K1", "r4": "K1", "r3": "K2", "r5": "K3"}
    after = {"r1": "K1", "r2": "K1", "r4": "K4", "r3": "K1", "r5": "K4"}
    pl.DataFrame(
        {"table": "t", "source_record_id": list(truth), "true_child_id": list(truth.values())}
    ).write_parquet(tmp_path / "truth.parquet")
    con = duckdb.connect()
    con.execute("create schema linkage; create schema identity")
    con.execute(
        "create table linkage.int_person_records_unioned as select record_id, 't' as "
        "source_table, record_id as source_record_id from (select unnest(?) as record_id)",
        [list(truth)],
    )
    con.execute(
        "create table identity.crosswalk as select unnest(?) as record_id, unnest(?) as child_key",
        [list(after), list(after.values())],
    )
    con.execute(
        "create table identity.key_history as select * from (values "
        "('K1', 'K4', 'split'), ('K2', 'K1', 'merge')) t(old_key, new_key, reason)"
    )
    changes = key_changes(con, before, tmp_path / "truth.parquet")
    assert changes["changed_key"] == 3  # r3, r4, r5
    assert changes["changes_in_key_history"] == 2  # r3's merge, r4's split
    assert changes["changes_that_are_corrections"] == 2  # not r5, now with B's record
