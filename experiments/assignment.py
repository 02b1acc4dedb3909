"""Which variant a unit sees: a hash, so that the answer is the same on every request, in
every worker, without storing it. Pure Python over plain values (no database)."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence

# The hash's first 8 bytes as a fraction of this: 2^64 buckets, far finer than any split.
_SPACE = 2**64


def bucket(*, experiment_key: str, unit: str) -> float:
    """A number in [0, 1), uniform over units and independent between experiments (the key is
    part of the hash: a visitor in one experiment's treatment is not in every treatment)."""
    digest = hashlib.sha256(f"{experiment_key}:{unit}".encode()).digest()
    return int.from_bytes(digest[:8], "big") / _SPACE


def pick(*, experiment_key: str, unit: str, weights: Sequence[int]) -> int:
    """The index of the variant ``unit`` sees, with probability proportional to its weight."""
    point = bucket(experiment_key=experiment_key, unit=unit) * sum(weights)
    total = 0
    for index, weight in enumerate(weights):
        total += weight
        if point < total:
            return index
    return len(weights) - 1  # not reached: point < sum(weights)
