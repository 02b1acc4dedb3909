"""The beat's retraining entry (django-celery-beat's database scheduler), from the settings.

``RETRAIN_SCHEDULE`` (a crontab, UTC) and ``RETRAIN_KINDS`` are the truth: every migrate puts
the entry in line with them, so changing the schedule is changing the setting and migrating.
"""

from __future__ import annotations

import json

from django.conf import settings
from django.db import transaction

PERIODIC_TASK_NAME = "retrain models"
TASK = "retraining.tasks.retrain"
CRONTAB_FIELDS = ("minute", "hour", "day_of_month", "month_of_year", "day_of_week")


class ScheduleError(ValueError):
    """RETRAIN_SCHEDULE is not a five-field crontab."""


def crontab_fields(*, schedule: str) -> dict[str, str]:
    """``"30 2 * * *"`` → ``{"minute": "30", "hour": "2", ...}`` (crontab's field order)."""
    fields = schedule.split()
    if len(fields) != len(CRONTAB_FIELDS):
        raise ScheduleError(
            f"RETRAIN_SCHEDULE={schedule!r}: give five crontab fields "
            "(minute hour day-of-month month day-of-week), e.g. '30 2 * * *'"
        )
    return dict(zip(CRONTAB_FIELDS, fields, strict=True))


@transaction.atomic
def retrain_schedule_sync(**kwargs) -> None:
    """Create or update the one ``PeriodicTask`` that retrains (idempotent); a post_migrate receiver."""
    from django_celery_beat.models import CrontabSchedule, PeriodicTask

    crontab, _ = CrontabSchedule.objects.get_or_create(
        **crontab_fields(schedule=settings.RETRAIN_SCHEDULE), timezone=settings.TIME_ZONE
    )
    PeriodicTask.objects.update_or_create(
        name=PERIODIC_TASK_NAME,
        defaults={
            "task": TASK,
            "crontab": crontab,
            "interval": None,
            "kwargs": json.dumps({"kinds": list(settings.RETRAIN_KINDS)}),
            "enabled": True,
            "description": "Retrain on sellers' confirmations and audited labels (RETRAIN_SCHEDULE).",
        },
    )
