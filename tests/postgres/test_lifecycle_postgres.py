"""Sizes, payments and the order lifecycle under real concurrency, on PostgreSQL.

As in test_checkout_postgres: every job has its own thread and connection, released together
by a barrier, and the tests are ``transaction=True`` so that each job really commits.
"""

from __future__ import annotations

import uuid

import pytest
from django.conf import settings
from django.test import Client

from cart.models import Cart, CartItem
from main.models import Product, ProductSize
from orders.models import Order, OrderItem
from orders.services import (
    CheckoutError,
    OrderChangeError,
    checkout,
    checkout_payment_start,
    order_cancel,
    order_update_status,
)
from payments import webhooks
from payments.models import Payment, WebhookEvent
from tests.postgres.test_checkout_postgres import ADDRESS, _run_together

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

BUYERS = 20
LAST_UNITS = 5


def _buyer_with_line(n: int, size: ProductSize, quantity: int = 1):
    from accounts.models import User

    buyer = User.objects.create_user(username=f"sizebuyer{n:02d}", email=f"s{n}@example.com", password="x")
    cart = Cart.objects.create(user=buyer)
    CartItem.objects.create(cart=cart, product=size.product, size=size, quantity=quantity)
    return buyer, cart


@pytest.mark.parametrize("label", ["S", "M"])
def test_twenty_buyers_for_the_last_five_units_of_one_size(seller, make_product, label):
    """The race of test_checkout_postgres, per size: the other sizes' stock is not touched."""
    product = make_product(seller=seller, price="999.00", sizes={"S": LAST_UNITS, "M": LAST_UNITS, "L": 9})
    size = product.sizes.get(label=label)
    carts = [_buyer_with_line(n, size) for n in range(BUYERS)]

    results = _run_together(
        [
            (
                lambda buyer=buyer, cart=cart: checkout(
                    cart=cart, buyer=buyer, address=ADDRESS, token=uuid.uuid4()
                )
            )
            for buyer, cart in carts
        ]
    )

    placed = [r for r in results if isinstance(r, list)]
    refused = [r for r in results if isinstance(r, CheckoutError)]
    assert [r for r in results if not isinstance(r, (list, CheckoutError))] == []
    assert len(placed) == LAST_UNITS and len(refused) == BUYERS - LAST_UNITS
    stock = dict(product.sizes.values_list("label", "stock"))
    assert stock == {"S": 0 if label == "S" else LAST_UNITS, "M": 0 if label == "M" else LAST_UNITS, "L": 9}
    assert Product.objects.get(pk=product.pk).stock == sum(stock.values())
    assert OrderItem.objects.filter(size=size).count() == LAST_UNITS
    assert Order.objects.count() == LAST_UNITS


def test_buyers_of_different_sizes_do_not_take_each_others_stock(seller, make_product):
    product = make_product(seller=seller, sizes={"S": 1, "M": 1})
    jobs = []
    for n, label in enumerate(["S", "M", "S", "M"]):
        buyer, cart = _buyer_with_line(n, product.sizes.get(label=label))
        jobs.append(
            lambda buyer=buyer, cart=cart: checkout(
                cart=cart, buyer=buyer, address=ADDRESS, token=uuid.uuid4()
            )
        )
    results = _run_together(jobs)
    assert sum(isinstance(r, list) for r in results) == 2
    assert dict(product.sizes.values_list("label", "stock")) == {"S": 0, "M": 0}
    assert Product.objects.get(pk=product.pk).stock == 0


def _card_checkout(seller, make_product):
    from accounts.models import User

    product = make_product(seller=seller, price="450.00", sizes={"M": 3})
    buyer = User.objects.create_user(username="cardbuyer", password="x")
    cart = Cart.objects.create(user=buyer)
    CartItem.objects.create(cart=cart, product=product, size=product.sizes.get(), quantity=1)
    (order,) = checkout(cart=cart, buyer=buyer, address=ADDRESS, token=uuid.uuid4(), payment_method="card")
    return order, checkout_payment_start(buyer=buyer, token=order.checkout_token)


def _deliver(body: bytes, header: str) -> int:
    return (
        Client()
        .post(
            "/cart/payments/webhook/", body, content_type="application/json", HTTP_THREADLINE_SIGNATURE=header
        )
        .status_code
    )


def test_the_same_webhook_delivered_five_times_at_once_is_applied_once(seller, make_product):
    order, payment = _card_checkout(seller, make_product)
    body = webhooks.event_body(kind=webhooks.PAYMENT_SUCCEEDED, reference=payment.reference)
    header = webhooks.sign(body=body, secret=settings.PAYMENT_WEBHOOK_SECRET)

    results = _run_together([lambda: _deliver(body, header)] * 5)

    assert results == [200] * 5
    assert WebhookEvent.objects.count() == 1
    order.refresh_from_db()
    payment.refresh_from_db()
    assert (order.payment_status, payment.status) == ("paid", "succeeded")


def test_bad_signatures_change_nothing_on_postgresql(seller, make_product):
    order, payment = _card_checkout(seller, make_product)
    body = webhooks.event_body(kind=webhooks.PAYMENT_SUCCEEDED, reference=payment.reference)
    forged = webhooks.sign(body=body, secret="guessed-secret")
    assert _deliver(body, forged) == 400
    assert _deliver(body, "") == 400
    assert _deliver(b"{}", webhooks.sign(body=b"{}", secret=settings.PAYMENT_WEBHOOK_SECRET)) == 400
    assert not WebhookEvent.objects.exists()
    order.refresh_from_db()
    assert order.payment_status == "pending"


def test_a_cancel_and_a_ship_of_one_order_at_once_exactly_one_wins(seller, make_product):
    """select_for_update: the buyer's cancel and the seller's ship serialize on the order row."""
    for attempt in range(5):
        product = make_product(seller=seller, sizes={"M": 4})
        buyer, cart = _buyer_with_line(50 + attempt, product.sizes.get(), quantity=2)
        (order,) = checkout(cart=cart, buyer=buyer, address=ADDRESS, token=uuid.uuid4())

        results = _run_together(
            [
                lambda pk=order.pk: order_cancel(order=Order.objects.get(pk=pk)),
                lambda pk=order.pk: order_update_status(
                    order=Order.objects.get(pk=pk), status="shipped", tracking_number="DL1IN"
                ),
            ]
        )

        won = [r for r in results if isinstance(r, Order)]
        lost = [r for r in results if isinstance(r, OrderChangeError)]
        assert len(won) == 1 and len(lost) == 1, results
        order.refresh_from_db()
        stock = ProductSize.objects.get(product=product).stock
        if order.status == "cancelled":
            assert stock == 4 and order.shipped_at is None and not order.tracking_number
        else:
            assert order.status == "shipped" and stock == 2 and order.cancelled_at is None
        assert Product.objects.get(pk=product.pk).stock == stock


def test_payment_rows_are_one_per_attempt(seller, make_product):
    order, payment = _card_checkout(seller, make_product)
    assert Payment.objects.filter(checkout_token=order.checkout_token).count() == 1
