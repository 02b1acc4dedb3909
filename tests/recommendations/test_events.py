"""A product page viewed is a shopper's event, under the visitor's signed cookie."""

from __future__ import annotations

from main.models import Product
from recommendations.services import views_flush


def active():
    return Product.objects.filter(is_active=True)


def test_product_view_is_logged_under_the_visitors_cookie(client, catalog):
    from recommendations.models import ProductEvent

    first, second = active()[:2]
    response = client.get(f"/products/{first.dataset_id}/")
    cookie = response.cookies["visitor"]
    assert cookie["httponly"] and cookie["samesite"] == "Lax" and cookie["max-age"]
    views_flush()
    event = ProductEvent.objects.get(product=first)
    assert event.kind == "view" and cookie.value.startswith(f"{event.session_key}:")  # signed id
    assert "visitor" not in client.get(f"/products/{second.dataset_id}/").cookies  # set once
    views_flush()
    assert ProductEvent.objects.get(product=second).session_key == event.session_key
    assert "sessionid" not in client.cookies  # browsing alone opens no session


def test_a_forged_visitor_cookie_is_not_trusted(client, catalog):
    from recommendations.models import ProductEvent

    client.cookies["visitor"] = "someone-elses-id"
    product = active().first()
    response = client.get(f"/products/{product.dataset_id}/")
    views_flush()
    event = ProductEvent.objects.get(product=product)
    assert event.session_key != "someone-elses-id"
    assert response.cookies["visitor"].value.startswith(f"{event.session_key}:")


def test_a_visitors_history_follows_them_into_their_account(client, catalog, buyer, password):
    from recommendations.models import ProductEvent

    product = active().first()
    client.get(f"/products/{product.dataset_id}/")
    client.post("/accounts/login/", {"username": buyer.username, "password": password})
    # The view was still queued: the claim wrote it first (no flush here).
    assert ProductEvent.objects.get(product=product).user == buyer
