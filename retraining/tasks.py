"""Retraining as a task: nightly from the beat (``schedule.py``), or by hand."""

from __future__ import annotations

import uuid

from celery import shared_task
from django.conf import settings

from core.jobs import job_run_once

from . import services


@shared_task(bind=True)
def retrain(self, kinds: list[str] | None = None, by: str = "schedule:retrain") -> dict:
    """Retrain ``kinds`` (default ``RETRAIN_KINDS``) and return what was trained.

    Keyed by the task id: a message delivered again (a worker lost mid-run) does not train
    twice once a run finished. Each new version is gated and, if it passes, promoted and hot
    swapped (``retraining.services.models_retrain``); ``by`` is recorded with it (the beat's
    runs: ``schedule:retrain``).
    """
    kinds = list(kinds or settings.RETRAIN_KINDS)
    run_id = self.request.id or uuid.uuid4().hex  # called as a plain function: a run of its own
    _, result = job_run_once(
        key=f"retraining.retrain:{run_id}", work=lambda: services.models_retrain(kinds=kinds, by=by)
    )
    return result
