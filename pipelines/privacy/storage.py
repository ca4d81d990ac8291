"""The restricted zone at rest: DuckDB databases encrypted with a key held outside the warehouse.

The restricted warehouse (`restricted.duckdb`) and the linkage engine's state files hold the
children's names, birth dates, addresses and identifiers. They are DuckDB databases encrypted
with AES-GCM (DuckDB's database encryption, its write-ahead log and spilled pages included):
without the storage key the file does not open, and none of its values is readable as bytes.
DuckDB writes an encrypted database only with the OpenSSL of its httpfs extension loaded, which
comes as a PyPI package (duckdb-extension-httpfs) of DuckDB's own version; `extension_directory`
lays it out where DuckDB looks for it, so nothing is downloaded.

Every connection to the restricted zone goes through `connect`: an in-memory DuckDB with the
database attached as `restricted` (the catalogue name dbt and every model use) and in use.

The key is `SEND_STORAGE_KEY` (hex) or the key file `SEND_STORAGE_KEY_FILE` (default
data/secrets/storage.key, outside git). As with the pseudonymisation key, a demo key is made only
while the database does not exist; a missing or wrong key for an existing database is refused
with what to do. Rotation (a new key without losing the data): `replace_encrypted`, which
`send-pipeline encrypt --old-key-file` calls, and docs/privacy.md.
"""

from __future__ import annotations

import functools
import os
import secrets
import shutil
import sys
from pathlib import Path

import duckdb

KEY_ENV = "SEND_STORAGE_KEY"
KEY_FILE_ENV = "SEND_STORAGE_KEY_FILE"
ALIAS = "restricted"
MIN_KEY_BYTES = 32


class StorageKeyError(RuntimeError):
    """The storage key of the restricted zone is missing, too short or not this database's."""


@functools.cache
def extension_directory() -> Path:
    """A DuckDB extension directory holding httpfs from its PyPI package, laid out as DuckDB
    expects (<dir>/v<version>/<platform>/httpfs.duckdb_extension); made once per environment."""
    import duckdb_extension_httpfs

    folder = Path(sys.prefix) / "duckdb_extensions"
    platform = duckdb.execute("pragma platform").fetchall()[0][0]
    target = folder / f"v{duckdb.__version__}" / platform / "httpfs.duckdb_extension"
    if not target.exists():
        shipped = Path(duckdb_extension_httpfs.__file__).parent / "extensions"
        found = sorted(shipped.glob(f"v{duckdb.__version__}/httpfs.duckdb_extension"))
        if not found:
            raise RuntimeError(
                f"duckdb-extension-httpfs does not hold httpfs for DuckDB {duckdb.__version__}: "
                "install the same version of both (pyproject.toml)"
            )
        target.parent.mkdir(parents=True, exist_ok=True)
        partial = target.with_suffix(".partial")
        shutil.copyfile(found[0], partial)
        partial.replace(target)
    return folder


def load_key(key_file: Path, database: Path | None = None) -> str:
    """The storage key (hex), from the environment or the key file.

    Without either, a random demo key is written to `key_file`, but only while `database` (the
    file it is for) does not exist: a database that exists was encrypted with some key, and a
    new one cannot open it."""
    value = os.environ.get(KEY_ENV, "").strip()
    if not value and key_file.exists():
        value = key_file.read_text().strip()
    if not value:
        if database is not None and database.exists():
            _refuse_unreadable(database)
            raise StorageKeyError(
                f"no storage key: {database} is encrypted, and neither {KEY_ENV} nor the key "
                f"file {key_file} ({KEY_FILE_ENV}) is there. Restore the key file from its "
                "custodian; without the key the database cannot be opened"
            )
        key_file.parent.mkdir(parents=True, exist_ok=True)
        value = secrets.token_hex(MIN_KEY_BYTES)
        key_file.write_text(value + "\n")
        key_file.chmod(0o600)
    try:
        raw = bytes.fromhex(value)
    except ValueError:
        raise StorageKeyError(f"the storage key ({KEY_ENV} or {key_file}) is not hex") from None
    if len(raw) < MIN_KEY_BYTES:
        raise StorageKeyError(f"the storage key must be at least {MIN_KEY_BYTES} bytes (hex)")
    return value


NEWER_DUCKDB = (
    "{database} was written by a newer DuckDB than this pipeline's {version} (a warehouse from "
    "before the restricted zone was encrypted, written by DuckDB 2.0): copy it over with "
    "DuckDB 2.0's EXPORT DATABASE and this DuckDB's IMPORT DATABASE, then `send-pipeline "
    "encrypt` (docs/privacy.md), or delete it and run again"
)
NOT_ENCRYPTED = (
    "{database} is not encrypted (made before the restricted zone was): encrypt it with "
    "`send-pipeline encrypt`, or delete it and run again"
)


def _refusal(error: duckdb.Error, database: Path) -> StorageKeyError | None:
    """What DuckDB's refusal to open `database` means for the one who runs the pipeline."""
    message = str(error)
    if "Wrong encryption key" in message:
        return StorageKeyError(
            f"the key given is not the key {database} was encrypted with: check {KEY_ENV} "
            f"or {KEY_FILE_ENV} (when rotating, --old-key-file)"
        )
    if "is not encrypted" in message:
        return StorageKeyError(NOT_ENCRYPTED.format(database=database))
    if "newer version" in message:
        return StorageKeyError(NEWER_DUCKDB.format(database=database, version=duckdb.__version__))
    return None


def _refuse_unreadable(database: Path) -> None:
    """Without a key: say why an existing database is not what a missing key would explain
    (a plain file from before encryption, or one a newer DuckDB wrote)."""
    try:
        duckdb.connect(str(database), read_only=True).close()
    except duckdb.Error as error:  # encrypted (a key is what is missing), or a newer DuckDB's
        refusal = _refusal(error, database)
        if refusal is not None:
            raise refusal from None
        return
    raise StorageKeyError(NOT_ENCRYPTED.format(database=database))


def _quoted(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _attach(
    con: duckdb.DuckDBPyConnection, database: Path, alias: str, key: str | None, read_only: bool
) -> None:
    """ATTACH `database` as `alias` (encrypted with `key`, or plain without one)."""
    options = ([f"encryption_key {_quoted(key)}"] if key else []) + (
        ["read_only"] if read_only else []
    )
    clause = f" ({', '.join(options)})" if options else ""
    try:
        con.execute(f"attach {_quoted(str(database))} as {alias}{clause}")
    except duckdb.Error as error:
        refusal = _refusal(error, database)
        if refusal is not None:
            raise refusal from None
        raise


def connect(
    database: Path | str,
    key: str,
    *,
    read_only: bool = False,
    alias: str = ALIAS,
    memory_limit: str | None = None,
) -> duckdb.DuckDBPyConnection:
    """A connection with the encrypted `database` attached as `alias` and in use (created,
    encrypted, when it does not exist and `read_only` is false). Pages spilled to disk are
    encrypted too, in `<database>.tmp` beside it."""
    database = Path(database)
    config = {
        "extension_directory": str(extension_directory()),
        "temp_file_encryption": True,
        "temp_directory": str(database) + ".tmp",
    }
    if memory_limit:
        config["memory_limit"] = memory_limit
    con = duckdb.connect(config=config)
    try:
        con.execute("load httpfs")
        _attach(con, database, alias, key, read_only)
        con.execute(f"use {alias}")
    except Exception:
        con.close()
        raise
    return con


def encrypt_copy(source: Path, target: Path, key: str, source_key: str | None = None) -> None:
    """Write `target`, encrypted with `key`, holding every table and view of `source` (plain,
    or encrypted with `source_key`). Key rotation and the encryption of a plain database."""
    with connect(target, key) as con:
        _attach(con, source, "source", source_key, read_only=True)
        con.execute(f"copy from database source to {ALIAS}")
        con.execute("detach source")


def replace_encrypted(database: Path, key: str, source_key: str | None = None) -> None:
    """Replace `database` (plain, or encrypted with `source_key`) by a copy encrypted with
    `key`; the original stays until the copy is complete."""
    working = database.with_name(database.name + ".encrypting")
    working.unlink(missing_ok=True)
    encrypt_copy(database, working, key, source_key)
    working.replace(database)
    database.with_name(database.name + ".wal").unlink(missing_ok=True)


DEFAULT_KEY_FILE = Path(__file__).resolve().parents[2] / "data" / "secrets" / "storage.key"


def key_for(database: Path | str | None = None) -> str:
    """The storage key of the environment (`SEND_STORAGE_KEY`, or the key file of
    `SEND_STORAGE_KEY_FILE`, default data/secrets/storage.key) for `database`; without one (or
    for a database not made yet) a demo key is made when none is there."""
    value = os.environ.get(KEY_FILE_ENV)
    key_file = Path(value).expanduser().resolve() if value else DEFAULT_KEY_FILE
    return load_key(key_file, None if database is None else Path(database))


def open_database(
    database: Path | str, *, read_only: bool = False, memory_limit: str | None = None
) -> duckdb.DuckDBPyConnection:
    """`connect` to a restricted-zone database with the environment's storage key."""
    return connect(database, key_for(database), read_only=read_only, memory_limit=memory_limit)


def attach(
    con: duckdb.DuckDBPyConnection, database: Path | str, alias: str = ALIAS, *, read_only=True
) -> None:
    """Attach a restricted-zone database to another connection (the publish step reads the
    marts from it into the analysts' warehouse), with the environment's storage key."""
    _attach(con, Path(database), alias, key_for(database), read_only)
