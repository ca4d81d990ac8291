"""Model parameters: m and u per comparison level, the prior, term frequencies, oversized blocks.

u (how often a level occurs between two different children) is counted on a large random sample
of record pairs drawn with a fixed seed. m (how often it occurs for one child) and the prior
share of matches among candidate pairs come from expectation-maximisation over the candidate
pairs' level patterns: pairs are grouped by pattern first, so each iteration touches thousands
of rows rather than millions. Parameters are stored and reused, which makes a pair's score a
pure function of the pair (the basis of incremental linking).
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field

import duckdb
import numpy as np
import polars as pl

from pipelines.linkage.config import LinkageConfig
from pipelines.linkage.levels import level_patterns, tf_columns, token_tf_columns

PARAMETER_TABLE = "parameters"
TF_TABLE = "term_frequencies"
OVERSIZED_TABLE = "oversized_blocks"


@dataclass
class Parameters:
    """m and u per comparison level (lists in level order), the prior `lam`, weight floors."""

    m: dict[str, list[float]]
    u: dict[str, list[float]]
    lam: float
    tf_floor: float
    min_weight: dict[str, list[float | None]] = field(default_factory=dict)
    em_iterations: int = 0
    # Of the pairs that look like twins (guards.twins), the share that are one child, by the
    # levels of the `by` comparisons ("2|0": levels joined by "|"; "*": any other combination).
    twins_same: dict[str, float] = field(default_factory=dict)
    # Per dependency (config.dependencies): the weight added when all its comparisons agree.
    dependencies: dict[str, float] = field(default_factory=dict)

    def weight(self, comparison: str, level: int) -> float:
        if level < 0:
            return 0.0
        weight = math.log2(self.m[comparison][level] / self.u[comparison][level])
        floor = self.min_weight.get(comparison, [None] * (level + 1))[level]
        return weight if floor is None else max(weight, float(floor))


def estimate_u(
    con: duckdb.DuckDBPyConnection, records: str, n_records: int, config: LinkageConfig
) -> dict[str, list[float]]:
    """Level frequencies among random pairs of records (almost all of them different children)."""
    est = config.estimation
    rng = np.random.default_rng(est.seed)
    size = est.u_sample_pairs
    left = rng.integers(0, n_records, size, dtype=np.int64)
    right = rng.integers(0, n_records, size, dtype=np.int64)
    keep = left != right
    sample = pl.DataFrame(
        {"rid_l": left[keep].astype(np.int32), "rid_r": right[keep].astype(np.int32)}
    )
    names = [c.name for c in config.comparisons]
    con.register("_lk_u_sample", sample.to_arrow())
    table = con.sql(
        f"""select {", ".join(f"g_{n}" for n in names)}, count(*) as n
        from ({level_patterns("_lk_u_sample", records, config)}) group by all"""
    ).pl()
    con.unregister("_lk_u_sample")
    u: dict[str, list[float]] = {}
    for comparison in config.comparisons:
        levels = len(comparison.levels)
        per_level = (
            table.filter(pl.col(f"g_{comparison.name}") >= 0)
            .group_by(f"g_{comparison.name}")
            .agg(pl.col("n").sum())
        )
        counts = np.zeros(levels)
        for level, n in per_level.iter_rows():
            counts[int(level)] = n
        total = counts.sum()
        shares = counts / total if total else np.full(levels, 1.0 / levels)
        u[comparison.name] = [max(float(s), est.u_floor) for s in shares]
    return u


def without_matches(
    u: dict[str, list[float]], m: dict[str, list[float]], lam: float, config: LinkageConfig
) -> dict[str, list[float]]:
    """u with the matches among the random pairs taken out.

    A share `lam` of random pairs are two records of one child, and they sit mostly in the
    agreeing levels: counted as non-matches they make agreement look common (in a table where
    each child has several records, an identifier's exact level would weigh far too little).
    The observed share of a level is lam * m + (1 - lam) * u, solved for u."""
    floor = config.estimation.u_floor
    return {
        name: [
            max((share - lam * m[name][i]) / (1.0 - lam), floor) for i, share in enumerate(shares)
        ]
        for name, shares in u.items()
    }


def fixed_comparisons(config: LinkageConfig) -> dict[str, set[str]]:
    """Per blocking pass, the comparisons its key forces to agree (or nearly).

    As configured (`fixes`), or else: a comparison is about the columns of its first (exact)
    level and their derived forms (`sn` covers `sn_ph`); a pass fixes it when its key uses any of
    them."""
    subject = {
        c.name: set(re.findall(r"\b[lr]\.(\w+)", c.levels[0].when)) for c in config.comparisons
    }
    fixed = {}
    for blocking_pass in config.passes:
        if blocking_pass.fixes is not None:
            fixed[blocking_pass.name] = set(blocking_pass.fixes)
            continue
        words = set(re.findall(r"\w+", " ".join(blocking_pass.left + blocking_pass.right)))
        fixed[blocking_pass.name] = {
            name
            for name, columns in subject.items()
            if any(w == col or w.startswith(col + "_") for w in words for col in columns)
        }
    return fixed


def _em(
    counts: np.ndarray,
    gammas: dict[str, np.ndarray],
    m: dict[str, np.ndarray],
    u: dict[str, np.ndarray],
    lam: float,
    config: LinkageConfig,
) -> tuple[dict[str, np.ndarray], float, int]:
    """EM for m of the given comparisons and the share of matches, u fixed."""
    est = config.estimation
    iterations = 0
    for iterations in range(1, est.max_iterations + 1):  # noqa: B007
        log_odds = np.full(counts.size, math.log(lam / (1 - lam)))
        for name, g in gammas.items():
            present = g >= 0
            log_odds[present] += np.log(m[name][g[present]]) - np.log(u[name][g[present]])
        posterior = 1.0 / (1.0 + np.exp(-np.clip(log_odds, -700, 700)))
        weighted = counts * posterior
        new_lam = min(max(float(weighted.sum()) / counts.sum(), 1e-9), 1 - 1e-9)
        change = abs(new_lam - lam)
        for name, g in gammas.items():
            sums = np.bincount(g[g >= 0], weights=weighted[g >= 0], minlength=m[name].size)
            new_m = np.maximum(sums / max(sums.sum(), 1e-300), est.m_floor)
            new_m = new_m / new_m.sum()
            change = max(change, float(np.abs(new_m - m[name]).max()))
            m[name] = new_m
        lam = new_lam
        if change < est.tolerance:
            break
    return m, lam, iterations


def estimate_m(
    patterns: pl.DataFrame, u: dict[str, list[float]], n_records: int, config: LinkageConfig
) -> tuple[dict[str, list[float]], float, int]:
    """m per level and the prior probability that two random records are one child.

    Each blocking pass is a training session over the pairs it found: the comparisons its key
    forces to agree say nothing there and are left out; the others' m are estimated by EM. Each
    level's m is the median over the sessions where its comparison was free (then renormalised),
    not a mean: a session whose free comparisons barely tell one child from two (birth date and a
    name at national scale, where namesakes born on one day far outnumber one child's records,
    and only a postcode and sparse identifiers are left to compare) can converge on another split
    of its pairs (same area or not), and one such session must not outvote the others. The prior
    then solves expected matches among candidate pairs = prior x all record pairs (matches outside
    the candidate pairs are assumed negligible). `patterns`: g_* levels, passes bitmask, n.
    """
    names = [c.name for c in config.comparisons]
    start = {
        c.name: np.array([level.m_start for level in c.levels], dtype=np.float64)
        for c in config.comparisons
    }
    u_arr = {n: np.asarray(u[n], dtype=np.float64) for n in names}
    fixed = fixed_comparisons(config)
    sessions: dict[str, list[np.ndarray]] = {n: [] for n in names}
    passes_column = patterns["passes"].to_numpy()
    iterations = 0
    for index, blocking_pass in enumerate(config.passes):
        rows = (passes_column & (1 << index)) > 0
        if not blocking_pass.train or not rows.any():
            continue
        free = [n for n in names if n not in fixed[blocking_pass.name]]
        counts = patterns["n"].to_numpy()[rows].astype(np.float64)
        gammas = {n: patterns[f"g_{n}"].to_numpy()[rows].astype(np.int64) for n in free}
        m = {n: start[n] / start[n].sum() for n in free}
        m, _lam, used = _em(counts, gammas, m, u_arr, 0.5, config)
        iterations = max(iterations, used)
        # Comparisons on which this pass's pairs of two children agree as often as one child's
        # (a sibling's number: family name and address): with them in, EM counts those pairs as
        # one child and the others' disagreement levels learn from them. The others are learnt
        # again without them; theirs stand (the pairs agree on them either way).
        others = [n for n in free if n not in blocking_pass.train_without]
        if len(others) < len(free):
            again = {n: start[n] / start[n].sum() for n in others}
            again, _lam, used = _em(
                counts, {n: gammas[n] for n in others}, again, u_arr, 0.5, config
            )
            iterations = max(iterations, used)
            m.update(again)
        for n in free:
            if (gammas[n] >= 0).any():  # a comparison never made in a session learns nothing
                sessions[n].append(m[n])
    m_final = {}
    for n in names:
        if sessions[n]:
            median = np.median(np.vstack(sessions[n]), axis=0)
            m_final[n] = median / median.sum()
        else:
            m_final[n] = start[n] / start[n].sum()
    # The prior: a fixed point of expected matches over all pairs of records.
    counts = patterns["n"].to_numpy().astype(np.float64)
    log_ratio = np.zeros(counts.size)
    for n in names:
        g = patterns[f"g_{n}"].to_numpy().astype(np.int64)
        present = g >= 0
        log_ratio[present] += np.log(m_final[n][g[present]]) - np.log(u_arr[n][g[present]])
    all_pairs = n_records * (n_records - 1) / 2.0
    lam = min(0.5, counts.sum() / all_pairs)
    for _ in range(200):
        posterior = 1.0 / (1.0 + np.exp(-np.clip(math.log(lam / (1 - lam)) + log_ratio, -700, 700)))
        new_lam = float((counts * posterior).sum() / all_pairs)
        new_lam = min(max(new_lam, 1e-12), 0.5)
        if abs(new_lam - lam) <= lam * 1e-9:
            lam = new_lam
            break
        lam = new_lam
    return {n: [float(x) for x in m_final[n]] for n in names}, lam, iterations


def estimate_twins(
    con: duckdb.DuckDBPyConnection, gammas: str, config: LinkageConfig
) -> dict[str, float]:
    """Of the pairs that look like twins, the share that are one child, by the levels of the
    `by` comparisons, counted among those whose identifiers settle it. The shares are nested:
    by the first comparison's level, then the first two, and so on; each is smoothed towards
    the share one level up (worth `prior_pairs` pairs), the top towards `prior_same`, so a rare
    combination of levels borrows from its commoner parent. Keys are the levels joined by "|"
    ("7", "7|0", ...); "*" holds the prior alone."""
    twins = config.guards.twins
    if twins is None:
        return {}
    rows = con.execute(
        f"""select {twins.levels_key} as levels, count(*) filter (where twins = 'same'),
            count(*) filter (where twins = 'different')
        from {gammas} where twins is not null and twins <> 'unsettled' group by all"""
    ).fetchall()
    counts: dict[str, list[int]] = {}
    for key, same, different in rows:
        parts = key.split("|")
        for depth in range(1, len(parts) + 1):
            tally = counts.setdefault("|".join(parts[:depth]), [0, 0])
            tally[0] += same
            tally[1] += different
    shares = {"*": twins.prior_same}
    for key in sorted(counts, key=lambda k: k.count("|")):  # parents before children
        parent = shares[key.rsplit("|", 1)[0]] if "|" in key else twins.prior_same
        same, different = counts[key]
        shares[key] = (same + parent * twins.prior_pairs) / (same + different + twins.prior_pairs)
    return shares


def exact_column(config: LinkageConfig, comparison: str) -> str:
    """The prepared column of a comparison's exact level (`l.x = r.x`, perhaps followed by
    `or` and other ways of agreeing on the same thing, such as an earlier postcode)."""
    when = config.comparison(comparison).levels[0].when
    found = re.fullmatch(r"\s*l\.(\w+)\s*=\s*r\.(\w+)\s*(or\s.*)?", when, re.DOTALL)
    if not found or found.group(1) != found.group(2):
        raise ValueError(f"{comparison}: its first level is not an exact agreement (l.x = r.x)")
    return found.group(1)


def exact_comparison(config: LinkageConfig, column: str) -> str:
    """The comparison whose exact level is agreement on prepared column `column`."""
    for comparison in config.comparisons:
        try:
            if exact_column(config, comparison.name) == column:
                return comparison.name
        except ValueError:
            continue
    raise ValueError(f"no comparison has exact agreement on {column} as its first level")


def estimate_dependencies(
    con: duckdb.DuckDBPyConnection,
    records: str,
    n_records: int,
    m: dict[str, list[float]],
    lam: float,
    config: LinkageConfig,
) -> dict[str, float]:
    """Per dependency, log2 of (product of the single exact agreement rates among different
    children) / (their joint rate): the weight that stops a shared household counting twice.

    Each rate is counted exactly (pairs of records agreeing) with the expected matches taken out
    (lam x all pairs x m of the exact levels)."""
    all_pairs = n_records * (n_records - 1) / 2.0
    matches = lam * all_pairs

    def rate(columns: list[str], m_exact: float) -> float:
        keys = ", ".join(columns)
        present = " and ".join(f"{c} is not null" for c in columns)
        agreeing = con.execute(
            f"select coalesce(sum(n * (n - 1) / 2), 0) from "
            f"(select count(*) as n from {records} where {present} group by {keys})"
        ).fetchall()[0][0]
        return max(float(agreeing) - matches * m_exact, 0.0) / max(all_pairs - matches, 1.0)

    weights = {}
    for dependency in config.dependencies:
        columns = [exact_column(config, c) for c in dependency.comparisons]
        singles = [
            rate([col], m[c][0]) for col, c in zip(columns, dependency.comparisons, strict=True)
        ]
        joint = rate(columns, float(np.prod([m[c][0] for c in dependency.comparisons])))
        if joint > 0 and all(singles):
            weights[dependency.name] = math.log2(float(np.prod(singles)) / joint)
    return weights


def estimate_term_frequencies(
    con: duckdb.DuckDBPyConnection, records: str, config: LinkageConfig, target: str
) -> None:
    parts = [
        f"""select '{column}' as column_name, {column} as value,
            count(*) / sum(count(*)) over () as frequency
        from {records} where {column} is not null group by {column}"""
        for column in tf_columns(config)
    ]
    # a token's share of the records holding it among their `found_in` tokens
    parts += [
        f"""select '{found_in}' as column_name, value,
            count(*) / (select count(*) from {records} where len({found_in}) > 0) as frequency
        from (select unnest(list_distinct({found_in})) as value from {records})
        group by value"""
        for found_in in sorted({f for _, f in token_tf_columns(config)})
    ]
    if not parts:
        parts = ["select '' as column_name, '' as value, 0.0 as frequency where false"]
    con.execute(f"create or replace table {target} as " + " union all ".join(parts))


def save(
    con: duckdb.DuckDBPyConnection, parameters: Parameters, config: LinkageConfig, target: str
) -> None:
    """Store m, u and the prior as rows: (comparison, level, label, m, u, weight)."""
    rows = []
    for comparison in config.comparisons:
        for index, level in enumerate(comparison.levels):
            rows.append(
                (
                    comparison.name,
                    index,
                    level.label,
                    parameters.m[comparison.name][index],
                    parameters.u[comparison.name][index],
                    parameters.weight(comparison.name, index),
                    level.min_weight,
                )
            )
    rows.append(("__prior__", -1, "lambda", parameters.lam, None, None, None))
    for levels, share in sorted(parameters.twins_same.items()):
        rows.append(("__twins__", -1, levels, share, None, None, None))
    for name, weight in sorted(parameters.dependencies.items()):
        rows.append(("__dependency__", -1, name, None, None, weight, None))
    frame = pl.DataFrame(
        rows,
        schema={
            "comparison": pl.String,
            "level": pl.Int32,
            "label": pl.String,
            "m": pl.Float64,
            "u": pl.Float64,
            "weight": pl.Float64,
            "min_weight": pl.Float64,
        },
        orient="row",
    ).with_columns(
        em_iterations=pl.lit(parameters.em_iterations, pl.Int32),
        tf_floor=pl.lit(parameters.tf_floor),
        config_digest=pl.lit(config.digest),
    )
    con.register("_lk_parameters", frame.to_arrow())
    con.execute(f"create or replace table {target} as select * from _lk_parameters")
    con.unregister("_lk_parameters")


def stored_digest(con: duckdb.DuckDBPyConnection, source: str) -> str | None:
    """The configuration digest parameters were estimated under (None: not recorded)."""
    columns = {row[0] for row in con.execute(f"describe {source}").fetchall()}
    if "config_digest" not in columns:
        return None
    return con.execute(f"select any_value(config_digest) from {source}").fetchall()[0][0]


def load(con: duckdb.DuckDBPyConnection, source: str, config: LinkageConfig) -> Parameters:
    """Parameters stored by `save`; the comparisons and levels must match the configuration."""
    frame = con.sql(f"select * from {source}").pl()
    prior = frame.filter(pl.col("comparison") == "__prior__")
    m: dict[str, list[float]] = {}
    u: dict[str, list[float]] = {}
    floors: dict[str, list[float | None]] = {}
    for comparison in config.comparisons:
        rows = frame.filter(pl.col("comparison") == comparison.name).sort("level")
        labels = rows["label"].to_list()
        if labels != [level.label for level in comparison.levels]:
            raise ValueError(
                f"stored parameters for {comparison.name} have levels {labels}, the "
                "configuration has others: estimate the parameters again"
            )
        m[comparison.name] = rows["m"].to_list()
        u[comparison.name] = rows["u"].to_list()
        floors[comparison.name] = [level.min_weight for level in comparison.levels]
    twins = frame.filter(pl.col("comparison") == "__twins__")
    dependencies = frame.filter(pl.col("comparison") == "__dependency__")
    return Parameters(
        m=m,
        u=u,
        lam=float(prior["m"][0]),
        twins_same=dict(zip(twins["label"].to_list(), twins["m"].to_list(), strict=True)),
        dependencies=dict(
            zip(dependencies["label"].to_list(), dependencies["weight"].to_list(), strict=True)
        ),
        tf_floor=float(frame["tf_floor"][0]),
        min_weight=floors,
        em_iterations=int(frame["em_iterations"][0]),
    )
