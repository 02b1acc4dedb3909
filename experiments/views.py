"""The staff's results page of an experiment, and its start, stop and ship buttons.

Served inside the admin (``ExperimentAdmin.get_urls``), which already asks for a staff login;
each view checks staff itself too, so that no route can expose it by being wired elsewhere.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from recommendations.services import views_flush

from .charts import daily_rates_svg
from .models import Experiment, Variant
from .selectors import experiment_results
from .services import ExperimentRefused, experiment_ship, experiment_start, experiment_stop, exposures_flush


def _staff_only(request) -> None:
    if not (request.user.is_active and request.user.is_staff):
        raise PermissionDenied


def results(request, experiment_id: int, *, admin_context: dict | None = None):
    _staff_only(request)
    experiment = get_object_or_404(Experiment, pk=experiment_id)
    exposures_flush()  # this worker's queued exposures and views count at once (others' within seconds)
    views_flush()
    found = experiment_results(experiment=experiment)
    chart = daily_rates_svg(daily=found.daily, names={r.variant.pk: r.variant.key for r in found.variants})
    return render(
        request,
        "experiments/results.html",
        {
            **(admin_context or {}),
            "title": experiment.title,
            "experiment": experiment,
            "results": found,
            "chart": chart,
            "Status": Experiment.Status,
        },
    )


def _act(request, experiment_id: int, action) -> object:
    _staff_only(request)
    experiment = get_object_or_404(Experiment, pk=experiment_id)
    try:
        action(experiment)
    except ExperimentRefused as refusal:
        messages.error(request, str(refusal))
    return redirect("admin:experiments_experiment_results", experiment.pk)


@require_POST
def start(request, experiment_id: int):
    return _act(request, experiment_id, lambda e: experiment_start(experiment=e))


@require_POST
def stop(request, experiment_id: int):
    return _act(request, experiment_id, lambda e: experiment_stop(experiment=e))


@require_POST
def ship(request, experiment_id: int):
    _staff_only(request)
    variant = get_object_or_404(Variant, pk=request.POST.get("variant") or 0, experiment_id=experiment_id)
    by = f"person:{request.user.username}"
    return _act(request, experiment_id, lambda e: experiment_ship(experiment=e, variant=variant, by=by))
