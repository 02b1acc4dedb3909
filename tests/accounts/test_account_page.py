"""The account page: profile, addresses, order history, a seller's shop details; log out
everywhere; deleting an account (the person goes, the books stay)."""

from __future__ import annotations

import uuid
from decimal import Decimal

import pytest
from django.test import Client

from accounts import services
from accounts.models import Address, User
from cart.models import Cart, CartItem
from orders.models import Order, OrderItem
from seller_accounts.selectors import dashboard_counts

from .test_addresses import HOME

SHIPPING = {
    "full_name": "Alice Secretname",
    "line1": "7 Hidden Lane",
    "city": "Kolkata",
    "pin_code": "700016",
}


@pytest.fixture
def paid_order(buyer, seller, make_product):
    """An order of the buyer from the seller, paid: what the seller's books count."""
    product = make_product(seller=seller, name="Northwind Tee", price="700.00")
    order = Order.objects.create(
        buyer=buyer,
        seller=seller,
        checkout_token=uuid.uuid4(),
        total=Decimal("1400.00"),
        payment_status=Order.PaymentStatus.PAID,
        **SHIPPING,
    )
    OrderItem.objects.create(
        order=order,
        product=product,
        size=product.sizes.first(),
        size_label=product.sizes.first().label,
        product_name=product.name,
        unit_price=product.price,
        quantity=2,
    )
    return order


def test_the_account_page_shows_profile_addresses_and_orders(buyer_client, buyer, paid_order):
    services.address_create(owner=buyer, **HOME)
    html = buyer_client.get("/accounts/").content.decode()
    assert buyer.username in html and buyer.email in html
    assert "12 MG Road" in html
    assert f"Order #{paid_order.pk}" in html and "1,400" in html
    assert "Your shop" not in html  # buyers have no shop section
    assert 'href="/accounts/password/"' in html and 'action="/accounts/logout-everywhere/"' in html
    assert 'href="/accounts/delete/"' in html


def test_a_seller_edits_shop_name_and_payout_details(seller_client, seller):
    html = seller_client.get("/accounts/").content.decode()
    assert "Your shop" in html and "Northwind Outfitters" in html and "No payout UPI ID yet" in html
    response = seller_client.post("/accounts/shop/", {"shop_name": "Northwind & Co", "payout_upi_id": "nope"})
    assert response.status_code == 200 and "Enter a UPI ID" in response.content.decode()
    response = seller_client.post(
        "/accounts/shop/", {"shop_name": "Northwind & Co", "payout_upi_id": "northwind@okhdfc"}
    )
    assert response.status_code == 302
    seller.refresh_from_db()
    assert seller.shop_name == "Northwind & Co" and seller.payout_upi_id == "northwind@okhdfc"
    assert "UPI northwind@okhdfc" in seller_client.get("/accounts/").content.decode()
    assert seller_client.post("/accounts/shop/", {"shop_name": "", "payout_upi_id": ""}).status_code == 200


def test_shop_details_are_for_sellers(buyer_client):
    assert buyer_client.get("/accounts/shop/").status_code == 404


@pytest.mark.parametrize(
    "engine", ["django.contrib.sessions.backends.db", "django.contrib.sessions.backends.cached_db"]
)
def test_log_out_everywhere_ends_the_other_sessions(settings, buyer, password, engine):
    settings.SESSION_ENGINE = engine  # production runs cached_db: a cached session must end too
    here, phone, laptop = Client(), Client(), Client()
    for browser in (here, phone, laptop):
        assert (
            browser.post("/accounts/login/", {"username": buyer.username, "password": password}).status_code
            == 302
        )
    assert phone.get("/accounts/").status_code == 200
    assert here.get("/accounts/logout-everywhere/").status_code == 405
    response = here.post("/accounts/logout-everywhere/")
    assert response.status_code == 302
    assert here.get("/accounts/").status_code == 200
    for browser in (phone, laptop):
        response = browser.get("/accounts/")
        assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")
    # The user logs in again as usual.
    assert (
        phone.post("/accounts/login/", {"username": buyer.username, "password": password}).status_code == 302
    )


def test_deleting_a_buyer_erases_them_and_keeps_the_sellers_totals(
    client, buyer, seller, password, paid_order, make_product
):
    services.address_create(owner=buyer, **HOME)
    cart = Cart.objects.create(user=buyer)
    line = paid_order.items.get()
    CartItem.objects.create(cart=cart, product=line.product, size=line.size, quantity=1)
    books_before = dashboard_counts(seller=seller)
    elsewhere = Client()
    elsewhere.force_login(buyer)
    client.force_login(buyer)

    assert client.get("/accounts/delete/").status_code == 200
    response = client.post("/accounts/delete/", {"password": "wrong-guess-1"})
    assert response.status_code == 200 and "That is not your password" in response.content.decode()
    assert User.objects.get(pk=buyer.pk).is_active

    response = client.post("/accounts/delete/", {"password": password})
    assert response.status_code == 302 and response["Location"] == "/"
    gone = User.objects.get(pk=buyer.pk)
    assert not gone.is_active and gone.deleted_at is not None
    assert gone.username.startswith(f"deleted-{buyer.pk}-") and gone.email == ""
    assert not gone.has_usable_password()
    assert not Address.objects.filter(owner=gone).exists() and not Cart.objects.filter(user=gone).exists()
    # Both sessions are over, and the old credentials are no good.
    assert not client.get("/cart/").wsgi_request.user.is_authenticated
    assert not elsewhere.get("/cart/").wsgi_request.user.is_authenticated
    fresh = Client()
    assert (
        fresh.post("/accounts/login/", {"username": buyer.username, "password": password}).status_code == 200
    )

    # The seller's books: same order, lines and totals; the buyer is anonymised on it.
    order = Order.objects.get(pk=paid_order.pk)
    assert order.total == Decimal("1400.00") and order.items.get().line_total == Decimal("1400.00")
    assert order.full_name == "Deleted customer" and order.line1 == "" and order.pin_code == ""
    assert dashboard_counts(seller=seller) == books_before
    seller_view = Client()
    seller_view.force_login(seller)
    page = seller_view.get(f"/seller/orders/{order.pk}/").content.decode()
    assert "1,400" in page and "Alice Secretname" not in page and "7 Hidden Lane" not in page


def test_deleting_a_seller_takes_the_listings_down_and_keeps_the_orders(client, seller, password, paid_order):
    client.force_login(seller)
    assert client.post("/accounts/delete/", {"password": password}).status_code == 302
    product = paid_order.items.get().product
    product.refresh_from_db()
    assert not product.is_active
    gone = User.objects.get(pk=seller.pk)
    assert gone.shop_name == services.DELETED_SHOP_NAME and gone.payout_upi_id == ""
    assert Order.objects.get(pk=paid_order.pk).total == Decimal("1400.00")


def test_deleting_needs_a_login(client, buyer):
    response = client.post("/accounts/delete/", {"password": "x"})
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")
    assert User.objects.get(pk=buyer.pk).is_active
