"""Account mail as tasks on the queue (password reset, seller verification), sent on commit.

The request only queues the mail: a reset asked for an address with an account takes the
same time as one for an address without (no account discovery by timing).
"""

from __future__ import annotations

import uuid

from celery import shared_task

from core.jobs import enqueue_on_commit, job_run_once

from . import services
from .models import User


@shared_task(bind=True)
def password_reset_mail(self, email: str, domain: str, use_https: bool) -> None:
    """Keyed by the task id: a message delivered twice mails once."""
    run_id = self.request.id or uuid.uuid4().hex
    job_run_once(
        key=f"accounts.password-reset:{run_id}",
        work=lambda: services.password_reset_mail_send(email=email, domain=domain, use_https=use_https),
    )


@shared_task(bind=True)
def email_verification_mail(self, user_id: int, link: str) -> None:
    """Keyed by the task id: a message delivered twice mails once (a resend is a new task)."""
    run_id = self.request.id or uuid.uuid4().hex
    job_run_once(
        key=f"accounts.verification:{run_id}",
        work=lambda: services.email_verification_mail_send(user_id=user_id, link=link),
    )


def password_reset_mail_on_commit(*, email: str, domain: str, use_https: bool) -> None:
    enqueue_on_commit(password_reset_mail, email, domain, use_https)


def email_verification_on_commit(*, user: User, request) -> None:
    """The link is built here, from the request's host; the mail goes once the account is saved."""
    link = services.email_verification_link(user=user, request=request)
    enqueue_on_commit(email_verification_mail, user.pk, link)
