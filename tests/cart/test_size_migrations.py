"""The size migrations keep what existed: a listing's stock becomes its sizes' stock, and
cart lines and past orders point at a size of their product."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

BEFORE = [("main", "0004_search_trigram_index"), ("cart", "0001_initial"), ("accounts", "0002_address")]
AFTER = [("main", "0005_product_sizes"), ("cart", "0002_sizes_payments_wishlist")]


@pytest.mark.django_db(transaction=True)
def test_existing_stock_orders_and_cart_lines_survive_the_size_migrations():
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    old = executor.loader.project_state(BEFORE).apps
    User = old.get_model("accounts", "User")
    seller = User.objects.create(username="oldshop", role="seller")
    buyer = User.objects.create(username="oldbuyer")
    master = old.get_model("main", "MasterCategory").objects.create(name="Apparel")
    sub = old.get_model("main", "SubCategory").objects.create(master_category=master, name="Topwear")
    tee = old.get_model("main", "ArticleType").objects.create(sub_category=sub, name="Tshirts")
    acc = old.get_model("main", "MasterCategory").objects.create(name="Accessories")
    watches = old.get_model("main", "SubCategory").objects.create(master_category=acc, name="Watches")
    watch = old.get_model("main", "ArticleType").objects.create(sub_category=watches, name="Watches")
    men = old.get_model("main", "Gender").objects.create(name="Men")
    Product = old.get_model("main", "Product")
    shirt = Product.objects.create(
        seller=seller,
        name="Old tee",
        gender=men,
        article_type=tee,
        sub_category=sub,
        master_category=master,
        price=Decimal("10"),
        stock=17,
    )
    clock = Product.objects.create(
        seller=seller,
        name="Old watch",
        gender=men,
        article_type=watch,
        sub_category=watches,
        master_category=acc,
        price=Decimal("99"),
        stock=3,
    )
    cart = old.get_model("cart", "Cart").objects.create(user=buyer)
    old.get_model("cart", "CartItem").objects.create(cart=cart, product=shirt, quantity=2)
    order = old.get_model("cart", "Order").objects.create(
        buyer=buyer,
        seller=seller,
        checkout_token="6f1c5b0e-4a8e-4a56-9a55-0d3c9b0f3a11",
        total=Decimal("99"),
        full_name="A",
        address="B",
        city="C",
        postal_code="560001",
        payment_status="paid",
    )
    old.get_model("cart", "OrderItem").objects.create(
        order=order, product=clock, product_name="Old watch", unit_price=Decimal("99"), quantity=1
    )

    executor = MigrationExecutor(connection)
    executor.migrate(AFTER)
    new = executor.loader.project_state(AFTER).apps
    ProductSize = new.get_model("main", "ProductSize")
    shirt_sizes = dict(ProductSize.objects.filter(product_id=shirt.pk).values_list("label", "stock"))
    assert list(shirt_sizes) == ["XS", "S", "M", "L", "XL", "XXL"] and sum(shirt_sizes.values()) == 17
    assert dict(ProductSize.objects.filter(product_id=clock.pk).values_list("label", "stock")) == {
        "One size": 3
    }
    line = new.get_model("cart", "CartItem").objects.get()
    assert line.size.product_id == shirt.pk and line.quantity == 2
    item = new.get_model("cart", "OrderItem").objects.get()
    assert (item.size.product_id, item.size_label) == (clock.pk, "One size")
    moved = new.get_model("cart", "Order").objects.get()
    assert (moved.payment_status, moved.payment_method, moved.status) == ("paid", "cod", "placed")

    MigrationExecutor(connection).migrate(executor.loader.graph.leaf_nodes())
