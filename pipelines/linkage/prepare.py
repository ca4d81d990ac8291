"""Prepared records: the normalised columns that blocking, comparisons and guards work on.

Normalisation runs in DuckDB SQL; phonetic codes are computed in Python once per distinct name
and joined back, so the Python cost depends on the number of names, not of records.
"""

from __future__ import annotations

import duckdb
import jellyfish
import polars as pl

from pipelines.linkage.config import LinkageConfig

REQUIRED_COLUMNS = ("record_id", "source")
OPTIONAL_COLUMNS = (
    "source_table",
    "forename",
    "surname",
    "dob",
    "sex",
    "postcode",
    "upn",
    "nhs_number",
    "uln",
)
# The input columns whose values decide a record's prepared form (a change means a new record).
CONTENT_COLUMNS = OPTIONAL_COLUMNS


class LinkageInputError(ValueError):
    """The person records do not meet the input contract."""


def input_columns(con: duckdb.DuckDBPyConnection, records: str) -> set[str]:
    return {row[0] for row in con.execute(f"describe select * from {records}").fetchall()}


def check_input(con: duckdb.DuckDBPyConnection, records: str) -> None:
    columns = input_columns(con, records)
    missing = [c for c in REQUIRED_COLUMNS if c not in columns]
    if missing:
        raise LinkageInputError(f"{records} lacks required column(s): {', '.join(missing)}")
    duplicated, blank = con.execute(
        f"select count(*) - count(distinct record_id), count(*) filter (where record_id is null)"
        f" from {records}"
    ).fetchall()[0]
    if duplicated or blank:
        raise LinkageInputError(
            f"{records}: record_id must be unique and present ({duplicated} duplicated, "
            f"{blank} blank)"
        )


def _text(column: str, present: set[str]) -> str:
    return f"nullif(trim(cast({column} as varchar)), '')" if column in present else "null"


def _letters(expr: str) -> str:
    """Upper case without accents or apostrophes; every other non-letter becomes a space.

    Letters that are not a base letter plus an accent (ł, ø, đ, ß, æ, œ) are spelt out first."""
    plain = (
        f"replace(replace(replace(translate({expr}, 'łŁøØđĐ', 'lLoOdD'), 'ß', 'ss'),"
        f" 'æ', 'ae'), 'œ', 'oe')"
    )
    return (
        f"trim(regexp_replace(replace(replace(upper(strip_accents({plain})), '''', ''), '’', ''),"
        f" '[^A-Z]+', ' ', 'g'))"
    )


def _identifier(column: str, present: set[str]) -> str:
    if column not in present:
        return "cast(null as varchar)"
    return f"nullif(upper(replace(replace(cast({column} as varchar), ' ', ''), '-', '')), '')"


def base_sql(records: str, present: set[str], dob_is_date: bool = False) -> str:
    """SQL for every input record's non-name columns, and its raw names for the name lookup."""
    content = " || '|' || ".join(
        f"coalesce(cast({c} as varchar), '')" for c in CONTENT_COLUMNS if c in present
    )
    dob = f"try_cast({_text('dob', present)} as date)" if "dob" in present else "null"
    if dob_is_date:
        dob = "dob"
    return f"""
        with base as (
            select
                cast(record_id as varchar) as record_id,
                cast(source as varchar) as source,
                {_text("source_table", present)} as source_table,
                {_text("forename", present)} as forename_raw,
                {_text("surname", present)} as surname_raw,
                cast({dob} as date) as dob,
                case upper({_text("sex", present)}) when 'M' then 'M' when 'F' then 'F' end as sex,
                nullif(upper(replace({_text("postcode", present)}, ' ', '')), '') as pc,
                {_identifier("nhs_number", present)} as nhs_number,
                {_identifier("upn", present)} as upn,
                {_identifier("uln", present)} as uln,
                hash({content or "''"}) as content
            from {records}
        )
        select
            record_id, source, source_table, content, forename_raw, surname_raw,
            dob,
            strftime(dob, '%Y%m%d') as dob_text,
            case when day(dob) <= 12 and day(dob) <> month(dob)
                then make_date(year(dob), day(dob), month(dob)) end as dob_swapped,
            year(dob) as birth_year,
            sex, pc,
            case when length(pc) >= 5 then left(pc, length(pc) - 3) end as pc_district,
            case when length(pc) >= 5
                then left(pc, length(pc) - 3) || ' ' || substr(pc, length(pc) - 2, 1)
            end as pc_sector,
            nhs_number, upn, uln
        from base
    """


def load_nicknames(con: duckdb.DuckDBPyConnection, config: LinkageConfig, table: str) -> None:
    """The nickname lookup, normalised like the names it is joined to."""
    path = str(config.nicknames).replace("'", "''")
    con.execute(
        f"""create or replace temp table {table} as
        select distinct {_letters("name")} as name, {_letters("canonical")} as canonical
        from read_csv('{path}', header = true, all_varchar = true)"""
    )


def _name_lookup(con: duckdb.DuckDBPyConnection, config: LinkageConfig) -> None:
    """Every distinct raw name once: its tokens, forms, nickname canonical and phonetic codes."""
    con.execute(
        f"""create or replace temp table _lk_names as
        with raw as (
            select distinct forename_raw as raw from _lk_base where forename_raw is not null
            union select distinct surname_raw from _lk_base where surname_raw is not null
        ),
        split as (
            select raw, nullif(regexp_split_to_array({_letters("raw")}, ' '), ['']) as tokens
            from raw
        )
        select s.raw, s.tokens, s.tokens[1] as first_token,
            nullif(array_to_string(s.tokens, ''), '') as joined,
            coalesce(k.canonical, s.tokens[1]) as canon
        from split s left join _lk_nicknames k on k.name = s.tokens[1]"""
    )
    rows = con.execute("select raw, tokens, canon, joined from _lk_names").fetchall()
    encode = getattr(jellyfish, config.phonetic)
    cache: dict[str, str] = {}

    def code(name: str | None) -> str | None:
        if name is None:
            return None
        if name not in cache:
            cache[name] = encode(name) or name
        return cache[name]

    frame = pl.DataFrame(
        {
            "raw": [r[0] for r in rows],
            "canon_ph": [code(r[2]) for r in rows],
            "joined_ph": [code(r[3]) for r in rows],
            "tokens_ph": [sorted({code(t) for t in r[1]}) if r[1] else None for r in rows],
        },
        schema={
            "raw": pl.String,
            "canon_ph": pl.String,
            "joined_ph": pl.String,
            "tokens_ph": pl.List(pl.String),
        },
    )
    con.register("_lk_codes_view", frame.to_arrow())
    con.execute(
        """create or replace temp table _lk_names as
        select n.*, c.canon_ph, c.joined_ph, c.tokens_ph
        from _lk_names n join _lk_codes_view c using (raw)"""
    )
    con.unregister("_lk_codes_view")


def prepare(
    con: duckdb.DuckDBPyConnection, records: str, target: str, config: LinkageConfig
) -> int:
    """Write the prepared form of `records` to temp table `target`; returns the row count.

    Rows keep the input's record ids; `content` is a digest of the input fields, so a record
    delivered again unchanged can be recognised in an incremental run. Names are normalised
    once per distinct spelling, not once per record.
    """
    check_input(con, records)
    present = input_columns(con, records)
    load_nicknames(con, config, "_lk_nicknames")
    dob_type = con.execute(
        f"select column_type from (describe select * from {records}) where column_name = 'dob'"
    ).fetchall()
    dob_is_date = bool(dob_type) and dob_type[0][0] == "DATE"
    con.execute(
        f"create or replace temp table _lk_base as {base_sql(records, present, dob_is_date)}"
    )
    _name_lookup(con, config)
    con.execute(
        f"""create or replace temp table {target} as
        select b.record_id, b.source, b.source_table, b.content,
            f.first_token as fn, f.tokens as fn_tokens, f.canon as fn_canon, f.canon_ph as fn_ph,
            case when len(f.tokens) > 1 then f.tokens end as fn_parts,
            s.joined as sn, s.tokens as sn_tokens, s.joined_ph as sn_ph,
            case when len(s.tokens) > 1 then s.tokens end as sn_parts,
            s.tokens_ph as sn_tokens_ph,
            b.dob, b.dob_text, b.dob_swapped, b.birth_year, b.sex,
            b.pc, b.pc_sector, b.pc_district, b.nhs_number, b.upn, b.uln
        from _lk_base b
        left join _lk_names f on f.raw = b.forename_raw
        left join _lk_names s on s.raw = b.surname_raw"""
    )
    con.execute("drop table _lk_base")
    con.execute("drop table _lk_names")
    return con.execute(f"select count(*) from {target}").fetchall()[0][0]
