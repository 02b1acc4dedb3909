"""Run a job once per idempotency key: the tasks' guard against a message delivered twice.

Celery delivers at least once (acks late: a worker that dies mid-job leaves its message to
another), so a task that mails or trains asks here first. A failure releases the key, so the
retry runs; a claim older than ``STALE_CLAIM`` is a worker that died and is taken over.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import timedelta
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from kombu.exceptions import OperationalError

from .models import JobRun

# A claim left unfinished this long belongs to a worker that died: longer than the longest
# job (a full retrain of every model is under 2 hours on 2 cores), so no live job is doubled.
STALE_CLAIM = timedelta(hours=3)

logger = logging.getLogger(__name__)


def enqueue_on_commit(task, *args: Any) -> None:
    """Send ``task(*args)`` to the queue once the transaction commits (eagerly run without a
    broker). A broker that is down is logged, not raised: the change is committed by then, and
    a page must not fail for a mail it could not queue."""

    def send() -> None:
        try:
            task.delay(*args)
        except OperationalError:
            logger.exception("Could not queue %s%r: the broker is unreachable", task.name, args)

    transaction.on_commit(send)


def _claim(*, key: str) -> JobRun | None:
    """The claimed row, or None when the key is finished or running elsewhere."""
    try:
        with transaction.atomic():
            return JobRun.objects.create(key=key)
    except IntegrityError:
        pass
    with transaction.atomic():
        run = JobRun.objects.select_for_update().get(key=key)
        if run.finished is not None or run.started > timezone.now() - STALE_CLAIM:
            return None
        JobRun.objects.filter(pk=run.pk).update(started=timezone.now())  # taken over
        return run


def job_run_once(*, key: str, work: Callable[[], Any]) -> tuple[bool, Any]:
    """``(True, work())`` the first time ``key`` runs; ``(False, the stored result)`` after.

    ``work``'s result is stored as JSON (None if it is not JSON-serializable data).
    """
    run = _claim(key=key)
    if run is None:
        done = JobRun.objects.filter(key=key).values_list("result", flat=True).first()
        return False, done
    try:
        result = work()
    except BaseException:
        JobRun.objects.filter(pk=run.pk).delete()
        raise
    stored = result if isinstance(result, dict | list | str | int | float | bool) else None
    JobRun.objects.filter(pk=run.pk).update(finished=timezone.now(), result=stored)
    return True, result
