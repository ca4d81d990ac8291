"""Comparison levels as SQL: which level of each comparison a pair of prepared records reaches.

Depends only on the configuration: the conditions are written in `linkage.yml` over the two
records of a pair (`l` and `r`); this module turns them into one CASE per comparison and adds the
SQL macros those conditions may use. Weights (which need the estimated parameters) are in
`compare.py`.
"""

from __future__ import annotations

import re

import duckdb

from pipelines.linkage.config import Comparison, LinkageConfig
from pipelines.linkage.prepare import NAME_COLUMNS

# Damerau-Levenshtein distance <= 1 without computing it for most pairs: strings of equal length
# need a Hamming distance of at most 1, or exactly 2 when two neighbours are swapped; strings one
# character apart in length need a Levenshtein distance of 1. CASE evaluates a branch only for
# the rows that reach it, so the costly functions run on few pairs, and `hamming` only ever sees
# strings of equal length. `within_two_edits`: Levenshtein distance <= 2 (a swap of neighbours
# counts two there, and is already within one edit).
# `is_prefix(a, b)`: the shorter is the start of the longer (an initial, a truncated name).
# `dob_parts(dob_text)`: year+month, year+day and month+day of a YYYYMMDD text: a date with one
# part mistyped still shares one of them. `dates_related(a, b)`: two YYYYMMDD texts that one
# mistake could turn into each other (one digit, day and month swapped, one part wrong).
# `identifier_slip(a, b, a_valid, b_valid)`: one identifier a keying slip away from the other,
# and not both passing their check (two valid identifiers that differ are two identifiers).
# `miswritten(a, b, freq_a, freq_b)`: two forms of one name, one edit apart or one the start of
# the other (an initial, a shortened name), the rarer written at most a twentieth as often as
# the other (a frequency unknown counts as none): Jakc, Alex or A beside Alexander or Jack, not
# two names (twins Jack and Jake, Leo and Leon, both common).
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
    end;
create or replace temp macro within_two_edits(a, b) as
    case
        when abs(length(a) - length(b)) > 2 then false
        else levenshtein(a, b) <= 2
    end;
create or replace temp macro dob_parts(dob_text) as
    [left(dob_text, 6), left(dob_text, 4) || '-' || right(dob_text, 2), right(dob_text, 4)];
create or replace temp macro dates_related(a, b) as
    within_one_edit(a, b)
    or left(a, 4) || substr(a, 7, 2) || substr(a, 5, 2) = b
    or list_has_any(dob_parts(a), dob_parts(b));
create or replace temp macro identifier_slip(a, b, a_valid, b_valid) as
    within_one_edit(a, b) and not (a_valid and b_valid);
create or replace temp macro is_prefix(a, b) as
    case
        when length(a) <= length(b) then starts_with(b, a)
        else starts_with(a, b)
    end;
create or replace temp macro miswritten(a, b, freq_a, freq_b) as
    (within_one_edit(a, b) or is_prefix(a, b))
    and least(coalesce(freq_a, 0), coalesce(freq_b, 0))
        < 0.05 * greatest(coalesce(freq_a, 0), coalesce(freq_b, 0));
"""


def register_macros(con: duckdb.DuckDBPyConnection) -> None:
    for statement in MACROS.split(";"):
        if statement.strip():
            con.execute(statement)


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


def tf_columns(config: LinkageConfig) -> list[str]:
    """Prepared columns whose value frequencies adjust an exact level's weight."""
    return sorted({level.tf for c in config.comparisons for level in c.levels if level.tf})


def token_tf_levels(config: LinkageConfig) -> list[tuple[Comparison, int]]:
    """The levels weighed by the rarest shared token (`tf_tokens`), as (comparison, index)."""
    return [
        (c, index)
        for c in config.comparisons
        for index, level in enumerate(c.levels)
        if level.tf_tokens
    ]


def token_tf_columns(config: LinkageConfig) -> list[tuple[str, str]]:
    """(tokens, found_in) of every `tf_tokens` level: each record gets `tf_<tokens>`, the share
    of records holding each of its tokens in `found_in`."""
    return sorted({c.levels[i].tf_tokens for c, i in token_tf_levels(config)})


def pair_tf_column(comparison: Comparison, index: int) -> str:
    """The scored pair's column holding the frequency a `tf_tokens` level weighs by."""
    return f"tf_{comparison.name}_{comparison.levels[index].label}"


def _pair_tf(comparison: Comparison, index: int) -> str:
    """SQL over a pair's records and its level column `g_<comparison>` (an alias of the same
    select list): for a pair at a `tf_tokens` level, the share of records holding the rarest
    token of either record's `tokens` found in the other's `found_in`."""
    tokens, found_in = comparison.levels[index].tf_tokens
    sides = [
        f"list_filter({a}.tf_{tokens}, lambda f, i: list_contains({b}.{found_in}, {a}.{tokens}[i]))"
        for a, b in (("l", "r"), ("r", "l"))
    ]
    return (
        f"cast(case when g_{comparison.name} = {index} "
        f"then list_min(list_concat({', '.join(sides)})) "
        f"end as double) as {pair_tf_column(comparison, index)}"
    )


def pair_tf_names(config: LinkageConfig) -> list[str]:
    """The scored pair's frequency column of each `tf_tokens` level (see `pair_tf_column`)."""
    return [pair_tf_column(c, i) for c, i in token_tf_levels(config)]


def pair_tf_columns(config: LinkageConfig) -> str:
    """ ", <column>" for each of `pair_tf_names`, to follow a select list."""
    return "".join(f", {name}" for name in pair_tf_names(config))


def level_patterns(pairs: str, records: str, config: LinkageConfig) -> str:
    """SQL: the levels of every pair in `pairs` (rid_l, rid_r) against `records` (rid, ...)."""
    return f"""
        select {gamma_columns(config)}
        from {pairs} p
        join {records} l on l.rid = p.rid_l
        join {records} r on r.rid = p.rid_r"""


def columns_read(comparison: Comparison) -> set[str]:
    """The prepared columns a comparison's conditions read (`l.x` or `r.x`), and those its
    `tf_tokens` levels read (their tokens' frequencies depend on the tokens alone)."""
    text = " ".join([comparison.null_when] + [level.when for level in comparison.levels])
    read = set(re.findall(r"\b[lr]\.(\w+)", text))
    for level in comparison.levels:
        if level.tf_tokens:
            tokens, found_in = level.tf_tokens
            read |= {tokens, found_in, f"tf_{tokens}"}
    return read


def by_names(config: LinkageConfig) -> list[Comparison]:
    """The comparisons that read the names alone (computed once per distinct pair of names)."""
    # (a name column's token frequencies depend on the name alone too)
    names = NAME_COLUMNS | {f"tf_{column}" for column in NAME_COLUMNS}
    return [c for c in config.comparisons if columns_read(c) <= names]


def identifiers_column(config: LinkageConfig, named: list[Comparison]) -> str:
    """SQL over a pair's records: what its identifiers say of it ('same', 'different' or
    'unsettled') when its other fields could look like twins (the levels of the comparisons
    not in `named`; those are checked by `twins_column`), else null."""
    twins = config.guards.twins
    if twins is None:
        return "cast(null as varchar) as identifiers_say"
    by_name = {c.name: c for c in config.comparisons}
    others = [c.name for c in config.comparisons if c not in named]
    maybe = twins.alike_on(others, lambda name: gamma_expression(by_name[name]))
    return (
        f"case when {maybe} then coalesce({twins.identifiers_say}, 'unsettled') end "
        f"as identifiers_say"
    )


def twins_column(config: LinkageConfig, named: list[Comparison]) -> str:
    """SQL over a pair's level columns and `identifiers_column`: for a pair that looks like
    twins, what its identifiers say ('same', 'different') or 'unsettled'; null for any other."""
    twins = config.guards.twins
    if twins is None:
        return "cast(null as varchar) as twins"
    return (
        f"cast(case when {twins.alike_on(c.name for c in named)} then identifiers_say end "
        f"as varchar) as twins"
    )


def gamma_sql(pairs: str, records: str, config: LinkageConfig) -> str:
    """SQL: each pair of `pairs` (rid_l, rid_r, passes) with its levels, whether it looks like
    twins (`twins_column`: from its levels and what its identifiers say) and the term
    frequencies its exact levels need (looked up on the left record; equal on both sides).

    Name comparisons are computed once per distinct pair of names: the same few thousand
    forenames and surnames recur across millions of candidate pairs."""
    carried = "".join(f", l.tf_{column}" for column in tf_columns(config))
    named = by_names(config)
    pair_tf = pair_tf_columns(config)
    others = [c for c in config.comparisons if c not in named]
    ordered = ", ".join(f"g_{c.name}" for c in config.comparisons)
    tf = "".join(f", tf_{column}" for column in tf_columns(config))
    if not named:
        tfs = "".join(f", {_pair_tf(c, i)}" for c, i in token_tf_levels(config))
        return f"""
            select rid_l, rid_r, passes, {ordered}, {twins_column(config, [])}{tf}{pair_tf}
            from (
                select p.rid_l, p.rid_r, p.passes, {gamma_columns(config)},
                    {identifiers_column(config, [])}{carried}{tfs}
                from {pairs} p
                join {records} l on l.rid = p.rid_l
                join {records} r on r.rid = p.rid_r
            )"""
    read = sorted(set().union(*(columns_read(c) for c in named)))
    name_gammas = ", ".join(f"{gamma_expression(c)} as g_{c.name}" for c in named)
    # (a name comparison's tf_tokens level: its frequency is the two names', computed here
    # from the level just named)
    name_gammas += "".join(f", {_pair_tf(c, i)}" for c, i in token_tf_levels(config))
    other_gammas = "".join(f", {gamma_expression(c)} as g_{c.name}" for c in others)
    return f"""
        with records_named as materialized (
            select p.rid_l, p.rid_r, p.passes, l.name_id as name_l, r.name_id as name_r
                {other_gammas}, {identifiers_column(config, named)}{carried}
            from {pairs} p
            join {records} l on l.rid = p.rid_l
            join {records} r on r.rid = p.rid_r
        ),
        name_pairs as materialized (select distinct name_l, name_r from records_named),
        -- one record per name (its name columns are the name's); picking its id first and
        -- then joining is far cheaper than any_value over the list columns
        names as (
            select name_id, {", ".join(f"n.{c}" for c in read)}
            from (
                select name_id, min(rid) as rid from {records}
                where name_id in (select name_l from name_pairs union select name_r from name_pairs)
                group by name_id
            ) pick
            join {records} n using (rid, name_id)
        ),
        name_levels as (
            select n.name_l, n.name_r, {name_gammas}
            from name_pairs n
            join names l on l.name_id = n.name_l
            join names r on r.name_id = n.name_r
        )
        select p.rid_l, p.rid_r, p.passes, {ordered}, {twins_column(config, named)}{tf}{pair_tf}
        from records_named p join name_levels using (name_l, name_r)"""
