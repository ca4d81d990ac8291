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

    @property
    def symmetric(self) -> bool:
        return self.left == self.right


@dataclass(frozen=True)
class Level:
    label: str
    when: str
    m_start: float
    tf: str | None = None  # prepared column whose value frequency adjusts this exact level
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


@dataclass(frozen=True)
class Guards:
    conflict_probability: float
    conflicts: tuple[Conflict, ...] = ()
    one_record_per_child_tables: tuple[str, ...] = ()
    merge_known_children: str = "review"  # or "automatic"


@dataclass(frozen=True)
class LinkageConfig:
    key_prefix: str
    output_schema: str
    nicknames: Path
    phonetic: str
    max_block_size: int
    passes: tuple[BlockingPass, ...]
    comparisons: tuple[Comparison, ...]
    estimation: Estimation
    thresholds: Thresholds
    guards: Guards
    source: Path | None = field(default=None, compare=False)
    # Digest of everything that decides a pair's score (the parsed configuration and the
    # nickname list): a state written under another digest cannot be extended incrementally.
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
    return BlockingPass(name=name, left=left, right=right)


def _comparison(raw: dict) -> Comparison:
    name = _require(raw, "name", "comparison")
    where = f"comparison {name}"
    levels = tuple(
        Level(
            label=_require(level, "label", where),
            when=str(_require(level, "when", where)),
            m_start=float(_require(level, "m_start", where)),
            tf=level.get("tf"),
            min_weight=level.get("min_weight"),
        )
        for level in _require(raw, "levels", where)
    )
    if len(levels) < 2 or len({level.label for level in levels}) != len(levels):
        raise LinkageConfigError(f"{where}: needs at least two levels with distinct labels")
    return Comparison(name=name, null_when=str(_require(raw, "null_when", where)), levels=levels)


MERGE_KNOWN_CHILDREN = ("review", "automatic")


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
    config = LinkageConfig(
        key_prefix=str(_require(raw, "key_prefix", "config")),
        output_schema=str(raw.get("output_schema", "identity")),
        nicknames=(path.parent / _require(prepare, "nicknames", "prepare")).resolve(),
        phonetic=phonetic,
        max_block_size=int(_require(blocking, "max_block_size", "blocking")),
        passes=tuple(_pass(p) for p in _require(blocking, "passes", "blocking")),
        comparisons=tuple(_comparison(c) for c in _require(raw, "comparisons", "config")),
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
        guards=Guards(
            conflict_probability=float(guards.get("conflict_probability", 0.0)),
            conflicts=tuple(
                Conflict(name=c["name"], when=" ".join(str(c["when"]).split()))
                for c in guards.get("conflicts") or []
            ),
            one_record_per_child_tables=tuple(guards.get("one_record_per_child_tables") or []),
            merge_known_children=str(guards.get("merge_known_children", "review")),
        ),
        source=path,
        digest=_digest(raw, path.parent / _require(prepare, "nicknames", "prepare")),
    )
    _check(config)
    return config


def _digest(raw: dict, nicknames: Path) -> str:
    canonical = json.dumps(raw, sort_keys=True, default=str).encode()
    return hashlib.sha256(canonical + b"\0" + nicknames.read_bytes()).hexdigest()[:16]


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
    if config.guards.merge_known_children not in MERGE_KNOWN_CHILDREN:
        raise LinkageConfigError(
            f"guards.merge_known_children must be one of {MERGE_KNOWN_CHILDREN}"
        )
    if config.max_block_size < 2:
        raise LinkageConfigError("blocking.max_block_size must be at least 2")
