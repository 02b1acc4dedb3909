"""Product views are queued in the worker and written in batches: one INSERT for many pages;
the shopper's feed reads their queued views; a claim or an erase writes the queue first; a
database down while writing does not fail the page."""

from __future__ import annotations

import logging

import pytest
from django.contrib.auth.models import AnonymousUser
from django.db import OperationalError, connection
from django.test import Client, RequestFactory
from django.test.utils import CaptureQueriesContext

from main.models import Product
from recommendations import services
from recommendations.models import ProductEvent
from recommendations.selectors import _recent_events
from recommendations.visitors import visitor_key
from tests.queries import statements

pytestmark = pytest.mark.usefixtures("catalog")


def active():
    return Product.objects.filter(is_active=True)


def _inserts_of_events(queries) -> int:
    return sum('INSERT INTO "main_productevent"' in query["sql"] for query in queries.captured_queries)


def test_many_product_pages_write_their_views_in_one_insert(client, monkeypatch):
    monkeypatch.setattr(services._views, "flush_every", 5)
    products = list(active()[:5])
    client.get(products[0].get_absolute_url())  # the visitor made, the page's reads warmed
    with CaptureQueriesContext(connection) as queries:
        for product in products[1:4]:
            client.get(product.get_absolute_url())
    assert _inserts_of_events(queries) == 0 and not ProductEvent.objects.exists()
    with CaptureQueriesContext(connection) as queries:
        client.get(products[4].get_absolute_url())  # the fifth view fills the batch
    assert _inserts_of_events(queries) == 1
    assert list(ProductEvent.objects.order_by("id").values_list("product_id", flat=True)) == [
        p.pk for p in products
    ]


def test_a_batch_is_one_insert_and_keeps_each_views_click_source(rf):
    request = rf.get("/")
    request.user = AnonymousUser()
    products = list(active()[:3])
    for product, source in zip(products, ["", "similar", "feed"], strict=True):
        services.view_log(request=request, product_id=product.pk, source=source)
    with CaptureQueriesContext(connection) as queries:
        assert services.views_flush() == 3
    assert statements(queries) == ["INSERT"]
    rows = ProductEvent.objects.order_by("id").values_list("product_id", "kind", "source", "session_key")
    key = visitor_key(request=request)
    assert list(rows) == [(products[0].pk, "view", "", key), (products[1].pk, "view", "similar", key),
                          (products[2].pk, "view", "feed", key)]


def test_the_views_are_written_once_the_oldest_is_old_enough(client, monkeypatch):
    first, second = active()[:2]
    client.get(first.get_absolute_url())
    assert not ProductEvent.objects.exists()
    monkeypatch.setattr(services._views, "flush_seconds", 0.0)  # as if FLUSH_SECONDS went by
    client.get(second.get_absolute_url())
    assert ProductEvent.objects.count() == 2


def _request_of(client: Client, *, user=None):
    request = RequestFactory().get("/")
    request.COOKIES.update({name: morsel.value for name, morsel in client.cookies.items()})
    request.user = user or AnonymousUser()
    return request


def test_the_feed_reads_the_visitors_views_still_queued():
    shopper, other = Client(), Client()
    viewed, seen_by_other = active()[:2]
    shopper.get(viewed.get_absolute_url())
    other.get(seen_by_other.get_absolute_url())
    assert not ProductEvent.objects.exists()  # both still queued
    assert _recent_events(_request_of(shopper)) == [(viewed.pk, "view")]
    assert _recent_events(_request_of(other)) == [(seen_by_other.pk, "view")]


def test_the_feed_reads_an_accounts_views_still_queued_after_its_stored_ones(buyer_client, buyer):
    older, newer = active()[:2]
    ProductEvent.objects.create(user=buyer, product=older, kind=ProductEvent.Kind.CART)
    buyer_client.get(newer.get_absolute_url())
    assert _recent_events(_request_of(buyer_client, user=buyer)) == [(older.pk, "cart"), (newer.pk, "view")]
    services.views_flush()  # once written, read once
    assert _recent_events(_request_of(buyer_client, user=buyer)) == [(older.pk, "cart"), (newer.pk, "view")]


def test_a_claim_writes_the_visitors_queued_views_first(client, buyer):
    product = active().first()
    client.get(product.get_absolute_url())
    visitor = visitor_key(request=_request_of(client))
    assert services.events_claim(visitor=visitor, user=buyer) == 1
    assert ProductEvent.objects.get(product=product).user == buyer
    assert services.views_flush() == 0  # nothing left to be written as the visitor's


def test_a_deleted_account_keeps_no_view_queued_before_or_after_the_erase(buyer_client, buyer, client):
    from accounts.services import user_delete_account

    before, after, anyone_elses = active()[:3]
    buyer_client.get(before.get_absolute_url())
    user_delete_account(user=buyer)
    assert len(services._views) == 0  # the erase wrote the queue first, then deleted the rows
    assert not ProductEvent.objects.filter(product=before).exists()
    # A view of the account queued after the erase (another thread, or another worker's queue),
    # in the same batch as a visitor's: the account's is dropped, the visitor's written.
    request = RequestFactory().get("/")
    request.user = buyer
    services.view_log(request=request, product_id=after.pk)
    client.get(anyone_elses.get_absolute_url())
    assert services.views_flush() == 2
    assert list(ProductEvent.objects.values_list("product_id", "user_id")) == [(anyone_elses.pk, None)]


def test_a_database_down_while_writing_the_views_does_not_fail_the_page(client, monkeypatch, caplog):
    def down(batch):
        raise OperationalError("could not connect to server")

    monkeypatch.setattr(services._views, "write", down)
    monkeypatch.setattr(services._views, "flush_every", 1)  # this page writes the batch
    with caplog.at_level(logging.ERROR, logger="core.write_behind"):
        response = client.get(active().first().get_absolute_url())
    assert response.status_code == 200
    assert "Could not write 1 queued product views: dropped" in caplog.text
    assert len(services._views) == 0  # dropped, as documented: not kept to grow during an outage
