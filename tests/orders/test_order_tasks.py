"""Order mail is a task: queued on commit, sent once per order and kind."""

from __future__ import annotations

from django.core import mail

from orders import emails
from orders.services import order_update_status
from orders.tasks import order_email
from tests.orders.test_orders import buy


def test_the_mail_waits_for_the_commit(buyer, seller, make_product, django_capture_on_commit_callbacks):
    product = make_product(seller=seller, stock=5)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        buy(buyer, product)
    assert mail.outbox == [] and len(callbacks) == 1
    callbacks[0]()
    assert len(mail.outbox) == 1 and "is placed" in mail.outbox[0].subject


def test_the_task_sends_the_service_mail_once(
    buyer, seller, make_product, django_capture_on_commit_callbacks
):
    product = make_product(seller=seller, stock=5)
    with django_capture_on_commit_callbacks(execute=True):
        order = buy(buyer, product)
        order_update_status(order=order, status="shipped", tracking_number="DL1IN")
    sent = len(mail.outbox)
    order_email.apply(args=[order.pk, emails.SHIPPED])  # a message delivered again
    order_email.delay(order.pk, emails.SHIPPED)
    assert len(mail.outbox) == sent
    assert [m.subject for m in mail.outbox].count(f"Your Threadline order #{order.pk} has shipped") == 1
