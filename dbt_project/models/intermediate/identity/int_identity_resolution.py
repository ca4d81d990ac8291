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

    dbt.ref("int_person_records_unioned").create_view("_identity_records", replace=True)
    dbt.ref("clerical_decisions").create_view("_identity_decisions", replace=True)
    key = load_key(get_settings().key_file)
    return resolve_identity(session, "_identity_records", "_identity_decisions", key)
