"""Synthetic reference data: a postcode directory and a list of education settings.

Stand-ins for the ONS Postcode Directory and Get Information about Schools (GIAS), committed as dbt
seeds under `dbt_project/seeds/reference/`. They are built from a fixed internal seed, independent
of the generator's `--seed`, so every synthetic run shares one geography. Rebuild them with
`python -m pipelines.synthetic.reference`; the generator only reads the committed CSV files.

Postcodes are well-formed but invented, in real postcode districts. Districts that straddle the
city boundary (NG2–NG9, NG11) are split postcode by postcode, as in the real directory, so a
council can only be assigned from the full postcode, never from its district.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path

import numpy as np
import polars as pl

from pipelines.synthetic import codes
from pipelines.synthetic.streams import stream

REFERENCE_SEED = 20_250_116
SEED_DIR = Path(__file__).resolve().parents[2] / "dbt_project" / "seeds" / "reference"
POSTCODES_CSV = SEED_DIR / "postcode_directory.csv"
SETTINGS_CSV = SEED_DIR / "settings.csv"

CITY_LA = codes.code("local_authority", "892")
COUNTY_LA = codes.code("local_authority", "891")
CITY_DISTRICT = "Nottingham"
INWARD_LETTERS = "ABDEFGHJLNPQRSTUWXYZ"  # letters allowed in the last two places of a postcode

# postcode district → (relative number of postcodes, [(share, la_code, district_name), …])
DISTRICTS: dict[str, tuple[int, list[tuple[float, str, str]]]] = {
    "NG1": (120, [(1.0, CITY_LA, CITY_DISTRICT)]),
    "NG2": (350, [(0.6, CITY_LA, CITY_DISTRICT), (0.4, COUNTY_LA, "Rushcliffe")]),
    "NG3": (350, [(0.8, CITY_LA, CITY_DISTRICT), (0.2, COUNTY_LA, "Gedling")]),
    "NG4": (250, [(0.15, CITY_LA, CITY_DISTRICT), (0.85, COUNTY_LA, "Gedling")]),
    "NG5": (450, [(0.6, CITY_LA, CITY_DISTRICT), (0.4, COUNTY_LA, "Gedling")]),
    "NG6": (250, [(0.9, CITY_LA, CITY_DISTRICT), (0.1, COUNTY_LA, "Gedling")]),
    "NG7": (300, [(1.0, CITY_LA, CITY_DISTRICT)]),
    "NG8": (350, [(0.8, CITY_LA, CITY_DISTRICT), (0.2, COUNTY_LA, "Broxtowe")]),
    "NG9": (350, [(0.15, CITY_LA, CITY_DISTRICT), (0.85, COUNTY_LA, "Broxtowe")]),
    "NG11": (250, [(0.6, CITY_LA, CITY_DISTRICT), (0.4, COUNTY_LA, "Rushcliffe")]),
    "NG12": (200, [(1.0, COUNTY_LA, "Rushcliffe")]),
    "NG13": (150, [(0.85, COUNTY_LA, "Rushcliffe"), (0.15, COUNTY_LA, "Newark and Sherwood")]),
    "NG14": (120, [(0.7, COUNTY_LA, "Gedling"), (0.3, COUNTY_LA, "Newark and Sherwood")]),
    "NG15": (250, [(0.8, COUNTY_LA, "Ashfield"), (0.2, COUNTY_LA, "Gedling")]),
    "NG16": (300, [(0.6, COUNTY_LA, "Broxtowe"), (0.4, COUNTY_LA, "Ashfield")]),
    "NG17": (350, [(0.85, COUNTY_LA, "Ashfield"), (0.15, COUNTY_LA, "Mansfield")]),
    "NG18": (300, [(1.0, COUNTY_LA, "Mansfield")]),
    "NG19": (250, [(1.0, COUNTY_LA, "Mansfield")]),
    "NG20": (100, [(0.8, COUNTY_LA, "Mansfield"), (0.2, COUNTY_LA, "Bassetlaw")]),
    "NG21": (150, [(0.7, COUNTY_LA, "Newark and Sherwood"), (0.3, COUNTY_LA, "Mansfield")]),
    "NG22": (150, [(0.7, COUNTY_LA, "Newark and Sherwood"), (0.3, COUNTY_LA, "Bassetlaw")]),
    "NG23": (80, [(1.0, COUNTY_LA, "Newark and Sherwood")]),
    "NG24": (200, [(1.0, COUNTY_LA, "Newark and Sherwood")]),
    "NG25": (60, [(1.0, COUNTY_LA, "Newark and Sherwood")]),
    "DN10": (100, [(1.0, COUNTY_LA, "Bassetlaw")]),
    "DN11": (80, [(1.0, COUNTY_LA, "Bassetlaw")]),
    "DN22": (200, [(1.0, COUNTY_LA, "Bassetlaw")]),
    "S80": (250, [(1.0, COUNTY_LA, "Bassetlaw")]),
    "S81": (200, [(1.0, COUNTY_LA, "Bassetlaw")]),
}

CITY_PLACES = (
    "Aspley",
    "Basford",
    "Bestwood",
    "Bilborough",
    "Bulwell",
    "Clifton",
    "Dales",
    "Hyson Green",
    "Lenton",
    "Mapperley",
    "Meadows",
    "Radford",
    "Sherwood",
    "Sneinton",
    "St Ann's",
    "Wollaton",
    "Bakersfield",
    "Beechdale",
    "Carrington",
    "Forest Fields",
    "Top Valley",
    "Rise Park",
    "Strelley",
    "Wilford",
    "Berridge",
    "Arboretum",
    "Bobbers Mill",
    "Cinderhill",
    "Highbury Vale",
    "Old Basford",
    "Heathfield",
    "Whitemoor",
    "Broxtowe Estate",
    "Sycamore",
    "Robin Hood",
    "Crabtree",
    "Southglade",
    "Portland",
    "Greenwood",
)
COUNTY_PLACES = (
    "Arnold",
    "Carlton",
    "Gedling",
    "Hucknall",
    "Beeston",
    "Stapleford",
    "Eastwood",
    "Kimberley",
    "Bingham",
    "Radcliffe on Trent",
    "Ruddington",
    "Keyworth",
    "West Bridgford",
    "Cotgrave",
    "East Leake",
    "Mansfield",
    "Mansfield Woodhouse",
    "Warsop",
    "Sutton-in-Ashfield",
    "Kirkby-in-Ashfield",
    "Selston",
    "Newark",
    "Southwell",
    "Ollerton",
    "Edwinstowe",
    "Rainworth",
    "Blidworth",
    "Worksop",
    "Retford",
    "Harworth",
    "Tuxford",
    "Misterton",
    "Collingham",
    "Balderton",
    "Farndon",
    "Calverton",
    "Burton Joyce",
    "Lowdham",
    "Ravenshead",
    "Annesley",
    "Jacksdale",
    "Brinsley",
    "Toton",
    "Chilwell",
    "Bramcote",
    "Trowell",
    "Awsworth",
    "Cropwell Bishop",
    "Sutton Bonington",
    "Gotham",
    "Clipstone",
    "Forest Town",
    "Bilsthorpe",
    "Farnsfield",
    "Sutton on Trent",
    "Carlton in Lindrick",
    "Langold",
    "Shireoaks",
    "Clarborough",
    "Elkesley",
    "Blyth",
    "Everton",
    "Beckingham",
    "Netherfield",
    "Woodthorpe",
    "Bestwood Village",
    "Underwood",
    "Skegby",
    "Stanton Hill",
    "Pleasley",
    "Ladybrook",
    "Manton",
    "Kilton",
    "Ordsall",
    "Bawtry Road",
    "Coddington",
    "Fernwood",
    "Radcliffe",
)

# setting_type → (GIAS-style phase, name styles); counts per council follow in SETTING_COUNTS
SETTING_STYLES: dict[str, tuple[str, tuple[str, ...]]] = {
    "primary": (
        "Primary",
        (
            "{} Primary School",
            "{} Church of England Primary School",
            "{} Infant and Nursery School",
            "{} Junior School",
            "St Mary's {} Catholic Primary",
            "{} Primary Academy",
        ),
    ),
    "secondary": ("Secondary", ("{} Academy", "{} School", "{} Comprehensive School")),
    "all_through": ("All-through", ("{} All-through Academy",)),
    "special": ("All-through", ("{} Special School", "{} Special Academy")),
    "independent_special": ("All-through", ("{} House School", "{} Hall Independent School")),
    "alternative_provision": ("Secondary", ("{} Learning Centre", "{} Pupil Referral Unit")),
    "further_education": ("16 plus", ("{} College", "{} Sixth Form College")),
    "early_years": ("Nursery", ("{} Nursery School", "{} Early Years Centre")),
}
SETTING_TYPE = {
    "primary": "mainstream",
    "secondary": "mainstream",
    "all_through": "mainstream",
    "special": "special",
    "independent_special": "independent_special",
    "alternative_provision": "alternative_provision",
    "further_education": "further_education",
    "early_years": "early_years",
}
SETTING_TYPES = (
    "mainstream",
    "special",
    "independent_special",
    "further_education",
    "alternative_provision",
    "early_years",
)
# first digit of the DfE establishment number by kind (GIAS convention: 2 primary, 4 secondary,
# 6 independent, 7 special, 1 nursery / PRU)
ESTAB_PREFIX = {
    "primary": 2,
    "secondary": 4,
    "all_through": 4,
    "special": 7,
    "independent_special": 6,
    "alternative_provision": 1,
    "early_years": 1,
}
SETTING_COUNTS = {
    CITY_LA: {
        "primary": 70,
        "secondary": 16,
        "all_through": 2,
        "special": 7,
        "independent_special": 5,
        "alternative_provision": 3,
        "further_education": 3,
        "early_years": 12,
    },
    COUNTY_LA: {
        "primary": 290,
        "secondary": 45,
        "all_through": 3,
        "special": 12,
        "independent_special": 12,
        "alternative_provision": 4,
        "further_education": 6,
        "early_years": 25,
    },
}


def build_postcodes() -> pl.DataFrame:
    rng = stream(REFERENCE_SEED, "postcodes")
    rows: list[tuple[str, str, str, str, str]] = []
    la_names = codes.mapping("local_authority", "la_code", "la_name")
    for district, (size, parts) in DISTRICTS.items():
        sectors = np.sort(rng.choice(10, size=int(rng.integers(4, 9)), replace=False))
        shares = np.array([share for share, _, _ in parts])
        sector_part = rng.choice(len(parts), size=len(sectors), p=shares / shares.sum())
        units = sorted(
            {f"{s}{a}{b}" for s in sectors for a in INWARD_LETTERS for b in INWARD_LETTERS}
        )
        chosen = sorted(rng.choice(len(units), size=size, replace=False).tolist())
        for index in chosen:
            inward = units[index]
            sector = int(inward[0])
            part = int(sector_part[np.searchsorted(sectors, sector)])
            if len(parts) > 1 and rng.random() < 0.1:  # units across the line from their sector
                part = int(rng.choice([p for p in range(len(parts)) if p != part]))
            _, la_code, district_name = parts[part]
            rows.append(
                (f"{district} {inward}", f"{district} {sector}", district, la_code, district_name)
            )
    frame = pl.DataFrame(
        rows,
        schema=["postcode", "postcode_sector", "postcode_district", "la_code", "district_name"],
        orient="row",
    )
    frame = frame.with_columns(la_name=pl.col("la_code").replace_strict(la_names))
    return frame.select(
        "postcode", "postcode_sector", "postcode_district", "la_code", "la_name", "district_name"
    ).sort("postcode")


def build_settings() -> pl.DataFrame:
    rng = stream(REFERENCE_SEED, "settings")
    total = sum(sum(c.values()) for c in SETTING_COUNTS.values())
    urns = np.sort(rng.choice(np.arange(100_000, 150_000), size=total, replace=False))
    urns = urns[rng.permutation(total)]
    rows = []
    used_names: set[str] = set()
    used_estabs: set[tuple[str, int]] = set()
    ukprn_next = 10_001_000 + int(rng.integers(0, 5_000))
    position = 0
    for la_code, counts in SETTING_COUNTS.items():
        places = CITY_PLACES if la_code == CITY_LA else COUNTY_PLACES
        for kind, count in counts.items():
            phase, styles = SETTING_STYLES[kind]
            for _ in range(count):
                while True:
                    name = styles[int(rng.integers(len(styles)))].format(
                        places[int(rng.integers(len(places)))]
                    )
                    if name not in used_names:
                        used_names.add(name)
                        break
                estab = ""
                if kind in ESTAB_PREFIX:
                    while True:
                        number = ESTAB_PREFIX[kind] * 1000 + int(rng.integers(0, 1000))
                        if (la_code, number) not in used_estabs:
                            used_estabs.add((la_code, number))
                            estab = str(number)
                            break
                ukprn = ""
                if kind == "further_education":
                    ukprn = str(ukprn_next)
                    ukprn_next += int(rng.integers(3, 400))
                rows.append(
                    (
                        str(urns[position]),
                        name,
                        la_code,
                        SETTING_TYPE[kind],
                        phase,
                        estab or None,
                        ukprn or None,
                    )
                )
                position += 1
    columns = ["urn", "setting_name", "la_code", "setting_type", "phase", "estab_number", "ukprn"]
    return pl.DataFrame(rows, schema={c: pl.String for c in columns}, orient="row").sort("urn")


def write_seeds(directory: Path = SEED_DIR) -> None:
    directory.mkdir(parents=True, exist_ok=True)
    build_postcodes().write_csv(directory / POSTCODES_CSV.name)
    build_settings().write_csv(directory / SETTINGS_CSV.name)


@dataclass(frozen=True)
class Reference:
    postcodes: pl.DataFrame
    settings: pl.DataFrame


@cache
def load() -> Reference:
    """The committed seeds, every column as text."""
    return Reference(
        postcodes=pl.read_csv(POSTCODES_CSV, infer_schema=False),
        settings=pl.read_csv(SETTINGS_CSV, infer_schema=False),
    )


if __name__ == "__main__":
    write_seeds()
