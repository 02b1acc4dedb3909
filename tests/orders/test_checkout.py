"""Checkout: one order per seller, stock taken atomically, idempotent per checkout token."""

from __future__ import annotations

import uuid
from decimal import Decimal

import pytest

from cart.models import Cart, CartItem
from main.models import Product
from orders.models import Order, OrderItem
from orders.services import CheckoutError, ShippingAddress, checkout
from recommendations.models import ProductEvent
from tests.conftest import cart_line, set_stock, size_id

ADDRESS = {
    "full_name": "Alice Buyer",
    "line1": "12 MG Road",
    "city": "Bengaluru",
    "pin_code": "560001",
    "country": "India",
    "phone": "9876543210",
}


def fill_cart(user, quantities: dict[Product, int]) -> Cart:
    cart, _ = Cart.objects.get_or_create(user=user)
    for product, quantity in quantities.items():
        cart_line(cart, product, quantity)
    return cart


def checkout_token(client) -> str:
    response = client.get("/cart/checkout/")
    assert response.status_code == 200
    return str(response.context["form"].initial["checkout_token"])


def stock_of(*products: Product) -> list[int]:
    return [Product.objects.get(pk=p.pk).stock for p in products]


@pytest.fixture
def two_shops(seller, other_seller, make_product):
    """Three products from two sellers: (shirt, socks) of one shop, (jeans) of the other."""
    shirt = make_product(seller=seller, name="Oxford shirt", price="1299.00", stock=5)
    socks = make_product(seller=seller, name="Wool socks", price="199.00", stock=10)
    jeans = make_product(seller=other_seller, name="Slim jeans", price="1999.00", stock=3)
    return shirt, socks, jeans


def test_checkout_creates_one_order_per_seller(buyer_client, buyer, seller, other_seller, two_shops):
    shirt, socks, jeans = two_shops
    fill_cart(buyer, {shirt: 2, socks: 3, jeans: 1})
    token = checkout_token(buyer_client)
    response = buyer_client.post("/cart/checkout/", {**ADDRESS, "checkout_token": token})
    assert response.status_code == 302 and response["Location"] == "/cart/orders/"

    orders = {o.seller_id: o for o in Order.objects.filter(buyer=buyer)}
    assert set(orders) == {seller.pk, other_seller.pk}
    mine = orders[seller.pk]
    assert mine.total == Decimal("1299.00") * 2 + Decimal("199.00") * 3
    assert orders[other_seller.pk].total == Decimal("1999.00")
    assert sorted(mine.items.values_list("product_name", "quantity", "unit_price")) == [
        ("Oxford shirt", 2, Decimal("1299.00")),
        ("Wool socks", 3, Decimal("199.00")),
    ]
    assert {o.checkout_token for o in orders.values()} == {uuid.UUID(token)}
    assert all(o.status == "placed" and o.payment_status == "pending" for o in orders.values())
    assert (mine.full_name, mine.city, mine.pin_code) == ("Alice Buyer", "Bengaluru", "560001")
    assert stock_of(shirt, socks, jeans) == [3, 7, 2]
    assert not CartItem.objects.filter(cart__user=buyer).exists()
    assert ProductEvent.objects.filter(user=buyer, kind="purchase").count() == 3

    history = buyer_client.get("/cart/orders/").content.decode()
    assert history.count('data-test="order"') == 2
    first, second = sorted(orders.values(), key=lambda order: order.pk)
    assert f"Your cart became 2 orders, #{first.pk}, #{second.pk}: one per seller" in history
    for order in orders.values():
        assert f"Order #{order.pk}" in history
    assert "Oxford shirt" in history and "Slim jeans" in history


def test_checkout_of_catalog_products_from_different_shops(buyer_client, buyer, catalog):
    picked, sellers = [], set()
    for product in Product.objects.filter(is_active=True, sizes__stock__gte=2).distinct().order_by("pk"):
        if product.seller_id not in sellers:
            picked.append(product)
            sellers.add(product.seller_id)
    assert len(picked) >= 2
    before = stock_of(*picked)
    for product in picked:
        buyer_client.post(f"/cart/add/{product.pk}/", {"quantity": 2, "size": size_id(product)})
    token = checkout_token(buyer_client)
    buyer_client.post("/cart/checkout/", {**ADDRESS, "checkout_token": token})
    assert Order.objects.filter(buyer=buyer).count() == len(sellers)
    assert stock_of(*picked) == [s - 2 for s in before]
    assert sum(o.total for o in Order.objects.filter(buyer=buyer)) == sum(p.price * 2 for p in picked)


def test_not_enough_stock_writes_nothing(buyer_client, buyer, two_shops):
    shirt, socks, jeans = two_shops
    fill_cart(buyer, {shirt: 1, socks: 2, jeans: 3})
    token = checkout_token(buyer_client)
    # Someone else bought the jeans in the meantime; they come last in the checkout's loop,
    # after the shirt's and socks' stock were already taken.
    assert jeans.pk == max(p.pk for p in two_shops)
    set_stock(jeans, 2)

    response = buyer_client.post("/cart/checkout/", {**ADDRESS, "checkout_token": token}, follow=True)
    assert "Not enough stock left of Slim jeans" in response.content.decode()
    assert response.redirect_chain[-1][0] == "/cart/"
    assert not Order.objects.exists() and not OrderItem.objects.exists()
    assert stock_of(shirt, socks, jeans) == [5, 10, 2]
    assert dict(CartItem.objects.filter(cart__user=buyer).values_list("product_id", "quantity")) == {
        shirt.pk: 1,
        socks.pk: 2,
        jeans.pk: 3,
    }


def test_unlisted_product_in_cart_stops_checkout(buyer_client, buyer, two_shops):
    shirt, socks, _ = two_shops
    fill_cart(buyer, {shirt: 1, socks: 1})
    token = checkout_token(buyer_client)
    Product.objects.filter(pk=socks.pk).update(is_active=False)
    response = buyer_client.post("/cart/checkout/", {**ADDRESS, "checkout_token": token}, follow=True)
    assert "no longer listed" in response.content.decode()
    assert not Order.objects.exists()
    assert stock_of(shirt) == [5]


def test_same_checkout_token_twice_places_orders_once(buyer_client, buyer, two_shops):
    shirt, socks, jeans = two_shops
    fill_cart(buyer, {shirt: 1, jeans: 1})
    token = checkout_token(buyer_client)
    first = buyer_client.post("/cart/checkout/", {**ADDRESS, "checkout_token": token})
    # A double click: the cart has been refilled meanwhile, yet the same form places nothing new.
    fill_cart(buyer, {socks: 1})
    second = buyer_client.post("/cart/checkout/", {**ADDRESS, "checkout_token": token})
    assert first["Location"] == second["Location"] == "/cart/orders/"
    assert Order.objects.filter(buyer=buyer).count() == 2
    assert stock_of(shirt, socks, jeans) == [4, 10, 2]
    assert CartItem.objects.filter(cart__user=buyer, product=socks).exists()


def test_checkout_service_is_idempotent_per_token(buyer, two_shops):
    shirt, _, jeans = two_shops
    cart = fill_cart(buyer, {shirt: 1, jeans: 1})
    address = ShippingAddress(**ADDRESS)
    token = uuid.uuid4()
    first = checkout(cart=cart, buyer=buyer, address=address, token=token)
    again = checkout(cart=cart, buyer=buyer, address=address, token=token)
    assert sorted(o.pk for o in first) == sorted(o.pk for o in again)
    with pytest.raises(CheckoutError, match="empty"):
        checkout(cart=cart, buyer=buyer, address=address, token=uuid.uuid4())


def test_checkout_needs_login_and_a_cart(client, buyer, password):
    response = client.get("/cart/checkout/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/?next=/cart/checkout/")
    client.force_login(buyer)
    response = client.get("/cart/checkout/", follow=True)
    assert response.redirect_chain[-1][0] == "/cart/"
    response = client.post("/cart/checkout/", {**ADDRESS, "checkout_token": str(uuid.uuid4())}, follow=True)
    assert "Your cart is empty" in response.content.decode()
    assert not Order.objects.exists()


def test_invalid_address_redisplays_the_form(buyer_client, buyer, two_shops):
    fill_cart(buyer, {two_shops[0]: 1})
    token = checkout_token(buyer_client)
    response = buyer_client.post("/cart/checkout/", {**ADDRESS, "city": "", "checkout_token": token})
    assert response.status_code == 200
    assert response.context["form"].errors["city"]
    assert not Order.objects.exists()


def test_checkout_form_remembers_last_address(buyer_client, buyer, two_shops):
    shirt, socks, _ = two_shops
    fill_cart(buyer, {shirt: 1})
    buyer_client.post("/cart/checkout/", {**ADDRESS, "checkout_token": checkout_token(buyer_client)})
    fill_cart(buyer, {socks: 1})
    form = buyer_client.get("/cart/checkout/").context["form"]
    assert form.initial["line1"] == ADDRESS["line1"]
    assert form.initial["checkout_token"] != Order.objects.first().checkout_token


def place(user, quantities) -> list[Order]:
    cart = fill_cart(user, quantities)
    return checkout(cart=cart, buyer=user, address=ShippingAddress(**ADDRESS), token=uuid.uuid4())


def test_order_history_shows_only_own_orders(client, buyer, two_shops, django_user_model):
    shirt, _, jeans = two_shops
    place(django_user_model.objects.create_user("bob", password="x-pass-123456"), {jeans: 1})
    place(buyer, {shirt: 1})
    client.force_login(buyer)
    html = client.get("/cart/orders/").content.decode()
    assert html.count('data-test="order"') == 1
    assert "Oxford shirt" in html and "Slim jeans" not in html
    client.logout()
    assert client.get("/cart/orders/").status_code == 302
