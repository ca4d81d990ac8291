"""Independent evaluation registers for person-record linkage of children in England.

A seeded, deterministic generator of deduplication test data in the style of the GeCo and FEBRL
data corruptors (Christen & Vatsalan): a clean register of children is built first, then each
child is given one to six records in three sources (two local authorities' education systems,
'city' and 'county', and the health system, 'icb'), and the records are corrupted by a
catalogue of error kinds whose every application is logged. It exists to measure a linkage
engine on data it was never tuned on: the name lists, rates and error kinds here are written
for this module alone and share nothing with the project's own synthetic generator.

What it models:

- the clean register: children born 2003-09-01 to 2024-08-31 in households of one to four
  children (optionally with twin pairs) at unit postcodes of a synthetic but well-formed
  Nottingham-area postcode universe (NG plus a few DE, LE and S districts, about one unit per
  twelve children); ethnicity groups with shares like Nottingham's school population; a
  deprivation quintile that depends on the district and the group; NHS numbers with the
  modulus-11 check digit and UPNs with the DfE check letter;
- names with realistic diversity: each tradition's pool is a core list of real names followed
  by a long tail generated from its stems and affixes (English place-name elements and endings,
  Polish -ski/-wicz, Sikh -preet/-jit, Yoruba Olu-/Ade- and so on), drawn with a Zipf-like
  curve: for White British children the commonest forename of a sex is about 2% and the top
  100 about half, Smith about 1.4% of families, the top 100 surnames about a fifth and tens of
  thousands of surnames at a million records; siblings never share a forename (the name lists
  are in bench/independent_names.py);
- names that follow the families' conventions: English forenames with middle names, hyphenated
  forenames and double-barrelled surnames; Polish, Romanian, Lithuanian and Portuguese names with
  diacritics, gendered surname forms and double surnames; South Asian transliteration variants,
  compound given names, Sikh Singh/Kaur surnames and Bangladeshi families whose members'
  surnames differ; Somali patronymic names; Yoruba and Igbo names beside English ones; Akan
  day names taken from the weekday of birth; Chinese family-name-first order, Pinyin and
  Cantonese given names and adopted English names; Arabic al-/el- surname prefixes and
  'Abdul' compounds; Kurdish and Afghan names where the surname is often the father's name;
  single names (mononyms);
- record faults: keyboard and OCR typos, phonetic respellings, nicknames, truncation, initials,
  missing values, swapped names, day/month swaps, impossible and wrong dates, surname changes,
  moves, postcode typos, identifier digit errors and another child's identifier, plus the
  recording variants of each naming convention; and source quirks (the ICB writes names in
  upper case and often loses diacritics, the county cuts forenames at twelve characters and one
  of its systems writes dates as DD/MM/YYYY, the city sometimes drops the postcode space).
  Deprived households move more and have more records and more missing identifiers.

Outputs, in the folder given: `persons.parquet` (the linkage input), `persons_truth.parquet`
(record_id, true_id, ethnicity_group, naming_convention, deprivation_quintile, faults, twin_of)
and `summary.json`. Equal seed and size give byte-identical Parquet files.

Usage:
    python bench/independent_register.py --records 200000 --seed 11 \\
        --out bench/results/independent/200000_11 [--twins 0] [--report]
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import time
import unicodedata
from bisect import bisect_right
from collections import Counter
from itertools import accumulate, chain
from pathlib import Path

import numpy as np
import polars as pl

sys.path.insert(0, str(Path(__file__).resolve().parent))
import independent_names as N  # noqa: E402

OUTPUTS = ("persons.parquet", "persons_truth.parquet", "summary.json")
SOURCES = ("city", "county", "icb")
CITY, COUNTY, ICB = 0, 1, 2
ID_PREFIX = ("NC", "NS", "IC")

GROUPS = ("White British", "White Other", "Asian", "Black", "Mixed", "Chinese", "Arab/Other")
GROUP_SHARE = (0.58, 0.08, 0.13, 0.10, 0.07, 0.015, 0.025)
# Share of households in each national deprivation quintile (1 = most deprived), roughly as for
# the city and county together; a household's quintile is its deprivation score's rank.
QUINTILE_SHARE = (0.33, 0.22, 0.18, 0.15, 0.12)
# Added to the area's deprivation score (negative: more deprived).
GROUP_DEPRIVATION_SHIFT = (0.0, -0.5, -0.4, -0.6, -0.4, 0.3, -0.8)

FIRST_DAY = np.datetime64("2003-09-01")
N_DAYS = int((np.datetime64("2024-08-31") - FIRST_DAY).astype(int)) + 1

# ---------------------------------------------------------------------------------------------
# Postcode universe: district, relative population, mean deprivation score (1 = most deprived
# quintile ... 5), local authority code (892 Nottingham City, 891 Nottinghamshire), affinity of
# minority-ethnic households for the district, and the sector digits in use.
DISTRICTS = (
    ("NG1", 0.6, 1.9, 892, 1.8, "1234567"),
    ("NG2", 3.0, 2.6, 892, 1.4, "1234567"),
    ("NG3", 3.5, 1.6, 892, 2.0, "1234567"),
    ("NG4", 3.0, 2.8, 891, 0.8, "1234"),
    ("NG5", 5.0, 2.2, 892, 1.4, "1234567890"),
    ("NG6", 3.0, 1.5, 892, 0.9, "06789"),
    ("NG7", 3.5, 1.5, 892, 2.8, "1234567"),
    ("NG8", 3.8, 1.6, 892, 1.3, "1234567"),
    ("NG9", 4.0, 3.2, 891, 0.9, "1234567"),
    ("NG10", 2.5, 2.9, 891, 0.6, "12345"),
    ("NG11", 2.8, 1.7, 892, 1.0, "06789"),
    ("NG12", 2.0, 4.3, 891, 0.5, "12345"),
    ("NG13", 1.2, 4.2, 891, 0.3, "089"),
    ("NG14", 1.6, 3.9, 891, 0.4, "4567"),
    ("NG15", 2.6, 2.7, 891, 0.4, "05678"),
    ("NG16", 3.0, 2.7, 891, 0.4, "1234567"),
    ("NG17", 3.6, 1.9, 891, 0.3, "1234578"),
    ("NG18", 3.4, 1.8, 891, 0.5, "12345"),
    ("NG19", 2.8, 2.0, 891, 0.4, "06789"),
    ("NG20", 1.6, 1.9, 891, 0.3, "089"),
    ("NG21", 1.6, 2.4, 891, 0.3, "09"),
    ("NG22", 1.5, 2.2, 891, 0.3, "89"),
    ("NG23", 0.8, 3.6, 891, 0.3, "567"),
    ("NG24", 2.4, 2.2, 891, 0.5, "1234"),
    ("NG25", 0.8, 4.1, 891, 0.3, "08"),
    ("DE7", 1.2, 2.5, 891, 0.4, "456789"),
    ("DE55", 0.8, 2.8, 891, 0.3, "123457"),
    ("DE75", 0.7, 2.5, 891, 0.3, "67"),
    ("LE11", 0.5, 2.8, 891, 1.1, "12345"),
    ("LE12", 0.6, 3.8, 891, 0.4, "56789"),
    ("S80", 1.2, 2.1, 891, 0.4, "1234"),
    ("S81", 1.3, 2.6, 891, 0.4, "0789"),
)
INWARD_LETTERS = "ABDEFGHJLNPQRSTUWXYZ"
CHILDREN_PER_UNIT = 12
UPN_LETTERS = "ABCDEFGHJKLMNPQRTUVWXYZ"
# Establishment number ranges (primary, voluntary primary, secondary, special) for UPNs.
ESTABLISHMENT_RANGES = ((2000, 2999), (3000, 3799), (4000, 4799), (7000, 7099))

# ---------------------------------------------------------------------------------------------
# Names: the lists are in bench/independent_names.py (see there for their format); the
# conventions that use them, and the pools with their popularity curves, are here.
MUHAMMAD = ("Muhammad", "Mohammed", "Mohammad", "Mohamed", "Muhammed")
# Bangladeshi girls' and women's second names, with their spellings.
BD_TITLES = (("Begum",), ("Begum",), ("Begum",), ("Khatun", "Khatoon"), ("Akter", "Akhter"))
# Akan day names, Monday first (date.weekday() order), with their usual spellings.
DAY_NAMES_M = (
    ("Kwadwo", "Kojo", "Kodwo"),
    ("Kwabena", "Kobina", "Ebo"),
    ("Kwaku", "Kweku"),
    ("Yaw", "Ekow"),
    ("Kofi", "Fiifi"),
    ("Kwame", "Kwamena"),
    ("Kwasi", "Kwesi", "Akwasi"),
)
DAY_NAMES_F = (
    ("Adwoa", "Adjoa"),
    ("Abena", "Abenaa"),
    ("Akua", "Ekua"),
    ("Yaa", "Aba"),
    ("Afua", "Efua", "Afia"),
    ("Ama", "Amma"),
    ("Akosua", "Esi"),
)

# al-/el- prefix styles of an Arabic surname; weights of the family's usual style.
AL_STYLES = ("Al-{}", "Al {}", "Al{}", "El-{}", "El {}", "{}")
AL_STYLE_WEIGHTS = (0.45, 0.15, 0.15, 0.12, 0.06, 0.07)

# Short forms: the first token of a forename to what records may hold instead.
NICKNAMES = {
    "Alexander": ("Alex", "Xander"),
    "Alexandra": ("Alex", "Lexi"),
    "Aleksandra": ("Ola",),
    "Aleksander": ("Olek",),
    "Alexandru": ("Alex",),
    "Benjamin": ("Ben", "Benji"),
    "Charlotte": ("Lottie", "Charlie"),
    "Christopher": ("Chris",),
    "Daniel": ("Dan", "Danny"),
    "Elizabeth": ("Beth", "Lizzie", "Eliza"),
    "Eleanor": ("Ellie", "Nell"),
    "Isabella": ("Bella", "Izzy"),
    "Jacob": ("Jake",),
    "James": ("Jamie", "Jim"),
    "Jessica": ("Jess",),
    "Joseph": ("Joe",),
    "Joshua": ("Josh",),
    "Katherine": ("Kate", "Katie"),
    "Matthew": ("Matt",),
    "Nathaniel": ("Nate", "Nat"),
    "Nathan": ("Nate",),
    "Nicholas": ("Nick",),
    "Oliver": ("Ollie",),
    "Rebecca": ("Becky", "Becca"),
    "Samuel": ("Sam", "Sammy"),
    "Samantha": ("Sam",),
    "Sebastian": ("Seb",),
    "Thomas": ("Tom", "Tommy"),
    "William": ("Will", "Billy"),
    "Edward": ("Ed", "Eddie", "Ted"),
    "Harrison": ("Harry",),
    "Abigail": ("Abbie", "Abi"),
    "Bethany": ("Beth",),
    "Imogen": ("Immy",),
    "Matilda": ("Tilly",),
    "Florence": ("Flo",),
    "Gabriel": ("Gabe",),
    "Gabriela": ("Gabi",),
    "Victoria": ("Vicky", "Tori"),
    "Emmanuel": ("Manny",),
    "Jonathan": ("Jon",),
    "Christian": ("Chris",),
    "Mohammed": ("Mo",),
    "Muhammad": ("Mo",),
    "Mohamed": ("Mo",),
    "Mohammad": ("Mo",),
    "Muhammed": ("Mo",),
    "Abdulrahman": ("Abdul",),
    "Abdirahman": ("Abdi",),
    "Abdullahi": ("Abdi",),
    "Abdikarim": ("Abdi",),
    "Zakariya": ("Zak",),
    "Zakaria": ("Zak",),
    "Oluwaseun": ("Seun",),
    "Oluwatobi": ("Tobi",),
    "Oluwadamilare": ("Dami",),
    "Oluwafemi": ("Femi",),
    "Oluwapelumi": ("Pelumi",),
    "Oluwakemi": ("Kemi",),
    "Oluwatoyin": ("Toyin",),
    "Oluwaseyi": ("Seyi",),
    "Oluwatimilehin": ("Timi",),
    "Adebayo": ("Bayo",),
    "Babatunde": ("Tunde",),
    "Iyanuoluwa": ("Iyanu",),
    "Chukwuemeka": ("Emeka",),
    "Chidubem": ("Dubem",),
    "Somtochukwu": ("Somto",),
    "Kenechukwu": ("Kene",),
    "Kosisochukwu": ("Kosi",),
    "Munachimso": ("Muna",),
    "Chiamaka": ("Amaka",),
    "Oyinkansola": ("Oyin",),
    "Ibukunoluwa": ("Ibukun",),
    "Moyinoluwa": ("Moyin",),
    "Funmilayo": ("Funmi",),
    "Folasade": ("Sade",),
    "Małgorzata": ("Gosia",),
    "Katarzyna": ("Kasia",),
    "Jakub": ("Kuba",),
    "Wojciech": ("Wojtek",),
    "Agnieszka": ("Aga",),
    "Francisco": ("Chico",),
    "Dominykas": ("Domas",),
    "Žygimantas": ("Žygis",),
    "Frederick": ("Fred", "Freddie"),
    "Theodore": ("Theo", "Teddy"),
    "Maximilian": ("Max",),
    "Zachary": ("Zac", "Zach"),
    "Anthony": ("Tony", "Ant"),
    "Stephen": ("Steve",),
    "Richard": ("Rich", "Ricky"),
    "Robert": ("Rob", "Bobby"),
    "Michael": ("Mike", "Mikey"),
    "Cameron": ("Cam",),
    "Dominic": ("Dom",),
    "Kenneth": ("Kenny",),
    "Lawrence": ("Laurie",),
    "Francesca": ("Fran", "Frankie"),
    "Georgina": ("Georgie",),
    "Josephine": ("Josie",),
    "Gabriella": ("Gabby",),
    "Harriet": ("Hattie",),
    "Penelope": ("Penny",),
    "Annabelle": ("Annie", "Bella"),
    "Arabella": ("Bella",),
    "Evelyn": ("Evie",),
    "Madison": ("Maddie",),
    "Natasha": ("Tash",),
    "Jennifer": ("Jen", "Jenny"),
    "Kimberley": ("Kim",),
    "Stephanie": ("Steph",),
    "Danielle": ("Dani",),
    "Madeleine": ("Maddie",),
    "Aleksandr": ("Sasha",),
    "Krzysztof": ("Krzyś",),
    "Maksymilian": ("Maks",),
    "Ștefan": ("Fane",),
    "Abdurrahman": ("Abdul",),
    "Abdulkarim": ("Abdul",),
    "Abdulaziz": ("Abdul",),
    "Temitope": ("Tope",),
    "Oluwadamilola": ("Dami",),
    "Oluwanifemi": ("Nifemi",),
    "Adekunle": ("Kunle",),
    "Olumide": ("Mide",),
    "Ayomide": ("Ayo",),
    "Chukwuma": ("Uma",),
    "Ifeanyichukwu": ("Ifeanyi",),
    "Chinonso": ("Nonso",),
    "Nnaemeka": ("Emeka",),
    "Henry": ("Harry", "Hal"),
    "Alfred": ("Alfie", "Alf"),
    "Isaac": ("Zac", "Ike"),
    "Lucas": ("Luke",),
    "Arthur": ("Artie", "Art"),
    "Finley": ("Finn",),
    "Callum": ("Cal",),
    "Tobias": ("Toby",),
    "Stanley": ("Stan",),
    "Louis": ("Lou",),
    "Patrick": ("Pat", "Paddy"),
    "Raymond": ("Ray",),
    "Leonardo": ("Leo",),
    "Timothy": ("Tim",),
    "Vincent": ("Vince", "Vinnie"),
    "Francis": ("Frank",),
    "Albert": ("Albie", "Bert"),
    "Ernest": ("Ernie",),
    "Wilfred": ("Wilf",),
    "Bradley": ("Brad",),
    "Charles": ("Charlie",),
    "Mackenzie": ("Mack",),
    "Olivia": ("Liv", "Livvy"),
    "Amelia": ("Millie", "Amy"),
    "Sophia": ("Sophie",),
    "Emily": ("Em", "Emmy"),
    "Georgia": ("Georgie",),
    "Jasmine": ("Jas", "Jaz"),
    "Megan": ("Meg",),
    "Caitlin": ("Cait",),
    "Natalie": ("Nat",),
    "Nicole": ("Nicky",),
    "Beatrice": ("Bea",),
    "Clementine": ("Clem",),
    "Melissa": ("Mel",),
    "Alexis": ("Lexi",),
    "Louisa": ("Lou",),
    "Louise": ("Lou",),
    "Rosalie": ("Rosie",),
    "Tallulah": ("Lula",),
    "Valentina": ("Val",),
    "Anastasia": ("Ana", "Stacey"),
    "Savannah": ("Sav",),
    "Eliza": ("Liza",),
}

# Twins whose forenames are close: (first, second, sex of first, sex of second).
TWIN_SIMILAR_EN = (
    ("Jack", "Jake", "M", "M"),
    ("Ella", "Ellie", "F", "F"),
    ("Amelia", "Emilia", "F", "F"),
    ("Leo", "Leon", "M", "M"),
    ("Harry", "Harvey", "M", "M"),
    ("Mia", "Maya", "F", "F"),
    ("Evie", "Eva", "F", "F"),
    ("Ruby", "Rosie", "F", "F"),
    ("Isaac", "Isaiah", "M", "M"),
    ("Oliver", "Olivia", "M", "F"),
    ("Louis", "Louise", "M", "F"),
    ("Daniel", "Danielle", "M", "F"),
    ("Lily", "Lola", "F", "F"),
    ("Charlie", "Charlotte", "M", "F"),
    ("Freddie", "Frankie", "M", "M"),
    ("Alfie", "Archie", "M", "M"),
    ("Jayden", "Jaden", "M", "M"),
    ("Kayla", "Kiara", "F", "F"),
)
TWIN_SIMILAR_MUSLIM = (
    ("Hassan", "Hussain", "M", "M"),
    ("Hasan", "Husain", "M", "M"),
    ("Amir", "Amira", "M", "F"),
    ("Safa", "Marwa", "F", "F"),
    ("Zain", "Zara", "M", "F"),
    ("Rayyan", "Rehan", "M", "M"),
    ("Ibrahim", "Ismail", "M", "M"),
    ("Maryam", "Mariya", "F", "F"),
    ("Adam", "Adan", "M", "M"),
)

# ---------------------------------------------------------------------------------------------
# Subgroups (naming traditions) within each ethnicity group, with shares, and the share of
# their children recorded under a single name.
SUBGROUPS = (
    (("EN", 1.0),),
    (("PL", 0.45), ("RO", 0.25), ("LT", 0.12), ("PT", 0.18)),
    (("PK", 0.48), ("BD", 0.12), ("SK", 0.16), ("HI", 0.24)),
    (("CA", 0.30), ("SO", 0.25), ("NG", 0.30), ("GH", 0.15)),
    (),  # Mixed: see MIXED_SURNAME_SUBS and MIXED_FORENAME_SUBS
    (("MA", 0.6), ("CN", 0.4)),
    (("AR", 0.55), ("KU", 0.2), ("AF", 0.25)),
)
MIXED_SURNAME_SUBS = (
    ("EN", 0.55),
    ("CA", 0.15),
    ("PK", 0.06),
    ("NG", 0.07),
    ("HI", 0.03),
    ("SK", 0.02),
    ("BD", 0.02),
    ("SO", 0.03),
    ("MA", 0.02),
    ("AR", 0.03),
    ("PL", 0.02),
)
# Draws of a child's name before one that no older sibling has is taken (practically never
# exhausted: the forename pools are large).
SIBLING_NAME_ATTEMPTS = 30
MIXED_FORENAME_SUBS = (("EN", 0.6), ("CA", 0.2), ("PK", 0.08), ("NG", 0.06), ("AR", 0.06))
MONONYM_RATE = {
    "EN": 0.003, "CA": 0.003, "PL": 0.002, "RO": 0.002, "LT": 0.002, "PT": 0.002, "PK": 0.004,
    "BD": 0.006, "SK": 0.004, "HI": 0.008, "SO": 0.015, "NG": 0.004, "GH": 0.004, "MA": 0.003,
    "CN": 0.003, "AR": 0.02, "KU": 0.05, "AF": 0.08,
}  # fmt: skip
# Chance that a record holds a recording variant of the child's naming convention (when the
# child's names have variants at all), on top of the record's other corruptions.
VARIANT_SHARE = {
    "english": 0.03, "double_barrelled": 0.15, "diacritics": 0.2, "gender_form": 0.15,
    "compound_surname": 0.2, "european": 0.08, "transliteration": 0.18, "compound_given": 0.25,
    "south_asian": 0.08, "sikh": 0.25, "variable_surname": 0.25, "patronymic": 0.28,
    "dual_name": 0.22, "long_name": 0.1, "west_african": 0.08, "day_name": 0.22,
    "family_first": 0.18, "al_prefix": 0.25, "arabic": 0.15, "mononym": 0.3,
}  # fmt: skip

# ---------------------------------------------------------------------------------------------
# Records: records per child by deprivation quintile (1 ... 6 records), the number of
# corruption slots of a child's first record and of further records, and extra slots for
# deprived households.
RECORDS_PER_CHILD = (
    (0.34, 0.35, 0.16, 0.09, 0.04, 0.02),
    (0.37, 0.345, 0.15, 0.08, 0.038, 0.017),
    (0.40, 0.34, 0.14, 0.07, 0.035, 0.015),
    (0.43, 0.335, 0.13, 0.062, 0.03, 0.013),
    (0.46, 0.33, 0.12, 0.055, 0.025, 0.01),
)
SLOTS_FIRST = (0.79, 0.17, 0.033, 0.006, 0.001)
SLOTS_LATER = (0.65, 0.27, 0.063, 0.015, 0.002)
EXTRA_SLOT = (0.10, 0.05, 0.02, 0.01, 0.0)
# Per quintile: moves and missing identifiers are more common in deprived households.
DEPRIVATION_FACTOR = (1.6, 1.3, 1.0, 0.8, 0.65)
P_UPN_EDUCATION = (0.80, 0.85, 0.89, 0.91, 0.93)
P_NHS_EDUCATION = 0.06
P_NHS_HEALTH = (0.90, 0.93, 0.95, 0.96, 0.97)
P_SEX_MISSING = (0.01, 0.01, 0.002)  # by source
P_ICB_FOLDS_DIACRITICS = 0.7
P_COUNTY_DMY_DATES = 0.12
P_CITY_POSTCODE_NO_SPACE = 0.08
COUNTY_FORENAME_WIDTH = 12

FN, SN, NAME, DOB, SEX, PC, UPN, NHS = range(8)
# Corruption kinds: label, field, weight, stage of application (0 replace, 1 edit, 2 swap,
# 3 blank), and whether the weight grows with deprivation (DEPRIVATION_FACTOR).
KINDS = (
    ("forename:keyboard", FN, 4.2, 1, False),
    ("forename:ocr", FN, 1.0, 1, False),
    ("forename:phonetic", FN, 1.9, 1, False),
    ("forename:missing", FN, 0.8, 3, False),
    ("forename:truncate", FN, 1.0, 1, False),
    ("forename:initial", FN, 0.8, 1, False),
    ("forename:nickname", FN, 3.0, 0, False),
    ("forename:placeholder", FN, 0.4, 0, False),
    ("surname:keyboard", SN, 3.4, 1, False),
    ("surname:ocr", SN, 0.9, 1, False),
    ("surname:phonetic", SN, 1.7, 1, False),
    ("surname:missing", SN, 0.7, 3, False),
    ("surname:truncate", SN, 0.7, 1, False),
    ("surname:changed", SN, 2.0, 0, False),
    ("name:swapped", NAME, 1.5, 2, False),
    ("dob:missing", DOB, 0.5, 3, False),
    ("dob:day_month", DOB, 1.0, 1, False),
    ("dob:invalid", DOB, 0.7, 1, False),
    ("dob:digit", DOB, 1.2, 1, False),
    ("dob:year", DOB, 0.6, 1, False),
    ("sex:missing", SEX, 1.5, 3, False),
    ("sex:wrong", SEX, 0.6, 1, False),
    ("postcode:moved", PC, 14.0, 0, True),
    ("postcode:typo", PC, 4.0, 1, False),
    ("postcode:missing", PC, 4.0, 3, False),
    ("upn:missing", UPN, 5.0, 3, True),
    ("upn:digit", UPN, 2.0, 1, False),
    ("upn:transposed", UPN, 1.5, 1, False),
    ("upn:wrong", UPN, 0.4, 0, False),
    ("nhs_number:missing", NHS, 5.0, 3, True),
    ("nhs_number:digit", NHS, 2.0, 1, False),
    ("nhs_number:transposed", NHS, 1.5, 1, False),
    ("nhs_number:wrong", NHS, 0.4, 0, False),
)
K = {label: i for i, (label, *_rest) in enumerate(KINDS)}

QWERTY = {
    "q": "wa", "w": "qeas", "e": "wrsd", "r": "etdf", "t": "ryfg", "y": "tugh", "u": "yihj",
    "i": "uojk", "o": "ipkl", "p": "ol", "a": "qwsz", "s": "awedxz", "d": "serfcx",
    "f": "drtgvc", "g": "ftyhbv", "h": "gyujnb", "j": "huikmn", "k": "jiolm", "l": "kop",
    "z": "asx", "x": "zsdc", "c": "xdfv", "v": "cfgb", "b": "vghn", "n": "bhjm", "m": "njk",
}  # fmt: skip
OCR_SUBS = (
    ("O", "0"), ("o", "0"), ("I", "1"), ("I", "l"), ("l", "1"), ("l", "I"), ("i", "1"),
    ("S", "5"), ("s", "5"), ("B", "8"), ("Z", "2"), ("G", "6"), ("g", "q"), ("rn", "m"),
    ("m", "rn"), ("cl", "d"), ("d", "cl"), ("e", "c"), ("h", "b"), ("n", "ri"), ("u", "v"),
    ("w", "vv"),
)  # fmt: skip
PHONETIC_SUBS = (
    ("ph", "f"), ("f", "ph"), ("ck", "k"), ("ie", "y"), ("y", "ie"), ("ey", "y"), ("c", "k"),
    ("k", "c"), ("z", "s"), ("s", "z"), ("ou", "u"), ("u", "ou"), ("ll", "l"), ("nn", "n"),
    ("tt", "t"), ("ss", "s"), ("mm", "m"), ("rr", "r"), ("dd", "d"), ("l", "ll"), ("n", "nn"),
    ("t", "tt"), ("ee", "i"), ("ea", "ee"), ("oo", "u"), ("th", "t"), ("ah", "a"), ("ai", "ay"),
    ("ay", "ai"), ("ks", "x"), ("x", "ks"), ("q", "k"), ("v", "w"), ("i", "y"), ("ae", "e"),
)  # fmt: skip
FOLD_SPECIAL = str.maketrans({"Ł": "L", "ł": "l", "Ø": "O", "ø": "o", "ß": "ss", "Đ": "D"})
FOLD_ALTERNATIVE = str.maketrans(
    {
        "ș": "sh", "ş": "sh", "Ș": "Sh", "Ş": "Sh", "ț": "ts", "ţ": "ts", "Ț": "Ts", "Ţ": "Ts",
        "č": "ch", "Č": "Ch", "š": "sh", "Š": "Sh", "ž": "zh", "Ž": "Zh", "ą": "on", "ę": "en",
        "ã": "an", "õ": "on",
    }
)  # fmt: skip
COMMA_TO_CEDILLA = str.maketrans({"ș": "ş", "Ș": "Ş", "ț": "ţ", "Ț": "Ţ"})
MONTH_DAYS = (31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)


# ---------------------------------------------------------------------------------------------
class Stream:
    """Uniform draws from a numpy Generator, buffered for cheap use inside Python loops."""

    __slots__ = ("_rng", "_buf", "_i")

    def __init__(self, rng: np.random.Generator) -> None:
        self._rng = rng
        self._buf: list[float] = []
        self._i = 0

    def random(self) -> float:
        i = self._i
        if i >= len(self._buf):
            self._buf = self._rng.random(1 << 18).tolist()
            i = 0
        self._i = i + 1
        return self._buf[i]

    def below(self, n: int) -> int:
        v = int(self.random() * n)
        return v if v < n else n - 1

    def choice(self, seq):
        return seq[self.below(len(seq))]

    def chance(self, p: float) -> bool:
        return self.random() < p

    def pick(self, cum: list[float]) -> int:
        i = bisect_right(cum, self.random() * cum[-1])
        return i if i < len(cum) else len(cum) - 1


def cumulative(weights) -> list[float]:
    return list(accumulate(float(w) for w in weights))


def zipf_weights(n: int, zipf: float, offset: float, knee: int, tail_zipf: float) -> list[float]:
    """Popularity by rank r: (r + offset) ** -zipf up to the knee, then falling with the
    steeper tail_zipf, so that a long tail of rare names follows the common ones."""
    at_knee = knee + offset
    head = at_knee**-zipf
    return [
        (r + offset) ** -zipf if r < knee else head * ((r + offset) / at_knee) ** -tail_zipf
        for r in range(n)
    ]


def parse_names(text: str) -> list[tuple[str, ...]]:
    return [tuple(v.replace("_", " ") for v in e.split("|")) for e in text.split()]


class Pool:
    """Names with Zipf-like popularity; an entry is a tuple of spellings of one name. The core
    list (real names, commonest first) is followed by a generated tail of rarer names; an entry
    whose first spelling is a spelling of an earlier entry is dropped."""

    __slots__ = ("entries", "cum", "p_first")

    def __init__(
        self,
        text: str,
        tail=(),
        zipf: float = 0.8,
        offset: float = 4.0,
        knee: int = 100,
        tail_zipf: float = 1.3,
        p_first: float = 0.6,
    ) -> None:
        seen: set[str] = set()
        entries = []
        for e in chain(parse_names(text), tail):
            if e[0] in seen:
                continue
            seen.update(e)
            entries.append(e)
        self.entries = tuple(entries)
        self.cum = cumulative(zipf_weights(len(entries), zipf, offset, knee, tail_zipf))
        self.p_first = p_first

    def entry(self, s: Stream) -> tuple[str, ...]:
        return self.entries[s.pick(self.cum)]

    def name(self, s: Stream) -> tuple[str, tuple]:
        return spelling(self.entry(s), s, self.p_first)


def squash(x: str) -> str:
    return x.lower().replace(" ", "").replace("-", "").replace("'", "")


def spelling(entry: tuple[str, ...], s: Stream, p_first: float = 0.6) -> tuple[str, tuple]:
    """The child's spelling of a name and the other spellings as (value, kind) variants."""
    if len(entry) == 1:
        return entry[0], ()
    canon = entry[0] if s.chance(p_first) else entry[s.below(len(entry))]
    return canon, tuple(
        (v, "compound" if squash(v) == squash(canon) else "transliteration")
        for v in entry
        if v != canon
    )


def compound_variants(name: str) -> tuple:
    """A forename of several parts: first part, last part, joined and hyphenated forms."""
    parts = name.replace("-", " ").split()
    if len(parts) < 2:
        return ()
    return (
        (parts[0], "compound"),
        (parts[-1], "compound"),
        ("".join(parts), "compound"),
        ("-".join(parts), "compound"),
    )


def fold(x: str) -> str:
    return "".join(
        c
        for c in unicodedata.normalize("NFKD", x.translate(FOLD_SPECIAL))
        if not unicodedata.combining(c)
    )


def diacritic_variants(x: str | None, s: Stream) -> tuple:
    """Folded, alternatively folded, damaged and mis-decoded forms of a name with diacritics."""
    if x is None or x.isascii():
        return ()
    std = fold(x)
    out = [(std, "diacritics")] * 4
    alt = fold(x.translate(FOLD_ALTERNATIVE))
    if alt != std:
        out.append((alt, "diacritics"))
    if s.chance(0.5):
        out.append(("".join(c for c in x if c.isascii()), "encoding"))
    else:
        out.append(("".join(c if c.isascii() else "?" for c in x), "encoding"))
    out.append((x.encode("utf-8").decode("cp1252", errors="replace"), "encoding"))
    cedilla = x.translate(COMMA_TO_CEDILLA)
    if cedilla != x:
        out.append((cedilla, "encoding"))
    return tuple(out)


def weighted_code(s: Stream, table) -> str:
    return table[s.pick(cumulative(w for _, w in table))][0]


# ---------------------------------------------------------------------------------------------
# Long tails of rarer names, built deterministically from each tradition's stems and affixes.
# Each generator returns (entry, priority) pairs; ranked() orders them by priority (lower is
# commoner) with a fixed jitter, so that respellings of popular names come before coinages.

TRIPLE = re.compile(r"(.)\1\1")
VOWELS = frozenset("aeiouyąęóėūį")
# Respellings of English and Caribbean forenames (Jaden/Jayden, Lily/Lilly, Sophie/Sofie ...).
RESPELL = tuple(
    (re.compile(a), b)
    for a, b in (
        (r"ie$", "y"), (r"ie$", "ey"), (r"ie$", "i"), (r"(?<=[^aeo])y$", "ie"), (r"y$", "ey"),
        (r"ey$", "y"), (r"ey$", "ie"), (r"^C(?=[aou])", "K"), (r"^K(?=[aou])", "C"),
        (r"ph", "f"), (r"ck", "k"), (r"(?<=[^aeiou])y(?=[^aeiou])", "i"),
        (r"(?<=[^aeiou])i(?=[^aeiou])", "y"), (r"ll", "l"), (r"(?<=[aeiou])l(?=[aeiouy])", "ll"),
        (r"nn", "n"), (r"(?<=[aeiou])n(?=[aeiy])", "nn"), (r"tt", "t"), (r"rr", "r"),
        (r"ss", "s"), (r"ai", "ay"), (r"ay", "ai"), (r"ay", "ae"), (r"(?<=..)an$", "en"),
        (r"(?<=..)en$", "an"), (r"(?<=..)on$", "en"), (r"(?<=..)en$", "on"), (r"yn$", "in"),
        (r"lyn$", "lynn"), (r"(?<=[^h])a$", "ah"), (r"ah$", "a"), (r"x", "ks"), (r"cks", "x"),
        (r"ee", "ea"), (r"leigh$", "ley"), (r"ley$", "lee"), (r"ley$", "leigh"),
        (r"lee$", "leigh"), (r"elle$", "el"), (r"(?<=[^e])el$", "elle"), (r"ia$", "ya"),
        (r"ya$", "ia"), (r"ei", "ey"), (r"ie(?=.)", "y"),
    )
)  # fmt: skip


def ranked(pairs, seed: int) -> list[tuple[str, ...]]:
    """Entries ordered by priority plus a jitter from a fixed generator."""
    jitter = np.random.default_rng(seed).random(len(pairs)).tolist()
    order = sorted(range(len(pairs)), key=lambda i: (pairs[i][1] + jitter[i], i))
    return [pairs[i][0] for i in order]


def plausible(name: str, lo: int = 3, hi: int = 13) -> bool:
    low = name.lower()
    return lo <= len(name) <= hi and not TRIPLE.search(low) and "yy" not in low and "ii" not in low


def join_en(stem: str, ending: str) -> str:
    """An English stem and ending: Hat + er is Hatter, Stone + ing is Stoning."""
    if ending[0] in "aeiou":
        if stem[-1] == "e":
            stem = stem[:-1]
        elif len(stem) <= 3 and stem[-1] not in "aeiouwxyh" and stem[-2] in "aeiou":
            stem += stem[-1]
    return TRIPLE.sub(r"\1\1", stem + ending)


def join_elide(stem: str, ending: str) -> str:
    """Vowel meets vowel: the stem's last vowel goes (Anu + ika is Anika, Mahe + esh Mahesh)."""
    if stem[-1] in "aeiou" and ending[0] in "aeiou":
        stem = stem[:-1]
    return stem + ending


def join_plain(stem: str, ending: str) -> str:
    """Stem and ending joined, a doubled vowel written once (Oluwa + ayo is Oluwayo)."""
    return stem + (ending[1:] if stem[-1] == ending[0] else ending)


def english_surname_tail() -> list[tuple[str, ...]]:
    pairs = []
    ends = list(dict.fromkeys(N.EN_SURNAME_ENDINGS.split()))
    for st in N.EN_SURNAME_STEMS.split():
        y_form = st[0] + st[1:].replace("i", "y", 1) if "i" in st[1:] else None
        for en in ends:
            pairs.append(((join_en(st, en),), 0.0))
            if y_form is not None:
                pairs.append(((join_en(y_form, en),), 0.4))  # Hylton, Byngham
        for en in N.EN_SURNAME_ING_ENDINGS.split():
            pairs.append(((join_en(join_en(st, "ing"), en),), 0.3))  # Billingham, Addington
    for root in N.EN_PATRONYMIC_ROOTS.split():
        for en in N.EN_PATRONYMIC_ENDINGS.split():
            pairs.append(((join_en(root, en),), -0.2))
    for root in N.GAELIC_ROOTS.split():
        pairs.append(((f"Mc{root}",), -0.3))
        pairs.append(((f"Mac{root}",), 0.1))
    for root in N.IRISH_O_ROOTS.split():
        pairs.append(((f"O'{root}",), -0.3))
    pairs = [(e, k) for e, k in pairs if plausible(e[0], 4, 14)]
    return ranked(pairs, 101)


def forename_tail(core: str, other: str, onsets: str, endings: str, hyphen: str, seed: int):
    """Respellings of the core names, hyphenated pairs (Lily-Mae, Alfie-Jay) and coinages."""
    names = [e[0] for e in parse_names(core)]
    banned = {v for e in parse_names(other) for v in e}
    n = len(names)
    pairs = []
    for k, name in enumerate(names):
        if " " in name or "-" in name:
            continue
        for pat, rep in RESPELL:
            v = pat.sub(rep, name, count=1)
            if v != name and plausible(v) and v[0].isupper():
                pairs.append(((v,), 0.3 + 1.5 * k / n))
        if hyphen and k < 150:
            for h in hyphen.split():
                if h != name:
                    pairs.append(((f"{name}-{h}",), 0.8 + 2 * k / n))
    for on in onsets.split():
        for en in endings.split():
            if on[-1] not in "aeiouy" and len(en) > 1 and not VOWELS.intersection(en[:2]):
                continue  # Bel + ssa
            v = join_elide(on, en)
            if plausible(v, 4, 10):
                pairs.append(((v,), 2.0))
    return ranked([(e, k) for e, k in pairs if e[0] not in banned], seed)


def stem_tail(
    stems: str, endings: str, seed: int, join=join_elide, skip=None, shortest: int = 4
) -> list:
    """Surnames or given names from stems and endings; an ending 'a|b' gives two spellings."""
    pairs = []
    for st in stems.split():
        for en in endings.split():
            if st.lower()[-3:] == en[:3] or (skip is not None and skip(st, en)):
                continue
            entry = tuple(join(st, alt) for alt in en.split("|"))
            if all(plausible(v, shortest, 16) for v in entry):
                pairs.append((entry, 0.0))
    return ranked(pairs, seed)


def polish_skip(stem: str, ending: str) -> bool:
    """Pairs that would not make a Polish surname (Lisski, Kowalaak ...)."""
    last = stem[-1]
    if last in VOWELS and last != "i" and ending[0] in VOWELS:
        return True
    if ending == "iński" and last in "nń" or ending == "ecki" and last in VOWELS:
        return True
    return ending == "ski" and last in "szkcgżł"


def vowel_clash(stem: str, ending: str) -> bool:
    return stem[-1] in VOWELS and ending[0] in VOWELS


def given_as_surname(*texts: str) -> list[tuple[str, ...]]:
    """Fathers' given names as family names (one word, with their spellings)."""
    return [e for text in texts for e in parse_names(text) if " " not in e[0]]


def compound_tail(stem_list: str, forms: tuple[str, ...], seed: int) -> list:
    """One-word compounds of a stem with each spelling form: Rahmatullah|Rahmatulla ..."""
    pairs = [(tuple(f.format(st, st.lower()) for f in forms), 0.0) for st in stem_list.split()]
    return ranked(pairs, seed)


def akan_compounds(text: str, top: int, seed: int) -> list:
    """Ghanaian double family names: Owusu-Ansah, Agyeman-Duah ..."""
    base = [e[0] for e in parse_names(text)][:top]
    pairs = [((f"{a}-{b}",), (i + j) / top) for i, a in enumerate(base) for j, b in enumerate(base)]
    return ranked([(e, k) for e, k in pairs if e[0].split("-")[0] != e[0].split("-")[1]], seed)


# ---------------------------------------------------------------------------------------------
# Name pools (built once at import). Forename curves give the commonest name of a sex about 2%
# and the top 100 about half of the children of a tradition (as in England's yearly baby-name
# lists); the English surname curve gives Smith about 1.4%, the top 100 about a fifth and the
# top 1,000 about half of White British families, with tens of thousands of rarer names.
EN_SURNAME_TAIL = english_surname_tail()
ABD_FORMS_SA = ("Abdul {0}", "Abdul{1}")
ABD_FORMS_AR = ("Abdul{1}", "Abdul {0}", "Abdel{1}", "Abd al-{0}")
FORENAME = dict(zipf=0.8, offset=6.0, knee=100, tail_zipf=1.3)
P = {
    "EN_M": Pool(
        N.EN_BOYS,
        forename_tail(N.EN_BOYS, N.EN_GIRLS, N.EN_BOY_ONSETS, N.EN_BOY_ENDINGS, N.EN_HYPHEN_M, 11),
        **FORENAME,
    ),
    "EN_F": Pool(
        N.EN_GIRLS,
        forename_tail(
            N.EN_GIRLS, N.EN_BOYS, N.EN_GIRL_ONSETS, N.EN_GIRL_ENDINGS, N.EN_HYPHEN_F, 12
        ),
        **FORENAME,
    ),
    "EN_MID_M": Pool(N.EN_MIDDLE_M, zipf=0.7),
    "EN_MID_F": Pool(N.EN_MIDDLE_F, zipf=0.7),
    "EN_S": Pool(N.EN_SURNAMES, EN_SURNAME_TAIL, zipf=0.62, offset=1.2, knee=400, tail_zipf=1.1),
    "CA_M": Pool(
        N.CA_BOYS,
        forename_tail(N.CA_BOYS, N.CA_GIRLS, N.CA_BOY_ONSETS, N.CA_BOY_ENDINGS, "", 13),
        **FORENAME,
    ),
    "CA_F": Pool(
        N.CA_GIRLS,
        forename_tail(N.CA_GIRLS, N.CA_BOYS, N.CA_GIRL_ONSETS, N.CA_GIRL_ENDINGS, "", 14),
        **FORENAME,
    ),
    "CA_S": Pool(
        N.CA_SURNAMES,
        parse_names(N.EN_SURNAMES) + EN_SURNAME_TAIL,
        zipf=0.75,
        knee=120,
        tail_zipf=1.1,
    ),
    "PL_M": Pool(N.PL_BOYS, zipf=0.9),
    "PL_F": Pool(N.PL_GIRLS, zipf=0.9),
    "PL_S": Pool(
        N.PL_SURNAMES,
        stem_tail(N.PL_SURNAME_STEMS, N.PL_SURNAME_ENDINGS, 21, skip=polish_skip),
        zipf=0.55,
        knee=150,
        tail_zipf=1.0,
    ),
    "RO_M": Pool(N.RO_BOYS, zipf=0.9),
    "RO_F": Pool(N.RO_GIRLS, zipf=0.9),
    "RO_S": Pool(
        N.RO_SURNAMES,
        stem_tail(N.RO_SURNAME_STEMS, N.RO_SURNAME_ENDINGS, 22, skip=vowel_clash),
        zipf=0.6,
        knee=100,
        tail_zipf=1.0,
    ),
    "LT_M": Pool(N.LT_BOYS, zipf=0.9),
    "LT_F": Pool(N.LT_GIRLS, zipf=0.9),
    "LT_S": Pool(
        N.LT_SURNAMES,
        stem_tail(N.LT_SURNAME_STEMS, N.LT_SURNAME_ENDINGS, 23, skip=vowel_clash),
        zipf=0.55,
        knee=50,
        tail_zipf=1.0,
    ),
    "PT_M": Pool(N.PT_BOYS, zipf=0.9),
    "PT_F": Pool(N.PT_GIRLS, zipf=0.9),
    "PT_S": Pool(N.PT_SURNAMES, zipf=1.0, offset=2.0),
    "MS_M": Pool(
        N.MS_BOYS,
        compound_tail(N.MS_ULLAH_STEMS, ("{0}ullah", "{0}ulla", "{0} Ullah"), 31)
        + compound_tail(N.MS_UDDIN_STEMS, ("{0}uddin", "{0} Uddin", "{0}-ud-Din", "{0}udin"), 32),
        zipf=0.85,
        knee=150,
        p_first=0.45,
    ),
    "MS_F": Pool(N.MS_GIRLS, zipf=0.85, knee=150, p_first=0.5),
    "ABD_M": Pool(
        N.ABD_BOYS, compound_tail(N.AR_ABD_ATTRIBUTES, ABD_FORMS_SA, 33), zipf=0.9, p_first=0.5
    ),
    "FCOMP": Pool(N.FEMALE_COMPOUNDS, p_first=0.5),
    "PK_S": Pool(N.PK_SURNAMES, given_as_surname(N.MS_BOYS), zipf=0.95, offset=2.0, p_first=0.55),
    "BD_M": Pool(N.BD_BOYS + " " + N.MS_BOYS, p_first=0.45),
    "BD_F": Pool(N.BD_GIRLS + " " + N.MS_GIRLS, p_first=0.5),
    "BD_S": Pool(N.BD_FAMILY, given_as_surname(N.BD_BOYS), zipf=0.9, offset=2.0, p_first=0.5),
    "SK_M": Pool(N.SK_BOYS, stem_tail(N.SK_STEMS, N.SK_ENDINGS_M, 41), **FORENAME),
    "SK_F": Pool(N.SK_GIRLS, stem_tail(N.SK_STEMS, N.SK_ENDINGS_F, 42), **FORENAME),
    "SK_S": Pool(N.SK_FAMILY, zipf=0.8, offset=3.0),
    "HI_M": Pool(
        N.HI_BOYS, stem_tail(N.HI_STEMS, N.HI_ENDINGS_M, 43, shortest=5), **FORENAME, p_first=0.65
    ),
    "HI_F": Pool(
        N.HI_GIRLS, stem_tail(N.HI_STEMS, N.HI_ENDINGS_F, 44, shortest=5), **FORENAME, p_first=0.65
    ),
    "HI_S": Pool(N.HI_SURNAMES, zipf=1.1, p_first=0.75),
    "SO_M": Pool(N.SO_BOYS, zipf=0.9, offset=3.0, p_first=0.8),
    "SO_F": Pool(N.SO_GIRLS, zipf=0.9, offset=3.0, p_first=0.8),
    "YO_M": Pool(
        N.YO_BOYS,
        stem_tail(N.YO_GIVEN_PREFIXES, N.YO_GIVEN_ROOTS_M, 51, join_plain),
        zipf=0.7,
        offset=5.0,
        knee=60,
        tail_zipf=1.1,
    ),
    "YO_F": Pool(
        N.YO_GIRLS,
        stem_tail(N.YO_GIVEN_PREFIXES, N.YO_GIVEN_ROOTS_F, 52, join_plain),
        zipf=0.7,
        offset=5.0,
        knee=60,
        tail_zipf=1.1,
    ),
    "IG_M": Pool(
        N.IG_BOYS,
        stem_tail(N.IG_GIVEN_PREFIXES_M, N.IG_GIVEN_ROOTS, 53, join_plain),
        zipf=0.7,
        offset=5.0,
        knee=50,
        tail_zipf=1.1,
    ),
    "IG_F": Pool(
        N.IG_GIRLS,
        stem_tail(N.IG_GIVEN_PREFIXES_F, N.IG_GIVEN_ROOTS, 54, join_plain),
        zipf=0.7,
        offset=5.0,
        knee=50,
        tail_zipf=1.1,
    ),
    "AFR_M": Pool(N.AF_BOYS),
    "AFR_F": Pool(N.AF_GIRLS),
    "YO_S": Pool(
        N.YO_SURNAMES,
        stem_tail(N.YO_SURNAME_PREFIXES, N.YO_SURNAME_ROOTS, 55, join_plain),
        zipf=0.6,
        knee=80,
        tail_zipf=1.0,
    ),
    "IG_S": Pool(
        N.IG_SURNAMES,
        stem_tail(N.IG_SURNAME_PREFIXES, N.IG_SURNAME_ROOTS, 56, join_plain),
        zipf=0.6,
        knee=70,
        tail_zipf=1.0,
    ),
    "GH_S": Pool(
        N.GH_SURNAMES,
        akan_compounds(N.GH_SURNAMES, 40, 57),
        zipf=0.8,
        offset=3.0,
        knee=100,
        tail_zipf=1.2,
    ),
    "MA_S": Pool(N.MA_SURNAMES, zipf=1.1),
    "CN_S": Pool(N.CN_SURNAMES, zipf=1.1),
    "MA_SYL_M": Pool(N.MA_SYLLABLES_M, zipf=0.4),
    "MA_SYL_F": Pool(N.MA_SYLLABLES_F, zipf=0.4),
    "CN_SYL_M": Pool(N.CN_SYLLABLES_M, zipf=0.4),
    "CN_SYL_F": Pool(N.CN_SYLLABLES_F, zipf=0.4),
    "CH_EN_M": Pool(N.CH_ENGLISH_M, zipf=0.7),
    "CH_EN_F": Pool(N.CH_ENGLISH_F, zipf=0.7),
    "AR_M": Pool(
        N.AR_BOYS, compound_tail(N.AR_ABD_ATTRIBUTES, ABD_FORMS_AR, 61), **FORENAME, p_first=0.5
    ),
    "AR_F": Pool(N.AR_GIRLS, zipf=0.8, p_first=0.5),
    "AL_B": Pool(N.AL_BASES, zipf=0.8),
    "AR_S": Pool(
        N.AR_SURNAMES, given_as_surname(N.AR_BOYS), zipf=0.8, knee=100, tail_zipf=1.2, p_first=0.55
    ),
    "KU_M": Pool(N.KU_BOYS, zipf=0.8),
    "KU_F": Pool(N.KU_GIRLS, zipf=0.8),
    "KU_S": Pool(N.KU_SURNAMES, given_as_surname(N.KU_BOYS), zipf=0.8, knee=60, tail_zipf=1.2),
    "AF_M": Pool(N.AF_AFGHAN_BOYS, zipf=0.8, p_first=0.55),
    "AF_F": Pool(N.AF_AFGHAN_GIRLS, zipf=0.8, p_first=0.55),
    "AF_S": Pool(
        N.AFG_SURNAMES,
        given_as_surname(N.AF_AFGHAN_BOYS),
        zipf=0.8,
        knee=70,
        tail_zipf=1.2,
        p_first=0.6,
    ),
}


def sexed(prefix: str, male: bool) -> Pool:
    return P[f"{prefix}_{'M' if male else 'F'}"]


# ---------------------------------------------------------------------------------------------
# Families and children's names. A child's name is (forename, surname, forename variants,
# surname variants, whole-name variants, convention); variants are (value, kind) pairs, and
# whole-name variants (forename, surname, kind).


def lt_feminine(base: str) -> tuple[str, str]:
    """A Lithuanian surname's unmarried female form and the mother's (married) form."""
    for ending, daughter, mother in (
        ("ius", "iūtė", "ienė"),
        ("as", "aitė", "ienė"),
        ("is", "ytė", "ienė"),
        ("us", "utė", "uvienė"),
    ):
        if base.endswith(ending):
            stem = base[: -len(ending)]
            return stem + daughter, stem + mother
    return base, base


def make_family(sub: str, s: Stream) -> dict:
    f: dict = {"sub": sub}
    if sub in ("EN", "CA"):
        pool = P["CA_S"] if sub == "CA" and s.chance(0.8) else P["EN_S"]
        a = pool.entry(s)[0]
        f["sn"], f["svar"], f["dbl"] = a, (), False
        if s.chance(0.04 if sub == "EN" else 0.03):
            b = P["EN_S"].entry(s)[0]
            if b != a:
                f["sn"], f["dbl"] = f"{a}-{b}", True
                f["svar"] = (
                    (f"{a} {b}", "compound"),
                    (a, "double_barrelled"),
                    (b, "double_barrelled"),
                    (b, "double_barrelled"),
                    (f"{a}{b}", "compound"),
                )
    elif sub in ("PL", "RO", "LT"):
        f["base"] = P[f"{sub}_S"].entry(s)[0]
    elif sub == "PT":
        a, b = P["PT_S"].entry(s)[0], P["PT_S"].entry(s)[0]
        f["sn"], f["svar"] = b, ()
        if a != b and s.chance(0.75):
            f["sn"] = f"{a} {b}"
            f["svar"] = (
                (b, "compound"),
                (b, "compound"),
                (b, "compound"),
                (a, "compound"),
                (f"{a}-{b}", "compound"),
            )
    elif sub in ("PK", "HI"):
        f["sn"], f["svar"] = P[f"{sub}_S"].name(s)
        f["prefix"] = MUHAMMAD[s.below(len(MUHAMMAD))]
        if sub == "HI" and s.chance(0.4):
            f["father"] = P["HI_M"].entry(s)[0]
    elif sub == "BD":
        f["family"], f["family_var"] = P["BD_S"].name(s)
        f["father"] = P["MS_M"].entry(s)[0]
        f["prefix"] = MUHAMMAD[s.below(len(MUHAMMAD))]
    elif sub == "SK":
        f["family"] = P["SK_S"].entry(s)[0]
        r = s.random()
        f["style"] = "singh_kaur" if r < 0.4 else ("family" if r < 0.85 else "both")
    elif sub == "SO":
        f["father"], f["father_var"] = P["SO_M"].name(s)
        f["grandfather"], f["gf_var"] = P["SO_M"].name(s)
        r = s.random()
        f["style"] = "father" if r < 0.4 else ("grandfather" if r < 0.75 else "both")
    elif sub == "NG":
        f["tribe"] = "YO" if s.chance(0.6) else "IG"
        f["sn"] = P[f"{f['tribe']}_S"].entry(s)[0]
    elif sub == "GH":
        f["sn"] = P["GH_S"].entry(s)[0]
    elif sub in ("MA", "CN"):
        f["sn"] = P[f"{sub}_S"].entry(s)[0]
    elif sub == "AR":
        if s.chance(0.45):
            base = P["AL_B"].entry(s)[0]
            style = s.pick(cumulative(AL_STYLE_WEIGHTS))
            f["al"] = True
            f["sn"] = AL_STYLES[style].format(base)
            f["svar"] = tuple(
                (AL_STYLES[i].format(base), "prefix") for i in range(len(AL_STYLES)) if i != style
            ) + ((base, "prefix"),)
        else:
            f["al"] = False
            f["sn"], f["svar"] = P["AR_S"].name(s)
    elif sub in ("KU", "AF"):
        father, _ = P[f"{sub}_M"].name(s)
        family, family_var = P[f"{sub}_S"].name(s)
        f["patronymic"] = s.chance(0.45)
        if f["patronymic"]:
            f["sn"], f["svar"] = father, ((family, "patronymic"),)
        else:
            f["sn"], f["svar"] = family, family_var + ((father, "patronymic"),)
    return f


def english_child(f: dict, male: bool, s: Stream, caribbean: bool) -> tuple:
    pool = sexed("CA", male) if caribbean and s.chance(0.6) else sexed("EN", male)
    fn = pool.entry(s)[0]
    # A hyphenated forename (Lily-Mae) may be recorded as two names, one or run together.
    fvar: tuple = tuple(v for v in compound_variants(fn) if v[0] != fn) if "-" in fn else ()
    if s.chance(0.6 if caribbean else 0.72):
        # Middle names: the usual ones, or any forename.
        mid = sexed("EN_MID" if s.chance(0.7) else "EN", male).entry(s)[0]
        if mid != fn:
            fvar += ((f"{fn} {mid}", "middle_name"),)
    conv = "double_barrelled" if f["dbl"] else "english"
    return fn, f["sn"], fvar, f["svar"], (), conv


def muslim_given(f: dict, male: bool, s: Stream, sub: str) -> tuple[str, tuple, bool]:
    """A South Asian Muslim forename: single (with spellings) or compound."""
    if male:
        r = s.random()
        if sub == "BD" and r < 0.3:
            fn, var = P["ABD_M"].name(s)
            return fn, var + compound_variants(fn), True
        if r < (0.55 if sub == "BD" else 0.35):
            second, svar = P["MS_M"].name(s)
            if second in MUHAMMAD or second in ("Mohamed", "Muhammed"):
                second, svar = "Ali", ()
            prefix = f["prefix"]
            fn = f"{prefix} {second}"
            var = (
                (second, "compound"),
                (second, "compound"),
                (prefix, "compound"),
                (f"{prefix}{second}", "compound"),
                (f"{prefix}-{second}", "compound"),
            )
            var += tuple((f"{p} {second}", "transliteration") for p in MUHAMMAD if p != prefix)[:2]
            var += tuple((f"{prefix} {v}", k) for v, k in svar)
            if sub == "BD":
                var += ((f"Md {second}", "abbreviation"), (f"Md. {second}", "abbreviation"))
            return fn, var, True
        fn, var = sexed(sub if sub == "BD" else "MS", male).name(s)
        return fn, var, False
    if s.chance(0.15):
        fn, var = P["FCOMP"].name(s)
        return fn, var + compound_variants(fn), True
    fn, var = sexed(sub if sub == "BD" else "MS", male).name(s)
    return fn, var, False


def child_name(f: dict, male: bool, weekday: int, s: Stream) -> tuple:
    sub = f["sub"]
    if sub in ("EN", "CA"):
        return english_child(f, male, s, sub == "CA")
    if sub in ("PL", "RO", "LT", "PT"):
        fn = sexed(sub, male).entry(s)[0]
        fvar = compound_variants(fn) if " " in fn else ()
        svar: tuple = ()
        gendered = False
        if sub == "PT":
            sn, svar = f["sn"], f["svar"]
        else:
            sn = f["base"]
            if not male and sub == "PL" and sn.endswith("ki"):
                sn, svar, gendered = sn[:-1] + "a", ((sn, "gender_form"),), True
            elif not male and sub == "LT":
                daughter, mother = lt_feminine(sn)
                sn, svar = daughter, ((sn, "gender_form"), (mother, "gender_form"))
                gendered = True
        fvar += diacritic_variants(fn, s)
        svar += diacritic_variants(sn, s)
        if sub == "PT" and " " in sn:
            conv = "compound_surname"
        elif not (fn.isascii() and sn.isascii()):
            conv = "diacritics"
        else:
            conv = "gender_form" if gendered else "european"
        return fn, sn, fvar, svar, (), conv
    if sub == "PK":
        fn, fvar, compound = muslim_given(f, male, s, sub)
        sn, svar = f["sn"], f["svar"]
        nvar: tuple = ()
        if compound and male:
            first, _, rest = fn.partition(" ")
            nvar = ((first, f"{rest} {sn}", "compound"),)
        conv = "compound_given" if compound else ("transliteration" if fvar or svar else "")
        return fn, sn, fvar, svar, nvar, conv or "south_asian"
    if sub == "BD":
        fn, fvar, compound = muslim_given(f, male, s, sub)
        family, father = f["family"], f["father"]
        if male:
            r = s.random()
            sn = family if r < 0.65 else (father if r < 0.85 else s.choice(("Uddin", "Miah")))
        else:
            r = s.random()
            title = spelling(s.choice(BD_TITLES), s)[0]
            sn = title if r < 0.5 else (family if r < 0.9 else father)
        options = [(family, "family_name"), (father, "family_name")] + list(f["family_var"])
        if not male:
            options.append(("Begum", "family_name"))
        svar = tuple(o for o in options if o[0] != sn)
        return fn, sn, fvar, svar, (), "variable_surname"
    if sub == "SK":
        fn, fvar = sexed("SK", male).name(s)
        sk = "Singh" if male else "Kaur"
        family, style = f["family"], f["style"]
        sn = sk if style == "singh_kaur" else (family if style == "family" else f"{sk} {family}")
        options = (family, sk, f"{sk} {family}", f"{sk}-{family}")
        svar = tuple((o, "sikh_name") for o in options if o != sn)
        fvar += ((f"{fn} {sk}", "sikh_name"),)
        return fn, sn, fvar, svar, (), "sikh"
    if sub == "HI":
        fn, fvar = sexed("HI", male).name(s)
        if "father" in f:
            fvar += ((f"{fn} {f['father']}", "middle_name"),)
        sn, svar = f["sn"], f["svar"]
        return fn, sn, fvar, svar, (), "transliteration" if svar or len(fvar) > 1 else "south_asian"
    if sub == "SO":
        fn, fvar = sexed("SO", male).name(s)
        father, gf = f["father"], f["grandfather"]
        styles = {"father": father, "grandfather": gf, "both": f"{father} {gf}"}
        sn = styles[f["style"]]
        svar = tuple((v, "patronymic") for k, v in styles.items() if k != f["style"])
        if f["style"] == "father":
            svar += tuple((v, k) for v, k in f["father_var"])
        elif f["style"] == "grandfather":
            svar += tuple((v, k) for v, k in f["gf_var"])
        fvar += ((f"{fn} {father}", "patronymic"),)
        nvar = ((f"{fn} {father}", gf, "patronymic"), (fn, f"{father} {gf}", "patronymic"))
        return fn, sn, fvar, svar, nvar, "patronymic"
    if sub == "NG":
        native = sexed(f["tribe"], male).entry(s)[0]
        english = sexed("AFR", male).entry(s)[0] if s.chance(0.65) else None
        if english is not None and s.chance(0.55):
            fn, mid = english, native
        else:
            fn, mid = native, english
        fvar: tuple = ()
        if mid is not None:
            fvar = ((mid, "other_name"), (f"{fn} {mid}", "middle_name"))
            conv = "dual_name"
        else:
            conv = "long_name" if len(native) >= 9 else "west_african"
        return fn, f["sn"], fvar, (), (), conv
    if sub == "GH":
        day_entry = (DAY_NAMES_M if male else DAY_NAMES_F)[weekday]
        day, day_var = spelling(day_entry, s, 0.75)
        english = sexed("AFR", male).entry(s)[0] if s.chance(0.85) else None
        if english is not None and s.chance(0.6):
            fn = english
            fvar = ((day, "other_name"), (f"{english} {day}", "middle_name"))
        else:
            fn = day
            fvar = day_var
            if english is not None:
                fvar += ((english, "other_name"), (f"{day} {english}", "middle_name"))
        return fn, f["sn"], fvar, (), (), "day_name"
    if sub in ("MA", "CN"):
        syl = sexed(f"{sub}_SYL", male)
        a = syl.entry(s)[0]
        b = syl.entry(s)[0] if s.chance(0.75 if sub == "MA" else 0.9) else None
        if b is None or b == a:
            given, gvar = a, ()
        elif sub == "MA":
            given = a + b.lower()
            gvar = ((f"{a} {b}", "compound"), (f"{a} {b}", "compound"), (f"{a}-{b}", "compound"))
        else:
            given = f"{a} {b}"
            gvar = ((f"{a}-{b}", "compound"), (a + b.lower(), "compound"))
        sn = f["sn"]
        english = (
            sexed("CH_EN", male).entry(s)[0] if s.chance(0.25 if sub == "MA" else 0.6) else None
        )
        if english is not None and s.chance(0.4 if sub == "MA" else 0.6):
            fn = english
            fvar = ((given, "adopted_name"), (f"{english} {given}", "middle_name"))
        else:
            fn = given
            fvar = gvar + (((english, "adopted_name"),) if english else ())
        nvar = ((sn, given, "order"), (sn, given, "order"), (f"{sn} {given}", sn, "order"))
        return fn, sn, fvar, (), nvar, "family_first"
    if sub == "AR":
        fn, fvar = sexed("AR", male).name(s)
        sn, svar = f["sn"], f["svar"]
        if f["al"]:
            conv = "al_prefix"
        elif any(k == "compound" for _, k in fvar):
            conv = "compound_given"
        else:
            conv = "transliteration" if fvar or svar else "arabic"
        return fn, sn, fvar, svar, (), conv
    # KU, AF
    fn, fvar = sexed(sub, male).name(s)
    conv = "patronymic" if f["patronymic"] else ("transliteration" if fvar else "arabic")
    return fn, f["sn"], fvar, f["svar"], (), conv


# Conventions that come from the forename, and those with no particular variants: a Mixed
# child whose forename comes from the other parent's tradition takes that forename's convention.
FORENAME_LED = frozenset(("dual_name", "long_name", "day_name", "compound_given"))
PLAIN_CONVENTIONS = frozenset(("english", "european", "south_asian", "west_african", "arabic"))


def mixed_convention(surname_side: tuple, forename_side: tuple) -> str:
    """The convention of a child named from two traditions: the surname's, unless only the
    forename carries one."""
    conv = surname_side[5]
    if conv not in FORENAME_LED and conv not in PLAIN_CONVENTIONS:
        return conv
    if forename_side[5] in FORENAME_LED:
        return forename_side[5]
    if any(kind == "transliteration" for _, kind in forename_side[2]):
        return "transliteration"
    if not forename_side[0].isascii():
        return "diacritics"
    return "english" if conv in FORENAME_LED else conv


def mononym(name: tuple) -> tuple:
    fn = name[0].split(" ")[0]
    return fn, None, (), (), ((None, fn, "mononym"), (fn, fn, "mononym")), "mononym"


# ---------------------------------------------------------------------------------------------
# Identifiers.


def unique_in_order(values: np.ndarray) -> np.ndarray:
    _, first = np.unique(values, return_index=True)
    return values[np.sort(first)]


def nhs_numbers(rng: np.random.Generator, n: int) -> list[str]:
    """Distinct 10-digit NHS numbers starting 9, with the modulus-11 check digit."""
    have = np.empty(0, dtype=np.int64)
    while have.size < n:
        m = int((n - have.size) * 1.2) + 64
        body = 900_000_000 + rng.integers(0, 100_000_000, m, dtype=np.int64)
        total = np.zeros(m, dtype=np.int64)
        for pos in range(9):  # digit pos (0 = leftmost) has weight 10 - pos
            digit = (body // 10 ** (8 - pos)) % 10
            total += digit * (10 - pos)
        check = 11 - total % 11
        check[check == 11] = 0
        ok = check != 10
        full = body[ok] * 10 + check[ok]
        have = unique_in_order(np.concatenate([have, full]))
    return [str(v) for v in have[:n].tolist()]


def nhs_check_ok(v: str) -> bool:
    if len(v) != 10 or not v.isdigit():
        return False
    check = 11 - sum(int(v[i]) * (10 - i) for i in range(9)) % 11
    return (0 if check == 11 else check) == int(v[9]) and check != 10


def upn_check_letter(body12: str) -> str:
    return UPN_LETTERS[sum(int(c) * (i + 2) for i, c in enumerate(body12)) % 23]


def upns(rng: np.random.Generator, la: np.ndarray, entry_year: np.ndarray) -> list[str]:
    """Distinct UPNs: check letter + LA + establishment + 2-digit year + serial."""
    n = la.size
    ranges = np.array(ESTABLISHMENT_RANGES)
    # Each local authority has a fixed set of establishments; children are spread over them.
    estabs = {}
    for code in (891, 892):
        r = ranges[rng.integers(0, len(ranges), 160)]
        estabs[code] = unique_in_order(rng.integers(r[:, 0], r[:, 1] + 1))
    est = np.empty(n, dtype=np.int64)
    for code, table in estabs.items():
        sel = la == code
        est[sel] = table[rng.integers(0, table.size, int(sel.sum()))]
    yy = np.clip(entry_year, 2000, 2024) % 100
    code = la * 10**9 + est * 10**5 + yy * 10**3 + rng.integers(0, 1000, n)
    while True:
        _, first = np.unique(code, return_index=True)
        dup = np.ones(n, dtype=bool)
        dup[first] = False
        if not dup.any():
            break
        code[dup] = (code[dup] // 1000) * 1000 + rng.integers(0, 1000, int(dup.sum()))
    total = np.zeros(n, dtype=np.int64)
    for pos in range(12):  # UPN positions 2..13 carry weights 2..13
        total += ((code // 10 ** (11 - pos)) % 10) * (pos + 2)
    letters = np.array(list(UPN_LETTERS))[total % 23]
    return [f"{c}{v:012d}" for c, v in zip(letters.tolist(), code.tolist(), strict=True)]


# ---------------------------------------------------------------------------------------------
# Postcodes.


def postcode_universe(rng: np.random.Generator, n_children: int):
    """Unit postcodes per district: (units, district start offsets, unit deprivation scores)."""
    weights = np.array([d[1] for d in DISTRICTS])
    share = weights / weights.sum()
    total = max(len(DISTRICTS) * 8, n_children // CHILDREN_PER_UNIT)
    units: list[str] = []
    starts = [0]
    scores = []
    for (district, _w, dep, _la, _aff, sectors), sh in zip(DISTRICTS, share, strict=True):
        capacity = len(sectors) * len(INWARD_LETTERS) ** 2
        k = int(min(capacity, max(8, round(total * sh))))
        idx = np.sort(rng.choice(capacity, size=k, replace=False))
        sector = idx // 400
        l1 = (idx // 20) % 20
        l2 = idx % 20
        for a, b, c in zip(sector.tolist(), l1.tolist(), l2.tolist(), strict=True):
            units.append(f"{district} {sectors[a]}{INWARD_LETTERS[b]}{INWARD_LETTERS[c]}")
        # Deprivation varies between sectors and between units of one sector.
        sector_score = dep + rng.normal(0.0, 0.6, len(sectors))
        scores.append(sector_score[sector] + rng.normal(0.0, 0.45, k))
        starts.append(len(units))
    return units, starts, np.concatenate(scores)


def postcode_typo(pc: str, s: Stream) -> str | None:
    outward, _, inward = pc.partition(" ")
    if len(inward) != 3:
        return None
    r = s.random()
    if r < 0.3 and inward[1] != inward[2]:
        return f"{outward} {inward[0]}{inward[2]}{inward[1]}"
    if r < 0.55:
        letter = s.choice(INWARD_LETTERS.replace(inward[2], ""))
        return f"{outward} {inward[:2]}{letter}"
    if r < 0.75:
        digit = s.choice("0123456789".replace(inward[0], ""))
        return f"{outward} {digit}{inward[1:]}"
    if r < 0.9:
        letters = outward.rstrip("0123456789")
        number = int(outward[len(letters) :])
        number = number + 1 if number == 1 or s.chance(0.5) else number - 1
        return f"{letters}{number} {inward}"
    near = QWERTY.get(inward[1].lower())
    if not near:
        return None
    return f"{outward} {inward[0]}{s.choice(near).upper()}{inward[2]}"


# ---------------------------------------------------------------------------------------------
# Name and date corruptors.


def keyboard(name: str, s: Stream) -> str | None:
    n = len(name)
    if n < 2:
        return None
    for _ in range(6):
        op = s.random()
        i = s.below(n) if s.chance(0.12) else 1 + s.below(n - 1)
        ch = name[i]
        near = QWERTY.get(ch.lower())
        if op < 0.5:
            if not near:
                continue
            r = s.choice(near)
            out = name[:i] + (r.upper() if ch.isupper() else r) + name[i + 1 :]
        elif op < 0.65:
            r = s.choice(near) if near and s.chance(0.6) else ch.lower()
            out = name[: i + 1] + r + name[i + 1 :]
        elif op < 0.85:
            if n < 3:
                continue
            out = name[:i] + name[i + 1 :]
        else:
            if n < 3:
                continue
            i = max(1, min(i, n - 2))
            out = name[:i] + name[i + 1] + name[i] + name[i + 2 :]
        if out != name and out.strip():
            return out
    return None


def substitute(name: str, subs, s: Stream, case_blind: bool) -> str | None:
    hay = name.lower() if case_blind else name
    options = [p for p in subs if p[0] in hay]
    if not options:
        return None
    a, b = s.choice(options)
    spots = []
    j = hay.find(a)
    while j >= 0:
        spots.append(j)
        j = hay.find(a, j + 1)
    i = s.choice(spots)
    if case_blind and name[i].isupper():
        b = b[:1].upper() + b[1:]
    out = name[:i] + b + name[i + len(a) :]
    return out if out != name and out.strip() else None


def truncate(name: str, s: Stream) -> str | None:
    n = len(name)
    if n > 10 and s.chance(0.6):
        return name[: 10 + s.below(min(3, n - 10))].rstrip() or None
    if n < 5:
        return None
    return name[: 3 + s.below(min(4, n - 4))]


def leap(y: int) -> bool:
    return y % 4 == 0 and (y % 100 != 0 or y % 400 == 0)


def valid_date(y: int, m: int, d: int) -> bool:
    if not 1 <= m <= 12 or d < 1:
        return False
    return d <= (29 if m == 2 and leap(y) else MONTH_DAYS[m - 1])


def date_digit(y: int, m: int, d: int, s: Stream, want_valid: bool) -> tuple[int, int, int]:
    """One digit of the year's last digit, the month or the day changed."""
    for _ in range(40):
        pos = s.below(5) if want_valid else 1 + s.below(4)
        digit = s.below(10)
        yy, mm, dd = y, m, d
        if pos == 0:
            yy = y - y % 10 + digit
        elif pos == 1:
            mm = digit * 10 + m % 10
        elif pos == 2:
            mm = (m // 10) * 10 + digit
        elif pos == 3:
            dd = digit * 10 + d % 10
        else:
            dd = (d // 10) * 10 + digit
        if (yy, mm, dd) != (y, m, d) and valid_date(yy, mm, dd) == want_valid:
            return yy, mm, dd
    return (y, m, d % 28 + 1) if want_valid else (y, 2, 30)


# ---------------------------------------------------------------------------------------------
# The register.


def child_count(records: int) -> int:
    means = [sum((i + 1) * p for i, p in enumerate(row)) / sum(row) for row in RECORDS_PER_CHILD]
    return max(4, round(records / (sum(means) / len(means))))


def build_children(rng: np.random.Generator, s: Stream, n_children: int, twins: int):
    """Households and children of the clean register."""
    twins = min(twins, n_children // 4)
    # Household sizes: ordinary households, then twin households (twins plus 0-2 siblings).
    sizes = rng.choice([1, 2, 3, 4], size=n_children, p=[0.5, 0.32, 0.13, 0.05])
    extra = rng.choice([0, 1, 2], size=twins, p=[0.6, 0.3, 0.1])
    twin_sizes = 2 + extra
    remaining = n_children - int(twin_sizes.sum())
    cut = int(np.searchsorted(np.cumsum(sizes), remaining))
    sizes = sizes[: cut + 1].copy()
    sizes[-1] -= int(sizes.sum()) - remaining
    sizes = sizes[sizes > 0]
    all_sizes = np.concatenate([sizes, twin_sizes])
    is_twin_hh = np.concatenate([np.zeros(sizes.size, bool), np.ones(twins, bool)])
    order = rng.permutation(all_sizes.size)
    all_sizes, is_twin_hh = all_sizes[order], is_twin_hh[order]
    n_hh = all_sizes.size

    units, starts, unit_score = postcode_universe(rng, n_children)
    group = rng.choice(len(GROUPS), size=n_hh, p=np.array(GROUP_SHARE) / sum(GROUP_SHARE))
    weight = np.array([d[1] for d in DISTRICTS])
    affinity = np.array([d[4] for d in DISTRICTS])
    district = np.empty(n_hh, dtype=np.int64)
    for g in range(len(GROUPS)):
        sel = group == g
        p = weight * (1.0 if g == 0 else affinity)
        district[sel] = rng.choice(len(DISTRICTS), size=int(sel.sum()), p=p / p.sum())
    st = np.array(starts)
    span = st[district + 1] - st[district]
    unit = st[district] + (rng.random(n_hh) * span).astype(np.int64)
    shift = np.array(GROUP_DEPRIVATION_SHIFT)[group]
    score = unit_score[unit] + shift + rng.normal(0.0, 0.5, n_hh)
    cuts = np.quantile(score, np.cumsum(QUINTILE_SHARE)[:-1])
    quintile = 1 + np.searchsorted(cuts, score, side="right").astype(np.int64)

    hh_start = np.concatenate([[0], np.cumsum(all_sizes)]).astype(np.int64)
    groups, subs, fams = group.tolist(), [], []
    fn, sn, fvar, svar, nvar, conv = [], [], [], [], [], []
    sex, dob, twin_of = [], [], []
    for h in range(n_hh):
        g, size, twin_hh = groups[h], int(all_sizes[h]), bool(is_twin_hh[h])
        # Birth dates: siblings 10 months to 6 years apart, placed within the range.
        gaps = [300 + s.below(1900) for _ in range(size - 1)]
        twin_at = s.below(size - 1) if twin_hh else -1
        if twin_hh:
            gaps[twin_at] = 0
        span_days = sum(gaps)
        if span_days > N_DAYS - 1:
            gaps = [g_ * (N_DAYS - 1) // span_days for g_ in gaps]
            span_days = sum(gaps)
        day = s.below(N_DAYS - span_days)
        days = [day]
        for gap in gaps:
            day += gap
            days.append(day)
        if g == 4:
            sur_sub = weighted_code(s, MIXED_SURNAME_SUBS)
            fore_sub = weighted_code(s, MIXED_FORENAME_SUBS) if s.chance(0.5) else None
        else:
            sur_sub = weighted_code(s, SUBGROUPS[g])
            fore_sub = None
        fam = make_family(sur_sub, s)
        fore_fam = make_family(fore_sub, s) if fore_sub and fore_sub != sur_sub else None
        subs.append(sur_sub)
        fams.append(fam)
        similar = None
        if twin_hh and s.chance(0.35):
            if sur_sub in ("EN", "CA") or fore_sub in ("EN", "CA"):
                similar = s.choice(TWIN_SIMILAR_EN)
            elif sur_sub in ("PK", "BD", "AR", "SO", "AF"):
                similar = s.choice(TWIN_SIMILAR_MUSLIM)
            elif sur_sub == "NG" and fam["tribe"] == "YO":
                similar = ("Taiwo", "Kehinde", "MF"[s.below(2)], "MF"[s.below(2)])
        twin_sexes = None
        if twin_hh:
            a = "M" if s.chance(0.51) else "F"
            twin_sexes = (a, a) if s.chance(0.41) else (a, "F" if a == "M" else "M")
            if similar is not None:
                twin_sexes = (similar[2], similar[3])
        base = int(hh_start[h])
        for i in range(size):
            if twin_hh and i in (twin_at, twin_at + 1):
                male = twin_sexes[i - twin_at] == "M"  # the twins
            else:
                male = s.chance(0.51)
            weekday = days[i] % 7  # 2003-09-01 was a Monday
            is_twin = twin_hh and i in (twin_at, twin_at + 1)
            older = fn[base:]  # the forenames of the household's older children
            if (
                i == twin_at
                and similar is not None
                and (similar[0] in older or similar[1] in older)
            ):
                similar = None  # an older sibling already has one of the pair's names
            # Siblings never share a forename, and twins not even the first word of one.
            for _attempt in range(SIBLING_NAME_ATTEMPTS):
                name = child_name(fam, male, weekday, s)
                if fore_fam is not None:
                    # Mixed: the forename from the other parent's tradition.
                    other = child_name(fore_fam, male, weekday, s)
                    name = (other[0], name[1], other[2], name[3], (), mixed_convention(name, other))
                if sur_sub in ("EN", "CA") and i > 0 and not is_twin and s.chance(0.08):
                    half = P["EN_S"].entry(s)[0]  # a half-sibling with another surname
                    name = (name[0], half, name[2], (), name[4], "english")
                if is_twin and similar is not None:
                    first = similar[i - twin_at]
                    name = (first, name[1], (), name[3], name[4], name[5])
                elif s.chance(MONONYM_RATE[sur_sub]):
                    name = mononym(name)
                if name[0] in older:
                    continue
                if is_twin and i == twin_at + 1 and name[0].split()[0] == fn[-1].split()[0]:
                    continue
                break
            fn.append(name[0])
            sn.append(name[1])
            fvar.append(name[2])
            svar.append(name[3])
            nvar.append(name[4])
            conv.append(name[5])
            sex.append("M" if male else "F")
            dob.append(days[i])
            if not twin_hh:
                twin_of.append(-1)
            else:
                twin_of.append(base + i + 1 if i == twin_at else (base + i - 1 if is_twin else -1))
    hh_of_child = np.repeat(np.arange(n_hh), all_sizes)
    return {
        "units": units,
        "starts": starts,
        "hh_unit": unit,
        "hh_district": district,
        "hh_start": hh_start,
        "hh_of_child": hh_of_child,
        "group": group[hh_of_child],
        "quintile": quintile[hh_of_child],
        "fn": fn,
        "sn": sn,
        "fvar": fvar,
        "svar": svar,
        "nvar": nvar,
        "conv": conv,
        "sex": sex,
        "dob_day": np.array(dob, dtype=np.int64),
        "twin_of": np.array(twin_of, dtype=np.int64),
        "twins": twins,
    }


# ---------------------------------------------------------------------------------------------
# Records and their corruption.

V_FN, V_SN, V_NAME = -1, -2, -3
KF = tuple(k[1] for k in KINDS)
KSTAGE = tuple(k[3] for k in KINDS)
KLABEL = tuple(k[0] for k in KINDS)
FN_KEYBOARD, FN_OCR, FN_PHONETIC, FN_MISSING = (
    K[f"forename:{x}"] for x in ("keyboard", "ocr", "phonetic", "missing")
)
FN_TRUNCATE, FN_INITIAL, FN_NICKNAME, FN_PLACEHOLDER = (
    K[f"forename:{x}"] for x in ("truncate", "initial", "nickname", "placeholder")
)
SN_KEYBOARD, SN_OCR, SN_PHONETIC, SN_MISSING = (
    K[f"surname:{x}"] for x in ("keyboard", "ocr", "phonetic", "missing")
)
SN_TRUNCATE, SN_CHANGED, NAME_SWAPPED = (
    K["surname:truncate"],
    K["surname:changed"],
    K["name:swapped"],
)
DOB_MISSING, DOB_DAY_MONTH, DOB_INVALID, DOB_DIGIT, DOB_YEAR = (
    K[f"dob:{x}"] for x in ("missing", "day_month", "invalid", "digit", "year")
)
SEX_MISSING, SEX_WRONG = K["sex:missing"], K["sex:wrong"]
PC_MOVED, PC_TYPO, PC_MISSING = K["postcode:moved"], K["postcode:typo"], K["postcode:missing"]
UPN_MISSING, UPN_DIGIT, UPN_TRANSPOSED, UPN_WRONG = (
    K[f"upn:{x}"] for x in ("missing", "digit", "transposed", "wrong")
)
NHS_MISSING, NHS_DIGIT, NHS_TRANSPOSED, NHS_WRONG = (
    K[f"nhs_number:{x}"] for x in ("missing", "digit", "transposed", "wrong")
)
BLANKS = frozenset(
    (FN_MISSING, SN_MISSING, DOB_MISSING, SEX_MISSING, PC_MISSING, UPN_MISSING, NHS_MISSING)
)
REPLACE_FIRST = frozenset((FN_NICKNAME, FN_PLACEHOLDER, FN_INITIAL, SN_CHANGED))


def id_digit(v: str, lo: int, s: Stream) -> str:
    i = lo + s.below(len(v) - lo)
    return v[:i] + s.choice("0123456789".replace(v[i], "")) + v[i + 1 :]


def id_transpose(v: str, lo: int, s: Stream) -> str | None:
    spots = [i for i in range(lo, len(v) - 1) if v[i] != v[i + 1]]
    if not spots:
        return None
    i = s.choice(spots)
    return v[:i] + v[i + 1] + v[i] + v[i + 2 :]


def records_per_child(rng: np.random.Generator, quintile: np.ndarray, records: int) -> np.ndarray:
    table = np.array(RECORDS_PER_CHILD)
    cum = np.cumsum(table / table.sum(axis=1, keepdims=True), axis=1)
    u = rng.random(quintile.size)
    counts = 1 + (u[:, None] > cum[quintile - 1]).sum(axis=1)
    counts = np.minimum(counts, 6)
    diff = int(counts.sum()) - records
    if diff > 0:
        cand = np.flatnonzero(counts > 1)
        counts[rng.choice(cand, size=min(diff, cand.size), replace=False)] -= 1
    elif diff < 0:
        cand = np.flatnonzero(counts < 6)
        counts[rng.choice(cand, size=min(-diff, cand.size), replace=False)] += 1
    return counts


def build_records(rng: np.random.Generator, s: Stream, ch: dict, records: int) -> dict:
    n_c = len(ch["fn"])
    quint = ch["quintile"]
    counts = records_per_child(rng, quint, records)
    rc = np.repeat(np.arange(n_c), counts)
    n_r = rc.size
    first = np.ones(n_r, dtype=bool)
    first[1:] = rc[1:] != rc[:-1]
    qr = quint[rc]

    # Birth dates, school entry and identifiers.
    dates = FIRST_DAY + ch["dob_day"].astype("timedelta64[D]")
    months = dates.astype("datetime64[M]")
    year = dates.astype("datetime64[Y]").astype(np.int64) + 1970
    month = months.astype(np.int64) % 12 + 1
    day = (dates - months).astype(np.int64) + 1
    academic = np.where(month >= 9, year, year - 1)
    entry = academic + 5 - (rng.random(n_c) < 0.3)
    has_upn = np.where(entry <= 2024, rng.random(n_c) < 0.97, rng.random(n_c) < 0.35)
    la_of_district = np.array([d[3] for d in DISTRICTS])
    la = la_of_district[ch["hh_district"][ch["hh_of_child"]]]
    upn_all = upns(rng, la, entry)
    nhs_all = nhs_numbers(rng, n_c)

    # Per record: source, corruption slots, which identifiers the source holds, quirks.
    home = np.where(la[rc] == 892, CITY, COUNTY)
    u = rng.random(n_r)
    src = np.where(u < 0.42, ICB, np.where(u < 0.92, home, 1 - home))
    cum_first = np.cumsum(SLOTS_FIRST)
    cum_later = np.cumsum(SLOTS_LATER)
    u = rng.random(n_r)
    slots = np.where(
        first,
        (u[:, None] > cum_first[None, :-1]).sum(axis=1),
        (u[:, None] > cum_later[None, :-1]).sum(axis=1),
    )
    slots = slots + (rng.random(n_r) < np.array(EXTRA_SLOT)[qr - 1])
    is_edu = src != ICB
    rec_upn = is_edu & has_upn[rc] & (rng.random(n_r) < np.array(P_UPN_EDUCATION)[qr - 1])
    rec_nhs = np.where(
        is_edu, rng.random(n_r) < P_NHS_EDUCATION, rng.random(n_r) < np.array(P_NHS_HEALTH)[qr - 1]
    )
    sex_missing = rng.random(n_r) < np.array(P_SEX_MISSING)[src]
    u = rng.random(n_r)
    county_dmy = (src == COUNTY) & (u < P_COUNTY_DMY_DATES)
    city_nospace = (src == CITY) & (u < P_CITY_POSTCODE_NO_SPACE)
    icb_fold = (src == ICB) & (u < P_ICB_FOLDS_DIACRITICS)

    out = corrupt(
        s,
        ch,
        dict(
            rc=rc.tolist(),
            src=src.tolist(),
            q=(qr - 1).tolist(),
            slots=slots.tolist(),
            upn=rec_upn.tolist(),
            nhs=rec_nhs.tolist(),
            sex_missing=sex_missing.tolist(),
            county_dmy=county_dmy.tolist(),
            city_nospace=city_nospace.tolist(),
            icb_fold=icb_fold.tolist(),
        ),
        dict(
            y=year.tolist(),
            m=month.tolist(),
            d=day.tolist(),
            upn=upn_all,
            has_upn=has_upn.tolist(),
            nhs=nhs_all,
        ),
    )
    out["rc"], out["src"], out["counts"] = rc, src, counts
    return out


def corrupt(s: Stream, ch: dict, rec: dict, ids: dict) -> dict:
    """Each record: the child's values, corrupted by its slots, then the source's quirks."""
    units, starts = ch["units"], ch["starts"]
    hh_of_child = ch["hh_of_child"].tolist()
    hh_start = ch["hh_start"].tolist()
    hh_unit = ch["hh_unit"].tolist()
    hh_district = ch["hh_district"].tolist()
    district_cum = cumulative(d[1] for d in DISTRICTS)
    n_c = len(hh_of_child)
    FNc, SNc, FV, SV, NV = ch["fn"], ch["sn"], ch["fvar"], ch["svar"], ch["nvar"]
    PVAR = [VARIANT_SHARE[c] for c in ch["conv"]]
    SEXc = ch["sex"]
    Yc, Mc, Dc = ids["y"], ids["m"], ids["d"]
    UPNc, HAS_UPN, NHSc = ids["upn"], ids["has_upn"], ids["nhs"]
    cums = [
        cumulative(w * (DEPRIVATION_FACTOR[qi] if dep else 1.0) for (_l, _f, w, _st, dep) in KINDS)
        for qi in range(5)
    ]
    moved_to: dict[int, tuple[str, ...]] = {}
    changed_to: dict[int, str] = {}

    def new_postcode(h: int) -> str:
        cur = hh_unit[h]
        dist = hh_district[h] if s.chance(0.6) else s.pick(district_cum)
        lo, hi = starts[dist], starts[dist + 1]
        idx = lo + s.below(hi - lo)
        if idx == cur:
            idx = lo + (idx - lo + 1) % (hi - lo)
        return units[idx]

    def other_child(c: int, need_upn: bool) -> int:
        h = hh_of_child[c]
        sibs = [o for o in range(hh_start[h], hh_start[h + 1]) if o != c]
        if need_upn:
            sibs = [o for o in sibs if HAS_UPN[o]]
        if sibs and s.chance(0.6):
            return s.choice(sibs)
        o = s.below(n_c)
        return o if o != c else (o + 1) % n_c

    o_fn, o_sn, o_dob, o_sex, o_pc, o_upn, o_nhs, o_faults = ([] for _ in range(8))
    r_child, r_src, r_q, r_slots = rec["rc"], rec["src"], rec["q"], rec["slots"]
    r_upn, r_nhs, r_sexmiss = rec["upn"], rec["nhs"], rec["sex_missing"]
    r_dmy, r_nospace, r_fold = rec["county_dmy"], rec["city_nospace"], rec["icb_fold"]
    for r in range(len(r_child)):
        c, src, q = r_child[r], r_src[r], r_q[r]
        fn, sn = FNc[c], SNc[c]
        y, m, d = Yc[c], Mc[c], Dc[c]
        has_dob = True
        sex = None if r_sexmiss[r] else SEXc[c]
        h = hh_of_child[c]
        pc = units[hh_unit[h]]
        upn = UPNc[c] if r_upn[r] else None
        nhs = NHSc[c] if r_nhs[r] else None
        faults: list[str] = []
        chosen: list[tuple] = []
        fv, sv, nv = FV[c], SV[c], NV[c]
        pvar = PVAR[c] if (fv or sv or nv) else 0.0
        want_variant = pvar > 0.0 and s.random() < pvar
        if r_slots[r] or want_variant:
            used = [0] * 8
            if want_variant:
                # A recording variant of the family's naming convention.
                lists = []
                if fv and fn is not None:
                    lists.append(V_FN)
                if sv and sn is not None:
                    lists.append(V_SN)
                if nv:
                    lists.append(V_NAME)
                if lists:
                    which = s.choice(lists)
                    if which == V_FN:
                        chosen.append((0, -1, V_FN, s.choice(fv)))
                        used[FN] = 1
                    elif which == V_SN:
                        chosen.append((0, -1, V_SN, s.choice(sv)))
                        used[SN] = 1
                    else:
                        chosen.append((0, -1, V_NAME, s.choice(nv)))
                        used[FN] = used[SN] = 1
            cum = cums[q]
            for j in range(r_slots[r]):
                for _attempt in range(8):
                    kind = s.pick(cum)
                    fld = KF[kind]
                    if fld == FN:
                        if fn is None or used[FN] >= 2:
                            continue
                        if (kind in BLANKS or kind in REPLACE_FIRST) and used[FN]:
                            continue
                        if kind == FN_NICKNAME and fn.split(" ")[0] not in NICKNAMES:
                            continue
                        if kind == FN_PLACEHOLDER and (src != ICB or Yc[c] < 2021):
                            continue
                    elif fld == SN:
                        if sn is None or used[SN] >= 2:
                            continue
                        if (kind in BLANKS or kind == SN_CHANGED) and used[SN]:
                            continue
                    elif fld == NAME:
                        if used[NAME] or (fn is None and sn is None):
                            continue
                    elif used[fld] or (
                        (fld == SEX and sex is None)
                        or (fld == UPN and upn is None)
                        or (fld == NHS and nhs is None)
                        or (kind == DOB_DAY_MONTH and d == m)
                    ):
                        continue
                    used[fld] += 9 if kind in BLANKS else 1
                    chosen.append((KSTAGE[kind], j, kind, None))
                    break
            if len(chosen) > 1:
                chosen.sort(key=lambda t: (t[0], t[1]))
        for _stage, _j, kind, payload in chosen:
            if kind == V_FN:
                fn = payload[0]
                faults.append("forename:" + payload[1])
                continue
            if kind == V_SN:
                sn = payload[0]
                faults.append("surname:" + payload[1])
                continue
            if kind == V_NAME:
                fn, sn = payload[0], payload[1]
                faults.append("name:" + payload[2])
                continue
            label = KLABEL[kind]
            fld = KF[kind]
            if fld in (FN, SN):
                val = fn if fld == FN else sn
                if val is None:
                    continue
                new = None
                if kind in (FN_KEYBOARD, SN_KEYBOARD):
                    new = keyboard(val, s)
                    if new is not None and s.chance(0.12):
                        second = keyboard(new, s)
                        if second is not None:
                            new = second
                            faults.append(label)
                elif kind in (FN_OCR, SN_OCR):
                    new = substitute(val, OCR_SUBS, s, False)
                    if new is None:
                        new, label = (
                            keyboard(val, s),
                            KLABEL[FN_KEYBOARD if fld == FN else SN_KEYBOARD],
                        )
                elif kind in (FN_PHONETIC, SN_PHONETIC):
                    new = substitute(val, PHONETIC_SUBS, s, True)
                    if new is None:
                        new, label = (
                            keyboard(val, s),
                            KLABEL[FN_KEYBOARD if fld == FN else SN_KEYBOARD],
                        )
                elif kind in (FN_TRUNCATE, SN_TRUNCATE):
                    new = truncate(val, s)
                elif kind == FN_INITIAL:
                    new = val[0] + ("." if s.chance(0.25) else "")
                elif kind == FN_NICKNAME:
                    first, _, rest = val.partition(" ")
                    short = s.choice(NICKNAMES.get(first, (first,)))
                    new = short if not rest or s.chance(0.7) else f"{short} {rest}"
                elif kind == FN_PLACEHOLDER:
                    new = (
                        "Baby" if s.chance(0.6) else ("Baby Boy" if SEXc[c] == "M" else "Baby Girl")
                    )
                elif kind == SN_CHANGED:
                    new = changed_to.get(c)
                    if new is None:
                        other = P["EN_S"].entry(s)[0]
                        base = SNc[c]
                        r2 = s.random()
                        if r2 < 0.55 or other == base:
                            new = other
                        elif r2 < 0.85:
                            new = f"{base}-{other}"
                        else:
                            new = f"{other}-{base}"
                        changed_to[c] = new
                elif kind in (FN_MISSING, SN_MISSING):
                    faults.append(label)
                    if fld == FN:
                        fn = None
                    else:
                        sn = None
                    continue
                if new is None or new == val:
                    continue
                if fld == FN:
                    fn = new
                else:
                    sn = new
                faults.append(label)
            elif kind == NAME_SWAPPED:
                fn, sn = sn, fn
                faults.append(label)
            elif fld == DOB:
                if kind == DOB_MISSING:
                    has_dob = False
                elif kind == DOB_DAY_MONTH:
                    m, d = d, m
                elif kind == DOB_INVALID:
                    y, m, d = date_digit(y, m, d, s, False)
                elif kind == DOB_DIGIT:
                    y, m, d = date_digit(y, m, d, s, True)
                else:
                    step = 1 if s.chance(0.7) else 10
                    y = y + step if s.chance(0.5) else y - step
                faults.append(label)
            elif fld == SEX:
                sex = None if kind == SEX_MISSING else ("F" if sex == "M" else "M")
                faults.append(label)
            elif fld == PC:
                if kind == PC_MOVED:
                    prev = moved_to.get(h)
                    if prev is None:
                        prev = (new_postcode(h),)
                        if s.chance(0.3):
                            prev += (new_postcode(h),)
                        moved_to[h] = prev
                    pc = s.choice(prev)
                elif kind == PC_TYPO:
                    new = postcode_typo(pc, s)
                    if new is None:
                        continue
                    pc = new
                else:
                    pc = None
                faults.append(label)
            else:
                lo = 1 if fld == UPN else 0
                val = upn if fld == UPN else nhs
                if kind in (UPN_MISSING, NHS_MISSING):
                    new = None
                elif kind in (UPN_DIGIT, NHS_DIGIT):
                    new = id_digit(val, lo, s)
                elif kind in (UPN_TRANSPOSED, NHS_TRANSPOSED):
                    new = id_transpose(val, lo, s)
                    if new is None:
                        continue
                else:
                    o = other_child(c, fld == UPN)
                    new = UPNc[o] if fld == UPN else NHSc[o]
                if fld == UPN:
                    upn = new
                else:
                    nhs = new
                faults.append(label)
        # Source quirks.
        if src == COUNTY and fn is not None and len(fn) > COUNTY_FORENAME_WIDTH:
            fn = fn[:COUNTY_FORENAME_WIDTH].rstrip()
            faults.append("forename:field_width")
        if src == ICB:
            if r_fold[r]:
                if fn is not None and not fn.isascii():
                    folded = fold(fn)
                    if folded != fn:
                        fn = folded
                        faults.append("forename:diacritics")
                if sn is not None and not sn.isascii():
                    folded = fold(sn)
                    if folded != sn:
                        sn = folded
                        faults.append("surname:diacritics")
            if fn is not None:
                fn = fn.upper()
            if sn is not None:
                sn = sn.upper()
        if not has_dob:
            dob = None
        elif r_dmy[r]:
            dob = f"{d:02d}/{m:02d}/{y:04d}"
            faults.append("dob:format")
        else:
            dob = f"{y:04d}-{m:02d}-{d:02d}"
        if r_nospace[r] and pc is not None and " " in pc:
            pc = pc.replace(" ", "")
            faults.append("postcode:format")
        o_fn.append(fn)
        o_sn.append(sn)
        o_dob.append(dob)
        o_sex.append(sex)
        o_pc.append(pc)
        o_upn.append(upn)
        o_nhs.append(nhs)
        o_faults.append(faults)
    return {
        "forename": o_fn,
        "surname": o_sn,
        "dob": o_dob,
        "sex": o_sex,
        "postcode": o_pc,
        "upn": o_upn,
        "nhs_number": o_nhs,
        "faults": o_faults,
    }


# ---------------------------------------------------------------------------------------------
# Building the files.


def outputs_exist(out_dir: Path) -> bool:
    return all((out_dir / name).exists() for name in OUTPUTS)


def build(records: int, seed: int, out_dir: Path, twins: int = 0) -> Path:
    """Build the register of about `records` records into out_dir (skipped if already built)."""
    out_dir = Path(out_dir)
    if outputs_exist(out_dir):
        return out_dir
    started = time.perf_counter()
    rng = np.random.default_rng([seed, records, twins])
    s = Stream(rng)
    ch = build_children(rng, s, child_count(records), twins)
    recs = build_records(rng, s, ch, records)
    rc, src = recs["rc"], recs["src"]
    n_r = rc.size

    counts = recs["counts"]
    fault_counts = Counter(f for faults in recs["faults"] for f in faults)
    per_record = Counter(len(faults) for faults in recs["faults"])

    # Records leave in a random order; ids are numbered per source in that order.
    perm = rng.permutation(n_r)
    gather = pl.Series("perm", perm)
    rc_p, src_p = rc[perm], src[perm]
    seq = np.zeros(n_r, dtype=np.int64)
    for code in range(len(SOURCES)):
        sel = src_p == code
        seq[sel] = np.arange(1, int(sel.sum()) + 1)
    record_id = pl.Series(
        "record_id",
        [f"{ID_PREFIX[code]}{k:08d}" for code, k in zip(src_p.tolist(), seq.tolist(), strict=True)],
        dtype=pl.String,
    )
    text_cols = ("forename", "surname", "dob", "sex", "postcode", "upn", "nhs_number")
    persons = pl.DataFrame(
        {name: recs.pop(name) for name in text_cols}, schema=dict.fromkeys(text_cols, pl.String)
    ).select(pl.all().gather(gather))
    persons.insert_column(0, pl.Series("source", [SOURCES[c] for c in src_p.tolist()]))
    persons.insert_column(0, record_id)
    out_dir.mkdir(parents=True, exist_ok=True)
    persons.write_parquet(out_dir / "persons.parquet", compression="zstd")
    del persons

    faults = pl.DataFrame(
        {"faults": recs.pop("faults")}, schema={"faults": pl.List(pl.String)}
    ).select(pl.col("faults").gather(gather))
    twin_of = ch["twin_of"][rc_p]
    truth = pl.DataFrame(
        {
            "record_id": record_id,
            "true_id": [f"T{c:07d}" for c in rc_p.tolist()],
            "ethnicity_group": [GROUPS[g] for g in ch["group"][rc_p].tolist()],
            "naming_convention": [ch["conv"][c] for c in rc_p.tolist()],
            "deprivation_quintile": pl.Series(ch["quintile"][rc_p].astype(np.int8)),
            "faults": faults.get_column("faults"),
            "twin_of": [f"T{t:07d}" if t >= 0 else None for t in twin_of.tolist()],
        },
        schema={
            "record_id": pl.String,
            "true_id": pl.String,
            "ethnicity_group": pl.String,
            "naming_convention": pl.String,
            "deprivation_quintile": pl.Int8,
            "faults": pl.List(pl.String),
            "twin_of": pl.String,
        },
    )
    truth.write_parquet(out_dir / "persons_truth.parquet", compression="zstd")
    del truth, faults

    summary = {
        "records": int(n_r),
        "children": int(counts.size),
        "households": int(ch["hh_start"].size - 1),
        "twin_pairs": int(ch["twins"]),
        "true_pairs": int((counts * (counts - 1) // 2).sum()),
        "records_per_child": {
            str(k): int(v) for k, v in zip(*np.unique(counts, return_counts=True), strict=True)
        },
        "mean_records_per_child": round(float(counts.mean()), 4),
        "records_by_source": {
            SOURCES[k]: int(v) for k, v in zip(*np.unique(src, return_counts=True), strict=True)
        },
        "faults_per_record": {str(k): per_record[k] for k in sorted(per_record)},
        "fault_kinds": dict(sorted(fault_counts.items(), key=lambda kv: (-kv[1], kv[0]))),
        "children_by_group": {
            GROUPS[g]: int(v)
            for g, v in zip(*np.unique(ch["group"], return_counts=True), strict=True)
        },
        "children_by_convention": dict(
            sorted(Counter(ch["conv"]).items(), key=lambda kv: (-kv[1], kv[0]))
        ),
        "seed": seed,
        "seconds": round(time.perf_counter() - started, 2),
    }
    (out_dir / "summary.json").write_text(json.dumps(summary, indent=2, ensure_ascii=False) + "\n")
    return out_dir


# ---------------------------------------------------------------------------------------------
# Realism report: how often the fields of true pairs agree, overall and by group.

PAIR_FIELDS = ("forename", "surname", "dob", "sex", "postcode", "upn", "nhs_number")


def true_pairs(out_dir: Path) -> pl.DataFrame:
    """Every pair of records of one child, with per-field agreement after case folding and
    trimming (postcodes without spaces, DD/MM/YYYY dates read as YYYY-MM-DD). A field agrees
    only when both values are present."""
    persons = pl.read_parquet(Path(out_dir) / "persons.parquet")
    truth = pl.read_parquet(Path(out_dir) / "persons_truth.parquet")
    norm = persons.join(truth, on="record_id").select(
        "record_id",
        "true_id",
        "ethnicity_group",
        "naming_convention",
        pl.col("faults").list.len().alias("n_faults"),
        pl.col("forename").str.to_uppercase().str.strip_chars().alias("forename"),
        pl.col("surname").str.to_uppercase().str.strip_chars().alias("surname"),
        pl.col("dob")
        .str.strip_chars()
        .str.replace(r"^(\d\d)/(\d\d)/(\d{4})$", "${3}-${2}-${1}")
        .alias("dob"),
        "sex",
        pl.col("postcode").str.to_uppercase().str.replace_all(" ", "").alias("postcode"),
        "upn",
        "nhs_number",
    )
    right = norm.select(
        "true_id",
        *[pl.col(c).alias(f"{c}_r") for c in ("record_id", "n_faults", *PAIR_FIELDS)],
    )
    pairs = norm.join(right, on="true_id").filter(pl.col("record_id") < pl.col("record_id_r"))
    agree = [
        (pl.col(f) == pl.col(f"{f}_r")).fill_null(False).alias(f"{f}_agree") for f in PAIR_FIELDS
    ]
    pairs = pairs.with_columns(agree)
    return pairs.with_columns(
        pl.sum_horizontal([pl.col(f"{f}_agree").cast(pl.Int8) for f in PAIR_FIELDS]).alias(
            "fields_agree"
        ),
        (pl.col("n_faults") + pl.col("n_faults_r")).alias("pair_faults"),
    )


def agreement_table(pairs: pl.DataFrame, by: str | None) -> pl.DataFrame:
    aggs = [pl.len().alias("pairs")] + [
        (pl.col(f"{f}_agree").mean() * 100).round(1).alias(f)
        for f in ("forename", "surname", "dob", "postcode")
    ]
    aggs += [
        ((pl.col("forename_agree") & pl.col("surname_agree")).mean() * 100)
        .round(1)
        .alias("both_names"),
        ((pl.col("fields_agree") <= 2).mean() * 100).round(2).alias("le2_fields_%"),
    ]
    if by is None:
        return pairs.select(aggs)
    return pairs.group_by(by).agg(aggs).sort("pairs", descending=True)


def name_diversity(persons: pl.DataFrame, truth: pl.DataFrame) -> None:
    """Distinct names and the shares of the commonest (after case folding, as recorded), and
    pairs of records of different children that agree exactly on the names and the birth date
    or the postcode."""
    norm = persons.join(truth.select("record_id", "true_id"), on="record_id").select(
        "true_id",
        pl.col("forename").str.to_uppercase().str.strip_chars().alias("forename"),
        pl.col("surname").str.to_uppercase().str.strip_chars().alias("surname"),
        pl.col("dob")
        .str.strip_chars()
        .str.replace(r"^(\d\d)/(\d\d)/(\d{4})$", "${3}-${2}-${1}")
        .alias("dob"),
        pl.col("postcode").str.to_uppercase().str.replace_all(" ", "").alias("postcode"),
    )
    for col in ("forename", "surname"):
        counts = norm.get_column(col).drop_nulls().value_counts(sort=True).get_column("count")
        top = counts.cum_sum() / counts.sum() * 100
        print(
            f"{col}s: {counts.len():,} distinct; the commonest 1 / 10 / 100 / 1,000 hold "
            + " / ".join(f"{top[min(k, top.len()) - 1]:.2f}%" for k in (1, 10, 100, 1000))
        )

    def pairs(df: pl.DataFrame, keys: list[str]) -> int:
        n = df.group_by(keys).len().get_column("len")
        return int((n * (n - 1) // 2).sum())

    for keys in (["forename", "surname", "dob"], ["forename", "surname", "postcode"]):
        sub = norm.drop_nulls(keys)
        print(
            f"pairs of records of different children agreeing on {', '.join(keys)}: "
            f"{pairs(sub, keys) - pairs(sub, [*keys, 'true_id']):,}"
        )


def report(out_dir: Path, examples: int = 15) -> None:
    out_dir = Path(out_dir)
    summary = json.loads((out_dir / "summary.json").read_text())
    pl.Config.set_tbl_rows(60)
    pl.Config.set_tbl_cols(20)
    pl.Config.set_tbl_width_chars(200)
    pl.Config.set_fmt_str_lengths(60)
    print(f"== {out_dir}")
    print(
        f"records {summary['records']:,}, children {summary['children']:,}, "
        f"households {summary['households']:,}, twin pairs {summary['twin_pairs']:,}, "
        f"true pairs {summary['true_pairs']:,}, built in {summary['seconds']} s"
    )
    print(
        "records per child:",
        summary["records_per_child"],
        "mean",
        summary["mean_records_per_child"],
    )
    print("records by source:", summary["records_by_source"])
    print("faults per record:", summary["faults_per_record"])
    print("fault kinds:")
    for kind, n in summary["fault_kinds"].items():
        print(f"  {kind:32s} {n:>9,}")
    print("children by group:", summary["children_by_group"])
    print("children by convention:", summary["children_by_convention"])
    persons = pl.read_parquet(out_dir / "persons.parquet")
    truth_all = pl.read_parquet(out_dir / "persons_truth.parquet")
    by_q = (
        truth_all.group_by("deprivation_quintile")
        .agg(
            pl.col("true_id").n_unique().alias("children"),
            (pl.len() / pl.col("true_id").n_unique()).round(3).alias("records_per_child"),
            pl.col("faults").list.len().mean().round(3).alias("faults_per_record"),
            (pl.col("faults").list.contains("postcode:moved").mean() * 100)
            .round(2)
            .alias("moved_%"),
            (
                (
                    pl.col("faults").list.contains("upn:missing")
                    | pl.col("faults").list.contains("nhs_number:missing")
                ).mean()
                * 100
            )
            .round(2)
            .alias("id_blanked_%"),
        )
        .sort("deprivation_quintile")
    )
    print("by deprivation quintile (1 = most deprived):")
    print(by_q)
    nhs = persons.get_column("nhs_number").drop_nulls().to_list()
    upn = persons.get_column("upn").drop_nulls().to_list()
    nhs_ok = sum(nhs_check_ok(v) for v in nhs) / max(1, len(nhs))
    upn_ok = sum(v[1:].isdigit() and upn_check_letter(v[1:]) == v[0] for v in upn) / max(
        1, len(upn)
    )
    print(
        f"identifiers passing their check: NHS number {nhs_ok:.2%} of {len(nhs):,}, "
        f"UPN {upn_ok:.2%} of {len(upn):,}"
    )
    name_diversity(persons, truth_all)
    twins = truth_all.filter(pl.col("twin_of").is_not_null())
    if twins.height:
        print(
            f"twins: {twins.get_column('true_id').n_unique():,} children, {twins.height:,} records"
        )
    pairs = true_pairs(out_dir)
    print("\nshare of true pairs (%) where the field agrees exactly:")
    print(agreement_table(pairs, None))
    print(agreement_table(pairs, "ethnicity_group"))
    print(agreement_table(pairs, "naming_convention"))
    dist = pairs.group_by("fields_agree").len().sort("fields_agree")
    dist = dist.with_columns((pl.col("len") / pl.col("len").sum() * 100).round(2).alias("%"))
    print("fields agreeing per true pair (of forename, surname, dob, sex, postcode, upn, nhs):")
    print(dist)

    truth = truth_all.select("record_id", "faults")
    hard = pairs.filter(pl.col("pair_faults") >= 2).sort("record_id", "record_id_r")
    picked = []
    for conv in hard.get_column("naming_convention").unique().sort().to_list():
        sub = hard.filter(pl.col("naming_convention") == conv)
        harder = sub.filter(pl.col("fields_agree") <= 3)
        sub = harder if harder.height else sub
        picked.append(sub.sample(n=min(1, sub.height), seed=7))
    shown = pl.concat(picked)
    rest = hard.join(
        shown.select("record_id", "record_id_r"), on=["record_id", "record_id_r"], how="anti"
    )
    if shown.height < examples:
        low = rest.filter(pl.col("fields_agree") <= 3)
        shown = pl.concat([shown, low.sample(n=min(examples - shown.height, low.height), seed=7)])
    shown = shown.sample(n=min(examples, shown.height), seed=11, shuffle=True)
    cols = ["record_id", "source", *PAIR_FIELDS]
    print(f"\n{shown.height} hard true pairs (>= 2 faults between them):")
    for row in shown.iter_rows(named=True):
        print(
            f"-- {row['true_id']} {row['ethnicity_group']} / {row['naming_convention']}: "
            f"{row['fields_agree']} fields agree"
        )
        for rid in (row["record_id"], row["record_id_r"]):
            rec = persons.filter(pl.col("record_id") == rid).select(cols).row(0)
            f = truth.filter(pl.col("record_id") == rid).get_column("faults").to_list()[0]
            print("   ", " | ".join("·" if v is None else str(v) for v in rec), " faults:", f)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--records", type=int, required=True)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--twins", type=int, default=0)
    parser.add_argument("--report", action="store_true", help="print the realism figures")
    args = parser.parse_args(argv)
    out = build(args.records, args.seed, args.out, twins=args.twins)
    summary = json.loads((out / "summary.json").read_text())
    print(f"{out}: {summary['records']:,} records, {summary['children']:,} children")
    if args.report:
        report(out)


if __name__ == "__main__":
    main()
