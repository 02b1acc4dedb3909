"""The catalog audit as a task: minutes of cross-fitted categorizers, off the request path."""

from __future__ import annotations

import io
import uuid

from celery import shared_task
from django.core.management import call_command

from core.jobs import job_run_once


@shared_task(bind=True)
def audit_catalog(self, output: str, **options) -> str:
    """Run ``audit_catalog`` (its options by name, e.g. ``limit=500, use_photo=True``); its report.

    Keyed by the task id: a message delivered again after a finished run does not audit
    twice (and a second audit would only refresh the same review list: decided suspects
    are never raised again).
    """
    run_id = self.request.id or uuid.uuid4().hex

    def work() -> str:
        report = io.StringIO()
        call_command("audit_catalog", output=output, stdout=report, **options)
        return report.getvalue()

    _, report = job_run_once(key=f"catalog_audit.audit:{run_id}", work=work)
    return report
