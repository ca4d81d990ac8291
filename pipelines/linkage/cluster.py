"""Clustering linked records into children.

Links (pairs at or above the link probability, plus reviewers' `same` decisions) are joined into
connected components. A component is kept whole unless two of its members conflict: their own
comparison is strongly against a match, a configured conflict rule holds (two different NHS
numbers, twins), or a reviewer said `different`. Such a component is re-clustered Kruskal-style:
forced links first, then links inside a child of the previous run, then the strongest links,
refusing every union that would put a conflicting pair in one child. So a single wrong shared
identifier cannot chain two children together, and newly arrived records cannot pull apart a
child that was already known.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import polars as pl


def connected_components(nodes: np.ndarray, left: np.ndarray, right: np.ndarray) -> np.ndarray:
    """Component label (the smallest node id in it) of every node, by hooking and jumping.

    `nodes` is sorted and holds every id in `left` and `right`."""
    position_l = np.searchsorted(nodes, left)
    position_r = np.searchsorted(nodes, right)
    parent = np.arange(nodes.size)
    while True:
        root_l = parent[position_l]
        root_r = parent[position_r]
        differ = root_l != root_r
        if not differ.any():
            break
        low = np.minimum(root_l[differ], root_r[differ])
        high = np.maximum(root_l[differ], root_r[differ])
        np.minimum.at(parent, high, low)
        while True:
            grand = parent[parent]
            if np.array_equal(grand, parent):
                break
            parent = grand
    return nodes[parent]


REFUSED_CONFLICT = "conflict"
REFUSED_KNOWN = "known children"


class _Constrained:
    """Union-find over the members of re-clustered components. A union is refused when it
    would put a conflicting pair in one child, or (with `known`) join two children known from
    the previous run; reviewers' decisions (`force`) are never refused."""

    def __init__(
        self,
        members: list[int],
        conflicts: list[tuple[int, int]],
        known: dict[int, str] | None = None,
    ) -> None:
        self.parent = {m: m for m in members}
        self.size = dict.fromkeys(members, 1)
        self.enemies: dict[int, set[int]] = {m: set() for m in members}
        for a, b in conflicts:
            self.enemies[a].add(b)
            self.enemies[b].add(a)
        self.check_known = known is not None
        known = known or {}
        self.known: dict[int, frozenset[str]] = {
            m: frozenset([known[m]]) if m in known else frozenset() for m in members
        }

    def find(self, node: int) -> int:
        root = node
        while self.parent[root] != root:
            root = self.parent[root]
        while self.parent[node] != root:
            self.parent[node], node = root, self.parent[node]
        return root

    def union(self, a: int, b: int, force: bool = False) -> str | None:
        """Join the children of a and b; None when joined, else why it was refused."""
        root_a, root_b = self.find(a), self.find(b)
        if root_a == root_b:
            return None
        if not force:
            if any(self.find(e) == root_b for e in self.enemies[root_a]):
                return REFUSED_CONFLICT
            known_a, known_b = self.known[root_a], self.known[root_b]
            if (
                self.check_known
                and known_a
                and known_b
                and not (known_a <= known_b or known_b <= known_a)
            ):
                return REFUSED_KNOWN
        if self.size[root_a] < self.size[root_b]:
            root_a, root_b = root_b, root_a
        self.parent[root_b] = root_a
        self.size[root_a] += self.size[root_b]
        self.enemies[root_a] |= self.enemies.pop(root_b)
        self.known[root_a] = self.known[root_a] | self.known.pop(root_b)
        return None


@dataclass
class ClusterResult:
    frame: pl.DataFrame  # rid, component, cluster (smallest rid of the child's records)
    conflicted_components: int
    refused_links: int
    # Links refused because they would join two children known from the previous run
    # (rid_l, rid_r): proposed merges, for a reviewer to decide.
    proposed_merges: pl.DataFrame


def constrained_clusters(
    members: pl.DataFrame,
    links: pl.DataFrame,
    conflicts: pl.DataFrame,
    known: pl.DataFrame | None = None,
) -> ClusterResult:
    """Clusters of records.

    `members`: rid, record_id, component. `links`: rid_l, rid_r, match_weight, forced and
    established (bools; established: both records belonged to one child in the previous run).
    `conflicts`: rid_l, rid_r of conflicting pairs within a component. `known`: rid, child_key
    of the records' previous children, when two known children may only be merged by a
    reviewer's decision (the link that would merge them is returned as a proposed merge).

    A component without conflicts (or known children to keep apart) is one child. Any other
    component is re-clustered with its links in this order: reviewers' `same` decisions; links
    inside a previous child (so a child already known is not split by newly arrived records,
    only by a conflict among its own records); then the strongest links first. Ties are broken
    by the pair's record ids, never by row order or internal ids, so the result does not depend
    on delivery order.
    """
    component_of = members.select(rid_l="rid", component="component")
    conflicted = conflicts.join(component_of, on="rid_l")
    components = conflicted["component"].unique()
    if known is not None:
        spanning = (
            known.join(members.select("rid", "component"), on="rid")
            .group_by("component")
            .agg(keys=pl.col("child_key").n_unique())
            .filter(pl.col("keys") > 1)["component"]
        )
        components = pl.concat([components, spanning.cast(components.dtype)]).unique()
    frame = members.select("rid", "component").with_columns(cluster=pl.col("component"))
    no_proposals = pl.DataFrame(
        schema={"rid_l": members["rid"].dtype, "rid_r": members["rid"].dtype}
    )
    if components.len() == 0:
        return ClusterResult(frame, 0, 0, no_proposals)
    involved = members.filter(pl.col("component").is_in(components.implode()))
    record_of = involved.select("rid", "record_id")
    edges = (
        links.join(component_of, on="rid_l")
        .filter(pl.col("component").is_in(components.implode()))
        .join(record_of.rename({"rid": "rid_l", "record_id": "id_l"}), on="rid_l")
        .join(record_of.rename({"rid": "rid_r", "record_id": "id_r"}), on="rid_r")
        .with_columns(
            first=pl.min_horizontal("id_l", "id_r"), second=pl.max_horizontal("id_l", "id_r")
        )
        .sort(
            ["forced", "established", "match_weight", "first", "second"],
            descending=[True, True, True, False, False],
        )
    )
    known_of = None
    if known is not None:
        in_scope = known.join(involved.select("rid"), on="rid")
        known_of = dict(
            zip(in_scope["rid"].to_list(), in_scope["child_key"].to_list(), strict=True)
        )
    finder = _Constrained(
        involved["rid"].to_list(),
        list(zip(conflicted["rid_l"].to_list(), conflicted["rid_r"].to_list(), strict=True)),
        known_of,
    )
    refused, proposals = 0, []
    for forced, a, b in zip(
        edges["forced"].to_list(), edges["rid_l"].to_list(), edges["rid_r"].to_list(), strict=True
    ):
        reason = finder.union(a, b, force=forced)
        if reason is not None:
            refused += 1
            if reason == REFUSED_KNOWN:
                proposals.append((a, b))
    # Each re-clustered child is labelled by the smallest rid among its records.
    rids, dtype = involved["rid"].to_list(), members["rid"].dtype
    roots = [finder.find(rid) for rid in rids]
    relabelled = (
        pl.DataFrame({"rid": rids, "root": roots}, schema={"rid": dtype, "root": dtype})
        .with_columns(new_cluster=pl.col("rid").min().over("root"))
        .select("rid", "new_cluster")
    )
    frame = (
        frame.join(relabelled, on="rid", how="left", maintain_order="left")
        .with_columns(cluster=pl.coalesce("new_cluster", "cluster"))
        .select("rid", "component", "cluster")
    )
    proposed = pl.DataFrame(proposals, schema=no_proposals.schema, orient="row")
    # A proposal stands only while its two records are still in different children.
    cluster_of = frame.select("rid", "cluster")
    proposed = (
        proposed.join(cluster_of.rename({"rid": "rid_l", "cluster": "c_l"}), on="rid_l")
        .join(cluster_of.rename({"rid": "rid_r", "cluster": "c_r"}), on="rid_r")
        .filter(pl.col("c_l") != pl.col("c_r"))
        .select("rid_l", "rid_r")
    )
    return ClusterResult(frame, components.len(), refused, proposed)
