"""Account mail runs as tasks: the password-reset request only queues (the lookup and the
mail happen in the task), so a known and an unknown address cost the request the same."""

from __future__ import annotations

import re

from django.core import mail
from django.test import Client

from accounts import services, tasks
from core.models import JobRun

RESET = "/accounts/password-reset/"
CSRF = re.compile(r'name="csrfmiddlewaretoken" value="[^"]+"')


def test_the_reset_request_sends_no_mail_and_queues_the_same_task_for_any_address(
    buyer, django_capture_on_commit_callbacks
):
    queued = {}
    for email in (buyer.email, "nobody-here@example.com"):
        with django_capture_on_commit_callbacks(execute=False) as callbacks:
            response = Client().post(RESET, {"email": email}, follow=True)
        queued[email] = (callbacks, response)
    assert mail.outbox == []  # nothing sent in the request
    (known, known_page), (unknown, unknown_page) = queued.values()
    assert len(known) == len(unknown) == 1
    assert known_page.redirect_chain == unknown_page.redirect_chain
    assert CSRF.sub("", known_page.content.decode()) == CSRF.sub("", unknown_page.content.decode())
    assert not JobRun.objects.exists()  # the lookup has not happened either
    known[0]()  # the commit: with no broker the task runs eagerly, and the mail arrives
    unknown[0]()
    (message,) = mail.outbox
    assert message.to == [buyer.email] and "/accounts/reset/" in message.body
    assert JobRun.objects.filter(key__startswith="accounts.password-reset:").count() == 2


def test_a_reset_task_delivered_twice_mails_once(buyer):
    tasks.password_reset_mail.apply(args=[buyer.email, "shop.example", True], task_id="reset-1")
    tasks.password_reset_mail.apply(args=[buyer.email, "shop.example", True], task_id="reset-1")
    (message,) = mail.outbox
    assert "https://shop.example/accounts/reset/" in message.body
    tasks.password_reset_mail.apply(args=[buyer.email, "shop.example", True], task_id="reset-2")
    assert len(mail.outbox) == 2  # a new request is a new mail


def test_the_verification_task_mails_the_link_once(seller):
    link = "https://shop.example/accounts/verify-email/token/"
    tasks.email_verification_mail.apply(args=[seller.pk, link], task_id="verify-1")
    tasks.email_verification_mail.apply(args=[seller.pk, link], task_id="verify-1")
    (message,) = mail.outbox
    assert message.to == [seller.email] and message.subject == services.VERIFICATION_SUBJECT
    assert link in message.body
