"""A refresh that redoes only what changed.

Dagster already knows what is out of date: each landing file is observed with its sha256 as data
version, each raw table reports the sha256 of the extract in force, dbt models carry the checksum
of their SQL as code version and the Python assets a digest of their code. An asset is stale when
an input's data version or its own code version changed since it was last materialised, missing
when it never was. A refresh observes the landing folders and materialises exactly the stale and
missing assets and everything downstream of them (Dagster judges staleness by an asset's direct
inputs only; a model over a rebuilt model is rebuilt too): nothing when no extract is new, a
source's tables and what depends on them when only that source delivered.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import dagster as dg
from dagster._core.asset_graph_view.asset_graph_view import AssetGraphView, TemporalContext
from dagster._core.definitions.data_version import CachingStaleStatusResolver, StaleStatus
from dagster._core.storage.event_log.base import AssetRecord
from dagster._time import get_current_datetime

from pipelines.config import Settings
from pipelines.resources import OBSERVE_JOB


@dataclass(frozen=True)
class RefreshPlan:
    scope: tuple[dg.AssetKey, ...]  # the assets this refresh may touch
    stale: tuple[dg.AssetKey, ...]  # of those, the ones to materialise
    reason: str  # why these: "stale or missing", or why everything

    @property
    def nothing_to_do(self) -> bool:
        return not self.stale


def scope_job(sources: Sequence[str] | None) -> list[str]:
    """The jobs whose assets a refresh of these sources may touch (every asset for none)."""
    return [f"refresh_{source}" for source in sources] if sources else ["refresh"]


def _scope(defs: dg.Definitions, sources: Sequence[str] | None) -> tuple[dg.AssetKey, ...]:
    keys: set[dg.AssetKey] = set()
    for name in scope_job(sources):
        keys |= set(defs.resolve_job_def(name).asset_layer.selected_asset_keys)
    graph = defs.resolve_asset_graph()
    return tuple(key for key in graph.toposorted_asset_keys if key in keys)


def stale_status(graph, instance: dg.DagsterInstance) -> CachingStaleStatusResolver:
    """Dagster's own judgement of each asset: fresh, stale (an input's data version or its code
    version changed since it was materialised) or missing."""
    view = AssetGraphView(
        temporal_context=TemporalContext(effective_dt=get_current_datetime(), last_event_id=None),
        instance=instance,
        asset_graph=graph,
    )
    # every asset's record in one query, not one query per asset as the resolver asks for them
    AssetRecord.blocking_get_many(view, graph.get_all_asset_keys())
    return CachingStaleStatusResolver(instance=instance, asset_graph=graph, loading_context=view)


def observe_landing(defs: dg.Definitions, instance: dg.DagsterInstance, **execute) -> None:
    """Record what the landing folders hold now (one observation per table)."""
    result = defs.resolve_job_def(OBSERVE_JOB).execute_in_process(
        instance=instance, raise_on_error=False, **execute
    )
    if not result.success:
        failures = [event.message for event in result.get_step_failure_events()]
        raise RuntimeError(f"observing the landing folders failed: {' | '.join(failures)}")


def plan_refresh(
    defs: dg.Definitions,
    instance: dg.DagsterInstance,
    settings: Settings,
    *,
    sources: Sequence[str] | None = None,
    full: bool = False,
) -> RefreshPlan:
    """What a refresh must materialise, after observing the landing folders."""
    scope = _scope(defs, sources)
    if full:
        return RefreshPlan(scope, scope, "a full refresh was asked for")
    # The run history lives in the Dagster instance, the data in the warehouse: a warehouse
    # that is not there (deleted, or another folder) is rebuilt whatever the history says.
    missing = [p for p in (settings.restricted_db, settings.analytics_db) if not p.exists()]
    if missing:
        return RefreshPlan(scope, scope, f"{missing[0]} does not exist yet")
    stale = out_of_date(defs.resolve_asset_graph(), instance, scope)
    return RefreshPlan(scope, stale, "stale or missing")


def out_of_date(graph, instance: dg.DagsterInstance, scope) -> tuple[dg.AssetKey, ...]:
    """The assets of `scope` (in topological order) that are stale or missing, and everything
    in `scope` downstream of them."""
    resolver = stale_status(graph, instance)
    todo: set[dg.AssetKey] = set()
    for key in scope:  # in topological order: parents are decided first
        if key in todo or resolver.get_status(key) in (StaleStatus.STALE, StaleStatus.MISSING):
            todo.add(key)
            todo.update(graph.get(key).child_keys)
    return tuple(key for key in scope if key in todo)


def execute_refresh(
    defs: dg.Definitions, instance: dg.DagsterInstance, plan: RefreshPlan, **execute
) -> dg.ExecuteInProcessResult:
    """Materialise the plan's assets (and run their checks) in one run of the refresh job."""
    return defs.resolve_job_def("refresh").execute_in_process(
        instance=instance, asset_selection=list(plan.stale), raise_on_error=False, **execute
    )
