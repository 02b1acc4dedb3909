"""Checkout addresses as an Indian courier needs them, and saved addresses reused."""

from __future__ import annotations

import pytest

from accounts.models import Address
from cart.models import Cart
from orders.models import Order
from tests.conftest import CHECKOUT_ADDRESS, cart_line

ADDRESS = CHECKOUT_ADDRESS


@pytest.fixture
def ready(buyer_client, buyer, seller, make_product):
    cart, _ = Cart.objects.get_or_create(user=buyer)
    cart_line(cart, make_product(seller=seller), 1)
    return buyer_client


def token(client) -> str:
    return str(client.get("/cart/checkout/").context["form"].initial["checkout_token"])


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("pin_code", "abc", "6-digit PIN code"),
        ("pin_code", "56001", "6-digit PIN code"),
        ("pin_code", "060001", "6-digit PIN code"),
        ("phone", "12345", "10-digit mobile number"),
        ("phone", "5876543210", "10-digit mobile number"),
        ("phone", "", "This field is required"),
        ("city", "", "This field is required"),
    ],
)
def test_bad_pin_codes_and_mobiles_are_refused_with_a_clear_error(ready, field, value, message):
    response = ready.post("/cart/checkout/", {**ADDRESS, field: value, "checkout_token": token(ready)})
    assert response.status_code == 200
    assert message in " ".join(response.context["form"].errors[field])
    assert f'data-test="error-{field}"' in response.content.decode()
    assert not Order.objects.exists()


def test_a_mobile_typed_with_country_code_and_spaces_is_kept_as_ten_digits(ready, buyer):
    data = {**ADDRESS, "phone": "+91 98765 43210", "pin_code": "560 001", "checkout_token": token(ready)}
    assert ready.post("/cart/checkout/", data).status_code == 302
    order = Order.objects.get(buyer=buyer)
    assert (order.phone, order.pin_code) == ("9876543210", "560001")


def test_a_saved_address_is_offered_and_used(ready, buyer):
    saved = Address.objects.create(
        owner=buyer,
        full_name="Ravi Kumar",
        phone="9123456780",
        line1="4 Park Street",
        city="Kolkata",
        state="West Bengal",
        pin_code="700016",
        is_default=True,
    )
    page = ready.get("/cart/checkout/")
    assert page.context["form"].initial["saved_address"] == str(saved.pk)
    assert "4 Park Street" in page.content.decode()
    response = ready.post("/cart/checkout/", {"saved_address": str(saved.pk), "checkout_token": token(ready)})
    assert response.status_code == 302
    order = Order.objects.get(buyer=buyer)
    assert (order.full_name, order.city, order.pin_code, order.phone) == (
        "Ravi Kumar",
        "Kolkata",
        "700016",
        "9123456780",
    )


def test_someone_elses_saved_address_cannot_be_chosen(ready, buyer, seller):
    theirs = Address.objects.create(
        owner=seller, full_name="S", phone="9123456780", line1="x", city="y", state="z", pin_code="700016"
    )
    Address.objects.create(
        owner=buyer, full_name="B", phone="9123456780", line1="b", city="c", state="d", pin_code="110001"
    )
    response = ready.post(
        "/cart/checkout/", {"saved_address": str(theirs.pk), "checkout_token": token(ready)}
    )
    assert response.status_code == 200 and "saved_address" in response.context["form"].errors
    assert not Order.objects.exists()


def test_a_new_address_can_be_saved_for_next_time(ready, buyer):
    data = {**ADDRESS, "state": "Karnataka", "save_address": "on", "checkout_token": token(ready)}
    assert ready.post("/cart/checkout/", data).status_code == 302
    saved = Address.objects.get(owner=buyer)
    assert (saved.line1, saved.pin_code, saved.is_default) == ("12 MG Road", "560001", True)
