"""The data contracts by raw table: one Pandera model per table, and the columns each requires."""

from __future__ import annotations

from pandera.polars import DataFrameModel

from schemas.checks import IDENTIFYING, NULLIFY, ON_FAIL
from schemas.city import (
    CityActivePlans,
    CityAssessment,
    CityNamedPlan,
    CityPerson,
    CityPlacementDetail,
    CityPlanDetail,
    CityRequests,
    CitySen2,
    CitySenNeed,
    CitySenSupport,
    CityTopupFunding,
)
from schemas.county import (
    CountyAssessments,
    CountyClients,
    CountyNeeds,
    CountyPlacements,
    CountyPlans,
    CountyPlanSettings,
    CountyRequests,
    CountyReviews,
    CountySenSupport,
    CountyTopupFunding,
)
from schemas.icb import IcbCareContacts, IcbPatients, IcbReferrals

CONTRACTS: dict[str, type[DataFrameModel]] = {
    "city_sen2": CitySen2,
    "city_person": CityPerson,
    "city_requests": CityRequests,
    "city_assessment": CityAssessment,
    "city_namedplan": CityNamedPlan,
    "city_plandetail": CityPlanDetail,
    "city_activeplans": CityActivePlans,
    "city_placementdetail": CityPlacementDetail,
    "city_senneed": CitySenNeed,
    "city_sen_support": CitySenSupport,
    "city_topup_funding": CityTopupFunding,
    "county_clients": CountyClients,
    "county_requests": CountyRequests,
    "county_assessments": CountyAssessments,
    "county_plans": CountyPlans,
    "county_plan_settings": CountyPlanSettings,
    "county_placements": CountyPlacements,
    "county_needs": CountyNeeds,
    "county_reviews": CountyReviews,
    "county_sen_support": CountySenSupport,
    "county_topup_funding": CountyTopupFunding,
    "icb_patients": IcbPatients,
    "icb_referrals": IcbReferrals,
    "icb_care_contacts": IcbCareContacts,
}


def contract(table: str) -> type[DataFrameModel]:
    try:
        return CONTRACTS[table]
    except KeyError:
        raise KeyError(f"no data contract for table {table!r}") from None


def contract_columns(table: str) -> list[str]:
    """Every column of the table's contract, in contract order."""
    return list(contract(table).to_schema().columns)


def required_columns(table: str) -> list[str]:
    """Columns a file must have (bold in docs/source-extracts.md): never blank, except that an
    identifying column's blank is a warning (``identifying_columns``)."""
    columns = contract(table).to_schema().columns
    return [
        name
        for name, column in columns.items()
        if not column.nullable or (column.metadata or {}).get(IDENTIFYING)
    ]


def identifying_columns(table: str) -> list[str]:
    """A person's names, birth date and sex in a table other rows hang on: must be present, but
    a blank or failing value is nulled with a warning and the row kept."""
    columns = contract(table).to_schema().columns
    return [name for name, column in columns.items() if (column.metadata or {}).get(IDENTIFYING)]


def nullified_columns(table: str) -> list[str]:
    """Optional columns whose bad values are set to null (row kept): identifier-like values,
    ethnicity, and a plan's reason for ending."""
    columns = contract(table).to_schema().columns
    return [
        name
        for name, column in columns.items()
        if (column.metadata or {}).get(ON_FAIL) == NULLIFY
        and not (column.metadata or {}).get(IDENTIFYING)
    ]
