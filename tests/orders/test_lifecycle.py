"""The order lifecycle table: which (status, payment, action) moves are allowed, and that
the services and the seller's page follow it."""

from __future__ import annotations

import uuid

import pytest

from cart.models import Cart
from orders import lifecycle
from orders.lifecycle import PaymentMethod as Method
from orders.lifecycle import PaymentStatus as Paid
from orders.lifecycle import Status
from orders.models import Order
from orders.services import OrderChangeError, ShippingAddress, checkout, order_update_status
from tests.conftest import cart_line

CARD, COD = Method.CARD, Method.COD


@pytest.mark.parametrize(
    ("status", "method", "paid", "action", "allowed"),
    [
        # Cash on delivery is paid at the door: it is packed and shipped unpaid.
        (Status.PLACED, COD, Paid.PENDING, Status.PACKED, True),
        (Status.PLACED, COD, Paid.PENDING, Status.SHIPPED, True),
        (Status.SHIPPED, COD, Paid.PENDING, Status.DELIVERED, True),
        # A card order moves on only once paid.
        (Status.PLACED, CARD, Paid.PAID, Status.PACKED, True),
        (Status.PLACED, CARD, Paid.PAID, Status.SHIPPED, True),
        (Status.PACKED, CARD, Paid.PAID, Status.SHIPPED, True),
        (Status.SHIPPED, CARD, Paid.PAID, Status.DELIVERED, True),
        (Status.PLACED, CARD, Paid.FAILED, Status.SHIPPED, False),
        (Status.PLACED, CARD, Paid.FAILED, Status.PACKED, False),
        (Status.PLACED, CARD, Paid.PENDING, Status.SHIPPED, False),
        (Status.PLACED, CARD, Paid.PENDING, Status.PACKED, False),
        (Status.PACKED, CARD, Paid.FAILED, Status.SHIPPED, False),
        # Cancelling is allowed before shipping, paid or not (a paid one is refunded).
        (Status.PLACED, CARD, Paid.FAILED, Status.CANCELLED, True),
        (Status.PLACED, CARD, Paid.PENDING, Status.CANCELLED, True),
        (Status.PACKED, CARD, Paid.PAID, Status.CANCELLED, True),
        (Status.PLACED, COD, Paid.PENDING, Status.CANCELLED, True),
        (Status.SHIPPED, COD, Paid.PENDING, Status.CANCELLED, False),
        (Status.SHIPPED, CARD, Paid.PAID, Status.CANCELLED, False),
        # Orders only move forward; cancelled and delivered ones are done.
        (Status.PACKED, COD, Paid.PENDING, Status.PLACED, False),
        (Status.SHIPPED, COD, Paid.PENDING, Status.PACKED, False),
        (Status.DELIVERED, COD, Paid.PAID, Status.CANCELLED, False),
        (Status.CANCELLED, COD, Paid.PENDING, Status.PLACED, False),
        (Status.CANCELLED, CARD, Paid.REFUNDED, Status.SHIPPED, False),
        (Status.PLACED, COD, Paid.PENDING, Status.DELIVERED, False),
        # No move (a tracking number, the cash received) is always allowed.
        (Status.SHIPPED, COD, Paid.PENDING, Status.SHIPPED, True),
        (Status.CANCELLED, COD, Paid.PENDING, Status.CANCELLED, True),
    ],
)
def test_the_table_allows_or_refuses_each_move(status, method, paid, action, allowed):
    reason = lifecycle.refusal(status=status, payment_method=method, payment_status=paid, action=action)
    assert (reason == "") is allowed
    assert (action == status or action in lifecycle.next_statuses(
        status=status, payment_method=method, payment_status=paid
    )) is allowed


def test_an_unpaid_card_order_is_refused_with_its_payment_named():
    reason = lifecycle.refusal(
        status=Status.PLACED, payment_method=CARD, payment_status=Paid.FAILED, action=Status.SHIPPED
    )
    assert reason == "A card order is shipped only once paid: its payment is failed."


def test_every_combination_has_an_answer():
    combos = len(Status.values) ** 2 * len(Method.values) * len(Paid.values)
    assert len(lifecycle.MOVES) == combos


ADDRESS = ShippingAddress(
    full_name="Asha Rao", line1="12 MG Road", city="Bengaluru", pin_code="560001", phone="9876543210"
)


@pytest.fixture
def failed_card_order(buyer, seller, make_product) -> Order:
    cart, _ = Cart.objects.get_or_create(user=buyer)
    cart_line(cart, make_product(seller=seller), 1)
    order = checkout(cart=cart, buyer=buyer, address=ADDRESS, token=uuid.uuid4(), payment_method=CARD)[0]
    Order.objects.filter(pk=order.pk).update(payment_status=Paid.FAILED)
    order.refresh_from_db()
    return order


def test_the_service_refuses_to_ship_a_card_order_whose_payment_failed(failed_card_order):
    with pytest.raises(OrderChangeError, match="only once paid"):
        order_update_status(order=failed_card_order, status=Status.SHIPPED, tracking_number="DL123456789IN")
    failed_card_order.refresh_from_db()
    assert (failed_card_order.status, failed_card_order.tracking_number) == ("placed", "")


def test_a_seller_cannot_ship_a_card_order_whose_payment_failed(failed_card_order, seller_client):
    """Regression: Placed → Shipped with Payment: Failed went through, tracking number and all."""
    page = seller_client.get(f"/seller/orders/{failed_card_order.pk}/").content.decode()
    assert '<option value="shipped"' not in page and '<option value="cancelled"' in page
    response = seller_client.post(
        f"/seller/orders/{failed_card_order.pk}/", {"status": "shipped", "tracking_number": "DL123456789IN"}
    )
    assert response.status_code == 200 and "only once paid" in response.content.decode()
    failed_card_order.refresh_from_db()
    assert (failed_card_order.status, failed_card_order.shipped_at) == ("placed", None)
