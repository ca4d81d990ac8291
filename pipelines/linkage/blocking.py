"""Candidate pairs: the union of several blocking passes over the prepared records.

Each pass pairs records whose key (one or more expressions over prepared columns) is equal; an
asymmetric pass pairs one record's left key with another's right key (a swapped birth date, a
forename recorded as a surname). A block key shared by more than `max_block_size` records pairs
nothing: such keys are found when parameters are estimated and stored with them, so the pairs a
record takes part in never depend on which other records arrived in the same delivery.
"""

from __future__ import annotations

import duckdb

from pipelines.linkage.config import LinkageConfig


def _key_select(records: str, keys: tuple[str, ...], pass_index: int) -> str:
    """rid, is_new and a 64-bit hash of the key, one row per key value (a list key is
    unnested)."""
    parts = ", ".join(f"{expr} as k{i}" for i, expr in enumerate(keys))
    not_null = " and ".join(f"k{i} is not null" for i in range(len(keys)))
    hashed = ", ".join(f"k{i}" for i in range(len(keys)))
    # Only a list key (unnested) can give one record the same key twice.
    distinct = "distinct " if any("unnest(" in expr for expr in keys) else ""
    return f"""
        select {distinct}rid, is_new, hash({pass_index}, {hashed}) as key
        from (select rid, is_new, {parts} from {records})
        where {not_null}"""


def _keys_table(
    con: duckdb.DuckDBPyConnection, records: str, keys: tuple[str, ...], index: int, target: str
) -> None:
    con.execute(f"create or replace temp table {target} as {_key_select(records, keys, index)}")


def candidate_pairs(
    con: duckdb.DuckDBPyConnection,
    records: str,
    config: LinkageConfig,
    skipped: str,
    target: str,
    *,
    new_only: bool = False,
    find_oversized: bool = False,
) -> int:
    """Write deduplicated candidate pairs (rid_l < rid_r, passes bitmask) to `target`.

    `records` needs `rid` and `is_new`; `skipped` holds the oversized keys, or receives them
    first with `find_oversized`. With `new_only` only pairs touching a new record are made.
    """
    if find_oversized:
        con.execute(
            f"create or replace temp table {skipped} (pass varchar, key ubigint, records bigint)"
        )
    con.execute(
        "create or replace temp table _lk_pass_pairs (rid_l integer, rid_r integer, bit integer)"
    )
    for index, blocking_pass in enumerate(config.passes):
        _keys_table(con, records, blocking_pass.left, index, "_lk_keys_left")
        right = "_lk_keys_left"
        if not blocking_pass.symmetric:
            _keys_table(con, records, blocking_pass.right, index, "_lk_keys_right")
            right = "_lk_keys_right"
        sides = ["_lk_keys_left"] if blocking_pass.symmetric else ["_lk_keys_left", right]
        if find_oversized:
            keyed = " union all ".join(f"select key from {side}" for side in sides)
            con.execute(
                f"""insert into {skipped}
                select '{blocking_pass.name}', key, count(*) from ({keyed})
                group by key having count(*) > {config.max_block_size}"""
            )
        oversized = con.execute(
            f"select count(*) from {skipped} where pass = ?", [blocking_pass.name]
        ).fetchall()[0][0]
        for side in sides if oversized else ():
            con.execute(
                f"""delete from {side} where key in
                (select key from {skipped} where pass = '{blocking_pass.name}')"""
            )
        if new_only:
            # Only pairs touching a new record: new keys on one side, every key on the other
            # (duplicates from both sides being new are removed by the grouping below).
            joins = [
                ("(select * from _lk_keys_left where is_new)", right),
                ("_lk_keys_left", f"(select * from {right} where is_new)"),
            ]
            order = "a.rid <> b.rid"
        else:
            joins = [("_lk_keys_left", right)]
            # A symmetric pass finds each pair twice; keep one orientation.
            order = "a.rid < b.rid" if blocking_pass.symmetric else "a.rid <> b.rid"
        for left_side, right_side in joins:
            con.execute(
                f"""insert into _lk_pass_pairs
                select least(a.rid, b.rid), greatest(a.rid, b.rid), {1 << index}
                from {left_side} a join {right_side} b on a.key = b.key and {order}"""
            )
    con.execute(
        f"""create or replace temp table {target} as
        select rid_l, rid_r, cast(bit_or(bit) as integer) as passes
        from _lk_pass_pairs group by rid_l, rid_r"""
    )
    for table in ("_lk_pass_pairs", "_lk_keys_left", "_lk_keys_right"):
        con.execute(f"drop table if exists {table}")
    return con.execute(f"select count(*) from {target}").fetchall()[0][0]


def pass_names_sql(config: LinkageConfig, mask: str) -> str:
    """SQL listing the names of the passes set in a bitmask column."""
    names = ", ".join(f"'{p.name}'" for p in config.passes)
    return f"list_filter([{names}], lambda name, i: ({mask} >> (i - 1)) & 1 = 1)"
