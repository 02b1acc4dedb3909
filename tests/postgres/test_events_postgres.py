"""Shopper events on PostgreSQL: committed without waiting for the disk, and only they."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser
from django.db import connection, transaction
from django.db.models.signals import post_save
from django.test import RequestFactory

from recommendations.models import ProductEvent
from recommendations.services import event_log

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def _synchronous_commit() -> str:
    with connection.cursor() as cursor:
        cursor.execute("SHOW synchronous_commit")
        return cursor.fetchone()[0]


def _visitor_request():
    request = RequestFactory().get("/")
    request.user = AnonymousUser()
    return request


@pytest.fixture
def seen_while_saving():
    """``synchronous_commit`` as seen inside the transaction that saves each event."""
    seen: list[str] = []

    def record(sender, **kwargs):
        seen.append(_synchronous_commit())

    post_save.connect(record, sender=ProductEvent, weak=False, dispatch_uid="seen")
    yield seen
    post_save.disconnect(sender=ProductEvent, dispatch_uid="seen")


def test_an_event_commits_without_waiting_for_the_disk(seller, make_product, seen_while_saving):
    product = make_product(seller=seller, name="Blue jeans")
    assert _synchronous_commit() == "on"  # the server's durable default
    event_log(request=_visitor_request(), product_id=product.pk, kind=ProductEvent.Kind.VIEW)
    assert seen_while_saving == ["off"]
    assert ProductEvent.objects.filter(product=product, kind="view").count() == 1
    # SET LOCAL ended with the event's own transaction: the next write is durable again.
    assert _synchronous_commit() == "on"


def test_an_event_inside_an_order_transaction_does_not_relax_it(seller, make_product, seen_while_saving):
    product = make_product(seller=seller, name="Blue jeans")
    with transaction.atomic():
        event_log(request=_visitor_request(), product_id=product.pk, kind=ProductEvent.Kind.PURCHASE)
    assert seen_while_saving == ["on"]
    assert ProductEvent.objects.filter(product=product, kind="purchase").count() == 1
