"""Checkout under real concurrency, on PostgreSQL: row locks, unique constraints, transactions.

Every buyer runs in its own thread with its own database connection, released together by a
barrier; the tests are ``transaction=True`` so that each checkout really commits.
"""

from __future__ import annotations

import threading
import uuid
from decimal import Decimal

import pytest
from django.db import DatabaseError, IntegrityError, connection, connections, transaction

from cart.models import Cart, CartItem
from main.models import Product
from orders.models import Order, OrderItem
from orders.services import CheckoutError, ShippingAddress, checkout
from tests.conftest import cart_line

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

ADDRESS = ShippingAddress(full_name="Asha Rao", line1="12 MG Road", city="Bengaluru", pin_code="560001")


def _buyer_with_cart(n: int, product: Product, quantity: int = 1):
    from accounts.models import User

    buyer = User.objects.create_user(username=f"buyer{n:02d}", email=f"b{n}@example.com", password="x")
    cart = Cart.objects.create(user=buyer)
    cart_line(cart, product, quantity)
    return buyer, cart


def _run_together(jobs):
    """Run the callables at the same moment, each in its own thread and connection."""
    barrier = threading.Barrier(len(jobs))
    results: list = [None] * len(jobs)

    def worker(index, job):
        try:
            barrier.wait(timeout=30)
            results[index] = job()
        except BaseException as error:  # noqa: BLE001 - reported to the test
            results[index] = error
        finally:
            connections.close_all()

    threads = [threading.Thread(target=worker, args=(i, job)) for i, job in enumerate(jobs)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not any(thread.is_alive() for thread in threads), "a checkout thread hung"
    return results


def test_it_runs_on_postgresql():
    assert connection.vendor == "postgresql"


def test_twenty_buyers_for_the_last_five_units(seller, make_product):
    product = make_product(seller=seller, stock=5, price="999.00")
    carts = [_buyer_with_cart(n, product) for n in range(20)]

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
    unexpected = [r for r in results if not isinstance(r, (list, CheckoutError))]
    assert unexpected == []
    assert len(placed) == 5 and len(refused) == 15
    product.refresh_from_db()
    assert product.stock == 0
    assert Order.objects.count() == 5
    assert OrderItem.objects.filter(product=product).count() == 5
    # The refused carts are untouched: the buyer can still change their mind.
    assert CartItem.objects.filter(product=product).count() == 15


def test_stock_can_never_go_negative_in_the_database(seller, make_product):
    product = make_product(seller=seller, stock=1)
    with pytest.raises(IntegrityError), transaction.atomic():
        Product.objects.filter(pk=product.pk).update(stock=-1)


def test_the_same_checkout_submitted_twice_in_a_row_places_one_order(seller, make_product):
    product = make_product(seller=seller, stock=5)
    buyer, cart = _buyer_with_cart(0, product, quantity=2)
    token = uuid.uuid4()

    first = checkout(cart=cart, buyer=buyer, address=ADDRESS, token=token)
    second = checkout(cart=cart, buyer=buyer, address=ADDRESS, token=token)

    assert [o.pk for o in first] == [o.pk for o in second]
    assert Order.objects.count() == 1
    product.refresh_from_db()
    assert product.stock == 3


def test_the_same_checkout_submitted_concurrently_places_one_order(seller, other_seller, make_product):
    # Two shops: the checkout makes one order per seller, twice the chances of a duplicate.
    first_item = make_product(seller=seller, stock=5, price="100.00")
    second_item = make_product(seller=other_seller, stock=5, price="250.00")
    buyer, cart = _buyer_with_cart(0, first_item)
    cart_line(cart, second_item, 2)
    token = uuid.uuid4()

    results = _run_together(
        [lambda: checkout(cart=Cart.objects.get(pk=cart.pk), buyer=buyer, address=ADDRESS, token=token)] * 4
    )

    orders = tuple(sorted(Order.objects.values_list("pk", flat=True)))
    answered = [tuple(sorted(o.pk for o in r)) for r in results if isinstance(r, list)]
    assert answered and set(answered) == {orders}
    # Every submit of the form is answered with the same orders, never an error.
    others = [r for r in results if not isinstance(r, list)]
    assert not others, others
    assert Order.objects.count() == 2
    assert sorted(Order.objects.values_list("total", flat=True)) == [Decimal("100.00"), Decimal("500.00")]
    first_item.refresh_from_db()
    second_item.refresh_from_db()
    assert (first_item.stock, second_item.stock) == (4, 3)


def test_a_duplicate_submit_overtaken_by_the_first_gets_the_orders_not_an_error(
    seller, make_product, monkeypatch
):
    from orders import services

    product = make_product(seller=seller, stock=5)
    buyer, cart = _buyer_with_cart(0, product)
    token = uuid.uuid4()
    place_orders = services._place_orders
    first: list = []
    overtaking = threading.Event()

    def overtaken(**kwargs):
        # This submit has already looked for the token's orders (none yet); now the other
        # submit of the same form commits, and only then does this one go on to write.
        if not overtaking.is_set():
            overtaking.set()
            first.extend(
                services.checkout(
                    cart=Cart.objects.get(pk=cart.pk), buyer=buyer, address=ADDRESS, token=token
                )
            )
        return place_orders(**kwargs)

    monkeypatch.setattr(services, "_place_orders", overtaken)
    second = services.checkout(cart=cart, buyer=buyer, address=ADDRESS, token=token)

    assert [o.pk for o in second] == [o.pk for o in first]
    assert Order.objects.count() == 1


def test_an_order_and_its_stock_change_commit_together_or_not_at_all(seller, make_product):
    product = make_product(seller=seller, stock=5)
    buyer, cart = _buyer_with_cart(0, product, quantity=2)
    # The database itself refuses the order's lines, after the stock was taken and the order written.
    with connection.cursor() as cursor:
        cursor.execute(
            """
            CREATE FUNCTION refuse_order_lines() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN RAISE EXCEPTION 'order lines refused by the test'; END $$;
            CREATE TRIGGER refuse_order_lines BEFORE INSERT ON cart_orderitem
            FOR EACH ROW EXECUTE FUNCTION refuse_order_lines();
            """
        )
    try:
        with pytest.raises(DatabaseError, match="order lines refused"):
            checkout(cart=cart, buyer=buyer, address=ADDRESS, token=uuid.uuid4())
    finally:
        with connection.cursor() as cursor:
            cursor.execute(
                "DROP TRIGGER refuse_order_lines ON cart_orderitem; DROP FUNCTION refuse_order_lines();"
            )

    product.refresh_from_db()
    assert product.stock == 5
    assert Order.objects.count() == 0
    assert OrderItem.objects.count() == 0
    assert CartItem.objects.filter(cart=cart).count() == 1

    # And with the database behaving again, the same cart checks out whole.
    orders = checkout(cart=cart, buyer=buyer, address=ADDRESS, token=uuid.uuid4())
    product.refresh_from_db()
    assert product.stock == 3
    assert [o.items.count() for o in orders] == [1]
