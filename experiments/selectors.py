"""Reads of the experiments: what a surface serves now, which unit a shopper is, and results.

A page asks :func:`surface_plan` on every request, so the running experiment and the shipped
default of each surface are kept in the process for :data:`PLAN_SECONDS` (no query per page);
starting, stopping or shipping clears them here at once, in other workers within that time.
"""

from __future__ import annotations

import bisect
import math
import time
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from django.db.models import CharField, Q, Value
from django.db.models.functions import Cast, Concat
from django.utils import timezone

from recommendations.models import ProductEvent
from recommendations.visitors import visitor_key
from seller_accounts.models import ListingCategorization

from . import stats
from .assignment import pick
from .models import Experiment, Exposure, SurfaceDefault, UnitAlias, Variant

# How long a worker serves a surface's plan before reading it again: a start or stop reaches
# every worker within this, and a page view costs no query for it.
PLAN_SECONDS = 10
USER_UNIT = "user:"  # the unit of an account that has no visitor id recorded (logged in before this app)


@dataclass(frozen=True)
class Plan:
    """A surface's running experiment, as a page needs it to assign and log."""

    experiment_id: int
    key: str
    variant_ids: tuple[int, ...]
    values: tuple[str, ...]
    weights: tuple[int, ...]

    def variant_of(self, unit: str) -> tuple[int, str]:
        index = pick(experiment_key=self.key, unit=unit, weights=self.weights)
        return self.variant_ids[index], self.values[index]


@dataclass(frozen=True)
class SurfacePlan:
    running: Plan | None
    default: str  # the shipped strategy; "" for the surface's own default


_plans: dict[str, SurfacePlan] = {}
_plans_read_at = float("-inf")
_NO_PLAN = SurfacePlan(running=None, default="")


def surface_plan(*, surface: str) -> SurfacePlan:
    """The running experiment of ``surface`` (if any) and its shipped default, memoised for
    every surface at once: a worker reads them in one query every :data:`PLAN_SECONDS` (and a
    second one, for the variants, only while an experiment runs)."""
    global _plans, _plans_read_at
    now = time.monotonic()
    if now - _plans_read_at >= PLAN_SECONDS:
        _plans, _plans_read_at = _plans_read(), now
    return _plans.get(surface, _NO_PLAN)


def _plans_read() -> dict[str, SurfacePlan]:
    # One query: the running experiments' ids and the shipped defaults, side by side.
    running = (
        Experiment.objects.filter(status=Experiment.Status.RUNNING)
        .order_by()
        .values_list("surface", Value("running"), Cast("pk", CharField()))
    )
    defaults = SurfaceDefault.objects.values_list("surface", Value("default"), "strategy")
    rows = list(running.union(defaults, all=True))
    running_ids = {int(value): surface for surface, kind, value in rows if kind == "running"}
    plans_running: dict[str, Plan] = {}
    if running_ids:
        by_experiment: dict[int, list[Variant]] = defaultdict(list)
        for variant in Variant.objects.filter(experiment_id__in=running_ids).select_related("experiment"):
            by_experiment[variant.experiment_id].append(variant)
        for experiment_id, variants in by_experiment.items():
            plans_running[running_ids[experiment_id]] = Plan(
                experiment_id=experiment_id,
                key=variants[0].experiment.key,
                variant_ids=tuple(v.pk for v in variants),
                values=tuple(v.value for v in variants),
                weights=tuple(v.weight for v in variants),
            )
    defaults_by_surface = {surface: value for surface, kind, value in rows if kind == "default"}
    return {
        surface: SurfacePlan(running=plans_running.get(surface), default=defaults_by_surface.get(surface, ""))
        for surface in {*plans_running, *defaults_by_surface}
    }


def surface_plans_forget() -> None:
    """Read the plans afresh on the next request (after a start, stop or ship, and in tests)."""
    global _plans_read_at
    _plans_read_at = float("-inf")


def shopper_unit(*, request, create: bool = True) -> str:
    """The id a shopper is assigned by: their visitor id, which their account keeps once they
    log in (:class:`~experiments.models.UnitAlias`), so the variant survives logging in.
    ``create`` gives an anonymous visitor an id now (their cookie is set with the response)."""
    if not hasattr(request, "_experiment_unit"):
        user = request.user
        if user.is_authenticated:
            alias = UnitAlias.objects.filter(user=user).values_list("unit", flat=True).first()
            request._experiment_unit = alias or visitor_key(request=request) or f"{USER_UNIT}{user.pk}"
        else:
            request._experiment_unit = visitor_key(request=request, create=create)
    return request._experiment_unit


def seller_unit(*, seller_id: int) -> str:
    """A seller is assigned by their account (a categorizer experiment's unit)."""
    return f"seller:{seller_id}"


def categorizer_version_for(*, seller_id: int) -> str:
    """The categorizer version a seller's listings are to be categorized with while a
    categorizer experiment runs ("" otherwise: the registry's live version). The model
    registry asks this when it serves a seller (wired at merge: ``serving`` cannot import
    this app, so the lead hands it this function, e.g. as a chooser set in ``ready()``)."""
    running = surface_plan(surface=Experiment.Surface.CATEGORIZER).running
    if running is None:
        return ""
    return running.variant_of(seller_unit(seller_id=seller_id))[1]


def variant_for(*, experiment: Experiment, unit: str) -> Variant:
    """The variant ``unit`` sees in ``experiment`` (the same answer as a page's :class:`Plan`)."""
    variants = list(experiment.variants.all())
    return variants[pick(experiment_key=experiment.key, unit=unit, weights=[v.weight for v in variants])]


# ---------------------------------------------------------------------------- results


@dataclass(frozen=True)
class VariantResult:
    variant: Variant
    rate: stats.Rate
    comparison: stats.Comparison | None  # None for the control
    planned_share: float
    observed_share: float | None
    required: int | None  # exposures it needs for the planned lift (None: not computable yet)


@dataclass(frozen=True)
class DailyPoint:
    day: date
    rates: dict[int, float | None]  # variant id -> cumulative rate up to the end of that day


@dataclass(frozen=True)
class Results:
    experiment: Experiment
    variants: list[VariantResult]
    sample_ratio: stats.SampleRatio
    base_rate: float  # the control's observed rate once it has converted anyone, else the planned one
    still_needed: int | None  # exposures still to come, all variants together
    daily: list[DailyPoint] = field(default_factory=list)


@dataclass(frozen=True)
class _Unit:
    variant_id: int
    exposed_at: datetime
    converted_at: datetime | None


def experiment_results(*, experiment: Experiment) -> Results:
    """Per variant: exposures, conversions, rate and interval, the comparison with the control;
    the split's sample-ratio check; the sample still needed; the daily cumulative rates."""
    variants = list(experiment.variants.all())
    units = (
        _categorizer_units(experiment)
        if experiment.surface == Experiment.Surface.CATEGORIZER
        else (_shopper_units(experiment))
    )
    exposed = {v.pk: 0 for v in variants}
    converted = {v.pk: 0 for v in variants}
    for unit in units:
        exposed[unit.variant_id] += 1
        converted[unit.variant_id] += unit.converted_at is not None
    control = next((v for v in variants if v.is_control), variants[0] if variants else None)
    total = sum(exposed.values())
    weights = [v.weight for v in variants]
    base = experiment.base_rate
    if control is not None and converted[control.pk]:
        base = converted[control.pk] / exposed[control.pk]
    required = _required(experiment, variants, control, base) or {}
    rows = []
    for v in variants:
        comparison = None
        if v != control:
            comparison = stats.compare(
                conversions=converted[v.pk],
                exposures=exposed[v.pk],
                control_conversions=converted[control.pk],
                control_exposures=exposed[control.pk],
            )
        rows.append(
            VariantResult(
                variant=v,
                rate=stats.rate(conversions=converted[v.pk], exposures=exposed[v.pk]),
                comparison=comparison,
                planned_share=v.weight / sum(weights),
                observed_share=exposed[v.pk] / total if total else None,
                required=required.get(v.pk),
            )
        )
    still = None
    if required:
        still = sum(stats.still_needed(required=required[v.pk], exposures=exposed[v.pk]) for v in variants)
    return Results(
        experiment=experiment,
        variants=rows,
        sample_ratio=stats.sample_ratio(exposures=[exposed[v.pk] for v in variants], weights=weights),
        base_rate=base,
        still_needed=still,
        daily=_daily(units, [v.pk for v in variants]),
    )


def _required(
    experiment: Experiment, variants: list[Variant], control: Variant | None, base: float
) -> dict[int, int] | None:
    """Exposures each variant needs for the planned lift over ``base`` to be found with the
    planned power, at the planned split (a variant with twice the control's weight needs twice
    its sample; the control needs what its most demanding comparison asks)."""
    if control is None or len(variants) < 2 or not 0 < base < 1 or not experiment.planned_lift:
        return None
    needed = {control.pk: 0}
    for v in variants:
        if v == control:
            continue
        ratio = v.weight / control.weight
        n_control = stats.required_per_variant(
            base_rate=base, relative_lift=experiment.planned_lift, ratio=ratio
        )
        needed[control.pk] = max(needed[control.pk], n_control)
        needed[v.pk] = math.ceil(n_control * ratio)
    return needed


def _shopper_units(experiment: Experiment) -> list[_Unit]:
    """Each exposed shopper, and when they first did the outcome after their exposure (their
    events under their visitor id, or under the account that keeps that id). The units are
    matched in SQL by subqueries, never as a list of parameters (SQLite caps those)."""
    exposed = Exposure.objects.filter(experiment=experiment)
    exposures = list(exposed.values_list("unit", "variant_id", "exposed_at"))
    if not exposures:
        return []
    units_sql = exposed.values("unit")
    unit_of_user = dict(UnitAlias.objects.filter(unit__in=units_sql).values_list("user_id", "unit"))
    first_exposed = min(at for _, _, at in exposures)
    events = ProductEvent.objects.filter(kind=experiment.outcome, created_at__gt=first_exposed)
    if experiment.stopped_at:
        events = events.filter(created_at__lte=experiment.stopped_at)
    events = events.annotate(user_unit=Concat(Value(USER_UNIT), Cast("user_id", CharField())))
    rows = events.filter(
        Q(session_key__in=units_sql)
        | Q(user_id__in=UnitAlias.objects.filter(unit__in=units_sql).values("user_id"))
        | Q(user_unit__in=units_sql)
    ).values_list("user_id", "session_key", "created_at")
    exposed_units = {u for u, _, _ in exposures}
    times: dict[str, list[datetime]] = defaultdict(list)
    for user_id, session_key, created_at in rows:
        unit = unit_of_user.get(user_id) if user_id else None
        if unit is None and user_id and f"{USER_UNIT}{user_id}" in exposed_units:
            unit = f"{USER_UNIT}{user_id}"
        unit = unit or (session_key if session_key in exposed_units else None)
        if unit:
            times[unit].append(created_at)
    units = []
    for unit, variant_id, exposed_at in exposures:
        after = sorted(times.get(unit, ()))
        i = bisect.bisect_right(after, exposed_at)
        units.append(_Unit(variant_id, exposed_at, after[i] if i < len(after) else None))
    return units


def _categorizer_units(experiment: Experiment) -> list[_Unit]:
    """Each listing made with the help of one of the variants' model versions while the
    experiment ran; converted if the seller corrected any level of the model's suggestion."""
    version_to_variant = {v.value: v.pk for v in experiment.variants.all()}
    records = ListingCategorization.objects.filter(model_version__in=version_to_variant)
    if experiment.started_at:
        records = records.filter(created_at__gte=experiment.started_at)
    if experiment.stopped_at:
        records = records.filter(created_at__lte=experiment.stopped_at)
    flags = [f"{level}_corrected" for level in ListingCategorization.LEVELS]
    units = []
    for record in records.only("model_version", "created_at", *flags):
        was_corrected = any(getattr(record, flag) for flag in flags)
        units.append(
            _Unit(
                version_to_variant[record.model_version],
                record.created_at,
                record.created_at if was_corrected else None,
            )
        )
    return units


def _daily(units: list[_Unit], variant_ids: list[int]) -> list[DailyPoint]:
    """Each day from the first exposure to the last conversion: every variant's rate among the
    units exposed by the end of that day, counting the conversions made by then (a running sum
    of the exposures and conversions of each day: one pass over the units)."""
    if not units:
        return []
    tz = timezone.get_current_timezone()
    exposed_on: Counter[tuple[int, date]] = Counter()
    converted_on: Counter[tuple[int, date]] = Counter()
    for u in units:
        exposed_on[u.variant_id, u.exposed_at.astimezone(tz).date()] += 1
        if u.converted_at is not None:
            converted_on[u.variant_id, u.converted_at.astimezone(tz).date()] += 1
    days = {day for _, day in exposed_on} | {day for _, day in converted_on}
    first, last = min(days), max(days)
    seen = dict.fromkeys(variant_ids, 0)
    done = dict.fromkeys(variant_ids, 0)
    points = []
    for offset in range((last - first).days + 1):
        day = first + timedelta(days=offset)
        for v in variant_ids:
            seen[v] += exposed_on[v, day]
            done[v] += converted_on[v, day]
        points.append(DailyPoint(day, {v: done[v] / seen[v] if seen[v] else None for v in variant_ids}))
    return points


def variants_seen(*, request) -> str:
    """The variants this shopper is assigned in the running experiments ("" when none runs):
    what a page cached for every shopper varies by (``core.page_cache.vary_by``)."""
    running = [(surface, surface_plan(surface=surface).running) for surface in Experiment.Surface.values]
    return ",".join(
        f"{surface}={plan.variant_of(shopper_unit(request=request))[0]}" for surface, plan in running if plan
    )
