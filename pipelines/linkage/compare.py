"""Field comparisons: each pair gets a level per comparison, a weight per level, a probability.

A pair's match weight is the sum over comparisons of log2(m / u) for the level it reached (zero
for the null level), plus the prior log-odds of a match among candidate pairs; its probability is
the logistic of that sum in base 2. On a term-frequency level the average u is replaced by the
agreed value's own frequency, so a shared rare surname weighs more than a shared common one.
All of it is a pure function of the two records and the stored parameters.
"""

from __future__ import annotations

import math

from pipelines.linkage.config import Comparison, Dependency, LinkageConfig
from pipelines.linkage.levels import gamma_sql, pair_tf_column, pair_tf_columns
from pipelines.linkage.parameters import Parameters


def _tf_weight(comparison: Comparison, index: int, parameters: Parameters) -> str:
    """SQL: the weight of a level weighed by a frequency instead of the average u:
    log2(m / frequency). An exact level (`tf`) reads its value's frequency from the left
    record's `l.tf_<column>` (the value is the same on both sides); a `tf_tokens` level reads
    the pair's own column (`levels.pair_tf_column`, unqualified: it is the pair's)."""
    level = comparison.levels[index]
    m = parameters.m[comparison.name][index]
    floor = parameters.tf_floor
    frequency = f"l.tf_{level.tf}" if level.tf else pair_tf_column(comparison, index)
    weight = f"log2({m!r} / greatest(coalesce({frequency}, {floor!r}), {floor!r}))"
    if level.min_weight is not None:
        weight = f"greatest({weight}, {float(level.min_weight)!r})"
    return weight


def _weight_expression(comparison: Comparison, parameters: Parameters) -> str:
    """SQL: the weight of the pair's level for one comparison (tf levels use the value's share).

    A list of the levels' weights indexed by the level (the null level, -1, first, weighing
    nothing): over millions of pairs that is about three times faster than a CASE per level."""
    weights = ["0.0"]
    tf_levels = []
    for index, level in enumerate(comparison.levels):
        if level.tf or level.tf_tokens:
            tf_levels.append((index, _tf_weight(comparison, index, parameters)))
            weights.append("0.0")
        else:
            weights.append(repr(float(parameters.weight(comparison.name, index))))
    level = f"g_{comparison.name}"
    expression = f"([{', '.join(weights)}]::double[])[{level} + 2]"
    for index, tf_weight in tf_levels:
        expression = f"case when {level} = {index} then {tf_weight} else {expression} end"
    return f"cast({expression} as double)"


def _dependency_weight(
    dependency: Dependency, config: LinkageConfig, parameters: Parameters
) -> str:
    """SQL over a pair's level columns (and `l.tf_<column>`): the weight a dependency adds when
    every comparison it lists is at one of its levels (`Dependency.applies`), else 0.

    The correction turns the single agreements' weights into the joint rate of different
    children counted over all values. Without `value_frequencies`, an exact level that weighs
    by its value's frequency is brought back to its average weight as well: the joint rate
    already says how often different children agree on all of them, whatever the value."""
    added = [repr(parameters.dependencies[dependency.name])]
    if not dependency.value_frequencies:
        by_name = {c.name: c for c in config.comparisons}
        for name in dependency.comparisons:
            if by_name[name].levels[0].tf:
                average = parameters.weight(name, 0)
                tf_weight = _tf_weight(by_name[name], 0, parameters)
                added.append(f"case when g_{name} = 0 then {average!r} - {tf_weight} else 0.0 end")
    return f"case when {dependency.applies()} then {' + '.join(added)} else 0.0 end"


def dependency_weights(config: LinkageConfig, parameters: Parameters) -> str:
    """SQL: the weight all the dependencies add to a pair (`_dependency_weight` of each that has
    an estimated correction), "0.0" if none."""
    parts = [
        _dependency_weight(d, config, parameters)
        for d in config.dependencies
        if parameters.dependencies.get(d.name)
    ]
    return " + ".join(parts) or "0.0"


def _log_odds(probability: float) -> float:
    probability = min(max(probability, 1e-9), 1 - 1e-9)
    return math.log2(probability / (1 - probability))


def prior_weight(parameters: Parameters) -> float:
    lam = parameters.lam
    return math.log2(lam / (1.0 - lam))


def scored_columns(config: LinkageConfig) -> str:
    """The columns of a scored pair, in order."""
    levels = ", ".join(f"g_{c.name}" for c in config.comparisons)
    tfs = pair_tf_columns(config)
    return f"rid_l, rid_r, passes, {levels}{tfs}, twin_like, match_weight, probability"


def weight_expressions(config: LinkageConfig, parameters: Parameters) -> dict[str, str]:
    """SQL per comparison: the weight of a pair's level, over `g_<name>` columns and the left
    record's term frequencies as `l.tf_<column>`."""
    return {c.name: _weight_expression(c, parameters) for c in config.comparisons}


def weight_sql(gammas: str, config: LinkageConfig, parameters: Parameters) -> str:
    """SQL: levels, total match weight and probability of each pair in `gammas` (the output of
    `gamma_sql`). The per-comparison weights are not stored: `weight_expressions` gives them
    back from the levels when a pair is explained."""
    total = f"{prior_weight(parameters)!r} + " + " + ".join(
        weight_expressions(config, parameters).values()
    )
    total += f" + {dependency_weights(config, parameters)}"
    levels = ", ".join(f"g_{c.name}" for c in config.comparisons)
    # (a tf_tokens level's frequency is the pair's: kept with its score for the evidence)
    tfs = pair_tf_columns(config)
    twins = config.guards.twins
    if twins is not None and parameters.twins_same:
        # A pair that looks like twins, unsettled by identifiers: the share of such pairs with
        # its levels that are one child bounds its probability (its fields cannot tell; see
        # guards.twins). It only ever lowers it: a pair whose other fields say two children
        # stays so.
        total = (
            f"case when twins = 'unsettled' then least({twins_odds(config, parameters)}, "
            f"{total}) else {total} end"
        )
    return f"""
        select rid_l, rid_r, passes, {levels}{tfs},
            coalesce(twins = 'unsettled', false) as twin_like, match_weight,
            cast(1.0 / (1.0 + pow(2.0, -match_weight)) as double) as probability
        from (
            select rid_l, rid_r, passes, {levels}{tfs}, twins, {total} as match_weight
            from {gammas} l
        )"""


def twins_odds(config: LinkageConfig, parameters: Parameters) -> str:
    """SQL over a pair's level columns: the log2 odds that a pair looking like twins is one
    child: the share estimated for its levels of `guards.twins.by`, or for the longest start of
    them seen among settled pairs (see `estimate_twins`)."""
    twins = config.guards.twins
    default = _log_odds(parameters.twins_same.get("*", twins.prior_same))
    lookups = []
    for depth in range(len(twins.by), 0, -1):
        cases = " ".join(
            f"when '{key}' then {_log_odds(share)!r}"
            for key, share in sorted(parameters.twins_same.items())
            if key != "*" and key.count("|") == depth - 1
        )
        if cases:
            lookups.append(f"case {twins.prefix_key(depth)} {cases} end")
    return f"coalesce({', '.join(lookups + [repr(default)])})"


def score_sql(pairs: str, records: str, config: LinkageConfig, parameters: Parameters) -> str:
    """SQL: `weight_sql` over `gamma_sql` in one statement."""
    return weight_sql(f"({gamma_sql(pairs, records, config)})", config, parameters)


def conflict_parts(
    config: LinkageConfig, parameters: Parameters
) -> tuple[str, list[tuple[str, str]], str | None]:
    """SQL of the conflict rules (guards), over a pair's records `l`, `r` and its score `s`
    (levels, match_weight, twin_like, probability), in three parts: those never waived, as one
    expression; each rule about an identifier's values (`identifier:` in the configuration)
    with its column; and the twins rule (None without one). Two conflicting records are never
    one child unless a reviewer says so."""
    rules = [f"({c.when})" for c in config.guards.conflicts if c.identifier is None]
    tables = config.guards.one_record_per_child_tables
    if tables:
        listed = ", ".join(f"'{t}'" for t in tables)
        rules.append(f"(l.source_table = r.source_table and l.source_table in ({listed}))")
    # Its own evidence decisively against one child (the prior left out: other links join it).
    against = -math.log2(config.guards.conflict_odds)
    rules.append(f"(s.match_weight - {prior_weight(parameters)!r} < {against!r})")
    # Looks like twins, and such pairs are twins more often than one child.
    twins = None
    if config.guards.twins is not None and parameters.twins_same:
        # (a CASE, not `and`: DuckDB then reads the shares only for the pairs that look like
        # twins, about eight times faster over a million pairs)
        odds = twins_odds(config, parameters)
        twins = f"coalesce(case when s.twin_like then {odds} < 0 end, false)"
    by_identifier = [
        (c.identifier, f"coalesce({c.when}, false)")
        for c in config.guards.conflicts
        if c.identifier is not None
    ]
    return f"coalesce({' or '.join(rules)}, false)", by_identifier, twins
