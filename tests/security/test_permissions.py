"""Who may open what: every seller and buyer page as anonymous, as a buyer, as another seller,
and the admin for staff only."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import URLPattern, get_resolver, reverse

pytestmark = pytest.mark.django_db


def _as(user=None) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


def _seller_routes() -> dict[str, URLPattern]:
    resolver = get_resolver()
    (_, namespace_resolver) = resolver.namespace_dict["seller_accounts"]
    return {p.name: p for p in namespace_resolver.url_patterns if isinstance(p, URLPattern)}


# Seller pages that take an object id, and which of the other seller's objects to try them on.
OBJECT_ROUTES = {
    "product_edit": "product",
    "product_unlist": "product",
    "product_stock": "product",
    "order": "order",
}
POST_ONLY = {"product_unlist"}


def _seller_urls(shop) -> list[tuple[str, str, str]]:
    """(name, method, url) of every seller page, objects being those of the first seller."""
    urls = []
    for name, pattern in sorted(_seller_routes().items()):
        method = "post" if name in POST_ONLY else "get"
        if pattern.pattern.converters:
            assert name in OBJECT_ROUTES, (
                f"seller_accounts:{name} takes an object id: add it to OBJECT_ROUTES so that its "
                "ownership check is tested"
            )
            urls.append(
                (name, method, reverse(f"seller_accounts:{name}", args=[shop[OBJECT_ROUTES[name]].pk]))
            )
        else:
            urls.append((name, method, reverse(f"seller_accounts:{name}")))
    return urls


def test_every_seller_page_sends_anonymous_visitors_to_login(shop):
    for name, method, url in _seller_urls(shop):
        response = getattr(_as(), method)(url)
        assert response.status_code == 302, name
        assert response["Location"].startswith("/accounts/login/?next="), name


def test_every_seller_page_is_404_for_a_buyer(shop, buyer):
    client = _as(buyer)
    for name, method, url in _seller_urls(shop):
        assert getattr(client, method)(url).status_code == 404, name


def test_another_sellers_product_and_order_are_404(shop, other_seller, seller):
    intruder = _as(other_seller)
    product, order = shop["product"], shop["order"]
    assert intruder.get(f"/seller/products/{product.pk}/edit/").status_code == 404
    assert intruder.post(f"/seller/products/{product.pk}/edit/", {"name": "Hijacked"}).status_code == 404
    assert intruder.post(f"/seller/products/{product.pk}/unlist/").status_code == 404
    assert intruder.get(f"/seller/products/{product.pk}/unlist/").status_code == 404
    assert intruder.post(f"/seller/products/{product.pk}/stock/", {}).status_code == 404
    assert intruder.get(f"/cart/orders/{order.pk}/").status_code == 404
    assert intruder.get(f"/seller/orders/{order.pk}/").status_code == 404
    assert (
        intruder.post(
            f"/seller/orders/{order.pk}/", {"status": "cancelled", "payment_status": "paid"}
        ).status_code
        == 404
    )
    product.refresh_from_db()
    order.refresh_from_db()
    assert product.name == "Northwind Tee" and product.is_active and order.status == "placed"
    # Their own lists do not show it either.
    assert "Northwind Tee" not in intruder.get("/seller/products/").content.decode()
    assert f"#{order.pk}" not in intruder.get("/seller/orders/").content.decode()
    # The owner reaches the same pages: the 404s are about ownership, not broken pages.
    owner = _as(seller)
    assert owner.get(f"/seller/products/{product.pk}/edit/").status_code == 200
    assert owner.get(f"/seller/orders/{order.pk}/").status_code == 200


def test_buyer_pages_send_anonymous_visitors_to_login(shop):
    for url in ("/cart/checkout/", "/cart/orders/"):
        response = _as().get(url)
        assert response.status_code == 302 and response["Location"].startswith("/accounts/login/?next="), url
    response = _as().post("/cart/checkout/", {"full_name": "A"})
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")


def test_a_buyer_sees_only_their_own_orders(shop, buyer, other_buyer):
    order = shop["order"]
    mine = _as(buyer).get("/cart/orders/")
    theirs = _as(other_buyer).get("/cart/orders/")
    assert mine.status_code == 200 and theirs.status_code == 200
    assert order in list(mine.context["orders"])
    assert order not in list(theirs.context["orders"])


@pytest.mark.parametrize("path", ["/admin/", "/admin/cart/order/", "/admin/accounts/user/"])
def test_the_admin_is_for_staff_only(shop, buyer, seller, staff, path):
    for user in (None, buyer, seller):
        response = _as(user).get(path)
        assert response.status_code == 302 and response["Location"].startswith("/admin/login/"), (user, path)
    assert _as(staff).get(path).status_code == 200
