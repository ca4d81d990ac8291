import stat

import polars as pl
import pytest
from hypothesis import given
from hypothesis import strategies as st

from pipelines.privacy.pseudonymise import (
    KEY_ENV,
    PseudonymisationKeyError,
    check_key,
    ensure_demo_key,
    event_key_salt,
    holds_keys,
    load_key,
    pseudonymise,
    pseudonymise_column,
)
from pipelines.privacy.storage import open_database

KEY = bytes.fromhex("11" * 32)
OTHER_KEY = bytes.fromhex("22" * 32)


def test_same_identifier_same_pseudonym_whatever_the_spacing():
    assert pseudonymise("943 476 5919", "nhs_number", KEY) == pseudonymise(
        "9434765919", "nhs_number", KEY
    )
    assert pseudonymise("b801200005001", "upn", KEY) == pseudonymise("B801200005001", "upn", KEY)


def test_key_and_kind_both_change_the_pseudonym():
    base = pseudonymise("9434765919", "nhs_number", KEY)
    assert base != pseudonymise("9434765919", "nhs_number", OTHER_KEY)
    assert base != pseudonymise("9434765919", "uln", KEY)


def test_pseudonym_is_not_a_plain_hash_and_hides_the_identifier():
    import hashlib

    value = pseudonymise("9434765919", "nhs_number", KEY)
    assert value != hashlib.sha256(b"9434765919").hexdigest()
    assert "9434765919" not in value and len(value) == 64


def test_blank_identifier_stays_null():
    assert pseudonymise(None, "upn", KEY) is None
    assert pseudonymise("   ", "upn", KEY) is None


def test_unknown_kind_is_refused():
    with pytest.raises(ValueError, match="unknown identifier kind"):
        pseudonymise("x", "passport", KEY)


@given(st.lists(st.one_of(st.none(), st.text(alphabet="0123456789 ", max_size=12)), max_size=30))
def test_column_form_matches_scalar_form(values):
    series = pl.Series("id", values, dtype=pl.String)
    expected = [pseudonymise(v, "nhs_number", KEY) for v in values]
    assert pseudonymise_column(series, "nhs_number", KEY).to_list() == expected


def test_key_from_environment_beats_key_file(tmp_path, monkeypatch):
    key_file = tmp_path / "k.key"
    key_file.write_text("33" * 32)
    monkeypatch.setenv(KEY_ENV, "44" * 32)
    assert load_key(key_file) == bytes.fromhex("44" * 32)
    monkeypatch.delenv(KEY_ENV)
    assert load_key(key_file) == bytes.fromhex("33" * 32)


def test_missing_or_short_key_is_refused(tmp_path, monkeypatch):
    monkeypatch.delenv(KEY_ENV, raising=False)
    with pytest.raises(PseudonymisationKeyError, match="no pseudonymisation key"):
        load_key(tmp_path / "absent.key")
    short = tmp_path / "short.key"
    short.write_text("ab" * 8)
    with pytest.raises(PseudonymisationKeyError, match="at least 32 bytes"):
        load_key(short)


def test_demo_key_is_created_once_and_private(tmp_path, monkeypatch):
    monkeypatch.delenv(KEY_ENV, raising=False)
    key_file = ensure_demo_key(tmp_path / "secrets" / "demo.key")
    first = load_key(key_file)
    ensure_demo_key(key_file)
    assert load_key(key_file) == first and len(first) == 32
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600


def _keyed_warehouse(path, key: bytes):
    with open_database(path) as con:
        con.execute("create schema identity")
        con.execute(
            "create table identity.event_key_salt as select ? as salt", [event_key_salt(key)]
        )
    return path


def test_a_missing_key_file_is_refused_once_a_warehouse_holds_keys(tmp_path, monkeypatch):
    """A mistyped key-file path must not mint a new key: every key would change with it."""
    monkeypatch.delenv(KEY_ENV, raising=False)
    empty = tmp_path / "empty.duckdb"
    open_database(empty).close()
    assert not holds_keys(empty) and not holds_keys(tmp_path / "absent.duckdb")
    # the first run of an empty warehouse: a demo key is made
    assert ensure_demo_key(tmp_path / "first.key", keyed=None).exists()
    warehouse = _keyed_warehouse(tmp_path / "restricted.duckdb", KEY)
    assert holds_keys(warehouse)
    missing = tmp_path / "moved" / "pseudonymisation.key"
    with pytest.raises(PseudonymisationKeyError, match="does not exist.*holds keys"):
        ensure_demo_key(missing, keyed=warehouse)
    assert not missing.exists()
    monkeypatch.setenv(KEY_ENV, KEY.hex())  # a key from the environment needs no file
    assert ensure_demo_key(missing, keyed=warehouse) == missing and not missing.exists()


def test_only_the_key_the_keys_were_made_with_is_accepted(tmp_path):
    warehouse = _keyed_warehouse(tmp_path / "restricted.duckdb", KEY)
    with open_database(warehouse, read_only=True) as con:
        check_key(con, KEY)
        with pytest.raises(PseudonymisationKeyError, match="not the key"):
            check_key(con, OTHER_KEY)
    with open_database(tmp_path / "new.duckdb") as con:
        check_key(con, OTHER_KEY)  # nothing keyed yet: any key


def test_checking_the_key_does_not_load_pandas():
    """Every command checks the pseudonymisation key against the warehouse it opens. Binding a
    query parameter makes DuckDB's Python client import pandas (most of a second), so the
    checks bind none: a run with nothing new took 5.8 s with them and 4.5 s without, at 25,000
    children."""
    import subprocess
    import sys

    probe = """
import sys, duckdb
from pipelines.privacy.pseudonymise import check_key, event_key_salt, keyed
con = duckdb.connect()
con.execute("create schema identity")
con.execute("create table identity.crosswalk (record_id varchar, child_key varchar)")
key = b"k" * 32
con.execute(f"create table identity.event_key_salt as select '{event_key_salt(key)}' as salt")
assert keyed(con)
check_key(con, key)
print('pandas' in sys.modules)
"""
    loaded = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True
    ).stdout.strip()
    assert loaded == "False"
