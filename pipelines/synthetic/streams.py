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
