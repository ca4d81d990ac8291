"""What the data contracts share that needs no validation library: the date formats of the
partners' exports, the rules in plain words, header keys and the error for a file that cannot be
used at all. The readers, the loaders and the reports import these without loading Pandera (and
pandas), which only validating a delivery needs."""

from __future__ import annotations

BLADE_DATE = "%Y-%b-%d %H:%M:%S"  # city SEN2 Blade export: 2022-Sep-28 00:00:00
ISO_DATE = "%Y-%m-%d"  # city lists and ICB extracts: 2022-09-28
COUNTY_DATE = "%d/%m/%Y"  # county case-management export: 28/09/2022

# Each rule a contract records (a check's name, the reader's malformed_line), in plain words for
# the people who read about it: the report's data-quality table and the suppliers' returns.
RULE_WORDS = {
    "code_list": "A code not in its code list",
    "date_format": "Not a date",
    "date_order": "Dates in the wrong order",
    "not_after_extract_date": "A date after the extract date",
    "required": "A required value missing",
    "unique": "A record id delivered twice",
    "malformed_line": "A line that does not split into the header's fields",
    "nhs_number_check_digit": "NHS number fails its check digit",
    "upn_check_letter": "UPN fails its check letter",
    "uln_check_digit": "ULN fails its check digit",
}


class ContractError(Exception):
    """The file cannot be used at all; the message names the file and the reason."""


def header_key(name: str) -> str:
    """A header as written by any tool: case, spaces, underscores and hyphens left out."""
    return "".join(ch for ch in name.casefold() if ch.isalnum())
