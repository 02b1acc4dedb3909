"""The cart: add, update, remove, stock limits, and the visitor's cart kept across login."""

from __future__ import annotations

import re

from cart.models import MAX_QUANTITY, Cart, CartItem
from main.models import Product
from main.money import rupees
from tests.conftest import cart_line, set_stock, size_id


def in_stock(n: int = 1, *, minimum: int = 3) -> list[Product]:
    """``n`` listed catalog products with at least ``minimum`` in stock, of different sellers."""
    products, sellers = [], set()
    # Stock is per size: the size a test picks (size_id, the best-stocked) has ``minimum``.
    products_in_stock = Product.objects.filter(is_active=True, sizes__stock__gte=minimum).distinct()
    for product in products_in_stock.order_by("pk"):
        if product.seller_id not in sellers:
            products.append(product)
            sellers.add(product.seller_id)
        if len(products) == n:
            return products
    raise AssertionError(f"the fixture catalog has no {n} products of different sellers in stock")


def lines(user=None, *, client=None) -> dict[int, int]:
    """product id → quantity in the user's cart (or the client's anonymous cart)."""
    if user is not None:
        items = CartItem.objects.filter(cart__user=user)
    else:
        items = CartItem.objects.filter(cart_id=client.session.get("cart_id"), cart__user=None)
    return dict(items.values_list("product_id", "quantity"))


def test_add_to_cart_and_see_it(buyer_client, buyer, catalog):
    product = in_stock()[0]
    response = buyer_client.post(f"/cart/add/{product.pk}/", {"quantity": 2, "size": size_id(product)})
    assert response.status_code == 302 and response["Location"] == "/cart/"
    assert lines(buyer) == {product.pk: 2}
    page = buyer_client.get("/cart/")
    html = page.content.decode()
    assert product.name in html
    assert page.context["total"] == product.price * 2
    assert rupees(product.price * 2) in html
    assert ">2</span>" in html  # the header badge counts items


def test_adding_again_adds_up_within_stock_and_limit(buyer_client, buyer, seller, make_product):
    product = make_product(seller=seller, stock=4)
    buyer_client.post(f"/cart/add/{product.pk}/", {"quantity": 2, "size": size_id(product)})
    buyer_client.post(f"/cart/add/{product.pk}/", {"quantity": 1, "size": size_id(product)})
    assert lines(buyer) == {product.pk: 3}
    buyer_client.post(f"/cart/add/{product.pk}/", {"quantity": 5, "size": size_id(product)})
    assert lines(buyer) == {product.pk: 4}  # never more than in stock
    plenty = make_product(seller=seller, stock=100)
    for _ in range(3):
        buyer_client.post(f"/cart/add/{plenty.pk}/", {"quantity": 4, "size": size_id(plenty)})
    assert lines(buyer)[plenty.pk] == MAX_QUANTITY


def test_adding_more_than_is_left_says_how_many_went_in(buyer_client, buyer, seller, make_product):
    """Regression: asking for 5 of the last 2 put 2 in the cart and said "Added" as if all 5 had been."""

    def add(product, quantity):
        data = {"quantity": quantity, "size": size_id(product)}
        response = buyer_client.post(f"/cart/add/{product.pk}/", data, follow=True)
        return [(m.level_tag, str(m)) for m in response.context["messages"]]

    scarce = make_product(seller=seller, name="Last linen shirt", stock=2)
    assert add(scarce, 5) == [("warning", "Only 2 left: added 2 of Last linen shirt to your cart.")]
    assert lines(buyer) == {scarce.pk: 2}  # still capped at the stock
    assert add(scarce, 1) == [("warning", "Only 2 left: your cart now has 2 of Last linen shirt.")]
    plenty = make_product(seller=seller, name="Plain socks", stock=100)
    assert add(plenty, 8) == [("success", "Added Plain socks to your cart.")]
    assert add(plenty, 4) == [
        ("warning", f"At most {MAX_QUANTITY} per order: your cart now has {MAX_QUANTITY} of Plain socks.")
    ]
    assert lines(buyer) == {scarce.pk: 2, plenty.pk: MAX_QUANTITY}


def test_opening_the_add_address_shows_the_product(buyer_client, buyer, seller, make_product):
    """A GET of the add-to-cart address (a link, a reload) leads to the product, not a blank 405
    page, and adds nothing: only the POST (with its CSRF token) does."""
    product = make_product(seller=seller, stock=5)
    response = buyer_client.get(f"/cart/add/{product.pk}/")
    assert response.status_code == 302 and response["Location"] == product.get_absolute_url()
    assert lines(buyer) == {}
    assert buyer_client.put(f"/cart/add/{product.pk}/").status_code == 405


def test_the_cart_says_which_line_stops_the_checkout(buyer_client, buyer, seller, make_product):
    scarce, gone, fine = (make_product(seller=seller, stock=5) for _ in range(3))
    for product in (scarce, gone, fine):
        buyer_client.post(f"/cart/add/{product.pk}/", {"quantity": 3, "size": size_id(product)})
    set_stock(scarce, 2)  # other shoppers bought meanwhile
    set_stock(gone, 0)
    html = buyer_client.get("/cart/").content.decode()
    problems = re.findall(r'data-test="line-problem">([^<]+)<', html)
    # One note per short line (lines are sorted by name); the line with enough stock says nothing.
    assert sorted(problems) == ["Only 2 left", "Sold out: remove it to check out"]


def test_invalid_quantity_adds_one(buyer_client, buyer, seller, make_product):
    product = make_product(seller=seller, stock=5)
    buyer_client.post(f"/cart/add/{product.pk}/", {"quantity": "-3", "size": size_id(product)})
    assert lines(buyer) == {product.pk: 1}


def test_update_and_remove_lines(buyer_client, buyer, catalog):
    first, second = in_stock(2, minimum=5)
    buyer_client.post(f"/cart/add/{first.pk}/", {"size": size_id(first)})
    buyer_client.post(f"/cart/add/{second.pk}/", {"size": size_id(second)})
    response = buyer_client.post("/cart/update/", {"product_id": first.pk, "quantity": 3})
    assert response.status_code == 302
    assert lines(buyer) == {first.pk: 3, second.pk: 1}
    buyer_client.post("/cart/update/", {"product_id": second.pk, "quantity": 0})
    assert lines(buyer) == {first.pk: 3}
    buyer_client.post("/cart/update/", {"product_id": first.pk, "quantity": 99})  # invalid: ignored
    assert lines(buyer) == {first.pk: 3}
    assert buyer_client.get("/cart/update/").status_code == 405


def test_update_cannot_touch_another_cart(client, buyer, other_seller, seller, make_product):
    product = make_product(seller=seller, stock=5)
    theirs = Cart.objects.create(user=other_seller)
    cart_line(theirs, product, 2)
    client.force_login(buyer)
    client.post("/cart/update/", {"product_id": product.pk, "quantity": 0})
    assert CartItem.objects.get(cart=theirs).quantity == 2


def test_out_of_stock_cannot_be_added(buyer_client, buyer, seller, make_product):
    product = make_product(seller=seller, stock=0)
    response = buyer_client.post(f"/cart/add/{product.pk}/", {"size": size_id(product)}, follow=True)
    assert lines(buyer) == {}
    assert "out of stock" in response.content.decode()
    assert response.redirect_chain[0][0] == product.get_absolute_url()


def test_unlisted_cannot_be_added(buyer_client, buyer, seller, make_product):
    product = make_product(seller=seller, stock=5, is_active=False)
    assert buyer_client.post(f"/cart/add/{product.pk}/", {"size": size_id(product)}).status_code == 404
    assert buyer_client.get(f"/cart/add/{product.pk}/").status_code == 404
    assert lines(buyer) == {}


def test_visitor_cart_survives_login(client, buyer, password, catalog):
    first, second = in_stock(2)
    client.post(f"/cart/add/{first.pk}/", {"quantity": 2, "size": size_id(first)})
    client.post(f"/cart/add/{second.pk}/", {"size": size_id(second)})
    assert lines(client=client) == {first.pk: 2, second.pk: 1}
    # The buyer already had one of them in their cart: quantities add up.
    cart_line(Cart.objects.create(user=buyer), first, 1)

    response = client.post("/accounts/login/", {"username": buyer.username, "password": password})
    assert response.status_code == 302
    assert lines(buyer) == {first.pk: 3, second.pk: 1}
    assert not Cart.objects.filter(user=None).exists()  # the visitor's cart was merged away
    html = client.get("/cart/").content.decode()
    assert first.name in html and second.name in html


def test_visitor_cart_is_private_to_the_session(client, django_user_model, catalog):
    from django.test import Client

    product = in_stock()[0]
    client.post(f"/cart/add/{product.pk}/", {"size": size_id(product)})
    stranger = Client()
    assert stranger.get("/cart/").context["items"] == []
    assert "Your cart is empty" in stranger.get("/cart/").content.decode()


def test_empty_cart_page(client, db):
    response = client.get("/cart/")
    assert response.status_code == 200
    assert "Your cart is empty" in response.content.decode()


def test_login_with_a_cart_line_unlisted_meanwhile(client, buyer, password, seller, make_product):
    """Regression: the merge used to raise CheckoutError, so logging in answered 500."""
    gone = make_product(seller=seller, name="Withdrawn scarf", stock=5)
    kept = make_product(seller=seller, name="Wool hat", stock=5)
    client.post(f"/cart/add/{gone.pk}/", {"size": size_id(gone)})
    client.post(f"/cart/add/{kept.pk}/", {"quantity": 2, "size": size_id(kept)})
    Product.objects.filter(pk=gone.pk).update(is_active=False)
    response = client.post("/accounts/login/", {"username": buyer.username, "password": password})
    assert response.status_code == 302
    assert lines(buyer) == {kept.pk: 2}


# --- the header badge ---------------------------------------------------------------------


BADGE = re.compile(r'data-test="cart-link">Cart <span class="badge[^"]*">(\d+)<')


def badge(response) -> str:
    return BADGE.search(response.content.decode())[1]


def test_the_badge_follows_cart_changes_without_a_query_per_page(
    client, catalog, django_assert_num_queries, django_assert_max_num_queries
):
    first, second = in_stock(2)
    page = first.get_absolute_url()
    client.get(page)  # taxonomy lookups cached
    # product, its sizes (the view is queued): a visitor with no cart costs nothing
    with django_assert_max_num_queries(2):
        assert badge(client.get(page)) == "0"
    client.post(f"/cart/add/{first.pk}/", {"quantity": 2, "size": size_id(first)})
    client.post(f"/cart/add/{second.pk}/", {"size": size_id(second)})
    with django_assert_max_num_queries(3):  # + the session; the count is read from it
        assert badge(client.get(page)) == "3"
    client.post("/cart/update/", {"product_id": first.pk, "quantity": 0})
    assert badge(client.get(page)) == "1"


def test_the_badge_shows_the_accounts_cart_after_login_and_empties_at_checkout(
    client, buyer, password, catalog
):
    first, second = in_stock(2)
    cart_line(Cart.objects.create(user=buyer), first, 4)
    client.post(f"/cart/add/{second.pk}/", {"size": size_id(second)})
    assert badge(client.get("/")) == "1"
    client.post("/accounts/login/", {"username": buyer.username, "password": password})
    assert badge(client.get("/")) == "5"
    token = client.get("/cart/checkout/").context["form"].initial["checkout_token"]
    address = {"full_name": "A B", "line1": "1 Road", "city": "Pune", "pin_code": "411001",
               "phone": "9876543210"}
    client.post("/cart/checkout/", {**address, "country": "India", "checkout_token": token})
    assert badge(client.get("/")) == "0"


def test_a_change_from_another_device_shows_on_the_cart_page(client, buyer, catalog):
    from django.test import Client

    product = in_stock()[0]
    client.force_login(buyer)
    client.post(f"/cart/add/{product.pk}/", {"size": size_id(product)})
    phone = Client()
    phone.force_login(buyer)
    phone.post(f"/cart/add/{product.pk}/", {"quantity": 2, "size": size_id(product)})
    assert badge(client.get("/cart/")) == "3"
