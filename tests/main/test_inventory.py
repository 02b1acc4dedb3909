"""Stock is taken, returned and set in one module (main/inventory.py); the product's total
stays the sum of its sizes'."""

from __future__ import annotations

from main import inventory
from main.models import Product, ProductSize


def _stock(product) -> tuple[int, dict[str, int]]:
    sizes = dict(ProductSize.objects.filter(product=product).values_list("label", "stock"))
    return Product.objects.get(pk=product.pk).stock, sizes


def test_taking_more_than_a_size_holds_takes_nothing(seller, make_product):
    shirt = make_product(seller=seller, sizes={"S": 2, "M": 5})
    small = shirt.sizes.get(label="S")
    assert not inventory.stock_take(product_id=shirt.pk, size_id=small.pk, quantity=3)
    assert inventory.stock_take(product_id=shirt.pk, size_id=small.pk, quantity=2)
    assert _stock(shirt) == (5, {"S": 0, "M": 5})
    assert not inventory.stock_take(product_id=shirt.pk, size_id=small.pk, quantity=1)


def test_a_returned_line_is_back_on_sale(seller, make_product):
    shirt = make_product(seller=seller, sizes={"S": 2, "M": 5})
    medium = shirt.sizes.get(label="M")
    inventory.stock_take(product_id=shirt.pk, size_id=medium.pk, quantity=4)
    inventory.stock_return(product_id=shirt.pk, size_id=medium.pk, quantity=4)
    assert _stock(shirt) == (7, {"S": 2, "M": 5})


def test_setting_stock_sets_the_sizes_and_their_total(seller, make_product):
    shirt = make_product(seller=seller, sizes={"S": 2})
    inventory.stock_set(product=shirt, stock_by_size={"S": 1, "L": 4})
    assert _stock(shirt) == (5, {"S": 1, "L": 4})
