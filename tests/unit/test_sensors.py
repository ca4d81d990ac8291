from datetime import date

import dagster as dg

from tests.unit.test_deliveries import ICB_FILES, _deliver_icb


def _evaluate(sensor, instance, cursor=None):
    from pipelines.definitions import defs

    with dg.build_sensor_context(
        cursor=cursor, instance=instance, definitions=defs, resources=defs.resources
    ) as context:
        return sensor.evaluate_tick(context)


def test_sensor_requests_a_refresh_of_what_new_files_change_and_not_again(tmp_path, monkeypatch):
    from pipelines.definitions import defs

    monkeypatch.setenv("SEND_LANDING_DIR", str(tmp_path))
    instance = dg.DagsterInstance.ephemeral()
    sensor = defs.resolve_sensor_def("landing_sensor")
    assert not _evaluate(sensor, instance).run_requests  # nothing landed yet

    _deliver_icb(tmp_path, "20250116")
    (tmp_path / "icb" / "notes.txt").write_text("not an extract")
    first = _evaluate(sensor, instance)
    assert len(first.run_requests) == 1
    # nothing was ever built: every asset is missing, so the refresh is the whole graph
    selected = set(first.run_requests[0].asset_selection)
    assert dg.AssetKey(["raw", "icb_patients"]) in selected
    assert dg.AssetKey(["marts", "mart_gaps"]) in selected
    # the landing file was observed with its content's hash as data version
    observed = instance.get_latest_data_version_record(dg.AssetKey(["landing", "icb_patients"]))
    assert observed is not None
    assert not _evaluate(sensor, instance, cursor=first.cursor).run_requests  # unchanged

    _deliver_icb(tmp_path, "20250216")
    assert len(_evaluate(sensor, instance, cursor=first.cursor).run_requests) == 1


def _version(instance, key) -> str:
    from dagster._core.definitions.data_version import extract_data_version_from_entry

    record = instance.get_latest_data_version_record(key)
    return extract_data_version_from_entry(record.event_log_entry).value


def test_sensor_holds_an_incomplete_delivery_and_reports_unrecognised_files(tmp_path, monkeypatch):
    from pipelines.definitions import defs

    monkeypatch.setenv("SEND_LANDING_DIR", str(tmp_path))
    instance = dg.DagsterInstance.ephemeral()
    sensor = defs.resolve_sensor_def("landing_sensor")
    _deliver_icb(tmp_path, "20250116")
    first = _evaluate(sensor, instance)
    patients = dg.AssetKey(["landing", "icb_patients"])
    january = _version(instance, patients)

    # February's patients and referrals arrive, the care contacts not yet; one file misnamed
    _deliver_icb(tmp_path, "20250216", ICB_FILES[:2])
    (tmp_path / "icb" / "CSDS_CYP201_care_contacts_2025-02-16.csv").write_text("x\n")
    held = _evaluate(sensor, instance, cursor=first.cursor)
    # the new files wait for the rest: still January's version, no ICB table in any request
    assert _version(instance, patients) == january
    for request in held.run_requests:
        raw = [key.path[-1] for key in request.asset_selection if key.path[0] == "raw"]
        assert raw and not [table for table in raw if table.startswith("icb_")]
    recognised = instance.event_log_storage.get_latest_asset_check_execution_by_key(
        [dg.AssetCheckKey(dg.AssetKey(["landing", "icb"]), "files_recognised")]
    )
    [execution] = recognised.values()
    evaluation = execution.event.dagster_event.event_specific_data
    assert not evaluation.passed
    assert "CSDS_CYP201_care_contacts_2025-02-16.csv" in evaluation.description

    # the care contacts arrive named as documented: the delivery is complete and refreshed
    _deliver_icb(tmp_path, "20250216", ICB_FILES[2:])
    complete = _evaluate(sensor, instance, cursor=held.cursor)
    assert _version(instance, patients) != january
    [request] = complete.run_requests
    assert dg.AssetKey(["raw", "icb_care_contacts"]) in request.asset_selection


def test_the_morning_observation_fails_the_checks_of_an_overdue_or_misnamed_delivery(
    tmp_path, monkeypatch
):
    """The delivery_watch schedule runs observe_landing: each source's folder carries its
    delivery checks, so an overdue source and an unloadable file show as failed checks."""
    from pipelines.definitions import defs
    from pipelines.refresh import observe_landing

    monkeypatch.setenv("SEND_LANDING_DIR", str(tmp_path))
    _deliver_icb(tmp_path, date.today().strftime("%Y%m%d"))
    (tmp_path / "icb" / "referrals.csv").write_text("x\n")
    instance = dg.DagsterInstance.ephemeral()
    observe_landing(defs, instance)
    schedule = defs.resolve_schedule_def("delivery_watch")
    assert schedule.job_name == "observe_landing"

    def passed(source: str, check: str) -> bool:
        key = dg.AssetCheckKey(dg.AssetKey(["landing", source]), check)
        [execution] = instance.event_log_storage.get_latest_asset_check_execution_by_key(
            [key]
        ).values()
        return execution.event.dagster_event.event_specific_data.passed

    assert passed("icb", "delivery_on_time") and passed("icb", "delivery_complete")
    assert not passed("icb", "files_recognised")
    assert not passed("city", "delivery_on_time")  # nothing delivered at all
    assert passed("county", "files_recognised")
