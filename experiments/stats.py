"""The statistics of an experiment's results page, over counts only (no Django, no rows).

Every figure comes from statsmodels or scipy, as GrowthBook's frequentist engine reports them:
a rate per variant with its Wilson 95% interval, the difference from the control with its
interval, a two-sided two-proportion z-test, a sample-ratio-mismatch check (chi-squared
against the planned split) and the sample per variant still needed for the planned lift.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from scipy.stats import chisquare
from statsmodels.stats.power import NormalIndPower
from statsmodels.stats.proportion import (
    confint_proportions_2indep,
    proportion_confint,
    proportion_effectsize,
    proportions_ztest,
)

ALPHA = 0.05  # two-sided: a 95% interval, and a difference called at p < 0.05
POWER = 0.8  # the chance of finding the planned lift if it is real (the usual planning target)
# A sample-ratio mismatch means the split itself is broken (a bug, not chance): alarm only at a
# p-value this small, as GrowthBook does, so that it almost never cries wolf over many checks.
SRM_ALARM_P = 0.001
RATE_METHOD = "wilson"  # stays inside [0, 1] and keeps its coverage at rates of a few percent
DIFF_METHOD = "newcomb"  # Wilson-based interval of a difference (Newcomb's hybrid score)


@dataclass(frozen=True)
class Rate:
    conversions: int
    exposures: int
    rate: float | None
    low: float | None
    high: float | None


@dataclass(frozen=True)
class Comparison:
    """A variant against the control: ``difference`` = variant rate − control rate."""

    difference: float | None
    low: float | None
    high: float | None
    relative_lift: float | None
    z: float | None
    p_value: float | None

    @property
    def significant(self) -> bool:
        return self.p_value is not None and self.p_value < ALPHA


@dataclass(frozen=True)
class SampleRatio:
    p_value: float | None
    alarm: bool


def rate(*, conversions: int, exposures: int) -> Rate:
    """The conversion rate with its 95% Wilson interval (None while nothing is exposed)."""
    if exposures <= 0:
        return Rate(conversions, exposures, None, None, None)
    low, high = proportion_confint(conversions, exposures, alpha=ALPHA, method=RATE_METHOD)
    return Rate(conversions, exposures, conversions / exposures, float(low), float(high))


def compare(
    *, conversions: int, exposures: int, control_conversions: int, control_exposures: int
) -> Comparison:
    """The difference of a variant's rate from the control's, its 95% interval and the
    two-sided two-proportion z-test (pooled variance, as ``proportions_ztest`` does).

    Undefined (all None) while either side has nothing exposed, or nobody converted on
    either side (the test has no variance to measure against).
    """
    empty = Comparison(None, None, None, None, None, None)
    if exposures <= 0 or control_exposures <= 0:
        return empty
    variant_rate, control_rate = conversions / exposures, control_conversions / control_exposures
    total = conversions + control_conversions
    if total == 0 or total == exposures + control_exposures:
        return Comparison(variant_rate - control_rate, None, None, None, None, None)
    z, p = proportions_ztest([conversions, control_conversions], [exposures, control_exposures])
    low, high = confint_proportions_2indep(
        conversions,
        exposures,
        control_conversions,
        control_exposures,
        method=DIFF_METHOD,
        compare="diff",
        alpha=ALPHA,
    )
    lift = (variant_rate - control_rate) / control_rate if control_rate > 0 else None
    return Comparison(variant_rate - control_rate, float(low), float(high), lift, float(z), float(p))


def sample_ratio(*, exposures: Sequence[int], weights: Sequence[float]) -> SampleRatio:
    """Chi-squared test of the observed split against the planned one (``weights``, any scale)."""
    total = sum(exposures)
    if total == 0 or len(exposures) < 2:
        return SampleRatio(None, False)
    planned = [w / sum(weights) * total for w in weights]
    p = float(chisquare(list(exposures), f_exp=planned).pvalue)
    return SampleRatio(p, p < SRM_ALARM_P)


def required_per_variant(*, base_rate: float, relative_lift: float, ratio: float = 1.0) -> int:
    """Exposures the control needs (a variant: ``ratio`` times as many) for a two-sided test
    at :data:`ALPHA` to find a true ``relative_lift`` over ``base_rate`` with :data:`POWER`.

    Cohen's h (``proportion_effectsize``, arcsine scale) with the normal power of
    ``NormalIndPower``: the test the page runs is the two-proportion z-test, whose power this is.
    """
    treated = min(base_rate * (1 + relative_lift), 1.0)
    effect = abs(proportion_effectsize(treated, base_rate))
    if not 0 < base_rate < 1 or effect == 0:
        raise ValueError("A base rate strictly between 0 and 1 and a non-zero lift are needed.")
    n = NormalIndPower().solve_power(
        effect_size=effect, alpha=ALPHA, power=POWER, ratio=ratio, alternative="two-sided"
    )
    return math.ceil(float(n))


def still_needed(*, required: int, exposures: int) -> int:
    return max(required - exposures, 0)
