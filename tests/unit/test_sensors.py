import dagster as dg


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

    (tmp_path / "icb").mkdir()
    (tmp_path / "icb" / "CSDS_CYP001_patients_20250116.csv").write_text("LocalPatientID\n1\n")
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

    (tmp_path / "icb" / "CSDS_CYP001_patients_20250216.csv").write_text("LocalPatientID\n2\n")
    assert len(_evaluate(sensor, instance, cursor=first.cursor).run_requests) == 1
