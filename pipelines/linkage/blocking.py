"""Candidate pairs: the union of several blocking passes over the prepared records.

Each pass pairs records whose key (one or more expressions over prepared columns) is equal; an
asymmetric pass pairs one record's left key with another's right key. A list key (`unnest(...)`)
gives a record one key per element, so a record can meet others through any of its name tokens.

A block key shared by more than `max_block_size` records is oversized: pairing all of it would
cost quadratically (a common name pair, a large household). It is not dropped but refined: its
records are paired only when they also agree on one of the pass's `refine` keys (part of the
birth date, the postcode district). A refined key that is still oversized pairs nothing. Both are
counted: `BlockingResult.lost` says per pass how many pairs the oversized blocks held and how many
of them refinement still compared, so a blind spot is never silent. Oversized keys are found when
the parameters are estimated and stored with them, so the pairs a record takes part in never
depend on which other records arrived in the same delivery.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import duckdb

from pipelines.linkage.config import BlockingPass, LinkageConfig


@dataclass(frozen=True)
class BlockingResult:
    """Candidate pairs in `table` (rid_l < rid_r, passes bitmask)."""

    table: str
    pairs: int
    by_pass: dict[str, int]
    # Per pass: oversized keys whose blocks held pairs, those pairs, and how many of them the
    # refinements compared (the rest were never compared by this pass).
    lost: dict[str, dict[str, int]] = field(default_factory=dict)


def _hash(pass_index: int, level: int, columns: list[str]) -> str:
    return f"hash({pass_index}, {level}, {', '.join(columns)})"


def _key_select(records: str, keys: tuple[str, ...], pass_index: int) -> str:
    """rid, is_new and a 64-bit hash of the key, one row per key value (a list key is
    unnested)."""
    parts = ", ".join(f"{expr} as k{i}" for i, expr in enumerate(keys))
    names = [f"k{i}" for i in range(len(keys))]
    not_null = " and ".join(f"{n} is not null" for n in names)
    # Only a list key (unnested) can give one record the same key twice.
    distinct = "distinct " if any("unnest(" in expr for expr in keys) else ""
    return f"""
        select {distinct}rid, is_new, {_hash(pass_index, 0, names)} as key
        from (select rid, is_new, {parts} from {records})
        where {not_null}"""


def _refined_select(
    records: str, side: str, refine: tuple[str, ...], pass_index: int, level: int, oversized: str
) -> str:
    """The records of `side` whose key is oversized, keyed again by the key and a refinement."""
    parts = ", ".join(f"{expr} as r{i}" for i, expr in enumerate(refine))
    names = [f"r{i}" for i in range(len(refine))]
    not_null = " and ".join(f"x.{n} is not null" for n in names)
    return f"""
        select distinct s.rid, s.is_new,
            {_hash(pass_index, level, ["s.key"] + [f"x.{n}" for n in names])} as key
        from {side} s
        join (select rid, {parts} from {records}) x using (rid)
        where s.key in (select key from {oversized} where pass_index = {pass_index}
                        and level = 0)
          and {not_null}"""


def _pairs_sql(left: str, right: str, symmetric: bool, new_only: bool, bit: int) -> list[str]:
    """INSERT bodies pairing `left` keys with `right` keys (both: rid, is_new, key)."""
    if new_only:
        # Only pairs touching a new record: new keys on one side, every key on the other
        # (duplicates from both sides being new are removed by the grouping afterwards).
        joins = [(f"(select * from {left} where is_new)", right)]
        joins.append((left, f"(select * from {right} where is_new)"))
        order = "a.rid <> b.rid"
    else:
        joins = [(left, right)]
        # A symmetric pass finds each pair twice; keep one orientation.
        order = "a.rid < b.rid" if symmetric else "a.rid <> b.rid"
    return [
        f"""select least(a.rid, b.rid) as rid_l, greatest(a.rid, b.rid) as rid_r, {bit} as bit
        from {a} a join {b} b on a.key = b.key and {order}"""
        for a, b in joins
    ]


def _block_counts(sides: dict[str, str]) -> str:
    """SQL aggregates over key rows tagged with their `side`: records (n) and new records (new)
    of the block on each side (a symmetric pass has the left side only)."""
    return ", ".join(
        f"count(*) filter (where side = '{name}') as n_{name}, "
        f"count(*) filter (where side = '{name}' and is_new) as new_{name}"
        for name in ("left", "right")
    )


def _block_pairs(symmetric: bool, new_only: bool) -> str:
    """SQL over `_block_counts`: the pairs a block holds (touching a new record with
    `new_only`). An asymmetric pass pairs each left record with each right one: a block with no
    record on one side holds none, however many the other side has."""
    if symmetric:
        n, new = "n_left", "new_left"
        return (
            f"{new} * ({n} - {new}) + {new} * ({new} - 1) / 2"
            if new_only
            else f"{n} * ({n} - 1) / 2"
        )
    every = "n_left * n_right"
    if not new_only:
        return every
    return f"{every} - (n_left - new_left) * (n_right - new_right)"


def _find_oversized(
    con, oversized: str, blocking_pass: BlockingPass, index: int, level: int, keys: str, limit: int
) -> None:
    """Record the keys (of the key rows `keys`) that more than `limit` records share."""
    con.execute(
        f"""insert into {oversized}
        select '{blocking_pass.name}', {index}, {level}, key, count(*) from ({keys})
        group by key having count(*) > {limit}"""
    )


def _drop_oversized(con, oversized: str, tables, index: int, level: int) -> None:
    """Remove the oversized keys of one pass and level from key tables."""
    for table in tables:
        con.execute(
            f"""delete from {table} where key in (select key from {oversized}
            where pass_index = {index} and level = {level})"""
        )


def _pass_pairs(
    con: duckdb.DuckDBPyConnection,
    records: str,
    config: LinkageConfig,
    index: int,
    blocking_pass: BlockingPass,
    oversized: str,
    *,
    new_only: bool,
    find_oversized: bool,
) -> dict[str, int]:
    """Insert this pass's pairs into _lk_pass_pairs; returns its oversized-block counts."""
    bit = 1 << index
    limit = blocking_pass.max_block_size or config.max_block_size
    sides = {"left": "_lk_keys_left"}
    con.execute(
        f"create or replace temp table _lk_keys_left as "
        f"{_key_select(records, blocking_pass.left, index)}"
    )
    if not blocking_pass.symmetric:
        sides["right"] = "_lk_keys_right"
        con.execute(
            f"create or replace temp table _lk_keys_right as "
            f"{_key_select(records, blocking_pass.right, index)}"
        )
    right = sides.get("right", "_lk_keys_left")
    every_key = " union all ".join(f"select key, is_new from {t}" for t in sides.values())
    if find_oversized:
        _find_oversized(con, oversized, blocking_pass, index, 0, every_key, limit)
    # Pairs held by this pass's oversized blocks (touching a new record, in an incremental run).
    lost = {"oversized_keys": 0, "pairs_in_oversized_blocks": 0, "refined_pairs": 0}
    tagged = " union all ".join(
        f"select '{name}' as side, key, is_new from {table}" for name, table in sides.items()
    )
    row = con.execute(
        f"""with sized as (
            select key, {_block_counts(sides)}
            from ({tagged})
            where key in (select key from {oversized} where pass_index = {index} and level = 0)
            group by key
        )
        select count(*), coalesce(sum(pairs), 0), count(*) filter (where pairs > 0)
        from (select {_block_pairs(blocking_pass.symmetric, new_only)} as pairs from sized)"""
    ).fetchall()[0]
    present, lost["pairs_in_oversized_blocks"], lost["oversized_keys"] = map(int, row)
    if present:
        for level, refine in enumerate(blocking_pass.refine, start=1):
            for name, side in sides.items():
                con.execute(
                    f"create or replace temp table _lk_refined_{name} as "
                    f"{_refined_select(records, side, refine, index, level, oversized)}"
                )
            refined = {name: f"_lk_refined_{name}" for name in sides}
            every_refined = " union all ".join(f"select key from {t}" for t in refined.values())
            if find_oversized:
                _find_oversized(con, oversized, blocking_pass, index, level, every_refined, limit)
            _drop_oversized(con, oversized, refined.values(), index, level)
            right_refined = refined.get("right", refined["left"])
            for body in _pairs_sql(
                refined["left"], right_refined, blocking_pass.symmetric, new_only, bit
            ):
                con.execute(f"insert into _lk_refined_pairs {body}")
        lost["refined_pairs"] = con.execute(
            "select count(*) from (select distinct rid_l, rid_r from _lk_refined_pairs)"
        ).fetchall()[0][0]
        con.execute("insert into _lk_pass_pairs select * from _lk_refined_pairs")
        con.execute("delete from _lk_refined_pairs")
        _drop_oversized(con, oversized, sides.values(), index, 0)
    for body in _pairs_sql("_lk_keys_left", right, blocking_pass.symmetric, new_only, bit):
        con.execute(f"insert into _lk_pass_pairs {body}")
    return lost


def candidate_pairs(
    con: duckdb.DuckDBPyConnection,
    records: str,
    config: LinkageConfig,
    oversized: str,
    target: str,
    *,
    new_only: bool = False,
    find_oversized: bool = False,
) -> BlockingResult:
    """Write deduplicated candidate pairs (rid_l < rid_r, passes bitmask) to `target`.

    `records` needs `rid` and `is_new`; `oversized` holds the oversized keys (pass_index,
    level, key, records), or receives them first with `find_oversized`. With `new_only` only
    pairs touching a new record are made.
    """
    if find_oversized:
        con.execute(
            f"""create or replace temp table {oversized}
            (pass varchar, pass_index integer, level integer, key ubigint, records bigint)"""
        )
    con.execute(
        "create or replace temp table _lk_pass_pairs (rid_l integer, rid_r integer, bit integer)"
    )
    con.execute(
        "create or replace temp table _lk_refined_pairs (rid_l integer, rid_r integer, bit integer)"
    )
    lost = {}
    for index, blocking_pass in enumerate(config.passes):
        lost[blocking_pass.name] = _pass_pairs(
            con,
            records,
            config,
            index,
            blocking_pass,
            oversized,
            new_only=new_only,
            find_oversized=find_oversized,
        )
    con.execute(
        f"""create or replace temp table {target} as
        select rid_l, rid_r, cast(bit_or(bit) as integer) as passes
        from _lk_pass_pairs group by rid_l, rid_r"""
    )
    for table in (
        "_lk_pass_pairs",
        "_lk_refined_pairs",
        "_lk_keys_left",
        "_lk_keys_right",
        "_lk_refined_left",
        "_lk_refined_right",
    ):
        con.execute(f"drop table if exists {table}")
    counts = ", ".join(
        f"count(*) filter (where passes & {1 << i} > 0)" for i in range(len(config.passes))
    )
    row = con.execute(f"select count(*), {counts} from {target}").fetchall()[0]
    by_pass = {p.name: int(n) for p, n in zip(config.passes, row[1:], strict=True)}
    return BlockingResult(table=target, pairs=int(row[0]), by_pass=by_pass, lost=lost)


def pass_names_sql(config: LinkageConfig, mask: str) -> str:
    """SQL listing the names of the passes set in a bitmask column."""
    names = ", ".join(f"'{p.name}'" for p in config.passes)
    return f"list_filter([{names}], lambda name, i: ({mask} >> (i - 1)) & 1 = 1)"
