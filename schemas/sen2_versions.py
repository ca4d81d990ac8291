"""The SEN2 person-level return's specification versions, and reading an older one.

Councils on older case-management software export earlier versions of the COLLECT "Blade" CSV.
The columns that came and went (annotations of MastodonC's witan.sen2 readers, `blade/csv.clj`
and `blade/pre_submission.clj`; docs/source-extracts.md):

- v1.1: the person's `gendercurrent` (coded as the CBDS GenderCurrent, 0/1/2/9, or M/F/U); the
  setting attended's `attendancepattern`; no review meeting or decision on the active plan.
- v1.2: `sex` replaces `gendercurrent`; `attendancepattern` goes; `reviewmeeting` and
  `reviewoutcome` on the active plan.
- v1.3: the request's `requestsource`; `reviewdraft`, `phasetransferduedate` and
  `phasetransferfinaldate` on the active plan; `dsco` in the header module.

The contracts (schemas/city.py) describe v1.3. An older file is brought to it by name, never by
position: an older name is renamed to the current one (and its codes recoded), a column the
version did not have is simply absent (every such column is optional), and a column later
versions dropped is ignored. The version a file's columns prove is recorded in its audit row.
"""

from __future__ import annotations

import polars as pl

from schemas.common import header_key

VERSIONS = ("1.1", "1.2", "1.3")

# Per Blade module: the columns only some versions have, and those versions.
VERSION_COLUMNS: dict[str, dict[str, frozenset[str]]] = {
    "city_sen2": {"dsco": frozenset({"1.3"})},
    "city_person": {
        "gendercurrent": frozenset({"1.1"}),
        "sex": frozenset({"1.2", "1.3"}),
    },
    "city_requests": {"requestsource": frozenset({"1.3"})},
    "city_activeplans": {
        "reviewmeeting": frozenset({"1.2", "1.3"}),
        "reviewoutcome": frozenset({"1.2", "1.3"}),
        "reviewdraft": frozenset({"1.3"}),
        "phasetransferduedate": frozenset({"1.3"}),
        "phasetransferfinaldate": frozenset({"1.3"}),
    },
    "city_placementdetail": {"attendancepattern": frozenset({"1.1"})},
}

# Older names of current columns: `rquestsource` is the pre-submission workbook's misspelling.
OLDER_NAMES: dict[str, dict[str, str]] = {
    "city_person": {"gendercurrent": "sex"},
    "city_requests": {"rquestsource": "requestsource"},
}

# CBDS GenderCurrent codes as the SEN2 sex codes (0 not known, 1 male, 2 female, 9 not specified).
GENDER_CURRENT = {"0": "U", "1": "M", "2": "F", "9": "U"}


def is_sen2_module(table: str) -> bool:
    return table.startswith("city_") and table not in {"city_sen_support", "city_topup_funding"}


def versions_of(table: str, headers: list[str]) -> frozenset[str] | None:
    """The spec versions a Blade module's header row is consistent with (an empty set: columns
    of versions that never existed together); None for a table that is not a SEN2 module."""
    if not is_sen2_module(table):
        return None
    present = {header_key(name) for name in headers}
    possible = frozenset(VERSIONS)
    for column, versions in VERSION_COLUMNS.get(table, {}).items():
        possible &= versions if column in present else frozenset(VERSIONS) - versions
    return possible


def version_label(versions: frozenset[str] | None) -> str | None:
    """'1.3'; '1.2-1.3' when the columns fit more than one; 'mixed' when they fit none."""
    if versions is None:
        return None
    if not versions:
        return "mixed"
    ordered = sorted(versions)
    return ordered[0] if len(ordered) == 1 else f"{ordered[0]}-{ordered[-1]}"


def versions_in(label: str | None) -> frozenset[str]:
    """The versions a label stands for (version_label's inverse; 'mixed' stands for none)."""
    if label is None:
        return frozenset(VERSIONS)
    if label == "mixed":
        return frozenset()
    low, _, high = label.partition("-")
    return frozenset(v for v in VERSIONS if low <= v <= (high or low))


def to_current(frame: pl.DataFrame, table: str) -> pl.DataFrame:
    """An older version's columns under their current names (and codes); a file that already
    has the current column keeps it and ignores the older one."""
    keys = {header_key(name): name for name in frame.columns}
    renames = {
        keys[older]: current
        for older, current in OLDER_NAMES.get(table, {}).items()
        if older in keys and current not in keys
    }
    if not renames:
        return frame
    frame = frame.rename(renames)
    if "sex" in renames.values():  # gendercurrent: CBDS numeric codes as M/F/U
        sex = pl.col("sex").cast(pl.String)
        frame = frame.with_columns(sex.str.strip_chars().replace(GENDER_CURRENT).alias("sex"))
    return frame
