"""Writes of the experiments: exposures (batched off the page's path), the unit an account
keeps, and starting, stopping and shipping an experiment.

A page view must not wait on a write to say who saw what: :func:`exposure_log` only queues
the first exposure of a unit in this worker's memory; :func:`exposures_flush` writes the queue
in one ``INSERT`` once it holds :data:`FLUSH_EVERY` exposures or its oldest is
:data:`FLUSH_SECONDS` old (and before results are read, and at exit), by the shop's one
write-behind queue (:class:`core.write_behind.WriteBehind`: a failed write is logged and
dropped). A unit exposed again is not queued again (this worker remembers :data:`REMEMBERED`
units); one exposed in two workers is written once (the table keeps one row per experiment and
unit, conflicts ignored).
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from datetime import datetime

from django.db import transaction
from django.utils import timezone

from core.write_behind import WriteBehind
from serving.services import RegistryError, version_promote

from .models import Experiment, Exposure, SurfaceDefault, UnitAlias, Variant
from .selectors import shopper_unit, surface_plan, surface_plans_forget
from .signals import experiment_shipped

FLUSH_EVERY = 200  # exposures per INSERT: one write per this many first visits, not one per view
FLUSH_SECONDS = 5.0  # the longest a queued exposure waits while traffic is slow
REMEMBERED = 100_000  # units this worker knows it already queued (~10 MB), oldest forgotten first


def _exposures_write(batch: list[Exposure]) -> None:
    Exposure.objects.bulk_create(batch, ignore_conflicts=True)


_queue: WriteBehind[Exposure] = WriteBehind(
    name="exposures", write=_exposures_write, flush_every=FLUSH_EVERY, flush_seconds=FLUSH_SECONDS
)
_seen_lock = threading.Lock()
_seen: OrderedDict[tuple[int, str], None] = OrderedDict()


class ExperimentRefused(ValueError):
    """A change of an experiment's state the page refuses (the message says why)."""


def exposure_log(*, experiment_id: int, variant_id: int, unit: str, at: datetime | None = None) -> None:
    """Queue ``unit``'s first exposure to the experiment (cheap: no query on the page's path
    unless this request fills the batch or finds it due)."""
    if not unit:
        return
    seen_key = (experiment_id, unit)
    with _seen_lock:
        if seen_key in _seen:
            _seen.move_to_end(seen_key)
            return
        _seen[seen_key] = None
        if len(_seen) > REMEMBERED:
            _seen.popitem(last=False)
    exposed_at = at or timezone.now()
    _queue.add(Exposure(experiment_id=experiment_id, variant_id=variant_id, unit=unit, exposed_at=exposed_at))


def exposures_flush() -> int:
    """Write the queued exposures (one ``INSERT``); returns how many were queued."""
    return _queue.flush()


def exposures_forget() -> None:
    """Drop the queue and what this worker remembers (tests; a new process starts empty)."""
    _queue.forget()
    with _seen_lock:
        _seen.clear()


def alias_record(*, user, unit: str) -> UnitAlias | None:
    """The account keeps the unit it first logged in with (later log-ins change nothing)."""
    if not unit:
        return None
    alias, _ = UnitAlias.objects.get_or_create(user=user, defaults={"unit": unit})
    return alias


def alias_erase(*, user) -> None:
    UnitAlias.objects.filter(user=user).delete()


def _plans_changed() -> None:
    """This worker reads the surfaces' plans afresh now and again once the change is committed
    (a page read in between must not keep the old plan for :data:`~experiments.selectors.PLAN_SECONDS`)."""
    surface_plans_forget()
    transaction.on_commit(surface_plans_forget)


@transaction.atomic
def experiment_start(*, experiment: Experiment) -> Experiment:
    """Start assigning and logging (resuming a stopped experiment keeps its exposures)."""
    experiment = Experiment.objects.select_for_update().get(pk=experiment.pk)
    if experiment.status == Experiment.Status.SHIPPED:
        raise ExperimentRefused("This experiment was shipped; make a new one to test again.")
    variants = list(experiment.variants.all())
    if len(variants) < 2 or any(v.weight < 1 for v in variants):
        raise ExperimentRefused("An experiment needs two or more variants, each with a weight of 1 or more.")
    if sum(v.is_control for v in variants) != 1:
        raise ExperimentRefused("Mark exactly one variant as the control.")
    running = Experiment.objects.filter(surface=experiment.surface, status=Experiment.Status.RUNNING)
    if running.exclude(pk=experiment.pk).exists():
        raise ExperimentRefused("Another experiment is running on this surface: stop it first.")
    experiment.status = Experiment.Status.RUNNING
    experiment.started_at = experiment.started_at or timezone.now()
    experiment.stopped_at = None
    experiment.save(update_fields=["status", "started_at", "stopped_at"])
    _plans_changed()
    return experiment


@transaction.atomic
def experiment_stop(*, experiment: Experiment) -> Experiment:
    """Stop assigning: every shopper sees the surface's default again; results stay."""
    experiment = Experiment.objects.select_for_update().get(pk=experiment.pk)
    if experiment.status != Experiment.Status.RUNNING:
        raise ExperimentRefused("Only a running experiment can be stopped.")
    experiment.status = Experiment.Status.STOPPED
    experiment.stopped_at = timezone.now()
    experiment.save(update_fields=["status", "stopped_at"])
    _plans_changed()
    transaction.on_commit(exposures_flush)
    return experiment


@transaction.atomic
def experiment_ship(*, experiment: Experiment, variant: Variant, by: str) -> Experiment:
    """Make ``variant`` what everyone gets: a strategy becomes its surface's default here; a
    categorizer version is promoted in the model registry (its move recorded with ``by`` and the
    experiment as the reason; refused, and nothing shipped, for a version it does not know).
    :data:`~experiments.signals.experiment_shipped` is sent once this is committed."""
    experiment = Experiment.objects.select_for_update().get(pk=experiment.pk)
    if variant.experiment_id != experiment.pk:
        raise ExperimentRefused("That variant belongs to another experiment.")
    if experiment.status == Experiment.Status.SHIPPED:
        raise ExperimentRefused("This experiment was already shipped.")
    if experiment.status == Experiment.Status.RUNNING:
        experiment.stopped_at = timezone.now()
    experiment.status = Experiment.Status.SHIPPED
    experiment.shipped_variant = variant
    experiment.save(update_fields=["status", "stopped_at", "shipped_variant"])
    if experiment.surface == Experiment.Surface.CATEGORIZER:
        reason = f"experiment {experiment.key!r} shipped its variant {variant.key!r}"
        try:
            version_promote(version=variant.value, reason=reason, by=by)
        except RegistryError as error:
            raise ExperimentRefused(str(error)) from None
    else:
        SurfaceDefault.objects.update_or_create(
            surface=experiment.surface, defaults={"strategy": variant.value, "experiment": experiment}
        )
    _plans_changed()
    transaction.on_commit(
        lambda: experiment_shipped.send(sender=Experiment, experiment=experiment, variant=variant)
    )
    return experiment


def strategy_shown(*, request, surface: str) -> str:
    """The strategy a shopper gets on ``surface`` (the running experiment's variant, else the
    shipped default, else ""), with their exposure queued."""
    plan = surface_plan(surface=surface)
    if plan.running is None or request is None:
        return plan.default
    unit = shopper_unit(request=request)
    variant_id, value = plan.running.variant_of(unit)
    exposure_log(experiment_id=plan.running.experiment_id, variant_id=variant_id, unit=unit)
    return value
