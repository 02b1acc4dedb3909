"""The order lifecycle: detail pages (own orders only), cancel before shipping, the timeline,
the tracking number, and the emails on placed, shipped and cancelled."""

from __future__ import annotations

import uuid

import pytest
from django.core import mail

from cart.models import Cart
from main.models import ProductSize
from orders.models import Order
from orders.services import OrderChangeError, ShippingAddress, checkout, order_cancel, order_update_status
from tests.conftest import cart_line

ADDRESS = ShippingAddress(
    full_name="Asha Rao", line1="12 MG Road", city="Bengaluru", pin_code="560001", phone="9876543210"
)


def buy(buyer, product, quantity: int = 1) -> Order:
    cart, _ = Cart.objects.get_or_create(user=buyer)
    cart_line(cart, product, quantity)
    return checkout(cart=cart, buyer=buyer, address=ADDRESS, token=uuid.uuid4())[0]


@pytest.fixture
def order(buyer, seller, make_product):
    product = make_product(seller=seller, name="Linen kurta", sizes={"XS": 0, "S": 2, "M": 4})
    return _buy_size(buyer, product, "M", 2)


def _buy_size(buyer, product, label: str, quantity: int) -> Order:
    cart, _ = Cart.objects.get_or_create(user=buyer)
    cart_line(cart, product, quantity, size=product.sizes.get(label=label))
    return checkout(cart=cart, buyer=buyer, address=ADDRESS, token=uuid.uuid4())[0]


def test_the_buyer_sees_the_detail_with_size_and_timeline(buyer_client, order):
    html = buyer_client.get(f"/cart/orders/{order.pk}/").content.decode()
    assert "Linen kurta" in html and "(size M)" in html
    assert 'data-test="step-placed"' in html and 'data-test="step-delivered"' in html
    assert 'data-test="cancel-order"' in html
    assert f'href="/cart/orders/{order.pk}/"' in buyer_client.get("/cart/orders/").content.decode()


def test_an_order_is_only_seen_by_its_buyer_and_seller(client, order, other_seller, seller, buyer):
    from accounts.models import User

    stranger = User.objects.create_user(username="mallory", password="x")
    client.force_login(stranger)
    assert client.get(f"/cart/orders/{order.pk}/").status_code == 404
    assert client.post(f"/cart/orders/{order.pk}/cancel/", {"confirm": "on"}).status_code == 404
    client.force_login(other_seller)
    assert client.get(f"/seller/orders/{order.pk}/").status_code == 404
    client.force_login(seller)
    assert client.get(f"/seller/orders/{order.pk}/").status_code == 200
    order.refresh_from_db()
    assert order.status == "placed"


def test_cancel_asks_first_then_puts_the_size_back(buyer_client, order):
    size = ProductSize.objects.get(product=order.items.get().product, label="M")
    assert size.stock == 2
    confirm = buyer_client.get(f"/cart/orders/{order.pk}/cancel/")
    assert confirm.status_code == 200 and 'data-test="confirm-cancel"' in confirm.content.decode()
    order.refresh_from_db()
    assert order.status == "placed"
    buyer_client.post(f"/cart/orders/{order.pk}/cancel/", {"confirm": "on"})
    order.refresh_from_db()
    size.refresh_from_db()
    assert order.status == "cancelled" and order.cancelled_at is not None
    assert size.stock == 4 and size.product.__class__.objects.get(pk=size.product_id).stock == 6
    assert [label for label, _ in order.timeline] == ["Placed", "Cancelled"]


def test_a_shipped_order_cannot_be_cancelled(buyer_client, order):
    order_update_status(order=order, status="shipped", tracking_number="DL123IN")
    response = buyer_client.post(f"/cart/orders/{order.pk}/cancel/", {"confirm": "on"}, follow=True)
    assert "can no longer be cancelled" in response.content.decode()
    order.refresh_from_db()
    assert order.status == "shipped"
    with pytest.raises(OrderChangeError):
        order_cancel(order=order)


def test_the_timeline_records_each_step_and_the_tracking_number(buyer_client, order):
    order_update_status(order=order, status="packed")
    with pytest.raises(OrderChangeError, match="tracking number"):
        order_update_status(order=order, status="shipped")
    order_update_status(order=order, status="shipped", tracking_number="  DL123IN ")
    order_update_status(order=order, status="delivered")
    order.refresh_from_db()
    assert order.tracking_number == "DL123IN"
    assert order.created_at <= order.packed_at <= order.shipped_at <= order.delivered_at
    html = buyer_client.get(f"/cart/orders/{order.pk}/").content.decode()
    assert 'data-test="tracking-number">DL123IN<' in html and 'data-test="cancel-order"' not in html


def test_emails_on_placed_shipped_and_cancelled(
    buyer, seller, make_product, django_capture_on_commit_callbacks
):
    product = make_product(seller=seller, name="Wool scarf", stock=5)
    with django_capture_on_commit_callbacks(execute=True):
        first = buy(buyer, product)
    with django_capture_on_commit_callbacks(execute=True):
        order_update_status(order=first, status="shipped", tracking_number="DL999IN")
    with django_capture_on_commit_callbacks(execute=True):
        second = buy(buyer, product)
    with django_capture_on_commit_callbacks(execute=True):
        order_cancel(order=second)
    subjects = [message.subject for message in mail.outbox]
    assert subjects == [
        f"Your Threadline order #{first.pk} is placed",
        f"Your Threadline order #{first.pk} has shipped",
        f"Your Threadline order #{second.pk} is placed",
        f"Your Threadline order #{second.pk} is cancelled",
    ]
    shipped = mail.outbox[1]
    assert shipped.to == [buyer.email] and "DL999IN" in shipped.body and "Wool scarf" in shipped.body
    html, kind = shipped.alternatives[0]
    assert kind == "text/html" and "<strong>DL999IN</strong>" in html


def test_the_seller_page_shows_payment_and_ships_with_a_tracking_number(seller_client, order):
    page = seller_client.get(f"/seller/orders/{order.pk}/").content.decode()
    assert "Cash on delivery · Payment: <strong" in page and "(size M)" in page
    seller_client.post(f"/seller/orders/{order.pk}/", {"status": "shipped", "tracking_number": "BD42IN"})
    order.refresh_from_db()
    assert (order.status, order.tracking_number) == ("shipped", "BD42IN")
