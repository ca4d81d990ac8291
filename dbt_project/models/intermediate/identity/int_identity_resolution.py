"""Identity resolution run: person records → children with persistent keys.

Runs the project's linkage engine (`pipelines/linkage`, configured in `linkage.yml`) inside the
restricted warehouse. The first run links everything; later runs link incrementally against the
previous run's state in the `identity` schema, so an existing child's key changes only by a
recorded merge or split. The engine writes its tables to `identity` (prepared records, scored
pairs, evidence, review queue, crosswalk, key history, parameters); this model keeps one row per
run as the run log. The run is pipelines/linkage/run.py, shared with the Spark deployment.
"""


def model(dbt, session):
    dbt.config(materialized="incremental", on_schema_change="append_new_columns")

    from pipelines.config import get_settings
    from pipelines.linkage.run import resolve_identity
    from pipelines.privacy.pseudonymise import load_key

    # The encrypted restricted warehouse is attached to dbt's connection, not opened by it
    # (profiles.yml): its tables are this cursor's default, as on every other dbt cursor.
    from pipelines.privacy.storage import ALIAS

    session.execute(f"use {ALIAS}")
    dbt.ref("int_person_records_unioned").create_view("_identity_records", replace=True)
    dbt.ref("clerical_decisions").create_view("_identity_decisions", replace=True)
    key = load_key(get_settings().key_file)
    run_log = resolve_identity(session, "_identity_records", "_identity_decisions", key)
    # as a relation of this cursor, so dbt writes it where the cursor works (a data frame would
    # be written through a fresh cursor of dbt's, outside the restricted database)
    return session.from_arrow(run_log.to_arrow())
