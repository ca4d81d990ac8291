"""The identity-resolution run: prepare, block, score, cluster, key, explain.

`link()` works on tables inside one DuckDB connection and writes its outputs to one schema
(`identity` by default). A full run pairs every record; an incremental run (`previous_state`)
reuses the previous run's prepared records, scored pairs, clusters and parameters, scores only
candidate pairs that touch new or changed records and re-clusters only the components they
reach. Because blocking and scoring are pure functions of a pair and the stored parameters, and
each component is clustered on its own, the result equals a full rebuild with the same model.

Each stage is a function that returns a small dataclass naming the tables it made; the run's
working tables live in a `Scratch`, which drops them when the run ends, whether it succeeds or not.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from datetime import UTC, datetime

import duckdb
import numpy as np
import polars as pl

from pipelines.linkage import blocking, cluster, compare, keys, levels, quality
from pipelines.linkage import parameters as model
from pipelines.linkage.config import LinkageConfig, load_config
from pipelines.linkage.prepare import prepare
from pipelines.linkage.scratch import Scratch
from pipelines.privacy.pseudonymise import MIN_KEY_BYTES

DEFAULT_SCHEMA = "identity"
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
    # Per pass: pairs its oversized blocks held and how many of them refinement still compared.
    oversized: dict[str, dict[str, int]] = field(default_factory=dict)
    # The run's own estimate of its accuracy, without truth (`quality.py`).
    quality: dict[str, float] = field(default_factory=dict)
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


# --- stages -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Prior:
    """What this run knows of earlier runs (copies in working tables, so the outputs can be
    replaced while they are read)."""

    crosswalk: str  # record_id, child_key: the keys to keep (empty without an earlier run)
    history: str | None  # the key history so far (retired keys are never issued again)
    # record_id, pc: the postcodes records had in earlier deliveries
    addresses: str | None = None
    # An incremental run's previous state: prepared records, scored pairs, crosswalk, proposals.
    state: str | None = None
    prepared: str | None = None
    scored_pairs: str | None = None
    state_crosswalk: str | None = None
    proposed: str | None = None

    @property
    def incremental(self) -> bool:
        return self.state is not None


def _read_prior(
    con,
    scratch: Scratch,
    config: LinkageConfig,
    previous_state: str | None,
    previous_crosswalk: str | None,
    addresses: str | None,
) -> Prior:
    history = None
    if previous_state is not None and exists(con, previous_state, "key_history"):
        history = scratch.table("prev_history", f"select * from {previous_state}.key_history")
    state_addresses = previous_state is not None and exists(con, previous_state, "addresses")
    if addresses is None and state_addresses:
        addresses = f"{previous_state}.addresses"
    if addresses is not None:  # copied: the state's table is replaced while still read
        addresses = scratch.table("prev_addresses", f"select record_id, pc from {addresses}")
    if previous_state is not None and not _state_matches(con, previous_state, config):
        # The configuration changed since the state was written, so its pair scores are not
        # comparable with new ones: link everything afresh, carrying keys and history over.
        crosswalk = scratch.table(
            "prior_crosswalk", f"select record_id, child_key from {previous_state}.crosswalk"
        )
        return Prior(crosswalk=crosswalk, history=history, addresses=addresses)
    if previous_state is None:
        if previous_crosswalk is None:
            sql = "select null::varchar as record_id, null::varchar as child_key limit 0"
        else:
            sql = (
                f"select cast(record_id as varchar) as record_id, cast(child_key as varchar) "
                f"as child_key from {previous_crosswalk} where child_key is not null"
            )
        return Prior(
            crosswalk=scratch.table("prior_crosswalk", sql), history=history, addresses=addresses
        )
    # The crosswalk is copied (it is replaced while still read); the prepared records and the
    # scored pairs, the bulk of the state, are updated where they are (_prepare_records, _score).
    crosswalk = scratch.table("prev_crosswalk", f"select * from {previous_state}.crosswalk")
    proposed = None
    if exists(con, previous_state, "proposed_merges"):
        proposed = scratch.table("prev_proposed", f"select * from {previous_state}.proposed_merges")
    return Prior(
        crosswalk=scratch.table("prior_crosswalk", f"select record_id, child_key from {crosswalk}"),
        history=history,
        addresses=addresses,
        state=previous_state,
        prepared=f"{previous_state}.prepared",
        scored_pairs=f"{previous_state}.scored_pairs",
        state_crosswalk=crosswalk,
        proposed=proposed,
    )


def _state_matches(con, state: str, config: LinkageConfig) -> bool:
    """Whether the state in schema `state` was written under this configuration."""
    table = f"{state}.{model.PARAMETER_TABLE}"
    return exists(con, state, model.PARAMETER_TABLE) and (
        model.stored_digest(con, table) == config.digest
    )


@dataclass(frozen=True)
class Records:
    """The prepared records (`table`, in the output schema) and the model tables beside them."""

    table: str
    count: int
    new: int
    removed: int
    term_frequencies: str
    oversized: str
    # An incremental run: the previous run's records it removed (rid, record_id), gone from
    # the input or delivered changed (a changed record is prepared again under a new rid).
    removed_table: str | None = None


def _prepare_records(
    con,
    scratch: Scratch,
    records: str,
    schema: str,
    config: LinkageConfig,
    prior: Prior,
    model_source: str | None,
) -> Records:
    """Prepared records with a stable integer id and the term frequency of their names.

    An incremental run prepares only the records that are new or changed, and updates the
    previous run's prepared records where they are: removed and changed records out, the
    rest marked as not new, new and changed records in under new ids.
    """
    prepared = f"{schema}.prepared"
    input_table, ids = scratch.name("input"), scratch.name("input_ids")
    if prior.incremental and prior.prepared != prepared:  # a state kept in another schema
        con.execute(f"create or replace table {prepared} as select * from {prior.prepared}")
    prepare(
        con,
        records,
        input_table,
        config,
        known=prepared if prior.incremental else None,
        ids=ids if prior.incremental else None,
        addresses=prior.addresses,
    )
    term_frequencies, oversized = scratch.name(model.TF_TABLE), scratch.name(model.OVERSIZED_TABLE)
    if model_source is None:
        model.estimate_term_frequencies(con, input_table, config, term_frequencies)
    else:
        for table, name in ((term_frequencies, model.TF_TABLE), (oversized, model.OVERSIZED_TABLE)):
            con.execute(
                f"create or replace temp table {table} as select * from {model_source}.{name}"
            )
    removed_table = None
    if prior.incremental:
        top = con.execute(f"select coalesce(max(rid), -1) from {prepared}").fetchall()[0][0]
        removed_table = scratch.table(
            "removed",
            f"select rid, record_id from {prepared} anti join {ids} using (record_id, content)",
        )
        con.execute(f"delete from {prepared} where rid in (select rid from {removed_table})")
        con.execute(f"update {prepared} set is_new = false where is_new")
        numbered = f"""
            select cast({top} + row_number() over (order by record_id) as integer) as rid, *,
                true as is_new
            from {input_table}"""
        con.execute(
            f"insert into {prepared} by name "
            f"{_with_frequencies(numbered, input_table, config, term_frequencies)}"
        )
    else:
        # Numbered in record id order (sorting the ids alone, then joining, is much cheaper
        # than a window over every column).
        numbered = f"""
            with ids as (
                select record_id, cast(row_number() over (order by record_id) - 1 as integer)
                    as rid
                from {input_table}
            )
            select ids.rid, i.*, true as is_new from {input_table} i join ids using (record_id)"""
        con.execute(
            f"create or replace table {prepared} as "
            f"{_with_frequencies(numbered, input_table, config, term_frequencies)}"
        )
    scratch.drop(input_table)
    return Records(
        table=prepared,
        count=_count(con, prepared),
        new=_count(con, prepared, "is_new"),
        removed=_count(con, removed_table) if removed_table else 0,
        term_frequencies=term_frequencies,
        oversized=oversized,
        removed_table=removed_table,
    )


def _with_frequencies(
    records_sql: str, source: str, config: LinkageConfig, frequencies: str
) -> str:
    """SQL: the records plus the term frequency of each of their term-frequency values, and
    for each `tf_tokens` level's token list the frequency of each of its tokens, in order
    (`tf_<tokens>`; 0 for a token not counted), looked up once per distinct list in `source`
    (the prepared records `records_sql` numbers)."""
    columns = levels.tf_columns(config)
    joins = "".join(
        f" left join (select value, frequency from {frequencies} "
        f"where column_name = '{c}') t_{c} on t_{c}.value = p.{c}"
        for c in columns
    )
    select = "".join(f", t_{c}.frequency as tf_{c}" for c in columns)
    for tokens, found_in in levels.token_tf_columns(config):
        joins += f""" left join (
            select {tokens}, list(coalesce(f.frequency, 0.0) order by i) as tf_{tokens}
            from (
                select {tokens}, unnest({tokens}) as token,
                    generate_subscripts({tokens}, 1) as i
                from (select distinct {tokens} from {source})
            ) x
            left join (select value, frequency from {frequencies}
                where column_name = '{found_in}') f on f.value = x.token
            group by {tokens}
        ) k_{tokens} on k_{tokens}.{tokens} = p.{tokens}"""
        select += f", k_{tokens}.tf_{tokens}"
    return f"select p.*{select} from ({records_sql}) p{joins}"


def _estimate(con, gammas: str, recs: Records, config: LinkageConfig, clock) -> model.Parameters:
    """u from random pairs; m and the prior by EM over the candidate pairs' level patterns."""
    u = model.estimate_u(con, recs.table, recs.count, config)
    clock.lap("estimate u")
    names = [c.name for c in config.comparisons]
    patterns = con.sql(
        f"""select {", ".join(f"g_{n}" for n in names)}, passes, count(*) as n
        from {gammas} group by all order by all"""
    ).pl()
    m, lam, iterations = model.estimate_m(patterns, u, recs.count, config)
    # Once more with u free of the matches the random pairs held (it matters in small tables).
    u = model.without_matches(u, m, lam, config)
    m, lam, more = model.estimate_m(patterns, u, recs.count, config)
    iterations += more
    clock.lap("estimate m")
    return model.Parameters(
        twins_same=model.estimate_twins(con, gammas, config),
        dependencies=model.estimate_dependencies(con, recs.table, recs.count, m, lam, config),
        m=m,
        u=u,
        lam=lam,
        tf_floor=config.estimation.tf_floor,
        min_weight={c.name: [level.min_weight for level in c.levels] for c in config.comparisons},
        em_iterations=iterations,
    )


def _score(con, gammas: str, schema: str, recs: Records, prior: Prior, config, params) -> str:
    """Every candidate pair's levels, match weight and probability (`schema.scored_pairs`);
    an incremental run keeps the previous scores of pairs between unchanged records."""
    scored = f"{schema}.scored_pairs"
    score = compare.weight_sql(gammas, config, params)
    if prior.incremental:
        # The previous scores of pairs between records kept unchanged stay where they are.
        if prior.scored_pairs != scored:  # a state kept in another schema
            con.execute(f"create or replace table {scored} as select * from {prior.scored_pairs}")
        con.execute(
            f"""delete from {scored}
            where rid_l in (select rid from {recs.removed_table})
               or rid_r in (select rid from {recs.removed_table})"""
        )
        con.execute(f"insert into {scored} by name ({score})")
    else:
        con.execute(f"create or replace table {scored} as {score}")
    return scored


@dataclass(frozen=True)
class Links:
    """Links and decisions by integer ids, each record's previous child, and the records whose
    clusters this run (re)computes."""

    links: str  # rid_l, rid_r, match_weight, forced, established
    decisions: str  # rid_l, rid_r, decision
    previous_keys: str  # rid, child_key
    affected: str  # rid
    count: int  # links made by scores (reviewers' decisions not counted)
    affected_count: int


def _load_decisions(con, scratch: Scratch, decisions: str | None, prepared: str) -> str:
    """Latest decision per pair (by decided_at, then by order of delivery), as rids."""
    if decisions is None:
        table = scratch.name("decisions")
        con.execute(
            f"create or replace temp table {table} (rid_l integer, rid_r integer, decision varchar)"
        )
        return table
    columns = {r[0] for r in con.execute(f"describe select * from {decisions}").fetchall()}
    decided_at = "cast(decided_at as varchar)" if "decided_at" in columns else "null"
    return scratch.table(
        "decisions",
        f"""with raw as (
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
                                   order by decided_at desc nulls last, delivered desc) = 1""",
    )


def _links(
    con,
    scratch: Scratch,
    scored: str,
    recs: Records,
    prior: Prior,
    decisions: str | None,
    config: LinkageConfig,
) -> Links:
    decided = _load_decisions(con, scratch, decisions, recs.table)
    threshold = config.thresholds.link_probability
    # Each record's child in the previous run: a link between two records of one previous child
    # is "established" and goes first when a conflicted component is re-clustered.
    previous_keys = scratch.table(
        "previous_keys",
        f"select p.rid, k.child_key from {prior.crosswalk} k join {recs.table} p using (record_id)",
    )
    links = scratch.table(
        "links",
        f"""with linked as (
            select rid_l, rid_r, match_weight, false as forced from {scored}
            where probability >= {threshold!r}
              and (rid_l, rid_r) not in (select rid_l, rid_r from {decided}
                                         where decision = 'different')
            union all
            select rid_l, rid_r, {FORCED_WEIGHT!r}, true from {decided}
            where decision = 'same'
        )
        select linked.*, coalesce(kl.child_key = kr.child_key, false) as established
        from linked
        left join {previous_keys} kl on kl.rid = linked.rid_l
        left join {previous_keys} kr on kr.rid = linked.rid_r""",
    )
    if prior.incremental:
        # The records an incremental change reaches: new ones, and every record of a previous
        # component that a new or removed record, a new link or a decision touches.
        new = f"(select rid from {recs.table} where is_new)"
        affected = scratch.table(
            "affected",
            f"""with touched as (
                select rid from {recs.table} where is_new
                union select rid from {recs.removed_table}
                union select rid_l from {links} where rid_l in {new} or rid_r in {new}
                union select rid_r from {links} where rid_l in {new} or rid_r in {new}
                union select rid_l from {decided}
                union select rid_r from {decided}
            ),
            components as (
                select distinct c.component from {prior.state_crosswalk} c
                join (select rid, record_id from {recs.table}
                      union all select rid, record_id from {recs.removed_table}) p
                    using (record_id)
                where p.rid in (select rid from touched)
            )
            select rid from {recs.table} where is_new
            union
            select p.rid from {prior.state_crosswalk} c join {recs.table} p using (record_id)
            where c.component in (select component from components)""",
        )
    else:
        affected = scratch.table("affected", f"select rid from {recs.table}")
    return Links(
        links=links,
        decisions=decided,
        previous_keys=previous_keys,
        affected=affected,
        count=_count(con, links, "not forced"),
        affected_count=_count(con, affected),
    )


def _given_name(this: str, other: str, written: bool = False) -> str:
    """SQL: the record's given name in a pair, canonical (or as written): its forename, or its
    surname when its forename field holds the family name the other record has as surname (and
    its own surname is not that)."""
    forename, surname = ("fn", "sn") if written else ("fn_canon", "sn_canon")
    return f"""case when {this}.fn_canon = {other}.sn_canon and {this}.sn_canon <> {other}.sn_canon
        then {this}.{surname} else {this}.{forename} end"""


def _stands_for(side: str, beside: str, known: str) -> str:
    """SQL: the pair's forename on `side` (a or b: o.fn_<side> canonical, o.fr_<side> as
    written) written for the known name `known`: the same, its initial, or a typo of it as
    written or in its canonical form; a typo only when the name is not itself within two edits
    of the pair's other forename (on `beside`): twins Jack and Jake stay apart when one of
    Jack's records says Jakc."""
    name, written = f"o.fn_{side}", f"o.fr_{side}"
    return f"""({name} = {known} or length({name}) = 1 and {name} = left({known}, 1)
        or length({written}) > 2
           and (within_one_edit({written}, {known}) or within_one_edit({name}, {known}))
           and not within_two_edits({name}, o.fn_{beside})
           and not within_two_edits({written}, o.fr_{beside}))"""


def _cluster(
    con, scratch: Scratch, config: LinkageConfig, params, recs: Records, links: Links, scored: str
) -> cluster.ClusterResult:
    """Clusters of the records this run (re)computes."""
    edges = con.sql(
        f"""select rid_l, rid_r, match_weight, forced, established from {links.links}
        where rid_l in (select rid from {links.affected})
          and rid_r in (select rid from {links.affected})"""
    ).pl()
    nodes = np.sort(con.sql(f"select rid from {links.affected}").pl()["rid"].to_numpy())
    labels = cluster.connected_components(
        nodes, edges["rid_l"].to_numpy(), edges["rid_r"].to_numpy()
    )
    view = scratch.frame("members", pl.DataFrame({"rid": nodes, "component": labels}))
    members = scratch.table(
        "members",
        f"select m.rid, m.component, p.record_id from {view} m join {recs.table} p using (rid)",
    )
    # Pairs inside each multi-record component: scored (again if not a candidate pair) and
    # checked against the conflict rules.
    intra = scratch.table(
        "intra",
        f"""with sized as (
            select rid, component, count(*) over (partition by component) as size
            from {members}
        )
        select a.rid as rid_l, b.rid as rid_r, 0 as passes
        from sized a join sized b on a.component = b.component and a.rid < b.rid
        where a.size between 2 and {MAX_CHECKED_COMPONENT}
        union all
        select s.rid_l, s.rid_r, 0 from {scored} s
        join sized a on a.rid = s.rid_l join sized b on b.rid = s.rid_r
        where a.component = b.component and a.size > {MAX_CHECKED_COMPONENT}""",
    )
    # Most such pairs are candidate pairs, already scored; the others are scored here.
    known_scores = scratch.table(
        "intra_known", f"select s.* from {intra} i join {scored} s using (rid_l, rid_r)"
    )
    unscored = scratch.table(
        "intra_new",
        f"""select rid_l, rid_r, passes from {intra}
        where (rid_l, rid_r) not in (select rid_l, rid_r from {known_scores})""",
    )
    score = compare.score_sql(unscored, recs.table, config, params)
    hard, by_identifier, twins_rule = compare.conflict_parts(config, params)
    columns = sorted({column for column, _ in by_identifier})
    flags = "".join(f", {sql} as c{i}" for i, (_, sql) in enumerate(by_identifier))
    flags += "".join(f", l.{c} as x_{c}, r.{c} as y_{c}" for c in columns)
    # The twins rule is waived for a pair whose two forenames are known to be one child's: in
    # its component, records with these two forenames are one child by their identifiers (the
    # same NHS number or UPN, guards.twins.identifiers_say), and never two. A child known by
    # two names (Precious and Ifunanya, Eric and Changqiang) is then one child on every record,
    # while twins, whose identifiers differ, stay apart. A record whose forename field holds
    # the family name the other record has as its surname (names in the other order, Liu
    # Jessica) is known by the name in its surname field.
    twins_waiver, unwaived_twins = "", ""
    if twins_rule is not None:
        given_l, given_r = _given_name("l", "r"), _given_name("r", "l")
        written_l, written_r = _given_name("l", "r", True), _given_name("r", "l", True)
        flags += f""", {twins_rule} as twins, m.component,
            least({given_l}, {given_r}) as fn_a, greatest({given_l}, {given_r}) as fn_b,
            case when {given_l} <= {given_r} then {written_l} else {written_r} end as fr_a,
            case when {given_l} <= {given_r} then {written_r} else {written_l} end as fr_b,
            {config.guards.twins.identifiers_say} as identifiers_say"""
        twins_waiver = """,
        known_names as materialized (
            select component, fn_a, fn_b from ruled
            where fn_a <> fn_b and identifiers_say is not null
            group by all having bool_and(identifiers_say = 'same')
        )"""
        # One of the pair's forenames is one of the known two, and the other stands for the
        # other known name: it is that name, its initial (P. for Precious) or a typo of it.
        stands = " or ".join(
            f"o.fn_{mine} = k.fn_{known} and {_stands_for(other, mine, f'k.fn_{known_other}')}"
            for mine, other in (("a", "b"), ("b", "a"))
            for known, known_other in (("a", "b"), ("b", "a"))
        )
        unwaived_twins = f""" or (o.twins and not exists (
            select 1 from known_names k where k.component = o.component and ({stands})))"""
    # A conflict over two values of an identifier is waived when either record is one child
    # (no conflict at all, with district and sex known and agreeing) with another record holding
    # the other's value: the same two values were judged there, and one child's records cannot
    # be judged both ways. A judgement made without the address (a record with no postcode
    # agrees with every namesake born that day) is too weak to carry over.
    waivers = ""
    if by_identifier:
        clean = " and ".join(
            ["not hard", "known"] + [f"not c{i}" for i in range(len(by_identifier))]
        )
        held = " union all ".join(
            f"""select w.x, w.y as z, '{c}' as column_name, z.{c} as value
            from both_ways w join {recs.table} z on z.rid = w.y
            where w.clean and z.{c} is not null"""
            for c in columns
        )
        waivers = f""",
        both_ways as materialized (
            select rid_l as x, rid_r as y, {clean} as clean from ruled
            union all select rid_r, rid_l, {clean} from ruled
        ),
        clean_values as materialized ({held})"""
        # A value is contested on a record that shares it with a record the pair's evidence
        # does not link, the shared value notwithstanding (another child's number carried by
        # mistake): what it says of that record cannot separate it from the records its other
        # fields agree with.
        threshold = config.thresholds.link_probability
        # per identifier: the pairs one of its rules holds for whose values were judged already,
        # or whose value is contested on either record
        for column in columns:
            held_by = " or ".join(
                f"o.c{i}" for i, (c, _) in enumerate(by_identifier) if c == column
            )
            exact = f"g_{model.exact_comparison(config, column)} = 0"
            waivers += f""",
        contested_{column} as (
            select distinct unnest([rid_l, rid_r]) as rid from {scored}
            where {exact} and probability < {threshold!r}
        ),
        waived_{column} as (
            select o.rid_l, o.rid_r from ruled o
            join clean_values v on v.x = o.rid_l and v.column_name = '{column}'
                and v.value = o.y_{column} and v.z <> o.rid_r
            where {held_by}
            union
            select o.rid_l, o.rid_r from ruled o
            join clean_values v on v.x = o.rid_r and v.column_name = '{column}'
                and v.value = o.x_{column} and v.z <> o.rid_l
            where {held_by}
            union
            select o.rid_l, o.rid_r from ruled o
            where ({held_by}) and (o.rid_l in (select rid from contested_{column})
                                   or o.rid_r in (select rid from contested_{column}))
        )"""
    unwaived = unwaived_twins + "".join(
        f" or (o.c{i} and (o.rid_l, o.rid_r) not in (select rid_l, rid_r from waived_{column}))"
        for i, (column, _) in enumerate(by_identifier)
    )
    conflicts = con.sql(
        f"""with scored as (
            select {compare.scored_columns(config)} from {known_scores}
            union all select {compare.scored_columns(config)} from ({score})
        ),
        ruled as materialized (
            select s.rid_l, s.rid_r, {hard} as hard {flags},
                -- judged with the address and sex known on both sides: strong enough to carry
                coalesce(l.pc_district = r.pc_district and l.sex = r.sex, false) as known
            from scored s
            join {recs.table} l on l.rid = s.rid_l join {recs.table} r on r.rid = s.rid_r
            join {members} m on m.rid = s.rid_l
        ){waivers}{twins_waiver}
        select rid_l, rid_r from ruled o
        where (hard {unwaived})
          and (rid_l, rid_r) not in (select rid_l, rid_r from {links.decisions}
                                         where decision = 'same')
        union
        select d.rid_l, d.rid_r from {links.decisions} d
        join {members} a on a.rid = d.rid_l join {members} b on b.rid = d.rid_r
        where d.decision = 'different' and a.component = b.component"""
    ).pl()
    for table in (intra, known_scores, unscored):
        scratch.drop(table)
    # Record ids (for tie-breaking) are only needed in the components to be re-clustered.
    conflicts_view = scratch.frame("conflicts", conflicts)
    known = None
    spanning = ""
    if config.guards.merge_known_children == "review":
        known = con.sql(
            f"select k.rid, k.child_key from {links.previous_keys} k join {members} using (rid)"
        ).pl()
        known_view = scratch.frame("known", known)
        # Components holding records of two or more known children are re-clustered too.
        spanning = f"""union select component from {members} join {known_view} using (rid)
            group by component having count(distinct child_key) > 1"""
    members_frame = con.sql(
        f"""select rid, component,
            case when component in (select m.component from {members} m
                                    join {conflicts_view} c on c.rid_l = m.rid {spanning})
                then record_id end as record_id
        from {members}"""
    ).pl()
    return cluster.constrained_clusters(members_frame, edges, conflicts, known)


def _store_proposed_merges(
    con,
    scratch: Scratch,
    schema: str,
    clusters: cluster.ClusterResult,
    recs: Records,
    prior: Prior,
    links: Links,
) -> int:
    """Keep the proposed merges: this run's, and the earlier ones no change reached."""
    view = scratch.frame("proposed", clusters.proposed_merges)
    earlier = ""
    if prior.proposed is not None:
        earlier = f"""union
            select p.record_id_l, p.record_id_r from {prior.proposed} p
            join {recs.table} l on l.record_id = p.record_id_l
            join {recs.table} r on r.record_id = p.record_id_r
            where l.rid not in (select rid from {links.affected})
              and r.rid not in (select rid from {links.affected})"""
    con.execute(
        f"""create or replace table {schema}.proposed_merges as
        select l.record_id as record_id_l, r.record_id as record_id_r
        from {view} p
        join {recs.table} l on l.rid = p.rid_l join {recs.table} r on r.rid = p.rid_r
        {earlier}"""
    )
    return _count(con, f"{schema}.proposed_merges")


def _keys(
    con,
    clusters: cluster.ClusterResult,
    config: LinkageConfig,
    secret: bytes,
    recs: Records,
    prior: Prior,
    links: Links,
    run_at: datetime,
) -> tuple[keys.KeyAssignment, pl.DataFrame]:
    """Keys: kept from the previous crosswalk, new ones from the anchor record."""
    frame = clusters.frame.join(con.sql(f"select rid, record_id from {recs.table}").pl(), on="rid")
    previous = con.sql(f"select record_id, child_key from {prior.crosswalk}").pl()
    taken = set(previous["child_key"].to_list())
    if prior.history is not None:
        taken |= set(con.sql(f"select old_key from {prior.history}").pl()["old_key"].to_list())
    assignment = keys.assign_keys(
        frame.select("record_id", "cluster"),
        previous if previous.height else None,
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
    if prior.incremental:
        # Records no change reached keep their child and component.
        unaffected = (
            con.sql(
                f"""select c.record_id, c.child_key, c.component
            from {prior.state_crosswalk} c join {recs.table} p using (record_id)
            where p.rid not in (select rid from {links.affected})"""
            )
            .pl()
            .cast({"component": crosswalk["component"].dtype})
        )
        crosswalk = pl.concat([crosswalk, unaffected])
    crosswalk = crosswalk.with_columns(cluster_size=pl.len().over("child_key").cast(pl.Int32))
    return assignment, crosswalk


def _write_outputs(
    con,
    scratch: Scratch,
    schema: str,
    config: LinkageConfig,
    params,
    crosswalk: pl.DataFrame,
    assignment: keys.KeyAssignment,
    recs: Records,
    prior: Prior,
    links: Links,
) -> None:
    view = scratch.frame("crosswalk", crosswalk)
    con.execute(
        f"""create or replace table {schema}.crosswalk as
        select c.record_id, p.source, c.child_key, c.cluster_size, c.component
        from {view} c join {recs.table} p using (record_id)"""
    )
    history = scratch.frame("history", keys.history_frame(assignment.history))
    earlier = f"select * from {prior.history} union all " if prior.history is not None else ""
    con.execute(f"create or replace table {schema}.key_history as {earlier}select * from {history}")
    # Every postcode each record has had, for the next run's `pc_earlier`.
    earlier = f"select * from {prior.addresses} union " if prior.addresses is not None else ""
    con.execute(
        f"""create or replace table {schema}.addresses as
        select * from ({earlier}select record_id, pc from {recs.table})
        where pc is not null order by record_id, pc"""
    )
    model.save(con, params, config, f"{schema}.{model.PARAMETER_TABLE}")
    for table, name in (
        (recs.term_frequencies, model.TF_TABLE),
        (recs.oversized, model.OVERSIZED_TABLE),
    ):
        con.execute(f"create or replace table {schema}.{name} as select * from {table}")
    con.execute(
        f"""create or replace table {schema}.decisions_applied as
        select l.record_id as record_id_l, r.record_id as record_id_r, d.decision
        from {links.decisions} d join {recs.table} l on l.rid = d.rid_l
        join {recs.table} r on r.rid = d.rid_r"""
    )
    _write_evidence(con, schema, config, params)


def _write_evidence(con, schema: str, config: LinkageConfig, params: model.Parameters) -> None:
    """Evidence for every pair at or above the review threshold (a view), and the review queue."""
    t = config.thresholds
    # A view: the explanation of any pair is computed when it is asked for, so a run does not
    # spend time writing explanations nobody reads.
    if exists(con, schema, "evidence", kind="table"):  # a table in states written earlier
        con.execute(f"drop table {schema}.evidence")
    con.execute(
        f"""create or replace view {schema}.evidence as
        {_evidence_sql(schema, config, params, f"{schema}.scored_pairs")}
        where s.probability >= {t.review_low!r} or cl.child_key = cr.child_key
            or d.decision is not null"""
    )
    # The queue's pairs (the uncertain ones and the proposed merges, undecided) are taken from
    # the scored pairs before the evidence is joined on: a few thousand of millions (the
    # evidence of every scored pair, filtered after, took 3.5 s at 2,000,000 records).
    uncertain = f"s.probability >= {t.review_low!r} and s.probability < {t.review_high!r}"
    queued = f"""(
        select s.* from {schema}.scored_pairs s where {uncertain}
        union all
        select s.* from {schema}.scored_pairs s
        semi join (
            select l.rid as rid_l, r.rid as rid_r from {schema}.proposed_merges m
            join {schema}.prepared l on l.record_id = m.record_id_l
            join {schema}.prepared r on r.record_id = m.record_id_r
        ) m using (rid_l, rid_r)
        where not coalesce({uncertain}, false)
    )"""
    con.execute(
        f"""create or replace table {schema}.review_queue as
        select e.*,
            case when m.record_id_l is not null then 'proposed merge of two known children'
                else 'uncertain' end as review_reason
        from ({_evidence_sql(schema, config, params, queued)}) e
        left join {schema}.proposed_merges m using (record_id_l, record_id_r)
        where e.reviewer_decision is null
        order by m.record_id_l is null, abs(e.probability - {t.link_probability!r}),
            e.record_id_l, e.record_id_r"""
    )


def _evidence_sql(schema: str, config: LinkageConfig, params: model.Parameters, pairs: str) -> str:
    """SQL: the evidence of each pair of `pairs` (scored pairs `s`): its records, each
    comparison's level and weight, the prior, the passes that found it, whether it is one child
    now and a reviewer's decision on it."""
    weights = compare.weight_expressions(config, params)
    labels = []
    for c in config.comparisons:
        cases = " ".join(f"when {i} then '{level.label}'" for i, level in enumerate(c.levels))
        labels.append(f"case s.g_{c.name} {cases} else 'null' end as {c.name}_level")
        labels.append(f"{weights[c.name]} as {c.name}_weight")
    passes = blocking.pass_names_sql(config, "s.passes")
    return f"""select l.record_id as record_id_l, r.record_id as record_id_r,
            {", ".join(labels)},
            -- agreements that go together (config.dependencies): what their corrections added
            cast({compare.dependency_weights(config, params)} as double) as dependency_weight,
            cast({compare.prior_weight(params)!r} as double) as prior_weight,
            s.match_weight, s.probability,
            {passes} as blocking_passes,
            cl.child_key = cr.child_key as same_child,
            d.decision as reviewer_decision
        from {pairs} s
        join {schema}.prepared l on l.rid = s.rid_l
        join {schema}.prepared r on r.rid = s.rid_r
        join {schema}.crosswalk cl on cl.record_id = l.record_id
        join {schema}.crosswalk cr on cr.record_id = r.record_id
        left join {schema}.decisions_applied d
            on d.record_id_l = l.record_id and d.record_id_r = r.record_id"""


# --- the run ------------------------------------------------------------------------------------


def link(
    con: duckdb.DuckDBPyConnection,
    records: str,
    *,
    key: bytes,
    previous_crosswalk: str | None = None,
    previous_state: str | None = None,
    decisions: str | None = None,
    parameters: str | None = None,
    addresses: str | None = None,
    reestimate: bool = False,
    config: LinkageConfig | None = None,
    run_at: datetime | None = None,
    schema: str = DEFAULT_SCHEMA,
) -> LinkResult:
    """Resolve the person records in table `records` into children; outputs go to `schema`.

    key: the secret for child keys (`pipelines.privacy.pseudonymise.load_key`).
    previous_crosswalk: a table (record_id, child_key) of an earlier run whose keys to keep.
    previous_state: the schema of an earlier run's outputs: link incrementally against it (its
        crosswalk, key history and parameters are used too).
    decisions: a table of clerical decisions (record_id_l, record_id_r, decision 'same' or
        'different', optional decided_at); the latest decision on a pair is always honoured.
    parameters: a schema holding `parameters`, `term_frequencies` and `oversized_blocks` (as
        written by an earlier run) to reuse instead of estimating; `reestimate` forces
        estimation in a full run.
    addresses: a table (record_id, pc: as prepared, no spaces) of the postcodes records had
        in earlier deliveries (an earlier run's `addresses` output; by default
        `previous_state`'s). A record's earlier
        postcode agreeing with another record's counts as the same postcode: a family who
        moved away is still the family the other records knew.
    """
    if len(key) < MIN_KEY_BYTES:
        raise ValueError(f"the child key secret must be at least {MIN_KEY_BYTES} bytes")
    config = config or load_config()
    run_at = run_at or datetime.now(UTC)
    clock = _Clock()
    con.execute(f"create schema if not exists {schema}")
    levels.register_macros(con)
    with Scratch(con) as scratch:
        prior = _read_prior(con, scratch, config, previous_state, previous_crosswalk, addresses)
        if prior.incremental and reestimate:
            raise ValueError("parameters can only be estimated again in a full run")
        model_source = parameters or prior.state
        estimated = model_source is None or reestimate
        recs = _prepare_records(
            con, scratch, records, schema, config, prior, None if estimated else model_source
        )
        clock.lap("prepare")

        candidates = blocking.candidate_pairs(
            con,
            recs.table,
            config,
            recs.oversized,
            scratch.name("pairs"),
            new_only=prior.incremental,
            find_oversized=estimated,
        )
        clock.lap("blocking")
        gammas = scratch.table("gammas", levels.gamma_sql(candidates.table, recs.table, config))
        scratch.drop(candidates.table)
        clock.lap("comparisons")
        if estimated:
            params = _estimate(con, gammas, recs, config, clock)
        else:
            params = model.load(con, f"{model_source}.{model.PARAMETER_TABLE}", config)
        scored = _score(con, gammas, schema, recs, prior, config, params)
        scratch.drop(gammas)
        clock.lap("scoring")

        links = _links(con, scratch, scored, recs, prior, decisions, config)
        clusters = _cluster(con, scratch, config, params, recs, links, scored)
        proposed = _store_proposed_merges(con, scratch, schema, clusters, recs, prior, links)
        clock.lap("clustering")
        assignment, crosswalk = _keys(con, clusters, config, key, recs, prior, links, run_at)
        clock.lap("keys")
        _write_outputs(
            con, scratch, schema, config, params, crosswalk, assignment, recs, prior, links
        )
        clock.lap("outputs")
        estimates = quality.estimate(con, schema, config, params)
        quality.save(con, schema, estimates, run_at)
        clock.lap("quality")
    return LinkResult(
        schema=schema,
        mode="incremental" if prior.incremental else "full",
        records=recs.count,
        new_records=recs.new,
        removed_records=recs.removed,
        candidate_pairs=candidates.pairs,
        scored_pairs=_count(con, scored),
        links=links.count,
        children=crosswalk["child_key"].n_unique(),
        review_pairs=_count(con, f"{schema}.review_queue"),
        proposed_merges=proposed,
        merges=assignment.merges,
        splits=assignment.splits,
        new_keys=assignment.new,
        parameters_estimated=estimated,
        em_iterations=params.em_iterations,
        conflicted_components=clusters.conflicted_components,
        refused_links=clusters.refused_links,
        reclustered_records=links.affected_count,
        pass_pairs=candidates.by_pass,
        oversized=candidates.lost,
        quality=estimates,
        timings=clock.timings,
    )
