"""Fixtures of the security tests: a small shop (two sellers, two buyers, a staff user, one
order) built in the test database. Like the shop's tests they run without trained models
(``_no_trained_models`` in ``tests/conftest.py``)."""

from __future__ import annotations

import uuid

import pytest

from tests.conftest import cart_line


@pytest.fixture
def other_buyer(db):
    from accounts.models import User

    return User.objects.create_user(username="mallory", email="mallory@example.com", password="x-Pass-12345")


@pytest.fixture
def shop(db, seller, other_seller, buyer, make_product):
    """Each seller has a listing; the buyer ordered the first seller's; the buyer's cart holds one."""
    from cart.models import Cart
    from orders.services import ShippingAddress, checkout

    product = make_product(seller=seller, name="Northwind Tee", stock=10)
    foreign = make_product(seller=other_seller, name="Southwind Cap", stock=10)
    cart, _ = Cart.objects.get_or_create(user=buyer)
    cart_line(cart, product, 1)
    address = ShippingAddress(full_name="Alice", line1="1 Park St", city="Kolkata", pin_code="700016")
    (order,) = checkout(cart=cart, buyer=buyer, address=address, token=uuid.uuid4())
    cart_line(cart, foreign, 1)
    return {"product": product, "foreign_product": foreign, "order": order, "cart": cart}
