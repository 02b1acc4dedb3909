"""The rows tiles show, kept per process (``main.tile_rows``): fetched once, never shown stale
after a price change, a sale that sells out, or an unlisting."""

from decimal import Decimal

from django.db import connection
from django.test.utils import CaptureQueriesContext

from main.inventory import stock_take
from main.selectors import products_by_ids
from main.services import product_save


def _queries(ids, **kwargs):
    with CaptureQueriesContext(connection) as queries:
        found = products_by_ids(ids=ids, **kwargs)
    return found, len([q for q in queries.captured_queries if "main_product" in q["sql"]])


def test_tiles_seen_before_cost_no_query_and_come_back_in_order(seller, make_product):
    a, b, c = (make_product(seller=seller) for _ in range(3))
    first, asked = _queries([c.pk, a.pk])
    assert [p.pk for p in first] == [c.pk, a.pk] and asked == 1
    again, asked = _queries([a.pk, c.pk])
    assert [p.pk for p in again] == [a.pk, c.pk] and asked == 0
    more, asked = _queries([b.pk, a.pk])
    assert [p.pk for p in more] == [b.pk, a.pk] and asked == 1  # only b is fetched
    assert again[0] is not first[1]  # each caller gets its own instance


def test_an_id_that_is_not_listed_is_remembered_as_absent(seller, make_product):
    hidden = make_product(seller=seller, is_active=False)
    assert _queries([hidden.pk, 10**9]) == ([], 1)
    assert _queries([hidden.pk, 10**9]) == ([], 0)


def test_a_price_change_or_an_unlisting_shows_at_once(seller, make_product):
    product = make_product(seller=seller, price="499.00")
    assert products_by_ids(ids=[product.pk])[0].price == Decimal("499.00")
    product.price = Decimal("399.00")
    product_save(product=product)
    assert products_by_ids(ids=[product.pk])[0].price == Decimal("399.00")
    product.is_active = False
    product_save(product=product)
    assert products_by_ids(ids=[product.pk], in_stock_only=False) == []


def test_a_product_sold_out_by_a_checkout_leaves_carousels_and_says_so_in_listings(seller, make_product):
    product = make_product(seller=seller, stock=1)
    assert [p.pk for p in products_by_ids(ids=[product.pk])] == [product.pk]
    size = product.sizes.get()
    assert stock_take(product_id=product.pk, size_id=size.pk, quantity=1)
    assert products_by_ids(ids=[product.pk]) == []  # carousels and feeds: in stock only
    listed = products_by_ids(ids=[product.pk], in_stock_only=False)
    assert [p.stock for p in listed] == [0]  # a listing's tile says "Out of stock"


def test_the_carousels_fields_are_loaded_without_another_query(seller, make_product):
    product = make_product(seller=seller, base_colour="Blue", usage="Casual")
    products_by_ids(ids=[product.pk])
    with CaptureQueriesContext(connection) as queries:
        tile = products_by_ids(ids=[product.pk])[0]
        shown = (tile.name, tile.brand, tile.image.name, tile.rating_count, tile.article_type_id,
                 tile.sub_category_id, tile.base_colour, tile.usage, tile.dataset_id)
    assert shown[6:8] == ("Blue", "Casual") and not queries.captured_queries
