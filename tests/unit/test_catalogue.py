from datetime import date

import pytest

from pipelines.ingest.catalogue import BY_TABLE, SOURCE_TABLES


@pytest.mark.parametrize(
    ("table", "file_name", "expected"),
    [
        ("city_person", "Blade-Export_16-01-2025_person.csv", date(2025, 1, 16)),
        ("city_senneed", "Blade-Export_16-01-2025_senneed.csv", date(2025, 1, 16)),
        ("city_sen_support", "census_sen_support_2025-01-16.csv", date(2025, 1, 16)),
        ("county_clients", "EHC_Casework_16012025.xlsx", date(2025, 1, 16)),
        ("county_clients", "EHC_Casework_16012025_Clients.csv", date(2025, 1, 16)),
        ("county_topup_funding", "HighNeeds_TopUp_16012025.csv", date(2025, 1, 16)),
        ("icb_care_contacts", "CSDS_CYP201_care_contacts_20250116.csv", date(2025, 1, 16)),
    ],
)
def test_file_names_map_to_their_table_and_extract_date(table, file_name, expected):
    assert BY_TABLE[table].match(file_name) == expected


def test_a_file_feeds_only_its_own_table():
    assert BY_TABLE["county_plans"].match("EHC_Casework_16012025_Clients.csv") is None
    assert BY_TABLE["city_requests"].match("Blade-Export_16-01-2025_person.csv") is None
    assert BY_TABLE["city_person"].match("Blade-Export_31-02-2025_person.csv") is None


def test_every_contract_table_has_a_source_table():
    from schemas import CONTRACTS

    assert {spec.table for spec in SOURCE_TABLES} == set(CONTRACTS)
