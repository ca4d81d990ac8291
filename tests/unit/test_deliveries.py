"""Each source's newest delivery: complete, on time, and every landing file accounted for."""

from datetime import date

from pipelines.ingest.catalogue import SOURCE_TABLES
from pipelines.ingest.deliveries import DELIVERY_WINDOW_DAYS, deliveries, delivery

ICB_FILES = (
    "CSDS_CYP001_patients_{}.csv",
    "CSDS_CYP101_referrals_{}.csv",
    "CSDS_CYP201_care_contacts_{}.csv",
)


def _deliver_icb(landing, ymd: str, names=ICB_FILES):
    folder = landing / "icb"
    folder.mkdir(parents=True, exist_ok=True)
    for name in names:
        (folder / name.format(ymd)).write_text(f"delivered,{ymd}\n")


def test_a_delivery_with_every_table_is_complete_and_one_missing_a_table_is_not(tmp_path):
    _deliver_icb(tmp_path, "20250116")
    assert delivery("icb", tmp_path).complete
    _deliver_icb(tmp_path, "20250216", ICB_FILES[:2])  # next month, care contacts not yet here
    found = delivery("icb", tmp_path)
    assert found.newest == date(2025, 2, 16)
    assert not found.complete
    assert found.missing == ("icb_care_contacts",)
    assert "waiting for icb_care_contacts" in found.summary(date(2025, 2, 17), 35)


def test_tables_dated_a_few_days_apart_are_one_delivery(tmp_path):
    _deliver_icb(tmp_path, "20250116", ICB_FILES[:2])
    _deliver_icb(tmp_path, f"202501{16 + DELIVERY_WINDOW_DAYS}", ICB_FILES[2:])
    assert delivery("icb", tmp_path).complete
    _deliver_icb(tmp_path, f"202501{16 + DELIVERY_WINDOW_DAYS + 1}", ICB_FILES[2:])
    assert delivery("icb", tmp_path).missing == ("icb_patients", "icb_referrals")


def test_a_source_is_overdue_once_its_newest_extract_is_older_than_the_limit(tmp_path):
    _deliver_icb(tmp_path, "20250116")
    found = delivery("icb", tmp_path)
    assert not found.overdue(date(2025, 2, 20), overdue_days=35)  # 35 days old
    assert found.overdue(date(2025, 2, 21), overdue_days=35)  # 36 days old
    assert "overdue: 36 days old" in found.summary(date(2025, 2, 21), 35)
    nothing = delivery("city", tmp_path)
    assert nothing.newest is None and nothing.overdue(date(2025, 1, 16), 35)
    assert nothing.summary(date(2025, 1, 16), 35) == "city: nothing delivered"


def test_every_file_no_table_would_load_is_named_with_where_it_belongs(tmp_path):
    _deliver_icb(tmp_path, "20250116")
    icb = tmp_path / "icb"
    (icb / "CSDS_CYP101_referrals_2025-01-16.csv").write_text("x\n")  # date in the wrong form
    (icb / "SEN_Support_16012025.csv").write_text("x\n")  # the county's census list
    (icb / "CSDS_CYP001_patients_20250231.csv").write_text("x\n")  # no such day
    (icb / ".gitkeep").write_text("")
    found = deliveries(tmp_path)["icb"]
    described = {file.path.name: file.describe() for file in found.unrecognised}
    assert set(described) == {
        "CSDS_CYP101_referrals_2025-01-16.csv",
        "SEN_Support_16012025.csv",
        "CSDS_CYP001_patients_20250231.csv",
    }
    assert "move it to landing/county/" in described["SEN_Support_16012025.csv"]
    assert "matches no documented file name" in described["CSDS_CYP101_referrals_2025-01-16.csv"]
    assert found.complete  # the recognised extracts still make a complete delivery


def test_the_generators_files_are_all_recognised_and_complete(tmp_path):
    from pipelines.synthetic import generate

    generate(children=60, seed=3, out=tmp_path, as_at=date(2025, 1, 16))
    for source, found in deliveries(tmp_path / "landing").items():
        assert found.complete, source
        assert not found.unrecognised, source
        assert found.newest == date(2025, 1, 16)
        assert len(found.tables) == sum(spec.source == source for spec in SOURCE_TABLES)
