"""The linkage configuration (`linkage.yml`) as typed, validated dataclasses."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from pathlib import Path

import yaml

DEFAULT_CONFIG = Path(__file__).with_name("linkage.yml")
PHONETIC_ALGORITHMS = ("metaphone", "nysiis", "soundex", "match_rating_codex")


class LinkageConfigError(ValueError):
    """The linkage configuration is malformed."""


@dataclass(frozen=True)
class BlockingPass:
    """One blocking pass: records whose left key equals another record's right key are paired."""

    name: str
    left: tuple[str, ...]
    right: tuple[str, ...]
    # Keys that split an oversized block: its records are paired when they agree on one of these.
    refine: tuple[tuple[str, ...], ...] = ()
    # Comparisons this pass's key forces to agree (left out when m is estimated on its pairs);
    # None: those whose columns the key names.
    fixes: tuple[str, ...] | None = None
    max_block_size: int | None = None  # None: the global blocking.max_block_size
    # Whether m is estimated on this pass's pairs. A pass whose key says little about identity
    # (a common name pair) finds pairs that agree on much else for other reasons (sex, area), so
    # expectation-maximisation there mistakes "alike" for "one child".
    train: bool = True
    # Comparisons on which this pass's pairs of two children agree as often as one child's
    # records do, though its key does not force them (a sibling's number: family name and
    # address): the other comparisons' m is estimated on its pairs without them.
    train_without: tuple[str, ...] = ()

    @property
    def symmetric(self) -> bool:
        return self.left == self.right


@dataclass(frozen=True)
class Level:
    label: str
    when: str
    m_start: float
    tf: str | None = None  # prepared column whose value frequency adjusts this exact level
    # (tokens, found_in): list columns. The level weighs by the rarest token of one record's
    # `tokens` found in the other record's `found_in`, at that token's share of the records
    # holding it in `found_in` (a shared Khan says less than a shared Okonkwo).
    tf_tokens: tuple[str, str] | None = None
    min_weight: float | None = None


@dataclass(frozen=True)
class Comparison:
    name: str
    null_when: str
    levels: tuple[Level, ...]

    def label(self, level: int) -> str:
        return "null" if level < 0 else self.levels[level].label


@dataclass(frozen=True)
class Estimation:
    seed: int
    u_sample_pairs: int
    u_floor: float
    max_iterations: int
    tolerance: float
    m_floor: float
    tf_floor: float


@dataclass(frozen=True)
class Thresholds:
    link_probability: float
    review_low: float
    review_high: float


@dataclass(frozen=True)
class Conflict:
    name: str
    when: str
    # A rule about two different values of this identifier (a prepared column): it is waived for
    # a pair when one record is already one child with another record holding the other's value
    # (no conflict between them, district and sex known and agreeing): the same two values were
    # judged there (engine._cluster).
    identifier: str | None = None


@dataclass(frozen=True)
class Twins:
    """Pairs that look like twins (`looks_alike`): their probability of being one child is the
    share of such pairs that are, among those whose identifiers settle it (`identifiers_say`:
    'same', 'different' or null), with a prior."""

    # the levels (indices, -1 for null) a pair must reach on each comparison named
    alike_levels: tuple[tuple[str, tuple[int, ...]], ...]
    identifiers_say: str
    by: tuple[str, ...] = ()  # comparisons whose levels the share is counted for
    prior_same: float = 0.2
    prior_pairs: float = 5.0

    @property
    def looks_alike(self) -> str:
        """SQL over a pair's level columns (g_<comparison>): whether it looks like twins."""
        return self.alike_on(name for name, _ in self.alike_levels)

    def alike_on(self, names, level_sql=None) -> str:
        """SQL: the `alike_levels` condition on the comparisons `names` only ("true" if none),
        each level given by `level_sql(name)` (default: its column g_<name>)."""
        wanted = set(names)
        terms = [
            f"{level_sql(name) if level_sql else f'g_{name}'} in ({', '.join(map(str, levels))})"
            for name, levels in self.alike_levels
            if name in wanted
        ]
        return " and ".join(terms) or "true"

    @property
    def levels_key(self) -> str:
        """SQL over a pair's level columns: the key of its `by` levels ("7|0")."""
        return self.prefix_key(len(self.by))

    def prefix_key(self, depth: int) -> str:
        """SQL: the key of the levels of the first `depth` comparisons of `by` ("7")."""
        names = self.by[:depth]
        return " || '|' || ".join(f"cast(g_{name} as varchar)" for name in names) or "''"


@dataclass(frozen=True)
class Guards:
    conflict_odds: float  # a pair whose own evidence is this many to one against conflicts
    conflicts: tuple[Conflict, ...] = ()
    twins: Twins | None = None
    one_record_per_child_tables: tuple[str, ...] = ()
    merge_known_children: str = "review"  # or "automatic"


@dataclass(frozen=True)
class Dependency:
    """Exact agreements on these comparisons that go together among different children (a
    household shares a surname and a postcode): their joint weight is corrected by how often
    different children agree on all of them at once, counted in the data."""

    name: str
    comparisons: tuple[str, ...]
    # False: when all agree, their average weights are used, not the agreed values' frequencies
    # (the joint rate is counted over all values; see linkage.yml)
    value_frequencies: bool = True
    # The levels (indices) of each comparison at which the correction applies; by default the
    # exact level of each. Counted on exact agreement, applied to these.
    levels: tuple[tuple[str, tuple[int, ...]], ...] = ()

    def applies(self) -> str:
        """SQL over a pair's level columns: every comparison is at one of its levels."""
        levels = dict(self.levels)
        return " and ".join(
            f"g_{name} in ({', '.join(map(str, levels.get(name, (0,))))})"
            for name in self.comparisons
        )


@dataclass(frozen=True)
class LinkageConfig:
    key_prefix: str
    nicknames: Path
    spellings: Path
    day_names: Path
    phonetic: str
    max_block_size: int
    passes: tuple[BlockingPass, ...]
    comparisons: tuple[Comparison, ...]
    estimation: Estimation
    thresholds: Thresholds
    guards: Guards
    dependencies: tuple[Dependency, ...] = ()
    source: Path | None = field(default=None, compare=False)
    # Digest of everything that decides a pair's score (the parsed configuration, the name
    # lists and the code that prepares records, whose output an incremental run keeps): a
    # state written under another digest cannot be extended incrementally.
    digest: str = field(default="", compare=False)

    def comparison(self, name: str) -> Comparison:
        for comparison in self.comparisons:
            if comparison.name == name:
                return comparison
        raise KeyError(name)


def _require(mapping: dict, key: str, where: str):
    if key not in mapping:
        raise LinkageConfigError(f"{where}: missing '{key}'")
    return mapping[key]


def _keys(value, where: str) -> tuple[str, ...]:
    if not isinstance(value, list) or not value:
        raise LinkageConfigError(f"{where}: a key is a non-empty list of expressions")
    return tuple(str(v) for v in value)


def _pass(raw: dict) -> BlockingPass:
    name = _require(raw, "name", "blocking pass")
    where = f"blocking pass {name}"
    if "key" in raw:
        left = right = _keys(raw["key"], where)
    else:
        left = _keys(_require(raw, "left", where), where)
        right = _keys(_require(raw, "right", where), where)
        if len(left) != len(right):
            raise LinkageConfigError(f"{where}: left and right keys differ in length")
    refine = tuple(_keys(r, f"{where} refine") for r in raw.get("refine") or [])
    fixes = raw.get("fixes")
    return BlockingPass(
        name=name,
        left=left,
        right=right,
        refine=refine,
        fixes=None if fixes is None else tuple(str(f) for f in fixes),
        max_block_size=int(raw["max_block_size"]) if "max_block_size" in raw else None,
        train=bool(raw.get("train", True)),
        train_without=tuple(str(c) for c in raw.get("train_without") or []),
    )


def _tf_tokens(raw: object, where: str) -> tuple[str, str] | None:
    if raw is None:
        return None
    if not isinstance(raw, dict) or set(raw) != {"tokens", "found_in"}:
        raise LinkageConfigError(f"{where}: tf_tokens is {{tokens: <column>, found_in: <column>}}")
    return str(raw["tokens"]), str(raw["found_in"])


def _level(raw: dict, where: str) -> Level:
    label = _require(raw, "label", where)
    level = Level(
        label=label,
        when=str(_require(raw, "when", where)),
        m_start=float(_require(raw, "m_start", where)),
        tf=raw.get("tf"),
        tf_tokens=_tf_tokens(raw.get("tf_tokens"), f"{where} level {label}"),
        min_weight=raw.get("min_weight"),
    )
    if level.tf and level.tf_tokens:
        raise LinkageConfigError(f"{where} level {label}: tf or tf_tokens, not both")
    return level


def _comparison(raw: dict) -> Comparison:
    name = _require(raw, "name", "comparison")
    where = f"comparison {name}"
    levels = tuple(_level(level, where) for level in _require(raw, "levels", where))
    if len(levels) < 2 or len({level.label for level in levels}) != len(levels):
        raise LinkageConfigError(f"{where}: needs at least two levels with distinct labels")
    return Comparison(name=name, null_when=str(_require(raw, "null_when", where)), levels=levels)


MERGE_KNOWN_CHILDREN = ("review", "automatic")
IDENTIFIER_COLUMNS = frozenset({"nhs_number", "upn", "uln"})


def _alike_levels(
    raw: object, comparisons: tuple[Comparison, ...], where: str = "guards.twins.looks_alike"
):
    """The levels a pair must reach on each listed comparison (`{dob: [exact], surname: [exact,
    typo]}`; `null`: either value missing), as level indices."""
    if not isinstance(raw, dict) or not raw:
        raise LinkageConfigError(f"{where}: a mapping of comparison to levels")
    by_name = {c.name: c for c in comparisons}
    alike = []
    for name, labels in raw.items():
        if name not in by_name:
            raise LinkageConfigError(f"{where}: unknown comparison {name!r}")
        known = [level.label for level in by_name[name].levels]
        unknown = set(labels) - set(known) - {"null"}
        if not labels or unknown:
            raise LinkageConfigError(
                f"{where}.{name}: unknown levels {sorted(unknown)} (levels: {known})"
            )
        indices = tuple(-1 if label == "null" else known.index(label) for label in labels)
        alike.append((name, indices))
    return tuple(alike)


def _dependency(raw: dict, comparisons: tuple[Comparison, ...]) -> Dependency:
    name = str(_require(raw, "name", "dependency"))
    levels = ()
    if "levels" in raw:
        levels = _alike_levels(raw["levels"], comparisons, f"dependency {name}: levels")
        if any(index < 0 for _, indices in levels for index in indices):
            raise LinkageConfigError(f"dependency {name}: levels cannot include null")
    return Dependency(
        name=name,
        comparisons=tuple(str(c) for c in _require(raw, "comparisons", "dependency")),
        value_frequencies=bool(raw.get("value_frequencies", True)),
        levels=levels,
    )


def _conflict(raw: dict, comparisons: tuple[Comparison, ...]) -> Conflict:
    """A conflict rule: `when` (SQL over the pair's records `l`, `r` and its score `s`) and, if
    given, `levels` the pair must reach (as in `looks_alike`), both required."""
    name = _require(raw, "name", "conflict")
    terms = []
    if "levels" in raw:
        levels = _alike_levels(raw["levels"], comparisons, f"conflict {name}.levels")
        terms += [f"s.g_{c} in ({', '.join(map(str, indices))})" for c, indices in levels]
    if "when" in raw or not terms:
        terms.append(" ".join(str(_require(raw, "when", f"conflict {name}")).split()))
    return Conflict(name=name, when=" and ".join(terms), identifier=raw.get("identifier"))


def _twins(raw: dict | None, comparisons: tuple[Comparison, ...]) -> Twins | None:
    if not raw:
        return None
    return Twins(
        alike_levels=_alike_levels(_require(raw, "looks_alike", "guards.twins"), comparisons),
        identifiers_say=" ".join(str(_require(raw, "identifiers_say", "guards.twins")).split()),
        by=tuple(str(b) for b in raw.get("by") or ()),
        prior_same=float(raw.get("prior_same", 0.2)),
        prior_pairs=float(raw.get("prior_pairs", 5.0)),
    )


def load_config(path: Path | str | None = None) -> LinkageConfig:
    """Read and check a linkage configuration (default: the shipped `linkage.yml`)."""
    path = Path(path) if path is not None else DEFAULT_CONFIG
    raw = yaml.safe_load(path.read_text())
    prepare = _require(raw, "prepare", "config")
    blocking = _require(raw, "blocking", "config")
    estimation = _require(raw, "estimation", "config")
    thresholds = _require(raw, "thresholds", "config")
    guards = _require(raw, "guards", "config")
    phonetic = prepare.get("phonetic", "metaphone")
    if phonetic not in PHONETIC_ALGORITHMS:
        raise LinkageConfigError(f"prepare.phonetic must be one of {PHONETIC_ALGORITHMS}")
    lists = {
        name: (path.parent / _require(prepare, name, "prepare")).resolve()
        for name in ("nicknames", "spellings", "day_names")
    }
    comparisons = tuple(_comparison(c) for c in _require(raw, "comparisons", "config"))
    config = LinkageConfig(
        key_prefix=str(_require(raw, "key_prefix", "config")),
        nicknames=lists["nicknames"],
        spellings=lists["spellings"],
        day_names=lists["day_names"],
        phonetic=phonetic,
        max_block_size=int(_require(blocking, "max_block_size", "blocking")),
        passes=tuple(_pass(p) for p in _require(blocking, "passes", "blocking")),
        comparisons=comparisons,
        estimation=Estimation(
            seed=int(estimation["seed"]),
            u_sample_pairs=int(estimation["u_sample_pairs"]),
            u_floor=float(estimation["u_floor"]),
            max_iterations=int(estimation["max_iterations"]),
            tolerance=float(estimation["tolerance"]),
            m_floor=float(estimation["m_floor"]),
            tf_floor=float(estimation["tf_floor"]),
        ),
        thresholds=Thresholds(
            link_probability=float(thresholds["link_probability"]),
            review_low=float(thresholds["review_low"]),
            review_high=float(thresholds["review_high"]),
        ),
        dependencies=tuple(_dependency(d, comparisons) for d in raw.get("dependencies") or []),
        guards=Guards(
            conflict_odds=float(guards.get("conflict_odds", 100.0)),
            conflicts=tuple(_conflict(c, comparisons) for c in guards.get("conflicts") or []),
            one_record_per_child_tables=tuple(guards.get("one_record_per_child_tables") or []),
            twins=_twins(guards.get("twins"), comparisons),
            merge_known_children=str(guards.get("merge_known_children", "review")),
        ),
        source=path,
        digest=_digest(raw, list(lists.values())),
    )
    _check(config)
    return config


def _digest(raw: dict, name_lists: list[Path]) -> str:
    digest = hashlib.sha256(json.dumps(raw, sort_keys=True, default=str).encode())
    for path in [*name_lists, Path(__file__).with_name("prepare.py")]:
        digest.update(b"\0" + path.read_bytes())
    return digest.hexdigest()[:16]


def _check(config: LinkageConfig) -> None:
    t = config.thresholds
    if not 0 < t.review_low <= t.link_probability <= t.review_high <= 1:
        raise LinkageConfigError(
            "thresholds must satisfy 0 < review_low <= link_probability <= review_high <= 1"
        )
    names = [c.name for c in config.comparisons]
    if len(set(names)) != len(names):
        raise LinkageConfigError("comparison names must be unique")
    passes = [p.name for p in config.passes]
    if len(set(passes)) != len(passes):
        raise LinkageConfigError("blocking pass names must be unique")
    if len(passes) > 30:
        raise LinkageConfigError("at most 30 blocking passes (a pair's passes are a bitmask)")
    for blocking_pass in config.passes:
        for option in ("fixes", "train_without"):
            unknown = set(getattr(blocking_pass, option) or ()) - set(names)
            if unknown:
                raise LinkageConfigError(
                    f"blocking pass {blocking_pass.name} {option}: unknown comparison(s) "
                    f"{', '.join(sorted(unknown))}"
                )
    if config.guards.merge_known_children not in MERGE_KNOWN_CHILDREN:
        raise LinkageConfigError(
            f"guards.merge_known_children must be one of {MERGE_KNOWN_CHILDREN}"
        )
    for dependency in config.dependencies:
        if len(dependency.comparisons) < 2 or set(dependency.comparisons) - set(names):
            raise LinkageConfigError(
                f"dependency {dependency.name}: needs two or more known comparisons"
            )
        if {name for name, _ in dependency.levels} - set(dependency.comparisons):
            raise LinkageConfigError(
                f"dependency {dependency.name}: levels given for a comparison it does not list"
            )
    for conflict in config.guards.conflicts:
        if conflict.identifier is not None and conflict.identifier not in IDENTIFIER_COLUMNS:
            raise LinkageConfigError(
                f"conflict {conflict.name}: identifier must be one of "
                f"{', '.join(sorted(IDENTIFIER_COLUMNS))}"
            )
    twins = config.guards.twins
    if twins is not None and set(twins.by) - set(names):
        raise LinkageConfigError(f"guards.twins.by names unknown comparisons: {twins.by}")
    if config.max_block_size < 2:
        raise LinkageConfigError("blocking.max_block_size must be at least 2")
