"""dbt-duckdb plugin: every dbt connection works inside the encrypted restricted database.

dbt's profile opens an in-memory DuckDB and attaches `restricted.duckdb` with its storage key
(profiles.yml; pipelines/privacy/storage.py), since DuckDB opens an encrypted database only by
ATTACH. A model's unqualified names (`identity.crosswalk`, the linkage engine's tables) must then
mean the restricted database's, so each of dbt's cursors makes it the default catalogue.
"""

from dbt.adapters.duckdb.plugins import BasePlugin

from pipelines.privacy.storage import ALIAS


class Plugin(BasePlugin):
    def configure_cursor(self, cursor):
        cursor.execute(f"use {ALIAS}")
        return cursor
