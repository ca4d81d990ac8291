"""Load one source table into the restricted DuckDB: all or nothing, audited, idempotent.

For each table the newest delivered extract wins. An identical re-delivery (same sha256) loads
nothing; an extract older than the one loaded is recorded and ignored. Replacing the raw table,
writing its quarantine and its audit row happen in one transaction, so a load that fails half-way
leaves the previous good state exactly as it was.
"""

from __future__ import annotations

import hashlib
from collections import Counter
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from pathlib import Path

import duckdb
import polars as pl

from pipelines.ingest.catalogue import SourceTable
from pipelines.ingest.read import ROW_COLUMN, cut_off, read_extract
from pipelines.privacy.storage import open_database
from schemas.common import ContractError
from schemas.sen2_versions import version_label, versions_of

AUDIT_DDL = """
create schema if not exists raw;
create schema if not exists audit;
create table if not exists audit.file_loads (
    load_id varchar primary key,
    source varchar not null,
    table_name varchar not null,
    file_path varchar not null,
    sheet varchar,
    sha256 varchar,
    extract_date date,
    status varchar not null,          -- loaded | unchanged | superseded | failed | held
    rows_read bigint,
    rows_loaded bigint,
    rows_quarantined bigint,
    values_nullified bigint,
    message varchar,
    loaded_at timestamp not null,
    spec_version varchar              -- SEN2 modules: the spec version(s) the columns prove
);
alter table audit.file_loads add column if not exists spec_version varchar;
create table if not exists audit.quarantine (
    load_id varchar not null,
    source varchar not null,
    table_name varchar not null,
    file_path varchar not null,
    source_row bigint,
    column_name varchar,
    value varchar,
    rule varchar,
    reason varchar not null,
    severity varchar not null,        -- error: row quarantined | warning: value nulled, row kept
    raw_row json                      -- the whole row as delivered, for error rows
);
create table if not exists audit.accepted_extracts (
    sha256 varchar primary key,       -- an extract an operator accepted despite its volume
    file_path varchar not null,
    accepted_by varchar,
    accepted_at timestamp not null
);
create or replace view audit.current_loads as
    select * from audit.file_loads
    where status = 'loaded'
    qualify row_number() over (
        partition by table_name order by extract_date desc, loaded_at desc
    ) = 1;
create or replace view audit.current_quarantine as
    select q.* from audit.quarantine as q join audit.current_loads using (load_id);
"""


@dataclass
class LoadOutcome:
    table: str
    status: str
    file_path: str
    extract_date: date | None
    rows_read: int = 0
    rows_loaded: int = 0
    rows_quarantined: int = 0
    values_nullified: int = 0
    load_id: str | None = None
    reasons: dict[str, int] = field(default_factory=dict)
    sha256: str | None = None  # of the extract in force: the table's data version in Dagster
    message: str | None = None  # why a newer extract was held back
    spec_version: str | None = None  # SEN2 modules: schemas.sen2_versions.version_label

    @property
    def quarantine_rate(self) -> float:
        return self.rows_quarantined / self.rows_read if self.rows_read else 0.0


def sha256_of(path: Path) -> str:
    with path.open("rb") as handle:
        return hashlib.file_digest(handle, "sha256").hexdigest()


def connect(db_path: Path) -> duckdb.DuckDBPyConnection:
    db_path.parent.mkdir(parents=True, exist_ok=True)
    con = open_database(db_path)
    con.execute(AUDIT_DDL)
    return con


def _pick_latest(candidates: list[tuple[date, Path]]) -> tuple[date, Path]:
    # On the same date a table's own CSV (a sheet too long for Excel) wins over the workbook.
    return max(candidates, key=lambda c: (c[0], c[1].suffix.lower() == ".csv", c[1].name))


def newest_extract(spec: SourceTable, landing_dir: Path) -> tuple[date, Path] | None:
    """The extract of a table that a load would pick: the newest delivered (None if none)."""
    candidates = spec.candidates(landing_dir)
    return _pick_latest(candidates) if candidates else None


def _audit(con, *, load_id, spec, path, sha, extract_date, status, now, **details):
    """One row of audit.file_loads; details: message, counts, version (the SEN2 spec version)."""
    message, counts, version = (details.get(k) for k in ("message", "counts", "version"))
    counts = counts or {}
    con.execute(
        "insert into audit.file_loads values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [
            load_id,
            spec.source,
            spec.table,
            str(path),
            spec.sheet,
            sha,
            extract_date,
            status,
            counts.get("read"),
            counts.get("loaded"),
            counts.get("quarantined"),
            counts.get("nullified"),
            message,
            now,
            version,
        ],
    )


def _record_older_deliveries(con, spec, older, now) -> None:
    """Each delivered file appears in the audit once, even one that a newer extract superseded."""
    for extract_date, path in older:
        seen = con.execute(
            "select 1 from audit.file_loads where table_name = ? and file_path = ?",
            [spec.table, str(path)],
        ).fetchone()
        if not seen:
            _audit(
                con,
                load_id=_load_id(spec, now, path),
                spec=spec,
                path=path,
                sha=sha256_of(path),
                extract_date=extract_date,
                status="superseded",
                now=now,
                message="a newer extract of this table was delivered",
            )


def _load_id(spec: SourceTable, now: datetime, path: Path) -> str:
    return f"{spec.table}:{now:%Y%m%dT%H%M%S%f}:{hashlib.sha1(str(path).encode()).hexdigest()[:8]}"


def _quarantine_frame(issues: pl.DataFrame, quarantined: pl.DataFrame, spec, load_id, path):
    raw_rows = quarantined.select(
        pl.col(ROW_COLUMN).alias("source_row"),
        pl.struct(pl.exclude(ROW_COLUMN)).struct.json_encode().alias("raw_row"),
    )
    return (
        issues.join(raw_rows, on="source_row", how="left")
        .with_columns(
            pl.when(pl.col("severity") == "error").then(pl.col("raw_row")).alias("raw_row"),
            pl.lit(load_id).alias("load_id"),
            pl.lit(spec.source).alias("source"),
            pl.lit(spec.table).alias("table_name"),
            pl.lit(str(path)).alias("file_path"),
        )
        .select(
            "load_id",
            "source",
            "table_name",
            "file_path",
            "source_row",
            pl.col("column").alias("column_name"),
            "value",
            "rule",
            "reason",
            "severity",
            "raw_row",
        )
    )


def current_outcome(con, spec: SourceTable, status: str) -> LoadOutcome:
    """The figures of the load currently in force, for a run that loaded nothing new."""
    row = con.execute(
        """select file_path, extract_date, rows_read, rows_loaded, rows_quarantined,
                  values_nullified, load_id, sha256, spec_version
           from audit.current_loads where table_name = ?""",
        [spec.table],
    ).fetchone()
    if row is None:
        return LoadOutcome(spec.table, status, "", None)
    reasons = dict(
        con.execute(
            "select rule, count(*) from audit.current_quarantine "
            "where table_name = ? group by rule",
            [spec.table],
        ).fetchall()
    )
    return LoadOutcome(
        spec.table,
        status,
        *row[:6],
        load_id=row[6],
        reasons=reasons,
        sha256=row[7],
        spec_version=row[8],
    )


def deliveries_in_force(con: duckdb.DuckDBPyConnection) -> dict[str, date]:
    """Each source's newest extract date in force, by source."""
    return dict(
        con.execute(
            "select source, max(extract_date) from audit.current_loads "
            "group by source order by source"
        ).fetchall()
    )


def delivery_label(con: duckdb.DuckDBPyConnection) -> str:
    """The deliveries the warehouse reflects ("city 2025-01-16, county 2025-02-16, icb
    2025-01-16")."""
    return ", ".join(f"{source} {when}" for source, when in deliveries_in_force(con).items())


def volume_change(rows: int, previous: int, tolerance: float) -> str | None:
    """Why a new extract's row count is implausible against the previous one, if it is: below
    (1 - tolerance) or above 1 / (1 - tolerance) of it (0.25: under 75% or over 133%)."""
    if previous <= 0 or tolerance <= 0:
        return None
    ratio = rows / previous
    if ratio < 1 - tolerance or ratio > 1 / (1 - tolerance):
        return (
            f"{rows:,} rows against {previous:,} in the extract in force ({ratio:.0%}), beyond "
            f"the tolerance of {tolerance:.0%}"
        )
    return None


def accept_extract(path: Path, db_path: Path, by: str | None = None) -> str:
    """An operator's acceptance of an extract held back for its volume: the next load takes it."""
    sha = sha256_of(path)
    con = connect(db_path)
    try:
        con.execute(
            "insert or replace into audit.accepted_extracts values (?, ?, ?, ?)",
            [sha, str(path), by, datetime.now()],
        )
    finally:
        con.close()
    return sha


def ingest_table(
    spec: SourceTable, landing_dir: Path, db_path: Path, *, volume_tolerance: float = 0.25
) -> LoadOutcome:
    """Load the newest extract of one table, or explain why nothing was loaded.

    Raises ContractError (file named, reason given) when the extract cannot be used at all; the
    failure is audited and the table keeps its previous good state. A newer extract whose row
    count is implausible against the extract in force (`volume_tolerance`), or whose last line
    was cut off, is held: not loaded, audited `held`, the previous extract stays current, until
    an operator accepts it (`send-pipeline accept FILE`).
    """
    now = datetime.now()
    candidates = spec.candidates(landing_dir)
    if not candidates:
        raise ContractError(
            f"no extract for {spec.table} in {landing_dir / spec.source} "
            f"(expected a file name matching {' or '.join(spec.patterns)})"
        )
    extract_date, path = _pick_latest(candidates)
    sha = sha256_of(path)
    load_id = _load_id(spec, now, path)

    con = connect(db_path)
    version = None  # the SEN2 spec version the file's columns prove, once it is read

    def audit(status: str, message: str | None = None, counts: dict | None = None) -> None:
        _audit(
            con,
            load_id=load_id,
            spec=spec,
            path=path,
            sha=sha,
            extract_date=extract_date,
            status=status,
            now=now,
            message=message,
            counts=counts,
            version=version,
        )

    try:
        _record_older_deliveries(con, spec, [c for c in candidates if c[1] != path], now)
        current = con.execute(
            "select sha256, extract_date, rows_read from audit.current_loads where table_name = ?",
            [spec.table],
        ).fetchone()
        if current and current[0] == sha:
            return current_outcome(con, spec, "unchanged")
        if current and extract_date < current[1]:
            audit("superseded", message=f"older than the extract of {current[1]} already loaded")
            return current_outcome(con, spec, "superseded")

        # the contracts (and Pandera with them) are loaded only when a new extract is validated
        from schemas import required_columns
        from schemas.validate import validate

        try:
            raw = read_extract(path, spec.sheet, required_columns(spec.table))
            version = version_label(versions_of(spec.table, raw.columns))
            result = validate(raw, spec.table, file_name=path.name, extract_date=extract_date)
        except ContractError as error:
            audit("failed", message=str(error))
            raise

        accepted = con.execute(
            "select count(*) from audit.accepted_extracts where sha256 = ?", [sha]
        ).fetchone()[0]
        if current and not accepted:
            why = (
                "its last line is cut off (no line break, fewer fields than the header)"
                if cut_off(path)
                else volume_change(raw.height, current[2] or 0, volume_tolerance)
            )
            if why:
                message = (
                    f"{path.name} held, not loaded: {why}; the extract of {current[1]} stays "
                    f"current until an operator accepts it (send-pipeline accept {path})"
                )
                audit("held", message=message, counts={"read": raw.height})
                return replace(current_outcome(con, spec, "held"), message=message)

        loaded = result.valid.with_columns(
            pl.lit(path.name).alias("_source_file"),
            pl.lit(extract_date).alias("_extract_date"),
            pl.lit(load_id).alias("_load_id"),
        )
        quarantine = _quarantine_frame(result.issues, result.quarantined, spec, load_id, path)
        counts = {
            "read": raw.height,
            "loaded": loaded.height,
            "quarantined": result.quarantined.height,
            # warnings on rows quarantined anyway nulled nothing that was loaded
            "nullified": result.issues.filter(
                (pl.col("severity") == "warning")
                & ~pl.col("source_row").is_in(result.quarantined[ROW_COLUMN].implode())
            ).height,
        }
        if current and raw.height and not loaded.height:
            # Every row failed (e.g. dates saved as Excel numbers): an empty table would make
            # every child of it vanish from the marts, so the previous extract stays current.
            errors = result.issues.filter(pl.col("severity") == "error")
            common = Counter(
                zip(errors["column"].to_list(), errors["reason"].to_list(), strict=True)
            )
            examples = "; ".join(
                f"{column}: {reason}" for (column, reason), _ in common.most_common(2)
            )
            message = (
                f"{path.name}: every one of its {raw.height:,} rows failed the contract "
                f"({examples}); not loaded, the extract of {current[1]} stays current"
            )
            audit("failed", message=message)
            raise ContractError(message)
        con.execute("begin transaction")
        try:
            con.register("loaded_frame", loaded.to_arrow())
            con.register("quarantine_frame", quarantine.to_arrow())
            con.execute(f'create or replace table raw."{spec.table}" as select * from loaded_frame')
            con.execute("insert into audit.quarantine select * from quarantine_frame")
            audit("loaded", counts=counts)
            con.execute("commit")
        except Exception as error:
            con.execute("rollback")
            audit("failed", message=f"load rolled back: {error}")
            raise
        finally:
            con.unregister("loaded_frame")
            con.unregister("quarantine_frame")
        reasons = Counter(result.issues["rule"].to_list())
        return LoadOutcome(
            spec.table,
            "loaded",
            str(path),
            extract_date,
            counts["read"],
            counts["loaded"],
            counts["quarantined"],
            counts["nullified"],
            load_id,
            dict(reasons),
            sha,
            spec_version=version,
        )
    finally:
        con.close()
