"""The results page's statistics: against values worked out by hand, and on simulated traffic.

The simulations draw each run's conversions per arm from a binomial (numpy), then ask the
page's own functions (:mod:`experiments.stats`), so what is checked is what the page shows.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from scipy.stats import binom, binomtest, norm

from experiments import stats

RUNS = 2000  # simulated experiments per check: the share's interval is about ±1–3 points
SEED = 20261206
BASE_RATE = 0.05
LIFT = 0.20
# How sure a simulation check must be before it fails: a 99.9% interval around the expected
# share, so that a correct engine fails the test about once in a thousand seeds (this one is fixed).
CHECK_CONFIDENCE = 0.999


def test_rate_is_the_wilson_interval():
    found = stats.rate(conversions=50, exposures=1000)
    z, p, n = norm.ppf(0.975), 0.05, 1000
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z / (1 + z * z / n) * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n))
    assert found.rate == pytest.approx(0.05)
    assert (found.low, found.high) == pytest.approx((centre - half, centre + half))
    assert stats.rate(conversions=0, exposures=0).rate is None


def test_difference_and_z_test_match_the_pooled_formula():
    found = stats.compare(conversions=60, exposures=1000, control_conversions=50, control_exposures=1000)
    pooled = 110 / 2000
    z = (0.06 - 0.05) / math.sqrt(pooled * (1 - pooled) * (2 / 1000))
    assert found.difference == pytest.approx(0.01)
    assert found.z == pytest.approx(z)
    assert found.p_value == pytest.approx(2 * norm.sf(z))
    assert found.relative_lift == pytest.approx(0.2)
    assert found.low < 0 < found.high and not found.significant  # 1 point on 1,000 each: not shown
    big = stats.compare(conversions=600, exposures=10000, control_conversions=500, control_exposures=10000)
    assert big.significant and 0 < big.low < 0.01 < big.high


def test_comparison_is_undefined_without_data():
    nobody_exposed = stats.compare(conversions=0, exposures=0, control_conversions=3, control_exposures=10)
    nobody_converted = stats.compare(conversions=0, exposures=10, control_conversions=0, control_exposures=10)
    assert nobody_exposed.p_value is None and nobody_converted.p_value is None


def test_sample_ratio_mismatch_alarms_only_below_one_in_a_thousand():
    even = stats.sample_ratio(exposures=[5000, 5200], weights=[1, 1])
    assert even.p_value == pytest.approx(0.04767, abs=1e-4)  # chi2 = 2 * 100² / 5100 = 3.92
    assert not even.alarm
    assert stats.sample_ratio(exposures=[5000, 5500], weights=[1, 1]).alarm  # p ≈ 1e-6
    assert not stats.sample_ratio(exposures=[2000, 8000], weights=[20, 80]).alarm  # as planned


def test_required_sample_is_the_textbook_arcsine_formula():
    n = stats.required_per_variant(base_rate=BASE_RATE, relative_lift=LIFT)
    h = 2 * math.asin(math.sqrt(0.06)) - 2 * math.asin(math.sqrt(0.05))
    expected = ((norm.ppf(0.975) + norm.ppf(0.8)) / h) ** 2 * 2
    assert n == math.ceil(expected) == 8143
    assert stats.still_needed(required=n, exposures=3000) == 5143
    assert stats.still_needed(required=n, exposures=9000) == 0


def _share_flagged(*, rng, n: int, control_rate: float, variant_rate: float) -> float:
    control = rng.binomial(n, control_rate, size=RUNS)
    variant = rng.binomial(n, variant_rate, size=RUNS)
    flagged = sum(
        stats.compare(
            conversions=int(v), exposures=n, control_conversions=int(c), control_exposures=n
        ).significant
        for c, v in zip(control, variant, strict=True)
    )
    return flagged / RUNS


def _interval(expected: float) -> tuple[float, float]:
    """Where the flagged share of :data:`RUNS` runs lands if each run flags with ``expected``."""
    tail = (1 - CHECK_CONFIDENCE) / 2
    dist = binom(RUNS, expected)
    return dist.ppf(tail) / RUNS, dist.ppf(1 - tail) / RUNS


def test_aa_runs_flag_a_difference_about_five_percent_of_the_time():
    """Same rate on both arms: a difference is flagged in about α = 5% of experiments."""
    rng = np.random.default_rng(SEED)
    n = stats.required_per_variant(base_rate=BASE_RATE, relative_lift=LIFT)
    share = _share_flagged(rng=rng, n=n, control_rate=BASE_RATE, variant_rate=BASE_RATE)
    low, high = _interval(stats.ALPHA)
    print(f"A/A: {share:.1%} of {RUNS} runs flagged at n={n} per arm (expected 5%, {low:.1%}–{high:.1%})")
    assert low <= share <= high
    assert binomtest(round(share * RUNS), RUNS, stats.ALPHA).pvalue > 1 - CHECK_CONFIDENCE


def test_a_true_lift_is_found_at_the_predicted_sample_in_the_predicted_share():
    """A true 20% lift on 5%, at the sample the page predicts for 80% power: found in ~80%."""
    rng = np.random.default_rng(SEED + 1)
    n = stats.required_per_variant(base_rate=BASE_RATE, relative_lift=LIFT)
    share = _share_flagged(rng=rng, n=n, control_rate=BASE_RATE, variant_rate=BASE_RATE * (1 + LIFT))
    low, high = _interval(stats.POWER)
    print(f"A/B: {share:.1%} of {RUNS} runs found the lift at n={n} per arm", end=" ")
    print(f"(expected 80%, {low:.1%}–{high:.1%})")
    assert low <= share <= high
    # and half the sample finds it clearly less often: the prediction is not merely generous
    half = _share_flagged(rng=rng, n=n // 2, control_rate=BASE_RATE, variant_rate=BASE_RATE * (1 + LIFT))
    print(f"A/B at half that sample: {half:.1%}")
    assert half < low
