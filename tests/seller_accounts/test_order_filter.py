"""The seller's order list can be narrowed to every status an order can have."""

from __future__ import annotations

import uuid

from cart.models import Cart
from orders.models import Order
from orders.services import ShippingAddress, checkout, order_update_status
from tests.conftest import cart_line

ADDRESS = ShippingAddress(full_name="Asha Rao", line1="12 MG Road", city="Bengaluru", pin_code="560001")


def test_the_filter_offers_every_status(seller_client):
    html = seller_client.get("/seller/orders/").content.decode()
    for value, label in Order.Status.choices:
        assert f'<option value="{value}" >{label}</option>' in html


def test_a_packed_order_is_found_under_packed_not_placed(seller_client, seller, buyer, make_product):
    """Regression: a packed order showed under no status of the filter."""
    cart, _ = Cart.objects.get_or_create(user=buyer)
    cart_line(cart, make_product(seller=seller), 1)
    order = checkout(cart=cart, buyer=buyer, address=ADDRESS, token=uuid.uuid4())[0]
    order_update_status(order=order, status=Order.Status.PACKED)
    link = f"/seller/orders/{order.pk}/"
    packed = seller_client.get("/seller/orders/", {"status": "packed"}).content.decode()
    assert link in packed and '<option value="packed" selected>Packed</option>' in packed
    assert link not in seller_client.get("/seller/orders/", {"status": "placed"}).content.decode()
