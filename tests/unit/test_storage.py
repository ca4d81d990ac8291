"""The restricted zone encrypted at rest (pipelines/privacy/storage.py)."""

from __future__ import annotations

import duckdb
import pytest
from typer.testing import CliRunner

from pipelines.cli import app
from pipelines.privacy import storage

KEY, OTHER = "5e" * 32, "77" * 32
NAME = "QUILLERBROOK"  # a surname no file would hold by chance


def _write(database, key):
    with storage.connect(database, key) as con:
        con.execute("create schema raw")
        con.execute(f"create table raw.person as select '{NAME}' as surname from range(500)")


def test_an_encrypted_database_holds_no_value_as_bytes_and_opens_only_with_its_key(tmp_path):
    database = tmp_path / "restricted.duckdb"
    _write(database, KEY)
    assert NAME.encode() not in database.read_bytes()
    with storage.connect(database, KEY, read_only=True) as con:
        assert con.execute("select count(*) from raw.person").fetchall() == [(500,)]
        assert con.execute("select current_database()").fetchall() == [("restricted",)]
    with pytest.raises(duckdb.Error, match="without a key"):
        duckdb.connect(str(database), read_only=True)
    with pytest.raises(storage.StorageKeyError, match="is not the key"):
        storage.connect(database, OTHER, read_only=True)


def test_pages_spilled_to_disk_are_encrypted_and_stay_beside_the_database(tmp_path):
    database = tmp_path / "restricted.duckdb"
    with storage.connect(database, KEY, memory_limit="100MB") as con:
        settings = dict(
            con.execute(
                "select name, value from duckdb_settings() "
                "where name in ('temp_file_encryption', 'temp_directory')"
            ).fetchall()
        )
    assert settings == {
        "temp_file_encryption": "true",
        "temp_directory": str(database) + ".tmp",
    }


def test_a_plain_database_is_refused_then_encrypted_in_place(tmp_path, monkeypatch):
    database = tmp_path / "restricted.duckdb"
    with duckdb.connect(str(database)) as con:
        con.execute(f"create table t as select '{NAME}' as surname")
    with pytest.raises(storage.StorageKeyError, match="not encrypted.*`send-pipeline encrypt`"):
        storage.connect(database, KEY)
    # without any key, the reason is still the plain file, not a missing key
    monkeypatch.delenv(storage.KEY_ENV)
    with pytest.raises(storage.StorageKeyError, match="not encrypted"):
        storage.load_key(tmp_path / "absent.key", database)
    storage.replace_encrypted(database, KEY)
    assert NAME.encode() not in database.read_bytes()
    with storage.connect(database, KEY, read_only=True) as con:
        assert con.execute("select surname from t").fetchall() == [(NAME,)]


def test_the_key_is_rotated_without_losing_a_row(tmp_path, monkeypatch):
    """`send-pipeline encrypt --old-key-file`: the warehouse re-encrypted with the new key."""
    warehouse = tmp_path / "wh"
    warehouse.mkdir()
    database = warehouse / "restricted.duckdb"
    _write(database, KEY)
    old = tmp_path / "old.key"
    old.write_text(KEY + "\n")
    monkeypatch.setenv(storage.KEY_ENV, OTHER)
    result = CliRunner().invoke(
        app, ["encrypt", "--warehouse", str(warehouse), "--old-key-file", str(old)]
    )
    assert result.exit_code == 0, result.output
    with storage.connect(database, OTHER, read_only=True) as con:
        assert con.execute("select count(*) from raw.person").fetchall() == [(500,)]
    with pytest.raises(storage.StorageKeyError):
        storage.connect(database, KEY, read_only=True)
    # the same key again is refused, and so is a wrong old key
    again = CliRunner().invoke(
        app, ["encrypt", "--warehouse", str(warehouse), "--old-key-file", str(old)]
    )
    assert again.exit_code == 1 and "is not the key" in again.output and "old-key" in again.output


def test_a_demo_key_is_made_only_for_a_database_not_made_yet(tmp_path, monkeypatch):
    monkeypatch.delenv(storage.KEY_ENV, raising=False)
    key_file = tmp_path / "secrets" / "storage.key"
    database = tmp_path / "restricted.duckdb"
    made = storage.load_key(key_file, database)
    assert key_file.read_text().strip() == made and key_file.stat().st_mode & 0o077 == 0
    _write(database, made)
    key_file.unlink()
    with pytest.raises(storage.StorageKeyError, match="Restore the key file"):
        storage.load_key(key_file, database)
    assert not key_file.exists()
    key_file.write_text("abcd\n")
    with pytest.raises(storage.StorageKeyError, match="at least 32 bytes"):
        storage.load_key(key_file, database)


def test_dbt_sets_the_encrypted_spill_folder_once_when_duckdb_starts():
    """dbt applies `settings` again on every cursor, and DuckDB refuses to move its temporary
    folder once it has spilled (a 2,000,000-child build failed so): the spill folder and its
    encryption are start-up options of the profile."""
    import yaml

    from pipelines.project import DBT_PROJECT_DIR

    profile = yaml.safe_load((DBT_PROJECT_DIR / "profiles.yml").read_text())
    dev = profile["send"]["outputs"]["dev"]
    assert {"temp_directory", "temp_file_encryption"} <= set(dev["config_options"])
    assert not {"temp_directory", "temp_file_encryption"} & set(dev.get("settings", {}))
    assert (
        dev["attach"][0]["alias"] == storage.ALIAS
        and "encryption_key" in dev["attach"][0]["options"]
    )
