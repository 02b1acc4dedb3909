"""Moving Order, OrderItem, Payment and WebhookEvent out of ``cart`` keeps every row: a
database populated on the landed schema reads the same through the new apps' models."""

from __future__ import annotations

import uuid
from decimal import Decimal

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from cart.models import Cart, CartItem
from orders.models import Order, OrderItem
from payments.models import Payment, WebhookEvent

# The leaves of the landed schema, before orders and payments existed.
LANDED = [
    ("accounts", "0003_verification_payout_sessions"),
    ("main", "0010_brands_relearn"),
    ("cart", "0002_sizes_payments_wishlist"),
    ("seller_accounts", "0001_initial"),
    ("orders", None),
    ("payments", None),
]


@pytest.mark.django_db(transaction=True)
def test_orders_payments_and_carts_survive_the_move_out_of_cart():
    executor = MigrationExecutor(connection)
    executor.migrate(LANDED)
    old = executor.loader.project_state([target for target in LANDED if target[1]]).apps
    assert not any(model._meta.app_label in ("orders", "payments") for model in old.get_models())
    User = old.get_model("accounts", "User")
    seller = User.objects.create(username="oldshop", role="seller")
    buyer = User.objects.create(username="oldbuyer")
    master = old.get_model("main", "MasterCategory").objects.create(name="Apparel")
    sub = old.get_model("main", "SubCategory").objects.create(master_category=master, name="Topwear")
    tee = old.get_model("main", "ArticleType").objects.create(sub_category=sub, name="Tshirts")
    men = old.get_model("main", "Gender").objects.create(name="Men")
    shirt = old.get_model("main", "Product").objects.create(
        seller=seller, name="Old tee", gender=men, article_type=tee, sub_category=sub,
        master_category=master, price=Decimal("10"), stock=5,
    )
    size = old.get_model("main", "ProductSize").objects.create(product=shirt, label="M", position=2, stock=5)
    token = uuid.uuid4()
    order = old.get_model("cart", "Order").objects.create(
        buyer=buyer, seller=seller, checkout_token=token, total=Decimal("20"), full_name="Asha Rao",
        address="12 MG Road", city="Bengaluru", postal_code="560001", payment_method="card",
        payment_status="paid", status="packed", tracking_number="",
    )
    old.get_model("cart", "OrderItem").objects.create(
        order=order, product=shirt, size=size, size_label="M", product_name="Old tee",
        unit_price=Decimal("10"), quantity=2,
    )
    payment = old.get_model("cart", "Payment").objects.create(
        buyer=buyer, checkout_token=token, provider="local-test", reference="pay_old", amount=Decimal("20"),
        status="succeeded",
    )
    old.get_model("cart", "WebhookEvent").objects.create(event_id="evt_old", kind="payment.succeeded")
    cart = old.get_model("cart", "Cart").objects.create(user=buyer)
    old.get_model("cart", "CartItem").objects.create(cart=cart, product=shirt, size=size, quantity=3)

    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())

    moved = Order.objects.get()
    assert (moved.pk, moved.buyer_id, moved.seller_id, moved.checkout_token) == (
        order.pk, buyer.pk, seller.pk, token
    )
    assert (moved.status, moved.payment_method, moved.payment_status, moved.total) == (
        "packed", "card", "paid", Decimal("20.00")
    )
    assert (moved.full_name, moved.line1, moved.pin_code) == ("Asha Rao", "12 MG Road", "560001")
    assert (moved.line2, moved.state) == ("", "")
    line = OrderItem.objects.get()
    assert (line.order_id, line.size_id, line.quantity) == (order.pk, size.pk, 2)
    assert line.product_name == "Old tee"
    paid = Payment.objects.get()
    assert (paid.pk, paid.reference, paid.provider) == (payment.pk, "pay_old", "local-test")
    assert paid.status == "succeeded"
    assert WebhookEvent.objects.get().event_id == "evt_old"
    assert CartItem.objects.get(cart=Cart.objects.get(user_id=buyer.pk)).quantity == 3
    # The new models write where the old rows are: a new order gets the next id.
    assert Order.objects.create(
        buyer_id=buyer.pk, seller_id=seller.pk, checkout_token=uuid.uuid4(), total=Decimal("1"),
        full_name="B", line1="C", city="D", pin_code="560001",
    ).pk > order.pk
