"""The load test's after-run check (scripts/loadtest/integrity.py) on a real order history:
it passes when orders, lines, totals, stock and payments agree, and names what does not."""

from __future__ import annotations

import sys
import uuid
from pathlib import Path

import pytest

from cart.models import Cart
from main.models import Product, ProductSize
from orders.models import Order
from orders.services import ShippingAddress, checkout, checkout_payment_start, order_cancel
from payments.models import Payment
from payments.services import local_test_card_pay
from tests.conftest import cart_line

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "scripts" / "loadtest"))
integrity = pytest.importorskip("integrity")

ADDRESS = ShippingAddress(full_name="A", line1="B", city="C", pin_code="560001", phone="9876543210")


@pytest.fixture
def history(buyer, seller, make_product):
    """A cash order, a paid card order, and a paid card order cancelled (refunded)."""
    product = make_product(seller=seller, price="100.00", sizes={"S": 5, "M": 5})
    before = integrity.units_total()
    orders = []
    for method, label in (("cod", "S"), ("card", "M"), ("card", "S")):
        cart = Cart.objects.get_or_create(user=buyer)[0]
        cart_line(cart, product, 1, size=product.sizes.get(label=label))
        (order,) = checkout(
            cart=cart, buyer=buyer, address=ADDRESS, token=uuid.uuid4(), payment_method=method
        )
        if method == "card":
            payment = checkout_payment_start(buyer=buyer, token=order.checkout_token)
            local_test_card_pay(reference=payment.reference, card_number="4242424242424242")
        orders.append(order)
    order_cancel(order=Order.objects.get(pk=orders[2].pk))
    return product, before


def test_a_consistent_history_passes(history):
    _, before = history
    report = integrity.check(expected_units=before)
    assert report["ok"], report
    assert (report["orders"], report["card_orders"], report["payments"]) == (3, 2, 2)


def test_a_unit_lost_and_a_product_total_off_are_reported(history):
    product, before = history
    ProductSize.objects.filter(product=product, label="S").update(stock=0)
    report = integrity.check(expected_units=before)
    assert not report["ok"]
    assert report["units_lost_or_created"] < 0 and report["products_whose_stock_is_not_their_sizes"] == 1
    assert report["examples"]["products_whose_stock_is_not_their_sizes"] == [product.pk]


def test_payment_mismatches_are_reported(history):
    Order.objects.filter(payment_method="card", status="cancelled").update(payment_status="paid")
    Payment.objects.filter(status="succeeded").update(amount=1)
    report = integrity.check(expected_units=None)
    assert report["cancelled_orders_still_paid"] == 1
    assert report["cancelled_card_orders_not_refunded"] == 1
    assert report["payments_whose_amount_is_not_their_orders"] == 2
    assert not report["ok"]
    assert Product.objects.exists()


def test_reviews_are_checked_too(history, buyer):
    from main.services import product_rating_set
    from reviews.models import Review
    from reviews.services import review_create
    from tests.reviews.orders import order_of

    product, before = history
    order_of(buyer=buyer, product=product)
    review_create(author=buyer, product=product, rating=4, body="Fine")
    report = integrity.check(expected_units=before + 1)  # the delivered order's unit
    assert report["ok"], report
    product_rating_set(product_id=product.pk, average=None, count=0)  # the catalog out of step
    Review.objects.create(product=make_other(product), author=buyer, rating=5, body="Never bought")
    report = integrity.check(expected_units=before + 1)
    assert report["products_whose_rating_is_not_their_reviews"] == 2
    assert report["reviews_without_a_delivered_order"] == 1 and not report["ok"]


def make_other(product):
    """Another listing of the same seller (never ordered)."""
    from main.models import Product

    other = Product.objects.get(pk=product.pk)
    other.pk, other.dataset_id = None, None
    other.save()
    return other
