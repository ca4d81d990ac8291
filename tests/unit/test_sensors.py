import dagster as dg


def _evaluate(sensor, cursor=None):
    with dg.build_sensor_context(cursor=cursor, instance=dg.DagsterInstance.ephemeral()) as context:
        result = sensor.evaluate_tick(context)
    return result


def test_sensor_requests_a_run_for_new_files_and_not_again(tmp_path, monkeypatch):
    from pipelines.definitions import defs

    monkeypatch.setenv("SEND_LANDING_DIR", str(tmp_path))
    sensor = defs.resolve_sensor_def("landing_sensor")
    assert not _evaluate(sensor).run_requests  # nothing landed yet

    (tmp_path / "icb").mkdir()
    (tmp_path / "icb" / "CSDS_CYP001_patients_20250116.csv").write_text("LocalPatientID\n1\n")
    (tmp_path / "icb" / "notes.txt").write_text("not an extract")
    first = _evaluate(sensor)
    assert len(first.run_requests) == 1
    assert not _evaluate(sensor, cursor=first.cursor).run_requests  # unchanged

    (tmp_path / "icb" / "CSDS_CYP001_patients_20250216.csv").write_text("LocalPatientID\n1\n")
    assert len(_evaluate(sensor, cursor=first.cursor).run_requests) == 1
