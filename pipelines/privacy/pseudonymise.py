"""Keyed pseudonymisation of child identifiers (HMAC-SHA-256).

NHS numbers, UPNs and ULNs are short, check-digited identifiers: a plain hash of one can be
reversed by hashing every possible value. A keyed HMAC cannot, as long as the key is held outside
the analytics platform. The key is read from `SEND_PSEUDONYMISATION_KEY` (hex) or from a key file
outside git; `ensure_demo_key` creates a local one for the synthetic demo only, and only while
nothing has been keyed with another: a warehouse (or linkage state) that holds keys made with a
key is never given a new one silently, since every child and event key would change with it.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import secrets
from pathlib import Path

import duckdb
import polars as pl

from pipelines.privacy.storage import open_database
from schemas.identifiers import normalise_nhs_number

KEY_ENV = "SEND_PSEUDONYMISATION_KEY"
MIN_KEY_BYTES = 32
IDENTIFIER_KINDS = ("nhs_number", "upn", "uln", "child")


class PseudonymisationKeyError(RuntimeError):
    """The pseudonymisation key is missing or too short."""


def ensure_demo_key(key_file: Path, keyed: Path | None = None) -> Path:
    """Create a random local key for the synthetic demo if none exists (never for real data).

    `keyed`: a file already holding keys made with the key (a warehouse or linkage state, see
    `holds_keys`; an earlier linkage output). Then a missing key file is refused: a new key would
    silently change every child's and event's key (the file was moved, or its path mistyped)."""
    if os.environ.get(KEY_ENV) or key_file.exists():
        return key_file
    if keyed is not None:
        raise PseudonymisationKeyError(
            f"the pseudonymisation key file {key_file} does not exist, but {keyed} holds keys "
            f"made with a key: a new key would change every child's and event's key. Restore "
            f"the key file from its custodian, or point {KEY_ENV}_FILE (or {KEY_ENV}) at the "
            "key it was built with; to start over with a new key, start from an empty warehouse"
        )
    key_file.parent.mkdir(parents=True, exist_ok=True)
    key_file.write_text(secrets.token_hex(MIN_KEY_BYTES) + "\n")
    key_file.chmod(0o600)
    return key_file


# The tables that say a warehouse or a linkage state holds keys made with a key: the salt of the
# event keys (a warehouse) and the crosswalk of child keys (both).
KEYED_TABLES = ("event_key_salt", "crosswalk")


def holds_keys(database: Path) -> bool:
    """Whether a DuckDB file holds keys made with a pseudonymisation key."""
    if not database.exists():
        return False
    with open_database(database, read_only=True) as con:
        return keyed(con)


def keyed(con: duckdb.DuckDBPyConnection) -> bool:
    """Whether the database of `con` holds keys made with a pseudonymisation key."""
    # (no bound parameter: binding one makes DuckDB's Python client import pandas, most of a
    # second of every command, even a run with nothing new)
    listed = ", ".join(f"'{table}'" for table in KEYED_TABLES)
    found = con.execute(
        f"select count(*) from duckdb_tables() where table_name in ({listed})"
    ).fetchall()[0][0]
    return found > 0


def check_key(con: duckdb.DuckDBPyConnection, key: bytes, schema: str = "identity") -> None:
    """Refuse a key other than the one the keys in `schema` were made with.

    The schema keeps the salt of the event keys, a secret derived from the key (it does not
    reveal the key): a different key gives a different salt."""
    stored = con.execute(
        f"select count(*) from duckdb_tables() where schema_name = '{schema}' "
        "and table_name = 'event_key_salt'"
    ).fetchall()[0][0]
    if not stored:
        return
    salts = {row[0] for row in con.execute(f"select salt from {schema}.event_key_salt").fetchall()}
    if salts and salts != {event_key_salt(key)}:
        raise PseudonymisationKeyError(
            "the pseudonymisation key is not the key this warehouse's child and event keys were "
            f"made with: check {KEY_ENV} or {KEY_ENV}_FILE (a new key on purpose: start from an "
            "empty warehouse)"
        )


def load_key(key_file: Path | None = None) -> bytes:
    """The key from the environment, else from the key file; at least 256 bits."""
    text = os.environ.get(KEY_ENV)
    if not text:
        if key_file is None or not key_file.exists():
            raise PseudonymisationKeyError(
                f"no pseudonymisation key: set {KEY_ENV} or create the key file {key_file} "
                "(held by the key custodian; `send-pipeline run` makes one for synthetic data)"
            )
        text = key_file.read_text()
    key = bytes.fromhex(text.strip())
    if len(key) < MIN_KEY_BYTES:
        raise PseudonymisationKeyError(
            f"the pseudonymisation key must be at least {MIN_KEY_BYTES} bytes"
        )
    return key


def normalise_identifier(value: str | None, kind: str) -> str | None:
    """Strip spaces and hyphens and upper-case, so '943 476 5919' and '9434765919' agree."""
    if value is None:
        return None
    if kind == "nhs_number":
        return normalise_nhs_number(value)
    cleaned = "".join(value.split()).replace("-", "").upper()
    return cleaned or None


def pseudonymise(value: str | None, kind: str, key: bytes) -> str | None:
    """HMAC-SHA-256 of the normalised identifier, domain-separated by kind; hex digest."""
    if kind not in IDENTIFIER_KINDS:
        raise ValueError(f"unknown identifier kind {kind!r}; expected one of {IDENTIFIER_KINDS}")
    normalised = normalise_identifier(value, kind)
    if normalised is None:
        return None
    message = f"{kind}:{normalised}".encode()
    return hmac.new(key, message, hashlib.sha256).hexdigest()


def event_key_salt(key: bytes) -> str:
    """A secret derived from the key that salts the event keys of the analysts' marts, so a
    source system's record id cannot be recovered from them by hashing candidate ids."""
    return hmac.new(key, b"mart-event-keys", hashlib.sha256).hexdigest()


def hmac_pads(key: bytes) -> tuple[bytes, bytes]:
    """The inner and outer padded keys of HMAC-SHA-256 (RFC 2104), for computing HMACs in SQL."""
    block = (hashlib.sha256(key).digest() if len(key) > 64 else key).ljust(64, b"\0")
    return bytes(b ^ 0x36 for b in block), bytes(b ^ 0x5C for b in block)


def hmac_hex_sql(message_sql: str) -> str:
    """DuckDB SQL for the hex HMAC-SHA-256 of a VARCHAR expression, identical to
    `hmac.new(key, message, sha256).hexdigest()`, vectorised and multi-threaded. It takes two
    parameters, the inner and outer pads from `hmac_pads`, so the key never appears in SQL text."""
    return f"sha256($outer::blob || unhex(sha256($inner::blob || encode({message_sql}))))"


def pseudonymise_column(column: pl.Series, kind: str, key: bytes) -> pl.Series:
    """Vector form: each distinct value is hashed once."""
    unique = column.unique().drop_nulls()
    mapping = {value: pseudonymise(value, kind, key) for value in unique.to_list()}
    return column.replace_strict(mapping, default=None, return_dtype=pl.String)
