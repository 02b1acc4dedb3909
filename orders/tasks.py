"""Order mail as a task on the queue, sent once the order's transaction commits."""

from __future__ import annotations

from celery import shared_task

from core.jobs import enqueue_on_commit, job_run_once

from . import emails
from .models import Order


@shared_task
def order_email(order_id: int, kind: str) -> None:
    """One mail per order and kind: a message delivered twice mails once."""
    job_run_once(
        key=f"orders.email:{order_id}:{kind}",
        work=lambda: emails.order_email_send(order_id=order_id, kind=kind),
    )


def order_email_on_commit(*, order: Order, kind: str) -> None:
    """Queue the mail when the transaction commits (a rolled-back change mails nobody)."""
    enqueue_on_commit(order_email, order.pk, kind)
