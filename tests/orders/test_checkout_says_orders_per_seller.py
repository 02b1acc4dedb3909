"""Checkout says, before the order is placed, that a cart with several sellers becomes one
order per seller; and the new-address fields are one block the page hides while a saved
address is chosen (static/js/checkout.js; the browser test checks it on a phone)."""

from __future__ import annotations

from accounts.models import Address
from tests.orders.test_checkout import fill_cart, two_shops  # noqa: F401 (a fixture)


def page(client) -> str:
    return " ".join(client.get("/cart/checkout/").content.decode().split())


def test_a_cart_from_two_sellers_is_announced_as_two_orders(buyer_client, buyer, seller, other_seller,
                                                              two_shops):  # noqa: F811
    shirt, socks, jeans = two_shops
    fill_cart(buyer, {shirt: 1, socks: 1, jeans: 1})
    html = page(buyer_client)
    assert 'data-test="orders-per-seller"' in html
    assert "becomes 2 orders, one per seller" in html
    # The summary groups the lines by seller, each with its own subtotal.
    assert html.count('data-test="seller-group"') == 2
    assert seller.shop_name in html and other_seller.shop_name in html
    assert "Place 2 orders" in html


def test_a_cart_from_one_seller_says_nothing_of_the_sort(buyer_client, buyer, two_shops):  # noqa: F811
    shirt, socks, _ = two_shops
    fill_cart(buyer, {shirt: 1, socks: 1})
    html = page(buyer_client)
    assert 'data-test="orders-per-seller"' not in html
    assert "Place order" in html


def test_the_new_address_fields_are_one_block_the_page_can_hide(buyer_client, buyer, two_shops):  # noqa: F811
    fill_cart(buyer, {two_shops[0]: 1})
    Address.objects.create(owner=buyer, full_name="Ravi Kumar", phone="9123456780", line1="4 Park Street",
                           city="Kolkata", state="West Bengal", pin_code="700016", is_default=True)
    html = page(buyer_client)
    block = html[html.index('data-test="new-address"'):html.index('data-test="payment-methods"')]
    for name in ("full_name", "phone", "line1", "city", "pin_code", "save_address"):
        assert f'name="{name}"' in block, name
    assert 'name="saved_address"' not in block
    assert "js/checkout.js" in html
