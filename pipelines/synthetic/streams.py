"""Independent, reproducible random streams, one per generation stage.

Each stage draws from its own PCG64 stream keyed by (seed, stage name), so adding draws to one
stage never shifts the numbers another stage sees.
"""

from __future__ import annotations

import zlib

import numpy as np


def stream(seed: int, name: str) -> np.random.Generator:
    key = zlib.crc32(name.encode("utf-8"))
    return np.random.Generator(np.random.PCG64(np.random.SeedSequence(seed, spawn_key=(key,))))


def pick(rng: np.random.Generator, n: int, weights) -> np.ndarray:
    """`n` indices drawn with the given (unnormalised) weights."""
    p = np.asarray(weights, dtype=float)
    return rng.choice(len(p), size=n, p=p / p.sum())


def shuffled_ids(rng: np.random.Generator, n: int, start: int) -> np.ndarray:
    """Ids start … start+n-1 in random order, so an id never reveals generation order."""
    return start + rng.permutation(n).astype(np.int64)


def split_counts(total: int, weights) -> np.ndarray:
    """Integer counts summing to `total` in proportion to `weights` (largest remainder)."""
    w = np.asarray(weights, dtype=float)
    if total <= 0 or w.sum() <= 0:
        return np.zeros(len(w), dtype=np.int64)
    exact = total * w / w.sum()
    counts = np.floor(exact).astype(np.int64)
    remainder = total - counts.sum()
    order = np.argsort(-(exact - counts), kind="stable")
    counts[order[:remainder]] += 1
    return counts


def unique_numbers(rng, n: int, low: int, high: int) -> np.ndarray:
    """`n` distinct integers in [low, high), in random order. A range too small for them gains a
    digit (100000-999999 becomes 1000000-9999999), as a growing system's ids get longer: the
    draws below end quickly only while at most three quarters of the range is taken, and never
    when more numbers are asked for than the range holds."""
    if n == 0:
        return np.zeros(0, np.int64)
    while n > (high - low) * 3 // 4:
        low, high = low * 10, high * 10 + 9
    draw = rng.integers(low, high, int(n * 1.02) + 64)
    _, first = np.unique(draw, return_index=True)
    ordered = draw[np.sort(first)]
    while ordered.size < n:
        extra = rng.integers(low, high, n)
        ordered = np.concatenate([ordered, extra[~np.isin(extra, ordered)]])
        _, first = np.unique(ordered, return_index=True)
        ordered = ordered[np.sort(first)]
    return ordered[:n]


_MIX1 = np.uint64(0xBF58476D1CE4E5B9)
_MIX2 = np.uint64(0x94D049BB133111EB)
_GOLDEN = np.uint64(0x9E3779B97F4A7C15)


def _mix(x: np.ndarray) -> np.ndarray:
    """The splitmix64 finaliser: 64 well-mixed bits from each 64-bit input."""
    with np.errstate(over="ignore"):
        x = x ^ (x >> np.uint64(30))
        x = x * _MIX1
        x = x ^ (x >> np.uint64(27))
        x = x * _MIX2
        return x ^ (x >> np.uint64(31))


class Keyed:
    """Draws tied to each row's key rather than to its position.

    `random(keys, "label")` gives every key the same value whichever other keys are drawn with
    it, so a record built from a later cut of the world (more rows, or fewer) carries the same
    errors, flags and identifiers as in an earlier one: the same child looks the same in every
    delivery. Each label is its own independent draw."""

    def __init__(self, seed: int, name: str) -> None:
        self.seed = seed
        self.name = name

    def _bits(self, keys, label: str) -> np.ndarray:
        salt = zlib.crc32(f"{self.name}/{label}".encode()) | (self.seed & 0xFFFFFFFF) << 32
        k = np.asarray(keys).astype(np.int64).astype(np.uint64)
        with np.errstate(over="ignore"):
            return _mix(_mix(k * _GOLDEN + np.uint64(salt)) ^ np.uint64(salt))

    def random(self, keys, label: str) -> np.ndarray:
        """Uniform floats in [0, 1), one per key."""
        return (self._bits(keys, label) >> np.uint64(11)).astype(np.float64) * 2.0**-53

    def integers(self, low: int, high: int, keys, label: str) -> np.ndarray:
        """Integers in [low, high), one per key."""
        return low + np.floor(self.random(keys, label) * (high - low)).astype(np.int64)

    def choice(self, keys, label: str, weights) -> np.ndarray:
        """Indices drawn with the given (unnormalised) weights, one per key."""
        cumulative = np.cumsum(np.asarray(weights, dtype=float))
        u = self.random(keys, label) * cumulative[-1]
        return np.minimum(np.searchsorted(cumulative, u, side="right"), len(cumulative) - 1)

    def ids(self, keys, label: str, universe: int, start: int = 1) -> np.ndarray:
        """Distinct ids start … start+universe-1 for keys 0 … universe-1, in random order: a
        key keeps its id in every cut of the world, and an id never reveals generation order."""
        order = stream(self.seed, f"{self.name}/{label}").permutation(universe)
        return start + order[np.asarray(keys, dtype=np.int64)].astype(np.int64)

    def numbers(self, keys, label: str, universe: int, low: int, high: int) -> np.ndarray:
        """Distinct random integers in [low, high) for keys 0 … universe-1, a key keeping its
        number in every cut of the world."""
        values = unique_numbers(stream(self.seed, f"{self.name}/{label}"), universe, low, high)
        return values[np.asarray(keys, dtype=np.int64)]


class Bound:
    """A look-alike of numpy's Generator whose draws are tied to one frame's row keys (see
    `Keyed`), so code written as `rng.random(n)` over a frame's rows draws the same values for
    the same rows in every cut of the world. Every draw must be one value per row; each call is
    its own label, so the sequence of calls must not depend on the data."""

    def __init__(self, seed: int, name: str, keys) -> None:
        self.keyed = Keyed(seed, name)
        self.keys = np.asarray(keys, dtype=np.int64)
        self.calls = 0

    def _label(self, size) -> str:
        if size is None or int(np.prod(size)) != self.keys.size:
            raise ValueError(f"keyed draws are one per row ({self.keys.size}), not {size}")
        self.calls += 1
        return str(self.calls)

    def random(self, size=None) -> np.ndarray:
        return self.keyed.random(self.keys, self._label(size))

    def integers(self, low: int, high: int | None = None, size=None) -> np.ndarray:
        if high is None:
            low, high = 0, low
        return self.keyed.integers(low, high, self.keys, self._label(size))

    def choice(self, a, size=None, p=None) -> np.ndarray:
        options = np.arange(a) if np.ndim(a) == 0 else np.asarray(a)
        weights = np.ones(len(options)) if p is None else p
        return options[self.keyed.choice(self.keys, self._label(size), weights)]
