"""The identity-resolution run: prepare, block, score, cluster, key, explain.

`link()` works on tables inside one DuckDB connection and writes its outputs to the configured
schema. A full run pairs every record; an incremental run (`previous_state`) reuses the previous
run's prepared records, scored pairs, clusters and parameters, scores only candidate pairs that
touch new or changed records and re-clusters only the components they reach. Because blocking
and scoring are pure functions of a pair and the stored parameters, and each component is
clustered on its own, the result equals a full rebuild with the same model.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from datetime import UTC, datetime

import duckdb
import numpy as np
import polars as pl

from pipelines.linkage import blocking, cluster, compare, keys
from pipelines.linkage import parameters as model
from pipelines.linkage.config import LinkageConfig, load_config
from pipelines.linkage.prepare import prepare
from pipelines.privacy.pseudonymise import MIN_KEY_BYTES

# Intra-component pairs are checked for conflicts in components up to this size; a larger
# component is checked on its scored candidate pairs only (it would hold millions of pairs).
MAX_CHECKED_COMPONENT = 2_000
FORCED_WEIGHT = 1.0e6


@dataclass
class LinkResult:
    """What a run did; every output is a table in `schema` of the connection."""

    schema: str
    mode: str  # "full" or "incremental" (a state from another configuration means a full run)
    records: int
    new_records: int
    removed_records: int
    candidate_pairs: int
    scored_pairs: int
    links: int
    children: int
    review_pairs: int
    proposed_merges: int  # links that would merge two known children, awaiting a reviewer
    merges: int
    splits: int
    new_keys: int
    parameters_estimated: bool
    em_iterations: int
    conflicted_components: int
    refused_links: int
    reclustered_records: int
    pass_pairs: dict[str, int] = field(default_factory=dict)  # candidate pairs by blocking pass
    timings: dict[str, float] = field(default_factory=dict)

    def table(self, name: str) -> str:
        return f"{self.schema}.{name}"


class _Clock:
    def __init__(self) -> None:
        self.timings: dict[str, float] = {}
        self._last = time.perf_counter()

    def lap(self, name: str) -> None:
        now = time.perf_counter()
        self.timings[name] = round(now - self._last, 3)
        self._last = now


def _count(con: duckdb.DuckDBPyConnection, table: str, where: str = "true") -> int:
    return con.execute(f"select count(*) from {table} where {where}").fetchall()[0][0]


def exists(
    con: duckdb.DuckDBPyConnection, schema: str, table: str, kind: str = "table or view"
) -> bool:
    """Whether `schema.table` exists as a table or view (`kind`: "table", "view" or both)."""
    count = 0
    if "table" in kind:
        count += con.execute(
            "select count(*) from duckdb_tables() where schema_name = ? and table_name = ?",
            [schema, table],
        ).fetchall()[0][0]
    if "view" in kind:
        count += con.execute(
            "select count(*) from duckdb_views() where schema_name = ? and view_name = ?",
            [schema, table],
        ).fetchall()[0][0]
    return bool(count)


def _split(name: str) -> tuple[str, str]:
    schema, _, table = name.rpartition(".")
    return schema or "main", table


def link(
    con: duckdb.DuckDBPyConnection,
    records: str,
    *,
    key: bytes,
    previous_crosswalk: str | None = None,
    previous_state: str | None = None,
    decisions: str | None = None,
    parameters: str | None = None,
    reestimate: bool = False,
    config: LinkageConfig | None = None,
    run_at: datetime | None = None,
) -> LinkResult:
    """Resolve the person records in table `records` into children.

    key: the secret for child keys (`pipelines.privacy.pseudonymise.load_key`).
    previous_crosswalk: a table (record_id, child_key) of an earlier run whose keys to keep.
    previous_state: the schema of an earlier run's outputs: link incrementally against it (its
        crosswalk, key history and parameters are used too).
    decisions: a table of clerical decisions (record_id_l, record_id_r, decision 'same' or
        'different', optional decided_at); the latest decision on a pair is always honoured.
    parameters: a schema holding `parameters`, `term_frequencies` and `oversized_blocks` (as
        written by an earlier run) to reuse instead of estimating; `reestimate` forces
        estimation in a full run.
    """
    if len(key) < MIN_KEY_BYTES:
        raise ValueError(f"the child key secret must be at least {MIN_KEY_BYTES} bytes")
    config = config or load_config()
    run_at = run_at or datetime.now(UTC)
    schema = config.output_schema
    clock = _Clock()
    con.execute(f"create schema if not exists {schema}")
    compare.register_macros(con)
    # The previous run's key history (keys retired there are never issued again).
    history = None
    if previous_state is not None and exists(con, previous_state, "key_history"):
        con.execute(
            f"create or replace temp table _lk_prev_history as "
            f"select * from {previous_state}.key_history"
        )
        history = "_lk_prev_history"
    if previous_state is not None and not _state_matches(con, previous_state, config):
        # The configuration changed since the state was written, so its pair scores are not
        # comparable with new ones: link everything afresh, carrying keys and history over.
        con.execute(
            f"create or replace temp table _lk_carried_crosswalk as "
            f"select record_id, child_key from {previous_state}.crosswalk"
        )
        previous_crosswalk, previous_state = "_lk_carried_crosswalk", None
    incremental = previous_state is not None

    # Prepared records, with a stable integer id (kept from the previous state when unchanged)
    # and the term frequency of their names.
    prepared = f"{schema}.prepared"
    prepare(con, records, "_lk_input", config)
    clock.lap("prepare")
    removed = 0
    if incremental:
        for table in ("prepared", "scored_pairs", "crosswalk"):
            con.execute(
                f"create or replace temp table _lk_prev_{table} as "
                f"select * from {previous_state}.{table}"
            )
        parameters = parameters or previous_state
    estimated = parameters is None or reestimate
    if incremental and reestimate:
        raise ValueError("parameters can only be estimated again in a full run")
    if estimated:
        model.estimate_term_frequencies(con, "_lk_input", config, "_lk_term_frequencies")
    else:
        for table in (model.TF_TABLE, model.OVERSIZED_TABLE):
            con.execute(
                f"create or replace temp table _lk_{table} as select * from {parameters}.{table}"
            )
    if incremental:
        numbered = """
            with kept as (
                select p.rid, i.* from _lk_input i
                join _lk_prev_prepared p using (record_id, content)
            ),
            start as (select coalesce(max(rid), -1) as top from _lk_prev_prepared)
            select rid, * exclude (rid), false as is_new from kept
            union all
            select cast((select top from start) + row_number() over (order by record_id)
                        as integer) as rid, *, true as is_new
            from _lk_input i where record_id not in (select record_id from kept)"""
    else:
        # Numbered in record id order (sorting the ids alone, then joining, is much cheaper
        # than a window over every column).
        numbered = """
            with ids as (
                select record_id, cast(row_number() over (order by record_id) - 1 as integer)
                    as rid
                from _lk_input
            )
            select ids.rid, i.*, true as is_new from _lk_input i join ids using (record_id)"""
    con.execute(f"create or replace table {prepared} as {_with_frequencies(numbered, config)}")
    con.execute("drop table _lk_input")
    if incremental:
        removed = _count(con, "_lk_prev_prepared", f"rid not in (select rid from {prepared})")
    n_records = _count(con, prepared)
    n_new = _count(con, prepared, "is_new")

    # Candidate pairs, their levels (computed once), the parameters and the scores.
    blocking.candidate_pairs(
        con,
        prepared,
        config,
        "_lk_oversized_blocks",
        "_lk_pairs",
        new_only=incremental,
        find_oversized=estimated,
    )
    n_candidates = _count(con, "_lk_pairs")
    counts = ", ".join(
        f"count(*) filter (where passes & {1 << i} > 0)" for i in range(len(config.passes))
    )
    per_pass = con.execute(f"select {counts} from _lk_pairs").fetchall()[0]
    pass_pairs = {p.name: int(n) for p, n in zip(config.passes, per_pass, strict=True)}
    clock.lap("blocking")
    con.execute(
        f"create or replace temp table _lk_gammas as "
        f"{compare.gamma_sql('_lk_pairs', prepared, config)}"
    )
    con.execute("drop table _lk_pairs")
    clock.lap("comparisons")
    if estimated:
        params = _estimate(con, n_records, config, clock)
    else:
        params = model.load(con, f"{parameters}.{model.PARAMETER_TABLE}", config)
    score = compare.weight_sql("_lk_gammas", config, params)
    if incremental:
        con.execute(
            f"""create or replace table {schema}.scored_pairs as
            select {compare.scored_columns(config)} from _lk_prev_scored_pairs
            where rid_l in (select rid from {prepared} where not is_new)
              and rid_r in (select rid from {prepared} where not is_new)
            union all ({score})"""
        )
    else:
        con.execute(f"create or replace table {schema}.scored_pairs as {score}")
    con.execute("drop table _lk_gammas")
    clock.lap("scoring")

    # Links and reviewers' decisions, by integer ids.
    _load_decisions(con, decisions, prepared)
    threshold = config.thresholds.link_probability
    # Each record's child in the previous run (read once, for the clusters and the keys): a
    # link between two records of one previous child is "established" and goes first when a
    # conflicted component is re-clustered.
    if incremental:
        previous_keys = "select record_id, child_key from _lk_prev_crosswalk"
    elif previous_crosswalk is not None:
        previous_keys = (
            f"select cast(record_id as varchar) as record_id, cast(child_key as varchar) "
            f"as child_key from {previous_crosswalk} where child_key is not null"
        )
    else:
        previous_keys = "select null::varchar as record_id, null::varchar as child_key limit 0"
    con.execute(f"create or replace temp table _lk_previous_crosswalk as {previous_keys}")
    con.execute(
        f"""create or replace temp table _lk_previous_keys as
        select p.rid, k.child_key from _lk_previous_crosswalk k join {prepared} p
        using (record_id)"""
    )
    con.execute(
        f"""create or replace temp table _lk_links as
        with linked as (
            select rid_l, rid_r, match_weight, false as forced from {schema}.scored_pairs
            where probability >= {threshold!r}
              and (rid_l, rid_r) not in (select rid_l, rid_r from _lk_decisions
                                         where decision = 'different')
            union all
            select rid_l, rid_r, {FORCED_WEIGHT!r}, true from _lk_decisions
            where decision = 'same'
        )
        select linked.*, coalesce(kl.child_key = kr.child_key, false) as established
        from linked
        left join _lk_previous_keys kl on kl.rid = linked.rid_l
        left join _lk_previous_keys kr on kr.rid = linked.rid_r"""
    )

    n_links = _count(con, "_lk_links", "not forced")

    # The records whose clusters are (re)computed: all, or those an incremental change reaches.
    if incremental:
        con.execute(
            f"""create or replace temp table _lk_affected as
            with touched as (
                select rid from {prepared} where is_new
                union select rid from _lk_prev_prepared
                    where rid not in (select rid from {prepared})
                union select rid_l from _lk_links
                    where rid_l in (select rid from {prepared} where is_new)
                       or rid_r in (select rid from {prepared} where is_new)
                union select rid_r from _lk_links
                    where rid_l in (select rid from {prepared} where is_new)
                       or rid_r in (select rid from {prepared} where is_new)
                union select rid_l from _lk_decisions
                union select rid_r from _lk_decisions
            ),
            components as (
                select distinct c.component from _lk_prev_crosswalk c
                join _lk_prev_prepared p using (record_id) where p.rid in (select rid from touched)
            )
            select rid from {prepared} where is_new
            union
            select p.rid from _lk_prev_crosswalk c join {prepared} p using (record_id)
            where c.component in (select component from components)"""
        )
    else:
        con.execute(f"create or replace temp table _lk_affected as select rid from {prepared}")
    affected = _count(con, "_lk_affected")

    clusters = _cluster(con, config, params)
    proposed = _store_proposed_merges(con, config, clusters, previous_state)
    clock.lap("clustering")

    # Keys: kept from the previous crosswalk, new ones from the anchor record.
    assignment, crosswalk = _keys(
        con,
        clusters,
        config,
        key,
        incremental or previous_crosswalk is not None,
        incremental,
        history,
        run_at,
    )
    clock.lap("keys")

    _write_outputs(con, config, params, crosswalk, assignment, history)
    clock.lap("outputs")
    review = _count(con, f"{schema}.review_queue")
    return LinkResult(
        schema=schema,
        mode="incremental" if incremental else "full",
        records=n_records,
        new_records=n_new,
        removed_records=removed,
        candidate_pairs=n_candidates,
        scored_pairs=_count(con, f"{schema}.scored_pairs"),
        links=n_links,
        children=crosswalk["child_key"].n_unique(),
        review_pairs=review,
        proposed_merges=proposed,
        merges=assignment.merges,
        splits=assignment.splits,
        new_keys=assignment.new,
        parameters_estimated=estimated,
        em_iterations=params.em_iterations,
        conflicted_components=clusters.conflicted_components,
        refused_links=clusters.refused_links,
        reclustered_records=affected,
        pass_pairs=pass_pairs,
        timings=clock.timings,
    )


def _state_matches(con, state: str, config: LinkageConfig) -> bool:
    """Whether the state in schema `state` was written under this configuration."""
    table = f"{state}.{model.PARAMETER_TABLE}"
    return exists(con, state, model.PARAMETER_TABLE) and (
        model.stored_digest(con, table) == config.digest
    )


def _with_frequencies(records_sql: str, config: LinkageConfig) -> str:
    """SQL: the records plus the term frequency of each of their term-frequency values."""
    columns = model.tf_columns(config)
    joins = "".join(
        f" left join (select value, frequency from _lk_term_frequencies "
        f"where column_name = '{c}') t_{c} on t_{c}.value = p.{c}"
        for c in columns
    )
    select = "".join(f", t_{c}.frequency as tf_{c}" for c in columns)
    return f"select p.*{select} from ({records_sql}) p{joins}"


def _estimate(con, n_records: int, config: LinkageConfig, clock: _Clock) -> model.Parameters:
    """u from random pairs; m and the prior by EM over the candidate pairs' level patterns."""
    prepared = f"{config.output_schema}.prepared"
    u = model.estimate_u(con, prepared, n_records, config)
    clock.lap("estimate u")
    names = [c.name for c in config.comparisons]
    patterns = con.sql(
        f"""select {", ".join(f"g_{n}" for n in names)}, passes, count(*) as n
        from _lk_gammas group by all order by all"""
    ).pl()
    m, lam, iterations = model.estimate_m(patterns, u, n_records, config)
    clock.lap("estimate m")
    return model.Parameters(
        m=m,
        u=u,
        lam=lam,
        tf_floor=config.estimation.tf_floor,
        min_weight={c.name: [level.min_weight for level in c.levels] for c in config.comparisons},
        em_iterations=iterations,
    )


def _load_decisions(con, decisions: str | None, prepared: str) -> None:
    """Latest decision per pair (by decided_at, then by order of delivery), as rids."""
    if decisions is None:
        con.execute(
            """create or replace temp table _lk_decisions
            (rid_l integer, rid_r integer, decision varchar)"""
        )
        return
    columns = {r[0] for r in con.execute(f"describe select * from {decisions}").fetchall()}
    decided_at = "cast(decided_at as varchar)" if "decided_at" in columns else "null"
    con.execute(
        f"""create or replace temp table _lk_decisions as
        with raw as (
            select cast(record_id_l as varchar) as a, cast(record_id_r as varchar) as b,
                lower(trim(cast(decision as varchar))) as decision, {decided_at} as decided_at,
                row_number() over () as delivered
            from {decisions}
        ),
        ids as (
            select least(l.rid, r.rid) as rid_l, greatest(l.rid, r.rid) as rid_r,
                decision, decided_at, delivered
            from raw
            join {prepared} l on l.record_id = raw.a
            join {prepared} r on r.record_id = raw.b
            where decision in ('same', 'different') and l.rid <> r.rid
        )
        select rid_l, rid_r, decision from ids
        qualify row_number() over (partition by rid_l, rid_r
                                   order by decided_at desc nulls last, delivered desc) = 1"""
    )


def _cluster(con, config: LinkageConfig, params: model.Parameters) -> cluster.ClusterResult:
    prepared = f"{config.output_schema}.prepared"
    links = con.sql(
        """select rid_l, rid_r, match_weight, forced, established from _lk_links
        where rid_l in (select rid from _lk_affected) and rid_r in (select rid from _lk_affected)"""
    ).pl()
    nodes = np.sort(con.sql("select rid from _lk_affected").pl()["rid"].to_numpy())
    labels = cluster.connected_components(
        nodes, links["rid_l"].to_numpy(), links["rid_r"].to_numpy()
    )
    members = pl.DataFrame({"rid": nodes, "component": labels})
    con.register("_lk_members_view", members.to_arrow())
    con.execute(
        f"""create or replace temp table _lk_members as
        select m.rid, m.component, p.record_id from _lk_members_view m
        join {prepared} p using (rid)"""
    )
    con.unregister("_lk_members_view")
    # Pairs inside each multi-record component: scored (again if not a candidate pair) and
    # checked against the conflict rules.
    con.execute(
        f"""create or replace temp table _lk_intra as
        with sized as (
            select rid, component, count(*) over (partition by component) as size
            from _lk_members
        )
        select a.rid as rid_l, b.rid as rid_r, 0 as passes
        from sized a join sized b on a.component = b.component and a.rid < b.rid
        where a.size between 2 and {MAX_CHECKED_COMPONENT}
        union all
        select s.rid_l, s.rid_r, 0 from {config.output_schema}.scored_pairs s
        join sized a on a.rid = s.rid_l join sized b on b.rid = s.rid_r
        where a.component = b.component and a.size > {MAX_CHECKED_COMPONENT}"""
    )
    rules = [f"({c.when})" for c in config.guards.conflicts]
    tables = config.guards.one_record_per_child_tables
    if tables:
        listed = ", ".join(f"'{t}'" for t in tables)
        rules.append(f"(l.source_table = r.source_table and l.source_table in ({listed}))")
    rule_sql = " or ".join(rules) if rules else "false"
    # Most such pairs are candidate pairs, already scored; the others are scored here.
    con.execute(
        f"""create or replace temp table _lk_intra_known as
        select i.rid_l, i.rid_r, s.probability from _lk_intra i
        join {config.output_schema}.scored_pairs s using (rid_l, rid_r)"""
    )
    con.execute(
        """create or replace temp table _lk_intra_new as
        select rid_l, rid_r, passes from _lk_intra
        where (rid_l, rid_r) not in (select rid_l, rid_r from _lk_intra_known)"""
    )
    score = compare.score_sql("_lk_intra_new", prepared, config, params)
    conflicts = con.sql(
        f"""with scored as (
            select rid_l, rid_r, probability from _lk_intra_known
            union all select rid_l, rid_r, probability from ({score})
        ),
        ruled as (
            select i.rid_l, i.rid_r, coalesce({rule_sql}, false) as rule
            from _lk_intra i
            join {prepared} l on l.rid = i.rid_l join {prepared} r on r.rid = i.rid_r
        )
        select s.rid_l, s.rid_r from scored s join ruled using (rid_l, rid_r)
        where (s.probability < {config.guards.conflict_probability!r} or ruled.rule)
          and (s.rid_l, s.rid_r) not in (select rid_l, rid_r from _lk_decisions
                                         where decision = 'same')
        union
        select d.rid_l, d.rid_r from _lk_decisions d
        join _lk_members a on a.rid = d.rid_l join _lk_members b on b.rid = d.rid_r
        where d.decision = 'different' and a.component = b.component"""
    ).pl()
    for table in ("_lk_intra", "_lk_intra_known", "_lk_intra_new"):
        con.execute(f"drop table {table}")
    # Record ids (for tie-breaking) are only needed in the components to be re-clustered.
    con.register("_lk_conflicts_view", conflicts.to_arrow())
    known = None
    if config.guards.merge_known_children == "review":
        known = con.sql(
            "select k.rid, k.child_key from _lk_previous_keys k join _lk_members using (rid)"
        ).pl()
        con.register("_lk_known_view", known.to_arrow())
        # Components holding records of two or more known children are re-clustered too.
        spanning = """union select component from _lk_members join _lk_known_view using (rid)
            group by component having count(distinct child_key) > 1"""
    else:
        spanning = ""
    members_frame = con.sql(
        f"""select rid, component,
            case when component in (select m.component from _lk_members m
                                    join _lk_conflicts_view c on c.rid_l = m.rid {spanning})
                then record_id end as record_id
        from _lk_members"""
    ).pl()
    con.unregister("_lk_conflicts_view")
    if known is not None:
        con.unregister("_lk_known_view")
    return cluster.constrained_clusters(members_frame, links, conflicts, known)


def _store_proposed_merges(
    con, config: LinkageConfig, clusters: cluster.ClusterResult, previous_state: str | None
) -> int:
    """Keep the proposed merges: this run's, and the earlier ones no change reached."""
    schema = config.output_schema
    prepared = f"{schema}.prepared"
    con.register("_lk_proposed_view", clusters.proposed_merges.to_arrow())
    earlier = ""
    if previous_state is not None and exists(con, previous_state, "proposed_merges"):
        con.execute(
            f"create or replace temp table _lk_prev_proposed as "
            f"select * from {previous_state}.proposed_merges"
        )
        earlier = f"""union
            select p.record_id_l, p.record_id_r from _lk_prev_proposed p
            join {prepared} l on l.record_id = p.record_id_l
            join {prepared} r on r.record_id = p.record_id_r
            where l.rid not in (select rid from _lk_affected)
              and r.rid not in (select rid from _lk_affected)"""
    con.execute(
        f"""create or replace table {schema}.proposed_merges as
        select l.record_id as record_id_l, r.record_id as record_id_r
        from _lk_proposed_view p
        join {prepared} l on l.rid = p.rid_l join {prepared} r on r.rid = p.rid_r
        {earlier}"""
    )
    con.unregister("_lk_proposed_view")
    con.execute("drop table if exists _lk_prev_proposed")
    return _count(con, f"{schema}.proposed_merges")


def _keys(
    con,
    clusters: cluster.ClusterResult,
    config,
    secret,
    has_previous: bool,
    incremental: bool,
    history,
    run_at,
):
    prepared = f"{config.output_schema}.prepared"
    frame = clusters.frame.join(con.sql(f"select rid, record_id from {prepared}").pl(), on="rid")
    previous = None
    taken: set[str] = set()
    if has_previous:
        previous = con.sql("select record_id, child_key from _lk_previous_crosswalk").pl()
        taken = set(previous["child_key"].to_list())
    if history is not None:
        taken |= set(con.sql(f"select old_key from {history}").pl()["old_key"].to_list())
    assignment = keys.assign_keys(
        frame.select("record_id", "cluster"),
        previous,
        secret,
        config.key_prefix,
        taken=taken,
        run_at=run_at,
    )
    assigned = pl.DataFrame(
        {"cluster": list(assignment.keys), "child_key": list(assignment.keys.values())},
        schema={"cluster": frame["cluster"].dtype, "child_key": pl.String},
    )
    crosswalk = frame.join(assigned, on="cluster").select("record_id", "child_key", "component")
    if incremental:
        # Records no change reached keep their child and component.
        unaffected = (
            con.sql(
                f"""select c.record_id, c.child_key, c.component
            from _lk_prev_crosswalk c join {prepared} p using (record_id)
            where p.rid not in (select rid from _lk_affected)"""
            )
            .pl()
            .cast({"component": crosswalk["component"].dtype})
        )
        crosswalk = pl.concat([crosswalk, unaffected])
    crosswalk = crosswalk.with_columns(cluster_size=pl.len().over("child_key").cast(pl.Int32))
    return assignment, crosswalk


def _write_outputs(
    con, config: LinkageConfig, params, crosswalk: pl.DataFrame, assignment, history
) -> None:
    schema = config.output_schema
    prepared = f"{schema}.prepared"
    con.register("_lk_crosswalk_view", crosswalk.to_arrow())
    con.execute(
        f"""create or replace table {schema}.crosswalk as
        select c.record_id, p.source, c.child_key, c.cluster_size, c.component
        from _lk_crosswalk_view c join {prepared} p using (record_id)"""
    )
    con.unregister("_lk_crosswalk_view")
    this_run = keys.history_frame(assignment.history)
    con.register("_lk_history_view", this_run.to_arrow())
    earlier = f"select * from {history} union all " if history is not None else ""
    con.execute(
        f"""create or replace temp table _lk_history as
        {earlier}select * from _lk_history_view"""
    )
    con.unregister("_lk_history_view")
    con.execute(f"create or replace table {schema}.key_history as select * from _lk_history")
    model.save(con, params, config, f"{schema}.{model.PARAMETER_TABLE}")
    for table in (model.TF_TABLE, model.OVERSIZED_TABLE):
        con.execute(f"create or replace table {schema}.{table} as select * from _lk_{table}")
    con.execute(
        f"""create or replace table {schema}.decisions_applied as
        select l.record_id as record_id_l, r.record_id as record_id_r, d.decision
        from _lk_decisions d join {prepared} l on l.rid = d.rid_l
        join {prepared} r on r.rid = d.rid_r"""
    )
    _write_evidence(con, config, params)
    for table in (
        "_lk_links",
        "_lk_members",
        "_lk_affected",
        "_lk_history",
        "_lk_previous_keys",
        "_lk_previous_crosswalk",
        "_lk_prev_history",
        "_lk_carried_crosswalk",
    ):
        con.execute(f"drop table if exists {table}")


def _write_evidence(con, config: LinkageConfig, params: model.Parameters) -> None:
    """Evidence for every pair at or above the review threshold (a view), and the review queue."""
    schema = config.output_schema
    t = config.thresholds
    weights = compare.weight_expressions(config, params)
    labels = []
    for c in config.comparisons:
        cases = " ".join(f"when {i} then '{level.label}'" for i, level in enumerate(c.levels))
        labels.append(f"case s.g_{c.name} {cases} else 'null' end as {c.name}_level")
        labels.append(f"{weights[c.name]} as {c.name}_weight")
    passes = blocking.pass_names_sql(config, "s.passes")
    # A view: the explanation of any pair is computed when it is asked for, so a run does not
    # spend time writing explanations nobody reads.
    if exists(con, schema, "evidence", kind="table"):  # a table in states written earlier
        con.execute(f"drop table {schema}.evidence")
    con.execute(
        f"""create or replace view {schema}.evidence as
        select l.record_id as record_id_l, r.record_id as record_id_r,
            {", ".join(labels)},
            cast({compare.prior_weight(params)!r} as double) as prior_weight,
            s.match_weight, s.probability,
            {passes} as blocking_passes,
            cl.child_key = cr.child_key as same_child,
            d.decision as reviewer_decision
        from {schema}.scored_pairs s
        join {schema}.prepared l on l.rid = s.rid_l
        join {schema}.prepared r on r.rid = s.rid_r
        join {schema}.crosswalk cl on cl.record_id = l.record_id
        join {schema}.crosswalk cr on cr.record_id = r.record_id
        left join {schema}.decisions_applied d
            on d.record_id_l = l.record_id and d.record_id_r = r.record_id
        where s.probability >= {t.review_low!r} or cl.child_key = cr.child_key
            or d.decision is not null"""
    )
    con.execute(
        f"""create or replace table {schema}.review_queue as
        select e.*,
            case when m.record_id_l is not null then 'proposed merge of two known children'
                else 'uncertain' end as review_reason
        from {schema}.evidence e
        left join {schema}.proposed_merges m using (record_id_l, record_id_r)
        where e.reviewer_decision is null
          and (e.probability >= {t.review_low!r} and e.probability < {t.review_high!r}
               or m.record_id_l is not null)
        order by m.record_id_l is null, abs(e.probability - {t.link_probability!r}),
            e.record_id_l, e.record_id_r"""
    )
