"""Every state-changing form refuses a POST without the CSRF token (403), for the user who is
otherwise allowed to send it; the same POST with the token goes through (the control)."""

from __future__ import annotations

import pytest
from django.test import Client

from tests.conftest import size_id

pytestmark = pytest.mark.django_db


def _client(user=None) -> Client:
    client = Client(enforce_csrf_checks=True)
    if user is not None:
        client.force_login(user)
    return client


def _posts(shop):
    product, order = shop["product"], shop["order"]
    return [
        # (who, path, data)
        (None, "/accounts/login/", {"username": "alice", "password": "whatever"}),
        (None, "/accounts/signup/", {"username": "eve", "email": "e@example.com"}),
        (None, "/accounts/seller-signup/", {"username": "eve", "email": "e@example.com"}),
        (None, f"/cart/add/{product.pk}/", {"quantity": 1, "size": size_id(product)}),
        ("buyer", f"/cart/add/{product.pk}/", {"quantity": 1, "size": size_id(product)}),
        ("buyer", "/cart/update/", {"product_id": product.pk, "quantity": 0}),
        ("buyer", "/cart/checkout/", {"full_name": "A", "line1": "B", "city": "C", "pin_code": "1"}),
        ("buyer", "/accounts/logout/", {}),
        ("seller", "/seller/products/new/", {"name": "Forged listing"}),
        ("seller", f"/seller/products/{product.pk}/edit/", {"name": "Forged name"}),
        ("seller", f"/seller/products/{product.pk}/unlist/", {}),
        ("seller", f"/seller/orders/{order.pk}/", {"status": "cancelled", "payment_status": "refunded"}),
        ("seller", "/seller/products/bulk/", {}),
        ("seller", "/seller/products/bulk/review/", {}),
    ]


def test_every_post_form_without_a_token_is_forbidden(shop, buyer, seller):
    users = {None: None, "buyer": buyer, "seller": seller}
    answers = {}
    for who, path, data in _posts(shop):
        answers[(who, path)] = _client(users[who]).post(path, data).status_code
    assert answers == {(who, path): 403 for who, path, _ in _posts(shop)}
    # Nothing happened: same listing, same order, nothing new.
    from accounts.models import User
    from main.models import Product

    shop["product"].refresh_from_db()
    shop["order"].refresh_from_db()
    assert shop["product"].name == "Northwind Tee" and shop["product"].is_active
    assert shop["order"].status == "placed"
    assert not User.objects.filter(username="eve").exists()
    assert not Product.objects.filter(name="Forged listing").exists()


def test_the_same_post_with_the_token_goes_through(shop, seller):
    client = _client(seller)
    page = client.get(f"/seller/orders/{shop['order'].pk}/")
    token = (
        page.cookies["csrftoken"].value if "csrftoken" in page.cookies else client.cookies["csrftoken"].value
    )
    response = client.post(
        f"/seller/orders/{shop['order'].pk}/",
        {"status": "shipped", "tracking_number": "DL123456789IN", "csrfmiddlewaretoken": token},
    )
    assert response.status_code == 302
    shop["order"].refresh_from_db()
    assert shop["order"].status == "shipped"


def test_a_logged_in_api_post_without_a_token_is_forbidden(buyer):
    # DRF's session authentication enforces CSRF for logged-in users as the forms do.
    response = _client(buyer).post(
        "/api/v1/category-prediction", {"items": [{"name": "Blue jeans"}]}, content_type="application/json"
    )
    assert response.status_code == 403
