"""A buyer's order of a product, moved along its lifecycle to delivered (or left short of it):
what makes a verified buyer."""

from __future__ import annotations

import uuid

from orders.models import Order, OrderItem
from orders.services import order_update_status
from tests.conftest import CHECKOUT_ADDRESS


def order_of(*, buyer, product, status: str = "delivered") -> Order:
    """An order of one ``product`` by ``buyer``, moved through the real lifecycle to ``status``."""
    size = product.sizes.order_by("-stock").first()
    order = Order.objects.create(
        buyer=buyer, seller=product.seller, checkout_token=uuid.uuid4(), total=product.price,
        state="Karnataka", **CHECKOUT_ADDRESS,
    )
    OrderItem.objects.create(order=order, product=product, size=size, size_label=size.label,
                             product_name=product.name, unit_price=product.price, quantity=1)
    steps = ["packed", "shipped", "delivered"]
    for step in steps[: steps.index(status) + 1] if status in steps else []:
        order_update_status(order=order, status=step, tracking_number="DL123IN", cash_received=True)
    return order
