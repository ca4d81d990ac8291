"""Persistent pseudonymous child keys.

A new child's key is the prefix plus the first 16 hex characters of HMAC-SHA-256 (secret key,
"child:" + its anchor record id), the anchor being its smallest record id: the key reveals no
identifier and cannot be recomputed without the secret. Against a previous crosswalk a child
keeps the key its records held; when children merge, the key holding most of the previous records
survives (tie: the smallest key); when a child splits, the part with most of its previous records
keeps the key and the others get new keys. Every merge and split is written to the key history.
"""

from __future__ import annotations

import hmac
from dataclasses import dataclass, field

import duckdb
import polars as pl

from pipelines.privacy.pseudonymise import hmac_hex_sql, hmac_pads

HISTORY_SCHEMA = {
    "old_key": pl.String,
    "new_key": pl.String,
    "reason": pl.String,
    "records": pl.Int64,
    "run_at": pl.Datetime("us", "UTC"),
}


def child_key(secret: bytes, anchor_record_id: str, prefix: str, attempt: int = 0) -> str:
    message = f"child:{anchor_record_id}" + (f"#{attempt}" if attempt else "")
    return prefix + hmac.digest(secret, message.encode(), "sha256")[:8].hex()


def child_keys(secret: bytes, anchors: list[str], prefix: str) -> list[str]:
    """`child_key` of many anchors at once (first attempt), computed in DuckDB."""
    if not anchors:
        return []
    inner, outer = hmac_pads(secret)
    con = duckdb.connect()
    try:
        con.register("_anchors", pl.DataFrame({"anchor": anchors}).with_row_index("i").to_arrow())
        digest = hmac_hex_sql("'child:' || anchor")
        keys = con.sql(
            f"select $prefix || left({digest}, 16) as child_key from _anchors order by i",
            params={"prefix": prefix, "inner": inner, "outer": outer},
        ).pl()
    finally:
        con.close()
    return keys["child_key"].to_list()


@dataclass
class KeyAssignment:
    keys: dict[str, str]  # cluster label → child key
    history: list[dict] = field(default_factory=list)
    merges: int = 0
    splits: int = 0
    new: int = 0


def assign_keys(
    clusters: pl.DataFrame,
    previous: pl.DataFrame | None,
    secret: bytes,
    prefix: str,
    *,
    taken: set[str] | None = None,
    run_at=None,
) -> KeyAssignment:
    """Keys for clusters (`record_id`, `cluster`) given a previous crosswalk (`record_id`,
    `child_key`). `taken` holds keys that may not be issued again (retired keys)."""
    anchors = clusters.group_by("cluster").agg(anchor=pl.col("record_id").min())
    if previous is None:
        previous = pl.DataFrame(schema={"record_id": pl.String, "child_key": pl.String})
    # How many of each previous key's records each cluster holds.
    holdings = (
        clusters.join(previous.select("record_id", "child_key"), on="record_id")
        .group_by("child_key", "cluster")
        .agg(held=pl.len())
        .join(anchors, on="cluster")
    )
    # A previous key goes to the cluster holding most of its records (tie: smallest anchor).
    heirs = holdings.sort(["child_key", "held", "anchor"], descending=[False, True, False])
    heirs = heirs.unique("child_key", keep="first", maintain_order=True)
    # A cluster heir to several keys keeps the one it holds most records of (tie: smallest key).
    claims = heirs.sort(["cluster", "held", "child_key"], descending=[False, True, False])
    kept = claims.unique("cluster", keep="first", maintain_order=True)
    result = KeyAssignment(keys=dict(zip(kept["cluster"], kept["child_key"], strict=True)))
    retired = claims.join(kept.select("cluster", kept_key="child_key"), on="cluster").filter(
        pl.col("child_key") != pl.col("kept_key")
    )
    for row in retired.sort("kept_key", "child_key").iter_rows(named=True):
        result.merges += 1
        result.history.append(
            {
                "old_key": row["child_key"],
                "new_key": row["kept_key"],
                "reason": "merge",
                "records": row["held"],
                "run_at": run_at,
            }
        )
    used = set(taken or ()) | set(previous["child_key"].to_list())
    fresh = anchors.filter(~pl.col("cluster").is_in(kept["cluster"].implode())).sort("anchor")
    anchors_fresh = fresh["anchor"].to_list()
    candidates = child_keys(secret, anchors_fresh, prefix)
    if len(set(candidates)) < len(candidates) or not used.isdisjoint(candidates):
        # A key already issued (to a previous child or in this run) is never reissued.
        for index, (anchor, key) in enumerate(zip(anchors_fresh, candidates, strict=True)):
            attempt = 0
            while key in used:
                attempt += 1
                key = child_key(secret, anchor, prefix, attempt)
            used.add(key)
            candidates[index] = key
    result.keys.update(zip(fresh["cluster"].to_list(), candidates, strict=True))
    result.new = fresh.height
    # Records whose previous key went to another cluster: that key split.
    split = holdings.join(heirs.select("child_key", heir="cluster"), on="child_key").filter(
        pl.col("cluster") != pl.col("heir")
    )
    for row in split.sort("child_key", "anchor").iter_rows(named=True):
        result.splits += 1
        result.history.append(
            {
                "old_key": row["child_key"],
                "new_key": result.keys[row["cluster"]],
                "reason": "split",
                "records": row["held"],
                "run_at": run_at,
            }
        )
    return result


def history_frame(rows: list[dict]) -> pl.DataFrame:
    return pl.DataFrame(rows, schema=HISTORY_SCHEMA)
