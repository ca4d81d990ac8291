"""The run's own estimate of its accuracy, without truth.

Pairwise precision is the share of pairs put in one child that truly are one child; recall the
share of true pairs put in one child. Both are estimated from the model alone:

- Inside each child, every pair's probability of being one child: its match probability, or,
  if a chain of links through the child's other records makes it more likely, the product of
  the probabilities along the best chain (records A-B and B-C that are one child make A-C one
  child too). Their mean is the estimated precision; their sum the true pairs found.
- Between two children that some candidate pair connects: the sum of the probabilities of
  those candidate pairs not linked: true pairs missed although compared. A link between two
  children was refused by a guard, which is taken at its word. (The probability of the strongest
  pair times all the record pairs between the two children was tried: two children of several
  records each are rarely one child when only one of their pairs is even close, and it counted
  four times the true pairs missed at 200k.)
- True pairs that no blocking pass compared. Each pass needs some fields to agree (a key of
  two or three parts); a true pair is missed when, in every pass, one of its parts disagrees.
  How often each part agrees between two records of one child is estimated from the candidate
  pairs, weighted by their probability, with a model of independent parts (the name parts
  jointly, since they are one name) fitted to what the passes could see: the model then says
  how many true pairs fell where no pass looks. Those already inside one child through other
  links are not missed.

Estimated recall = true pairs found / (found + missed although compared + missed by blocking).
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass

import duckdb
import numpy as np

from pipelines.linkage import compare
from pipelines.linkage.config import IDENTIFIER_COLUMNS, LinkageConfig
from pipelines.linkage.levels import columns_read
from pipelines.linkage.parameters import Parameters
from pipelines.linkage.prepare import NAME_COLUMNS
from pipelines.linkage.scratch import Scratch

# Chains are followed inside children of up to this many records (a larger one keeps the
# probabilities of its candidate pairs only).
MAX_CHAINED_CHILD = 50
CHAIN_STEPS = 3  # each step doubles the longest chain considered


@dataclass(frozen=True)
class Part:
    """One part of a blocking key: SQL saying whether two records agree on it, and the group
    it belongs to (the name parts form one group)."""

    sql: str
    group: str


def _part(expr: str, columns: set[str]) -> Part:
    listed = re.fullmatch(r"unnest\((.*)\)", expr.strip())
    if listed:
        inner = listed.group(1)
        sides = (_side(inner, "l", columns), _side(inner, "r", columns))
        sql = f"coalesce(list_has_any({sides[0]}, {sides[1]}), false)"
    else:
        sql = f"coalesce({_side(expr, 'l', columns)} = {_side(expr, 'r', columns)}, false)"
    used = set(re.findall(r"\b([a-z_]+)\b", expr)) & columns
    group = "names" if used & NAME_COLUMNS else expr.strip()
    return Part(sql=sql, group=group)


def _side(expr: str, side: str, columns: set[str]) -> str:
    """`expr` over the prepared columns of one side of a pair (`l` or `r`)."""
    return re.sub(
        r"\b([a-z_]+)\b",
        lambda m: f"{side}.{m.group(1)}" if m.group(1) in columns else m.group(1),
        expr,
    )


def blocking_parts(config: LinkageConfig, columns: set[str]) -> tuple[list[Part], list[list[int]]]:
    """The distinct key parts of the symmetric passes, and each pass as indices into them.

    `columns`: the prepared columns (the words of a key that are not functions)."""
    parts: list[Part] = []
    passes = []
    for blocking_pass in config.passes:
        if not blocking_pass.symmetric:
            continue
        indices = []
        for expr in blocking_pass.left:
            part = _part(expr, columns)
            if part not in parts:
                parts.append(part)
            indices.append(parts.index(part))
        passes.append(indices)
    return parts, passes


def missed_by_blocking(con: duckdb.DuckDBPyConnection, schema: str, config: LinkageConfig) -> float:
    """Expected true pairs that no blocking pass compares (see the module docstring)."""
    columns = {r[0] for r in con.execute(f"describe {schema}.prepared").fetchall()}
    parts, passes = blocking_parts(config, columns)
    if not parts:
        return 0.0
    flags = ", ".join(f"{p.sql} as f{i}" for i, p in enumerate(parts))
    rows = con.execute(
        f"""select {", ".join(f"f{i}" for i in range(len(parts)))}, sum(s.probability)
        from (
            select s.probability, {flags}
            from {schema}.scored_pairs s
            join {schema}.prepared l on l.rid = s.rid_l
            join {schema}.prepared r on r.rid = s.rid_r
            where s.probability >= 0.01
        ) s group by all"""
    ).fetchall()
    if not rows:
        return 0.0
    patterns = np.array([r[:-1] for r in rows], dtype=bool)
    weights = np.array([r[-1] for r in rows], dtype=float)
    groups = sorted({p.group for p in parts})
    members = [[i for i, p in enumerate(parts) if p.group == g] for g in groups]
    # Every pattern of agreements, as a state per group; which patterns some pass sees.
    states = [list(itertools.product([False, True], repeat=len(m))) for m in members]
    every = list(itertools.product(*[range(len(s)) for s in states]))

    def agreements(combo) -> np.ndarray:
        row = np.zeros(len(parts), dtype=bool)
        for group, state in enumerate(combo):
            for index, value in zip(members[group], states[group][state], strict=True):
                row[index] = value
        return row

    seen = np.array([any(agreements(c)[p].all() for p in passes) for c in every])
    # Observed weight per state of each group.
    observed = [np.zeros(len(s)) for s in states]
    for row, weight in zip(patterns, weights, strict=True):
        for group, indices in enumerate(members):
            state = states[group].index(tuple(bool(row[i]) for i in indices))
            observed[group][state] += weight
    total = weights.sum()
    shares = [o / o.sum() if o.sum() else np.full(len(o), 1 / len(o)) for o in observed]
    hidden = 0.0
    for _ in range(200):
        # Probability of each full pattern under independent groups.
        probability = np.array(
            [np.prod([shares[g][c] for g, c in enumerate(combo)]) for combo in every]
        )
        p_seen = probability[seen].sum()
        if p_seen <= 0:
            break
        new_hidden = total * (1 - p_seen) / p_seen
        unseen = probability * ~seen
        unseen = unseen / unseen.sum() if unseen.sum() else unseen
        shares = []
        for group in range(len(members)):
            expected = observed[group].copy()
            for combo, share in zip(every, unseen, strict=True):
                expected[combo[group]] += new_hidden * share
            shares.append(expected / expected.sum())
        if abs(new_hidden - hidden) < 1e-6 * max(total, 1):
            hidden = new_hidden
            break
        hidden = new_hidden
    return float(hidden)


# A comparison of identifiers reads nothing else (their check-digit flags aside).
IDENTIFIER_READS = IDENTIFIER_COLUMNS | {"nhs_valid", "upn_valid"}
CALIBRATION_PRIOR_PAIRS = 5.0  # a bin's observed share weighs against the model's this much


def identifier_error_rate(bins: list[tuple]) -> float:
    """The share of settled pairs of one child whose identifiers nevertheless say 'different'.

    Identifiers are sometimes wrong (another child's number keyed on a record), so a pair of one
    child can read as two. Where the other fields leave no doubt (bins in which the model
    expects under half a pair of different children in all), every 'different' is such an
    error, and their share is the rate; each bin's share of one child is divided by 1 - rate.
    `bins`: (bin, pairs settled 'same', pairs settled, the model's mean probability)."""
    sure = [(same, n) for b, same, n, model in bins if b is not None and n * (1 - model) < 0.5]
    settled = sum(n for _, n in sure)
    return 1.0 - sum(same for same, _ in sure) / settled if settled else 0.0


def calibrated_probability(
    con: duckdb.DuckDBPyConnection, schema: str, config: LinkageConfig, params: Parameters
) -> str:
    """SQL over a scored pair `s`: its probability, calibrated where no identifier speaks.

    Match probabilities assume comparisons independent, which real records are not, so in the
    middle of the scale they are too confident. The data hold their own check: pairs whose
    identifiers settle whether they are one child (guards.twins.identifiers_say) and that a
    pass without identifiers found are a sample of what the other fields alone say. Their
    weight without the identifier comparisons, in one-bit bins, against the share that are one
    child (corrected for the identifiers' own error rate, `identifier_error_rate`), gives each
    bin its calibrated probability (smoothed towards the model's); pairs with no identifier
    evidence take the calibrated value of their bin."""
    twins = config.guards.twins
    identifiers = [c.name for c in config.comparisons if columns_read(c) <= IDENTIFIER_READS]
    plain = "cast(1.0 / (1.0 + pow(2.0, -s.match_weight)) as double)"
    if twins is None or not identifiers:
        return "s.probability"
    weights = compare.weight_expressions(config, params)
    # over the pair's unqualified level columns g_<name>
    id_weight = " + ".join(weights[name] for name in identifiers)
    demographic = sum(
        1 << i
        for i, p in enumerate(config.passes)
        if not set(re.findall(r"\w+", " ".join(p.left + p.right))) & IDENTIFIER_COLUMNS
    )
    present = " or ".join(f"g_{name} >= 0" for name in identifiers)
    rows = con.execute(
        f"""select floor(match_weight - ({id_weight})) as bin,
            count(*) filter (where verdict = 'same'), count(*),
            avg(1.0 / (1.0 + pow(2.0, -(match_weight - ({id_weight})))))
        from (
            select s.*, {twins.identifiers_say} as verdict
            from (
                -- only pairs whose records both hold some identifier can be settled
                select * from {schema}.scored_pairs
                where passes & {demographic} > 0 and ({present})
            ) s
            join {schema}.prepared l on l.rid = s.rid_l join {schema}.prepared r on r.rid = s.rid_r
            -- pairs that look like twins have their own estimate (guards.twins)
            where not coalesce({twins.looks_alike}, false)
        ) s where verdict is not null group by all"""
    ).fetchall()
    error = identifier_error_rate(rows)
    k = CALIBRATION_PRIOR_PAIRS
    calibrated = {
        int(b): min((same / (1.0 - error) + k * model) / (n + k), 1.0)
        for b, same, n, model in rows
        if b is not None
    }
    if not calibrated:  # no pair settled by identifiers
        return "s.probability"
    # Looked up in a list indexed by the bin (a bin never seen: null, so the model's own).
    low, high = min(calibrated), max(calibrated)
    values = ", ".join(
        repr(calibrated[b]) if b in calibrated else "null" for b in range(low, high + 1)
    )
    bin_ = "cast(floor(s.match_weight) as integer)"
    lookup = (
        f"case when {bin_} between {low} and {high} "
        f"then ([{values}]::double[])[{bin_} - {low - 1}] end"
    )
    no_identifier = " and ".join(f"s.g_{name} < 0" for name in identifiers)
    return (
        f"case when s.twin_like or not ({no_identifier}) then s.probability "
        f"else coalesce({lookup}, {plain}) end"
    )


def estimate(
    con: duckdb.DuckDBPyConnection, schema: str, config: LinkageConfig, params: Parameters
) -> dict[str, float]:
    """Estimated pairwise precision and recall of the run's children, and the counts behind."""
    with Scratch(con) as scratch:
        return _estimate(con, scratch, schema, config, params)


def _estimate(con, scratch: Scratch, schema: str, config: LinkageConfig, params) -> dict:
    prepared, crosswalk, scored = (
        f"{schema}.{t}" for t in ("prepared", "crosswalk", "scored_pairs")
    )
    members = scratch.table(
        "q_members",
        f"""select p.rid, c.child_key, c.cluster_size as size
        from {prepared} p join {crosswalk} c using (record_id)""",
    )
    # Every pair inside a child (children up to MAX_CHAINED_CHILD records), with its probability;
    # pairs that were never candidates are scored now.
    inside = scratch.table(
        "q_inside",
        f"""select a.rid as rid_l, b.rid as rid_r, 0 as passes
        from {members} a join {members} b on a.child_key = b.child_key and a.rid < b.rid
        where a.size <= {MAX_CHAINED_CHILD}""",
    )
    unscored = scratch.table(
        "q_unscored", f"select i.* from {inside} i anti join {scored} s using (rid_l, rid_r)"
    )
    calibrated = calibrated_probability(con, schema, config, params)
    edges = scratch.table(
        "q_edges",
        f"""select s.rid_l, s.rid_r, {calibrated} as probability, true as candidate from {scored} s
        join {inside} i using (rid_l, rid_r)
        union all
        select rid_l, rid_r, {calibrated} as probability, false
        from ({compare.score_sql(unscored, prepared, config, params)}) s""",
    )
    # Chains: a pair is one child at least as likely as its best chain of pairs through the
    # child's other records (children of three records or more; both directions).
    chain = scratch.table(
        "q_chain",
        f"""with edges as (
            select e.rid_l, e.rid_r, e.probability from {edges} e
            join {members} m on m.rid = e.rid_l where m.size >= 3
        )
        select rid_l as a, rid_r as b, probability as p from edges
        union all select rid_r, rid_l, probability from edges""",
    )
    for _ in range(CHAIN_STEPS):
        scratch.table(
            "q_chain",
            f"""select a, b, max(p) as p from (
                select a, b, p from {chain}
                union all
                select x.a, y.b, x.p * y.p from {chain} x join {chain} y
                  on x.b = y.a and x.a <> y.b
            ) group by a, b""",
        )
    found, inside_pairs, recovered = con.execute(
        f"""select sum(coalesce(c.p, e.probability)), count(*),
            sum(coalesce(c.p, e.probability)) filter (where not e.candidate)
        from {edges} e left join {chain} c on c.a = e.rid_l and c.b = e.rid_r"""
    ).fetchall()[0]
    found, recovered = float(found or 0.0), float(recovered or 0.0)
    # Children over the chained size: their candidate pairs only.
    big_found, big_pairs = con.execute(
        f"""select sum(probability), sum(a.size * (a.size - 1) / 2) filter (where a.rid = m.first)
        from {scored} s
        join {members} a on a.rid = s.rid_l join {members} b on b.rid = s.rid_r
        join (select child_key, min(rid) as first from {members} group by all) m
          on m.child_key = a.child_key
        where a.child_key = b.child_key and a.size > {MAX_CHAINED_CHILD}"""
    ).fetchall()[0]
    found += float(big_found or 0.0)
    inside_pairs += int(big_pairs or 0)
    # Between children: the true pairs among the candidate pairs joining two children that were
    # not linked, each counted by its probability. A link between two children was refused by
    # clustering because a pair between them conflicts (twins, siblings, two valid identifiers,
    # a reviewer): the guards are taken at their word on the links they overruled, but the
    # unlinked pairs between the two children still count by their own evidence. (Counting
    # those as none too overstated recall by 0.0093 on the twins set, against 0.0044 now.) The
    # record pairs between them that no pass compared are counted once, with every other
    # uncompared true pair, by the blocking model below.
    link = config.thresholds.link_probability
    between = con.execute(
        f"""select sum({calibrated})
        from {scored} s
        join {members} a on a.rid = s.rid_l join {members} b on b.rid = s.rid_r
        where a.child_key <> b.child_key and s.probability >= 0.01
            and s.probability < {link!r}"""
    ).fetchall()[0][0]
    between = float(between or 0.0)
    unseen = missed_by_blocking(con, schema, config)
    hidden = max(unseen - recovered, 0.0)
    total = found + between + hidden
    return {
        "estimated_precision": found / inside_pairs if inside_pairs else 1.0,
        "estimated_recall": found / total if total else 1.0,
        "linked_pairs": int(inside_pairs),
        "estimated_true_pairs": total,
        "estimated_missed_compared": between,
        "estimated_missed_by_blocking": hidden,
        "estimated_uncompared_true_pairs": unseen,
    }


def save(con: duckdb.DuckDBPyConnection, schema: str, estimates: dict[str, float], run_at) -> None:
    """The estimate as `schema.quality`: one row, the latest run's."""
    columns = ", ".join(f"? as {name}" for name in estimates)
    con.execute(
        f"create or replace table {schema}.quality as select ? as run_at, {columns}",
        [run_at.replace(tzinfo=None), *estimates.values()],
    )
