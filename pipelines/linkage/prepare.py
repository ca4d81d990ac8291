"""Prepared records: the normalised columns that blocking, comparisons and guards work on.

Normalisation runs in DuckDB SQL. Names are split into tokens, each token is mapped to a
canonical spelling (`spellings.csv`: transliterations such as Muhammad/Mohamed, for any name) and,
in a forename, to a canonical name (`nicknames.csv`: Bill -> William), and coded phonetically;
this happens once per distinct token, so the Python cost depends on the number of names, not of
records. A birth date is read from a date or from text in the usual layouts; a date that cannot
exist (`2019-85-03`) is kept as its digits, because its other digits are still evidence.
"""

from __future__ import annotations

import duckdb
import jellyfish
import polars as pl

from pipelines.linkage.config import LinkageConfig
from schemas.identifiers import nhs_number_valid_sql, upn_valid_sql

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
# Prepared columns that depend on the two names alone: a comparison that reads nothing else is
# computed once per distinct pair of names (`name_id`), not once per pair of records.
NAME_COLUMNS = frozenset(
    {
        "fn",
        "fn_tokens",
        "fn_joined",
        "fn_canon",
        "fn_ph",
        "fn_parts",
        "sn",
        "sn_tokens",
        "sn_canon",
        "sn_ph",
        "sn_parts",
        "name_tokens",
        "name_keys",
        "name_pair",
        "initials",
    }
)
# Text layouts of a birth date that DuckDB's cast does not read (the cast reads YYYY-MM-DD).
DATE_FORMATS = ["%Y%m%d", "%d/%m/%Y", "%d-%m-%Y", "%d.%m.%Y", "%Y/%m/%d", "%Y-%b-%d %H:%M:%S"]


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


def _dob_sql(raw: str) -> tuple[str, str]:
    """SQL: (date or null, 8-digit YYYYMMDD text or null) from a raw text birth date.

    The text keeps an impossible date's digits: '2019-85-03' is '20198503'. Day-first layouts are
    read as British dates (dd/mm/yyyy)."""
    formats = ", ".join(f"'{f}'" for f in DATE_FORMATS)
    date = f"coalesce(try_cast({raw} as date), cast(try_strptime({raw}, [{formats}]) as date))"
    groups = f"regexp_extract_all({raw}, '[0-9]+')"
    digits = f"""case
        when regexp_full_match({raw}, '[0-9]{{8}}') then {raw}
        when len({groups}) >= 3 and length({groups}[1]) = 4
             and length({groups}[2]) <= 2 and length({groups}[3]) <= 2
            then {groups}[1] || lpad({groups}[2], 2, '0') || lpad({groups}[3], 2, '0')
        when len({groups}) = 3 and length({groups}[3]) = 4
             and length({groups}[1]) <= 2 and length({groups}[2]) <= 2
            then {groups}[3] || lpad({groups}[2], 2, '0') || lpad({groups}[1], 2, '0')
    end"""
    return date, f"coalesce(strftime({date}, '%Y%m%d'), {digits})"


def base_sql(records: str, present: set[str], dob_is_date: bool = False) -> str:
    """SQL for every input record's non-name columns, and its raw names for the name lookup."""
    content = " || '|' || ".join(
        f"coalesce(cast({c} as varchar), '')" for c in CONTENT_COLUMNS if c in present
    )
    if dob_is_date:
        dob, dob_text = "dob", "strftime(dob, '%Y%m%d')"
    elif "dob" in present:
        dob, dob_text = _dob_sql("dob_raw")
    else:
        dob, dob_text = "cast(null as date)", "cast(null as varchar)"
    return f"""
        with raw as (
            select *, {_text("dob", present)} as dob_raw from {records}
        ),
        base as (
            select
                cast(record_id as varchar) as record_id,
                cast(source as varchar) as source,
                {_text("source_table", present)} as source_table,
                {_text("forename", present)} as forename_raw,
                {_text("surname", present)} as surname_raw,
                cast({dob} as date) as dob,
                {dob_text} as dob_text,
                case upper({_text("sex", present)}) when 'M' then 'M' when 'F' then 'F' end as sex,
                nullif(upper(replace({_text("postcode", present)}, ' ', '')), '') as pc,
                {_identifier("nhs_number", present)} as nhs_number,
                {_identifier("upn", present)} as upn,
                {_identifier("uln", present)} as uln,
                hash({content or "''"}) as content
            from raw
        ),
        dated as (
            select *, substr(dob_text, 5, 2) as dob_m, substr(dob_text, 7, 2) as dob_d
            from base
        )
        select
            record_id, source, source_table, content, forename_raw, surname_raw,
            dob, dob_text,
            -- day and month exchanged (null when they are equal), possible or not: 2019-17-03
            -- (day and month written the wrong way round) is 2019-03-17 swapped back
            case when dob_d <> dob_m then left(dob_text, 4) || dob_d || dob_m end as dob_swapped,
            -- the date with day and month in either order: a swap meets its original
            left(dob_text, 4) || least(dob_m, dob_d) || greatest(dob_m, dob_d) as dob_key,
            case when left(dob_text, 4) between '1900' and '2099'
                then cast(left(dob_text, 4) as integer) end as birth_year,
            sex, pc,
            case when length(pc) >= 5 then left(pc, length(pc) - 3) end as pc_district,
            case when length(pc) >= 5
                then left(pc, length(pc) - 3) || ' ' || substr(pc, length(pc) - 2, 1)
            end as pc_sector,
            nhs_number, upn, uln
        from dated
    """


def _load_name_list(con: duckdb.DuckDBPyConnection, path, table: str) -> None:
    """A name,canonical list, normalised like the tokens it is joined to."""
    path = str(path).replace("'", "''")
    con.execute(
        f"""create or replace temp table {table} as
        select {_letters("name")} as name, any_value({_letters("canonical")}) as canonical
        from read_csv('{path}', header = true, all_varchar = true)
        group by all"""
    )


def _name_lookup(con: duckdb.DuckDBPyConnection, config: LinkageConfig) -> None:
    """Every distinct raw name once per role (f: forename, s: surname): its tokens, their
    canonical forms and phonetic codes, in the order written."""
    _load_name_list(con, config.nicknames, "_lk_nicknames")
    _load_name_list(con, config.spellings, "_lk_spellings")
    con.execute(
        f"""create or replace temp table _lk_tokens as
        with raw as (
            select distinct 'f' as role, forename_raw as raw from _lk_base
            where forename_raw is not null
            union select distinct 's', surname_raw from _lk_base where surname_raw is not null
        ),
        split as (
            select role, raw, unnest(regexp_split_to_array({_letters("raw")}, ' ')) as token,
                generate_subscripts(regexp_split_to_array({_letters("raw")}, ' '), 1) as pos
            from raw
        )
        select s.role, s.raw, s.pos, s.token,
            case when s.role = 'f' then coalesce(n.canonical, sp.canonical, s.token)
                 else coalesce(sp.canonical, s.token) end as canon
        from split s
        left join _lk_spellings sp on sp.name = s.token
        left join _lk_nicknames n on n.name = coalesce(sp.canonical, s.token)
        where s.token <> ''"""
    )
    # Phonetic codes for each distinct canonical token and each joined canonical surname.
    words = con.execute(
        """select distinct canon from _lk_tokens
        union select string_agg(canon, '' order by pos) from _lk_tokens
        where role = 's' group by raw"""
    ).fetchall()
    encode = getattr(jellyfish, config.phonetic)
    codes = pl.DataFrame(
        {
            "word": [w for (w,) in words],
            "code": [(encode(w) or w) if w else None for (w,) in words],
        },
        schema={"word": pl.String, "code": pl.String},
    )
    con.register("_lk_codes_view", codes.to_arrow())
    con.execute(
        """create or replace temp table _lk_names as
        with coded as (
            select t.*, c.code from _lk_tokens t left join _lk_codes_view c on c.word = t.canon
        ),
        -- one ordered aggregate per name, its lists taken from it: six ordered aggregates took
        -- 2.0 s at 1M records, this 0.8 s
        parts as (
            select role, raw, list({'token': token, 'canon': canon, 'code': code} order by pos) as p
            from coded group by role, raw
        )
        select role, raw,
            list_transform(p, lambda x: x.token) as tokens,
            list_transform(p, lambda x: x.canon) as canons,
            list_transform(p, lambda x: x.code) as codes,
            -- single letters (initials) are too common to meet on
            nullif(
                list_transform(list_filter(p, lambda x: length(x.token) >= 2), lambda x: x.code),
                []
            ) as key_codes,
            array_to_string(list_transform(p, lambda x: x.token), '') as joined,
            array_to_string(list_transform(p, lambda x: x.canon), '') as joined_canon
        from parts"""
    )
    con.execute(
        """create or replace temp table _lk_names as
        select n.*, c.code as joined_code
        from _lk_names n left join _lk_codes_view c on c.word = n.joined_canon"""
    )
    con.unregister("_lk_codes_view")
    for table in ("_lk_tokens", "_lk_nicknames", "_lk_spellings"):
        con.execute(f"drop table {table}")


def _earlier_postcodes(addresses: str | None) -> str:
    """SQL over a base record `b`: the other postcodes its record had in earlier deliveries
    (sorted), or null. A family that moves away keeps the evidence of the address its child's
    other records still give."""
    if addresses is None:
        return "cast(null as varchar[])"
    return f"""(select list_sort(list(distinct a.pc)) from {addresses} a
            where a.record_id = b.record_id and a.pc <> b.pc)"""


def prepare(
    con: duckdb.DuckDBPyConnection,
    records: str,
    target: str,
    config: LinkageConfig,
    *,
    known: str | None = None,
    ids: str | None = None,
    addresses: str | None = None,
) -> int:
    """Write the prepared form of `records` to temp table `target`; returns the row count.

    Rows keep the input's record ids; `content` is a digest of the input fields, so a record
    delivered again unchanged can be recognised in an incremental run. Names are normalised
    once per distinct spelling, not once per record.

    known: a table of records already prepared (record_id, content): those delivered again
        unchanged are left out of `target` (an incremental run keeps their prepared form).
    ids: a temp table to write every input record's (record_id, content) to.
    addresses: a table (record_id, pc) of the postcodes records had in earlier deliveries:
        each record's other postcodes become its `pc_earlier`.
    """
    check_input(con, records)
    present = input_columns(con, records)
    dob_type = con.execute(
        f"select column_type from (describe select * from {records}) where column_name = 'dob'"
    ).fetchall()
    dob_is_date = bool(dob_type) and dob_type[0][0] == "DATE"
    con.execute(
        f"create or replace temp table _lk_base as {base_sql(records, present, dob_is_date)}"
    )
    if ids is not None:
        con.execute(
            f"create or replace temp table {ids} as select record_id, content from _lk_base"
        )
    if known is not None:
        con.execute(
            f"""create or replace temp table _lk_base as
            select * from _lk_base anti join {known} using (record_id, content)"""
        )
    _name_lookup(con, config)
    # Every name column once per distinct pair of names (forename, surname), then joined on.
    # A forename field that begins with the record's own family name holds the whole name
    # family name first (Zhou Weijia, Nguyen Van An, Kovacs Anna): the given names are the
    # tokens after it. The family name stays among the person's name tokens through the surname.
    con.execute(
        """create or replace temp table _lk_person_names as
        with pairs as (
            select distinct forename_raw, surname_raw from _lk_base
        ),
        given as (
            select p.forename_raw, p.surname_raw, s.*,
                f.key_codes as f_key_codes,
                coalesce(len(f.tokens) > 1
                    and (f.canons[1] = s.joined_canon or list_contains(s.canons, f.canons[1])),
                    false) as family_first,
                f.tokens as f_tokens, f.canons as f_canons, f.codes as f_codes
            from pairs p
            left join _lk_names f on f.role = 'f' and f.raw = p.forename_raw
            left join _lk_names s on s.role = 's' and s.raw = p.surname_raw
        ),
        f as (
            select * exclude (f_tokens, f_canons, f_codes),
                case when family_first then f_tokens[2:] else f_tokens end as f_tokens,
                case when family_first then f_canons[2:] else f_canons end as f_canons,
                case when family_first then f_codes[2:] else f_codes end as f_codes
            from given
        )
        select hash(forename_raw, surname_raw) as name_id, forename_raw, surname_raw,
            f_tokens[1] as fn, f_canons as fn_tokens, array_to_string(f_tokens, '') as fn_joined,
            f_canons[1] as fn_canon, f_codes[1] as fn_ph,
            case when len(f_tokens) > 1 then f_canons end as fn_parts,
            joined as sn, canons as sn_tokens, joined_canon as sn_canon,
            joined_code as sn_ph,
            case when len(tokens) > 1 then canons end as sn_parts,
            -- every canonical name token of the person, whichever field it was written in
            list_sort(list_distinct(coalesce(f_canons, []) || coalesce(canons, [])))
                as name_tokens,
            nullif(list_sort(list_distinct(coalesce(f_key_codes, []) || coalesce(key_codes, []))),
                   []) as name_keys,
            case when f_codes[1] is not null and joined_code is not null
                then least(f_codes[1], joined_code) || ' ' || greatest(f_codes[1], joined_code)
            end as name_pair,
            case when f_tokens is not null and tokens is not null
                then least(left(f_tokens[1], 1), left(joined, 1))
                     || greatest(left(f_tokens[1], 1), left(joined, 1))
            end as initials
        from f"""
    )
    # Check digits and letters once per distinct identifier (schemas/identifiers.py): only
    # two valid identifiers that differ are evidence of two children; a mistyped one usually
    # fails its check.
    con.execute(
        f"""create or replace temp table _lk_checked as
        select 'nhs_number' as kind, value, {nhs_number_valid_sql("value")} as valid
        from (select distinct nhs_number as value from _lk_base where nhs_number is not null)
        union all
        select 'upn', value, {upn_valid_sql("value")}
        from (select distinct upn as value from _lk_base where upn is not null)"""
    )
    # The Akan day name of the weekday of birth (a Friday's boy is Kofi): a child may be
    # recorded by it in one system and by another given name in another.
    day_names = str(config.day_names).replace("'", "''")
    con.execute(
        f"""create or replace temp table _lk_day_names as
        select weekday, upper(sex) as sex, any_value({_letters("name")}) as name
        from read_csv('{day_names}', header = true, all_varchar = true) group by all"""
    )
    con.execute(
        f"""create or replace temp table {target} as
        select b.record_id, b.source, b.source_table, b.content,
            n.* exclude (forename_raw, surname_raw),
            b.dob, b.dob_text, b.dob_swapped, b.dob_key, b.birth_year, b.sex,
            b.pc, b.pc_sector, b.pc_district, b.nhs_number, b.upn, b.uln,
            coalesce(cn.valid, false) as nhs_valid, coalesce(cu.valid, false) as upn_valid,
            d.name as day_name, {_earlier_postcodes(addresses)} as pc_earlier
        from _lk_base b
        join _lk_person_names n on n.name_id = hash(b.forename_raw, b.surname_raw)
        left join _lk_checked cn on cn.kind = 'nhs_number' and cn.value = b.nhs_number
        left join _lk_checked cu on cu.kind = 'upn' and cu.value = b.upn
        left join _lk_day_names d on d.weekday = dayname(b.dob) and d.sex = b.sex"""
    )
    for table in ("_lk_base", "_lk_names", "_lk_person_names", "_lk_checked", "_lk_day_names"):
        con.execute(f"drop table {table}")
    return con.execute(f"select count(*) from {target}").fetchall()[0][0]
