"""Clustering linked records into children.

Links (pairs at or above the link probability, plus reviewers' `same` decisions) are joined into
connected components. A component is kept whole unless two of its members conflict: their own
comparison is strongly against a match, a configured conflict rule holds (two different NHS
numbers, twins), or a reviewer said `different`. Such a component is re-clustered Kruskal-style:
forced links first, then the strongest links, refusing every union that would put a conflicting
pair in one child. So a single wrong shared identifier cannot chain two children together.
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


class _Constrained:
    """Union-find over one component that refuses unions joining a conflicting pair."""

    def __init__(self, members: list[int], conflicts: list[tuple[int, int]]) -> None:
        self.parent = {m: m for m in members}
        self.size = dict.fromkeys(members, 1)
        self.enemies: dict[int, set[int]] = {m: set() for m in members}
        for a, b in conflicts:
            self.enemies[a].add(b)
            self.enemies[b].add(a)

    def find(self, node: int) -> int:
        root = node
        while self.parent[root] != root:
            root = self.parent[root]
        while self.parent[node] != root:
            self.parent[node], node = root, self.parent[node]
        return root

    def union(self, a: int, b: int, force: bool = False) -> bool:
        root_a, root_b = self.find(a), self.find(b)
        if root_a == root_b:
            return True
        if not force and any(self.find(e) == root_b for e in self.enemies[root_a]):
            return False
        if self.size[root_a] < self.size[root_b]:
            root_a, root_b = root_b, root_a
        self.parent[root_b] = root_a
        self.size[root_a] += self.size[root_b]
        self.enemies[root_a] |= self.enemies.pop(root_b)
        return True


@dataclass
class ClusterResult:
    frame: pl.DataFrame  # rid, component, cluster (smallest rid of the child's records)
    conflicted_components: int
    refused_links: int


def constrained_clusters(
    members: pl.DataFrame, links: pl.DataFrame, conflicts: pl.DataFrame
) -> ClusterResult:
    """Clusters of records.

    `members`: rid, record_id, component. `links`: rid_l, rid_r, match_weight, forced (bool).
    `conflicts`: rid_l, rid_r of conflicting pairs within a component.
    """
    cluster = dict(zip(members["rid"].to_list(), members["component"].to_list(), strict=True))
    order = dict(zip(members["rid"].to_list(), members["record_id"].to_list(), strict=True))
    refused = 0
    conflicted = conflicts.join(members.select(rid_l="rid", component="component"), on="rid_l")
    components = conflicted["component"].unique().to_list()
    if components:
        comp_links = links.join(members.select(rid_l="rid", component="component"), on="rid_l")
        comp_links = comp_links.filter(pl.col("component").is_in(components))
        link_groups = {k[0]: g for k, g in comp_links.group_by("component")}
        conflict_groups = {k[0]: g for k, g in conflicted.group_by("component")}
        member_groups = {
            k[0]: g["rid"].to_list()
            for k, g in members.filter(pl.col("component").is_in(components)).group_by("component")
        }
        for component in sorted(components):
            rids = member_groups[component]
            group = link_groups.get(component)
            pairs = conflict_groups[component]
            finder = _Constrained(
                rids, list(zip(pairs["rid_l"].to_list(), pairs["rid_r"].to_list(), strict=True))
            )
            edges = (
                []
                if group is None
                else list(
                    zip(
                        group["forced"].to_list(),
                        group["match_weight"].to_list(),
                        group["rid_l"].to_list(),
                        group["rid_r"].to_list(),
                        strict=True,
                    )
                )
            )
            # Forced links first, then the strongest; ties broken by the pair's record ids (in
            # either orientation), never by row order or internal ids.
            edges.sort(
                key=lambda e: (
                    not e[0],
                    -e[1],
                    min(order[e[2]], order[e[3]]),
                    max(order[e[2]], order[e[3]]),
                )
            )
            for forced, _weight, a, b in edges:
                if not finder.union(a, b, force=forced):
                    refused += 1
            roots: dict[int, int] = {}
            for rid in rids:
                root = finder.find(rid)
                roots[root] = min(roots.get(root, rid), rid)
            for rid in rids:
                cluster[rid] = roots[finder.find(rid)]
    frame = members.select("rid", "component").with_columns(
        cluster=pl.Series(
            [cluster[r] for r in members["rid"].to_list()], dtype=members["rid"].dtype
        )
    )
    return ClusterResult(frame=frame, conflicted_components=len(components), refused_links=refused)
