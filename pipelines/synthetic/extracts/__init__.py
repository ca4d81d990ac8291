"""The source tables as each organisation delivers them (docs/source-extracts.md).

Turns the true world (EHC journeys, children, health activity, funding) into the city's Blade
export and lists, the county's casework tables and lists, and the ICB's CSDS-style tables: text
columns in contract order (schemas.contract_columns), in each system's own codes and date
formats, with person records passed through the planted errors of records.py. Each table keeps
a hidden `_child` column (the true child behind the row) for the truth files; it is dropped
before writing.

Every random choice about a row (its ids, flags and planted errors) is drawn from the row's own
key (the request, plan or child behind it; streams.Keyed), never from its position, so a record
looks the same in every delivery cut from one world (series.py).

Modules: common.py (columns, text, ids), builder.py (`Builder`: the world's state and the
record pieces the sources share), and one module per source, one function per table: city.py,
county.py, lists.py (both councils' SEN support and top-up lists) and icb.py.
"""

from pipelines.synthetic import records
from pipelines.synthetic.extracts.builder import Builder
from pipelines.synthetic.extracts.common import (
    CITY_DATE,
    COUNTY_DATE,
    ISO_DATE,
    Table,
    columns,
    day_text,
    flag,
    lookup,
    source_of,
)

__all__ = [
    "CITY_DATE",
    "COUNTY_DATE",
    "ISO_DATE",
    "Builder",
    "Table",
    "columns",
    "day_text",
    "flag",
    "lookup",
    "records",
    "source_of",
]
