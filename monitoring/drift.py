"""Population stability index (PSI): how far a new mix of labels has moved from a reference mix.

``PSI = sum((actual - expected) * ln(actual / expected))`` over the bins: 0 for the same mix,
under 0.1 usually noise, 0.1-0.25 a shift worth a look, over 0.25 a different population
(the thresholds of :mod:`monitoring.selectors`). It is a symmetrised KL divergence; no
statsmodels or scipy function computes it, so it is these few numpy lines.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np

# A bin empty on one side would make ln(a / e) infinite: its share is raised to this floor
# (one listing in ten thousand), the usual PSI convention. It bounds one empty bin's term to
# about p * ln(p / 1e-4), e.g. 0.05 * 6.2 = 0.31 for a 5% category that vanished: still an alert.
EMPTY_BIN_SHARE = 1e-4
# The PSI thresholds were set for about ten bins; with the catalog's ~140 article types a
# sample of a few hundred listings would look drifted from sampling noise alone (the expected
# PSI of a same-mix sample grows with bins / sample size). So the reference's commonest
# labels keep their own bin and the rest share one "other" bin.
BINS = 10
OTHER = "(other)"


def psi(*, expected: Mapping[str, float], actual: Mapping[str, float]) -> float:
    """PSI of ``actual`` against ``expected`` (label -> count or share; each is normalised)."""
    labels = sorted(set(expected) | set(actual))
    e = np.array([expected.get(label, 0.0) for label in labels], dtype=float)
    a = np.array([actual.get(label, 0.0) for label in labels], dtype=float)
    if not e.sum() or not a.sum():
        raise ValueError("Both mixes need at least one count.")
    e = np.maximum(e / e.sum(), EMPTY_BIN_SHARE)
    a = np.maximum(a / a.sum(), EMPTY_BIN_SHARE)
    return float(np.sum((a - e) * np.log(a / e)))


def binned(*, expected: Mapping[str, float], actual: Mapping[str, float],
           bins: int = BINS) -> tuple[dict[str, float], dict[str, float]]:
    """Both mixes over the same ``bins`` bins: the ``bins - 1`` commonest labels of
    ``expected``, and :data:`OTHER` for every other label (see :data:`BINS`)."""
    kept = set(sorted(expected, key=lambda label: -expected[label])[: bins - 1])

    def fold(mix: Mapping[str, float]) -> dict[str, float]:
        folded: dict[str, float] = {}
        for label, value in mix.items():
            key = label if label in kept else OTHER
            folded[key] = folded.get(key, 0.0) + value
        return folded

    return fold(expected), fold(actual)
