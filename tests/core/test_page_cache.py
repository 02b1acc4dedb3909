"""Pages drawn once for every anonymous shopper (core/page_cache.py): a shopper never sees a
wrong price, a sold-out size as buyable, another shopper's cart badge or CSRF token; a sale, a
price or stock change, a catalog change and a model swap draw the page afresh."""

from __future__ import annotations

import re

import pytest

from main import inventory
from main.models import Product
from tests.conftest import _user, sell_out

TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


@pytest.fixture(autouse=True)
def _page_cache_on(settings):
    settings.PAGE_CACHE = True


@pytest.fixture
def shirt(seller, make_product):
    return make_product(seller=seller, name="Cached Linen Shirt", price="537.00", sizes={"S": 1, "M": 3})


def url(product) -> str:
    return product.get_absolute_url()


def size_input(html: str, size) -> str:
    found = re.search(rf'<input type="radio" name="size" id="size-{size.pk}"[^>]*>', html)
    assert found, f"size {size.label} not on the page"
    return found.group(0)


def test_the_second_shopper_gets_the_cached_page_with_their_own_badge_and_token(client, shopper, shirt):
    medium = shirt.sizes.get(label="M")
    assert client.post(f"/cart/add/{shirt.pk}/", {"quantity": 2, "size": medium.pk}).status_code == 302
    assert "X-Page-Cache" not in client.get(url(shirt))  # "Added to your cart": a message, their own
    first = client.get(url(shirt))
    assert first["X-Page-Cache"] == "miss"
    assert "Cart, 2 items" in first.content.decode()

    second = shopper.get(url(shirt))
    html = second.content.decode()
    assert second["X-Page-Cache"] == "hit"
    assert "Cart, 0 items" in html and '<span class="badge text-bg-light">0</span>' in html
    assert "shopper:" not in html  # every marker filled
    tokens = set(TOKEN.findall(html))
    assert tokens and not tokens & set(TOKEN.findall(first.content.decode()))
    # The token filled in is the reader's own: their add to cart passes the CSRF check.
    assert "csrftoken" in second.cookies  # set with the cached page
    from django.test import Client

    strict = Client(enforce_csrf_checks=True)
    strict.cookies = shopper.cookies
    added = strict.post(
        f"/cart/add/{shirt.pk}/", {"quantity": 1, "size": medium.pk, "csrfmiddlewaretoken": tokens.pop()}
    )
    assert added.status_code == 302
    shopper.get(url(shirt))  # the message
    again = shopper.get(url(shirt))
    assert again["X-Page-Cache"] == "hit" and "Cart, 1 item\"" in again.content.decode()


def test_a_price_change_is_shown_at_once(client, shopper, shirt):
    assert "₹537" in client.get(url(shirt)).content.decode()
    assert shopper.get(url(shirt))["X-Page-Cache"] == "hit"
    shirt.price = "649.00"
    shirt.save()
    for browser in (client, shopper):
        html = browser.get(url(shirt)).content.decode()
        assert "₹649" in html and "₹537" not in html


def test_a_size_sold_at_checkout_is_never_offered_from_the_cache(client, shopper, shirt):
    small = shirt.sizes.get(label="S")
    client.get(url(shirt))
    assert "disabled" not in size_input(shopper.get(url(shirt)).content.decode(), small)
    assert inventory.stock_take(product_id=shirt.pk, size_id=small.pk, quantity=1)  # the last S
    html = shopper.get(url(shirt)).content.decode()
    assert "disabled" in size_input(html, small)
    inventory.stock_return(product_id=shirt.pk, size_id=small.pk, quantity=1)  # a cancellation
    assert "disabled" not in size_input(client.get(url(shirt)).content.decode(), small)


def test_a_seller_moving_stock_between_sizes_is_shown(client, shopper, shirt):
    """The total stays 4: only the sizes' stock says the page changed."""
    small, medium = shirt.sizes.get(label="S"), shirt.sizes.get(label="M")
    client.get(url(shirt))
    inventory.stock_set(product=Product.objects.get(pk=shirt.pk), stock_by_size={"S": 0, "M": 4})
    html = shopper.get(url(shirt)).content.decode()
    assert "disabled" in size_input(html, small) and "disabled" not in size_input(html, medium)


def test_a_sold_out_product_says_so_on_its_page_and_its_tile(client, shopper, shirt):
    catalog = "/catalog/?q=cached+linen"
    assert "Cached Linen Shirt" in client.get(catalog).content.decode()
    assert shopper.get(catalog)["X-Page-Cache"] == "hit"
    client.get(url(shirt))
    sell_out(shirt)
    assert "Out of stock" in shopper.get(url(shirt)).content.decode()
    assert "add-to-cart" not in shopper.get(url(shirt)).content.decode()
    tile = shopper.get(catalog)
    assert tile["X-Page-Cache"] == "miss" and "Out of stock" in tile.content.decode()


def test_the_last_unit_sold_at_checkout_marks_the_tile_out_of_stock(client, shopper, seller, make_product):
    scarf = make_product(seller=seller, name="Cached Silk Scarf", stock=1)
    catalog = "/catalog/?q=cached+silk"
    assert "Out of stock" not in client.get(catalog).content.decode()
    (size,) = scarf.sizes.all()
    assert inventory.stock_take(product_id=scarf.pk, size_id=size.pk, quantity=1)
    assert "Out of stock" in shopper.get(catalog).content.decode()
    inventory.stock_return(product_id=scarf.pk, size_id=size.pk, quantity=1)
    assert "Out of stock" not in shopper.get(catalog).content.decode()


def test_a_catalog_change_draws_listings_afresh(client, shopper, shirt):
    catalog = "/catalog/?q=cached"
    client.get(catalog)
    shirt.name = "Cached Hemp Shirt"
    shirt.save()
    html = shopper.get(catalog).content.decode()
    assert "Cached Hemp Shirt" in html and "Cached Linen Shirt" not in html


def test_a_model_swap_draws_pages_afresh(client, shopper, shirt, monkeypatch):
    from main import selectors

    client.get(url(shirt))
    assert shopper.get(url(shirt))["X-Page-Cache"] == "hit"
    swapped = {**selectors.loaded_versions(), "categorizer": "categorizer-swapped"}
    monkeypatch.setattr(selectors, "loaded_versions", lambda: swapped)
    assert shopper.get(url(shirt))["X-Page-Cache"] == "miss"
    assert client.get(url(shirt))["X-Page-Cache"] == "hit"


def test_a_buyer_shares_the_page_but_their_name_and_log_out_form_are_their_own(
    buyer_client, buyer, shopper, shirt
):
    mine = buyer_client.get(url(shirt))
    html = mine.content.decode()
    assert mine["X-Page-Cache"] == "miss" and f"Log out ({buyer.username})" in html and "My orders" in html
    theirs = shopper.get(url(shirt))  # an anonymous shopper's review section differs ("log in")
    html = theirs.content.decode()
    assert buyer.username not in html and "Log out" not in html and "My orders" not in html
    assert "Log in" in html and f"?next={url(shirt)}" in html.replace("%2F", "/")
    from django.test import Client

    other = Client()
    other.force_login(_user("bob"))
    shared = other.get(url(shirt))
    html = shared.content.decode()
    assert shared["X-Page-Cache"] == "hit"  # another buyer shares the page, with their own name
    assert buyer.username not in html and "Log out (bob)" in html
    again = buyer_client.get(url(shirt))
    assert again["X-Page-Cache"] == "hit" and f"Log out ({buyer.username})" in again.content.decode()
    # The log-out form's token is the buyer's own: it logs them out.
    token = TOKEN.search(again.content.decode().split('action="/accounts/logout/"')[1]).group(1)
    strict = Client(enforce_csrf_checks=True)
    strict.cookies = buyer_client.cookies
    assert strict.post("/accounts/logout/", {"csrfmiddlewaretoken": token}).status_code == 302
    assert "Log in" in strict.get(url(shirt)).content.decode()


def test_a_sellers_page_is_their_own_and_never_shared(seller_client, seller, shopper, shirt):
    mine = seller_client.get(url(shirt))
    assert "X-Page-Cache" not in mine and "Seller dashboard" in mine.content.decode()
    theirs = shopper.get(url(shirt))
    assert theirs["X-Page-Cache"] == "miss" and "Seller dashboard" not in theirs.content.decode()
    assert "X-Page-Cache" not in seller_client.get(url(shirt))


def test_a_shopper_with_a_wishlist_sees_their_hearts_not_the_shared_ones(client, shopper, shirt):
    shopper.get(url(shirt))  # the shared page, every heart empty
    assert client.post(f"/cart/wishlist/{shirt.pk}/", {"action": "add", "next": "/"}).status_code == 302
    mine = client.get(url(shirt))
    assert "X-Page-Cache" not in mine
    assert "Remove from wishlist" in mine.content.decode()
    assert "Remove from wishlist" not in shopper.get(url(shirt)).content.decode()


def test_a_message_is_shown_to_its_shopper_and_never_cached(client, shopper, shirt, settings):
    from django.contrib.messages import constants

    shopper.get(url(shirt))
    out_of_stock = {"quantity": 9, "size": shirt.sizes.get(label="S").pk}  # more than is left: a message
    client.post(f"/cart/add/{shirt.pk}/", out_of_stock)
    page = client.get(url(shirt))
    assert constants.DEFAULT_TAGS  # messages are on
    assert "X-Page-Cache" not in page and 'role="alert"' in page.content.decode()
    assert 'role="alert"' not in shopper.get(url(shirt)).content.decode()


def test_a_cached_catalog_page_costs_no_query(client, shopper, shirt, django_assert_num_queries):
    client.get("/catalog/?q=cached+linen")
    with django_assert_num_queries(0):
        cached = shopper.get("/catalog/?q=cached+linen")
    assert cached["X-Page-Cache"] == "hit" and f'href="{url(shirt)}"' in cached.content.decode()
