"""Field comparisons: each pair gets a level per comparison, a weight per level, a probability.

A pair's match weight is the sum over comparisons of log2(m / u) for the level it reached (zero
for the null level), plus the prior log-odds of a match among candidate pairs; its probability is
the logistic of that sum in base 2. On a term-frequency level the average u is replaced by the
agreed value's own frequency, so a shared rare surname weighs more than a shared common one.
All of it is a pure function of the two records and the stored parameters.
"""

from __future__ import annotations

import math

import duckdb

from pipelines.linkage.config import Comparison, LinkageConfig
from pipelines.linkage.parameters import Parameters

# Damerau-Levenshtein distance <= 1 without computing it for most pairs: strings of equal length
# need a Hamming distance of at most 1, or exactly 2 when two neighbours are swapped; strings one
# character apart in length need a Levenshtein distance of 1. CASE evaluates a branch only for
# the rows that reach it, so the costly functions run on few pairs, and `hamming` only ever sees
# strings of equal length.
MACROS = """
create or replace temp macro within_one_edit(a, b) as
    case
        when a = b then true
        when length(a) = length(b) then
            case hamming(a, b)
                when 1 then true
                when 2 then damerau_levenshtein(a, b) <= 1
                else false
            end
        when abs(length(a) - length(b)) = 1 then levenshtein(a, b) <= 1
        else false
    end
"""


def register_macros(con: duckdb.DuckDBPyConnection) -> None:
    con.execute(MACROS)


def gamma_expression(comparison: Comparison) -> str:
    """SQL: the index of the first level whose condition holds, -1 for the null level."""
    whens = " ".join(
        f"when {level.when} then {index}" for index, level in enumerate(comparison.levels)
    )
    return (
        f"cast(case when {comparison.null_when} then -1 {whens} "
        f"else {len(comparison.levels) - 1} end as tinyint)"
    )


def gamma_columns(config: LinkageConfig) -> str:
    return ",\n".join(f"{gamma_expression(c)} as g_{c.name}" for c in config.comparisons)


def level_patterns(
    con: duckdb.DuckDBPyConnection, pairs: str, records: str, config: LinkageConfig
) -> str:
    """SQL: the levels of every pair in `pairs` (rid_l, rid_r) against `records` (rid, ...)."""
    return f"""
        select {gamma_columns(config)}
        from {pairs} p
        join {records} l on l.rid = p.rid_l
        join {records} r on r.rid = p.rid_r"""


def _weight_expression(comparison: Comparison, parameters: Parameters) -> str:
    """SQL: the weight of the pair's level for one comparison (tf levels use the value's share)."""
    cases = []
    for index, level in enumerate(comparison.levels):
        weight = parameters.weight(comparison.name, index)
        if level.tf:
            m = parameters.m[comparison.name][index]
            floor = parameters.tf_floor
            tf_weight = f"log2({m!r} / greatest(coalesce(l.tf_{level.tf}, {floor!r}), {floor!r}))"
            if level.min_weight is not None:
                tf_weight = f"greatest({tf_weight}, {float(level.min_weight)!r})"
            cases.append(f"when {index} then {tf_weight}")
        else:
            cases.append(f"when {index} then {weight!r}")
    return f"cast(case g_{comparison.name} {' '.join(cases)} else 0.0 end as double)"


def prior_weight(parameters: Parameters) -> float:
    lam = parameters.lam
    return math.log2(lam / (1.0 - lam))


def gamma_sql(pairs: str, records: str, config: LinkageConfig) -> str:
    """SQL: each pair of `pairs` (rid_l, rid_r, passes) with its levels and the term
    frequencies its exact levels need (looked up on the left record; equal on both sides)."""
    tf_columns = sorted({level.tf for c in config.comparisons for level in c.levels if level.tf})
    carried = "".join(f", l.tf_{column}" for column in tf_columns)
    return f"""
        select p.rid_l, p.rid_r, p.passes, {gamma_columns(config)}{carried}
        from {pairs} p
        join {records} l on l.rid = p.rid_l
        join {records} r on r.rid = p.rid_r"""


def scored_columns(config: LinkageConfig) -> str:
    """The columns of a scored pair, in order."""
    levels = ", ".join(f"g_{c.name}" for c in config.comparisons)
    return f"rid_l, rid_r, passes, {levels}, match_weight, probability"


def weight_expressions(config: LinkageConfig, parameters: Parameters) -> dict[str, str]:
    """SQL per comparison: the weight of a pair's level, over `g_<name>` columns and the left
    record's term frequencies as `l.tf_<column>`."""
    return {c.name: _weight_expression(c, parameters) for c in config.comparisons}


def weight_sql(gammas: str, config: LinkageConfig, parameters: Parameters) -> str:
    """SQL: levels, total match weight and probability of each pair in `gammas` (the output of
    `gamma_sql`). The per-comparison weights are not stored: `weight_expressions` gives them
    back from the levels when a pair is explained."""
    total = " + ".join(weight_expressions(config, parameters).values())
    levels = ", ".join(f"g_{c.name}" for c in config.comparisons)
    return f"""
        select rid_l, rid_r, passes, {levels}, match_weight,
            cast(1.0 / (1.0 + pow(2.0, -match_weight)) as double) as probability
        from (
            select rid_l, rid_r, passes, {levels},
                {prior_weight(parameters)!r} + {total} as match_weight
            from {gammas} l
        )"""


def score_sql(pairs: str, records: str, config: LinkageConfig, parameters: Parameters) -> str:
    """SQL: `weight_sql` over `gamma_sql` in one statement."""
    return weight_sql(f"({gamma_sql(pairs, records, config)})", config, parameters)
