"""End to end in headless Chromium, on a desktop and on a phone: pick a size, pay by test card
or cash on delivery, cancel and get a refund, the wishlist round trip, the seller ships with a
tracking number. Screenshots go to test-artifacts/."""

from __future__ import annotations

import uuid

import pytest

from cart.models import Cart
from main.models import Product, ProductSize
from orders.models import Order
from orders.services import ShippingAddress, checkout
from tests.conftest import cart_line
from tests.e2e.conftest import ARTIFACTS, DESKTOP, PHONE

pytestmark = pytest.mark.browser

VIEWPORTS = {"desktop": DESKTOP, "phone": PHONE}


@pytest.fixture(params=list(VIEWPORTS))
def viewport(request, page):
    page.set_viewport_size(VIEWPORTS[request.param])
    return request.param


def log_in(page, user, password, next_url: str = "/") -> None:
    page.goto(f"/accounts/login/?next={next_url}")
    page.fill("#id_username", user.username)
    page.fill("#id_password", password)
    with page.expect_navigation():
        page.locator('[data-test="login"]').click()


def sized_product() -> tuple[Product, ProductSize, ProductSize]:
    """A listed apparel product with a sold-out size and a size in stock."""
    for product in Product.objects.filter(is_active=True, master_category__name="Apparel", stock__gt=3):
        sizes = list(product.sizes.all())
        gone = [s for s in sizes if s.stock == 0]
        there = [s for s in sizes if s.stock >= 2]
        if gone and there:
            return product, gone[0], there[0]
    raise AssertionError("no sized product with a sold-out size in the e2e catalog")


def no_sideways_scroll(page, viewport: str) -> None:
    width = VIEWPORTS[viewport]["width"]
    assert page.evaluate("document.documentElement.scrollWidth") <= width + 1, f"{page.url} overflows"


def buy_in_size(page, viewport, *, method: str) -> tuple[Product, ProductSize]:
    ARTIFACTS.mkdir(exist_ok=True)
    product, gone, size = sized_product()
    page.goto(product.get_absolute_url())
    assert page.locator(f"#size-{gone.pk}").is_disabled()  # shown, but cannot be picked
    assert page.locator(f'[data-test="size-{gone.label}"]').is_visible()
    page.locator(f'[data-test="size-{size.label}"]').click()
    assert page.locator(f"#size-{size.pk}").is_checked()
    page.screenshot(path=ARTIFACTS / f"size-picker-{viewport}.png", full_page=True)
    no_sideways_scroll(page, viewport)
    with page.expect_navigation():
        page.locator('[data-test="add-to-cart"]').click()
    assert f"Size: {size.label}" in page.locator('[data-test="cart-table"]').inner_text()
    with page.expect_navigation():
        page.locator('[data-test="checkout"]').click()
    page.fill("#id_full_name", "Asha Rao")
    page.fill("#id_phone", "98765 43210")
    page.fill("#id_line1", "12 MG Road")
    page.fill("#id_city", "Bengaluru")
    page.fill("#id_pin_code", "abc")
    page.locator(f'input[name="payment_method"][value="{method}"]').check()
    with page.expect_navigation():
        page.locator('[data-test="place-order"]').click()
    assert "6-digit PIN code" in page.locator('[data-test="error-pin_code"]').inner_text()
    page.fill("#id_pin_code", "560001")
    page.locator(f'input[name="payment_method"][value="{method}"]').check()
    with page.expect_navigation():
        page.locator('[data-test="place-order"]').click()
    return product, size


def test_pick_a_size_and_pay_by_test_card_then_cancel_for_a_refund(
    page, page_errors, e2e_catalog, buyer, password, viewport, artifacts
):
    log_in(page, buyer, password)
    product, size = buy_in_size(page, viewport, method="card")
    assert "/cart/pay/test-card/" in page.url
    before = ProductSize.objects.get(pk=size.pk).stock
    page.fill("#id_card_number", "4000 0000 0000 0002")
    with page.expect_navigation():
        page.locator('[data-test="pay"]').click()
    assert "declined" in page.content()
    order = Order.objects.get(buyer=buyer)
    assert order.payment_status == "failed"
    with page.expect_navigation():
        page.locator('[data-test="pay-now"]').first.click()
    page.fill("#id_card_number", "4242 4242 4242 4242")
    page.screenshot(path=artifacts / f"test-card-{viewport}.png", full_page=True)
    with page.expect_navigation():
        page.locator('[data-test="pay"]').click()
    assert "Payment received" in page.content()
    order.refresh_from_db()
    assert order.payment_status == "paid"

    with page.expect_navigation():
        page.locator('[data-test="order-link"]').first.click()
    assert page.locator('[data-test="payment-status"]').inner_text() == "Paid"
    page.screenshot(path=artifacts / f"order-detail-{viewport}.png", full_page=True)
    no_sideways_scroll(page, viewport)
    with page.expect_navigation():
        page.locator('[data-test="cancel-order"]').click()
    with page.expect_navigation():
        page.locator('[data-test="confirm-cancel"]').click()
    assert "cancelled and refunded" in page.content()
    assert page.locator('[data-test="payment-status"]').inner_text() == "Refunded"
    assert page.locator('[data-test="step-cancelled"]').is_visible()
    order.refresh_from_db()
    assert (order.status, order.payment_status) == ("cancelled", "refunded")
    assert ProductSize.objects.get(pk=size.pk).stock == before + 1
    assert page_errors == []


def test_pay_cash_on_delivery(page, page_errors, e2e_catalog, buyer, password, viewport):
    log_in(page, buyer, password)
    product, size = buy_in_size(page, viewport, method="cod")
    assert page.url.endswith("/cart/orders/")
    order = Order.objects.get(buyer=buyer)
    assert (order.payment_method, order.payment_status, order.pin_code) == ("cod", "pending", "560001")
    assert order.items.get().size_label == size.label
    assert "Cash on delivery · Payment: Pending" in page.locator('[data-test="order"]').inner_text()
    assert page.locator('[data-test="pay-now"]').count() == 0
    assert page_errors == []


def test_the_wishlist_round_trip(page, page_errors, e2e_catalog, buyer, password, viewport, artifacts):
    product, _, size = sized_product()
    shown = " ".join(product.name.split())  # as a browser renders it
    # Saved as a visitor from a catalog tile; kept on logging in.
    page.goto(f"/catalog/?q={product.name.split()[0]}")
    tile = page.locator(".tile-with-heart", has_text=shown).first
    with page.expect_navigation():
        tile.locator('[data-test="wish-add"]').click()
    assert (
        page.locator(".tile-with-heart", has_text=product.name)
        .first.locator('[data-test="wish-remove"]')
        .count()
    )
    page.screenshot(path=artifacts / f"catalog-hearts-{viewport}.png")
    log_in(page, buyer, password, next_url="/cart/wishlist/")
    assert shown in page.locator('[data-test="wishlist"]').inner_text()
    page.screenshot(path=artifacts / f"wishlist-{viewport}.png", full_page=True)
    no_sideways_scroll(page, viewport)
    # From the wishlist to the cart in a size, then back to the wishlist from the cart.
    with page.expect_navigation():
        page.locator('[data-test="wish"] a').first.click()
    page.locator(f'[data-test="size-{size.label}"]').click()
    with page.expect_navigation():
        page.locator('[data-test="add-to-cart"]').click()
    page.goto("/cart/wishlist/")
    with page.expect_navigation():
        page.locator('[data-test="wish-remove"]').first.click()
    assert page.locator('[data-test="wishlist"]').count() == 0
    page.goto("/cart/")
    with page.expect_navigation():
        page.locator('[data-test="move-to-wishlist"]').first.click()
    assert "Moved" in page.content() and page.locator('[data-test="cart-table"]').count() == 0
    page.goto("/cart/wishlist/")
    assert shown in page.locator('[data-test="wishlist"]').inner_text()
    assert page_errors == []


def test_the_seller_ships_with_a_tracking_number(
    page, page_errors, e2e_catalog, buyer, password, viewport, artifacts
):
    product, _, size = sized_product()
    cart = Cart.objects.get_or_create(user=buyer)[0]
    cart_line(cart, product, 1, size=size)
    address = ShippingAddress(
        full_name="Asha Rao", line1="12 MG Road", city="Bengaluru", pin_code="560001", phone="9876543210"
    )
    (order,) = checkout(cart=cart, buyer=buyer, address=address, token=uuid.uuid4())
    shop = product.seller
    shop.set_password(password)
    shop.save()

    log_in(page, shop, password, next_url="/seller/products/")
    no_sideways_scroll(page, viewport)
    first_row = page.locator('[data-test="listings"] tbody tr').first
    for action in ("edit", "unlist"):
        box = first_row.locator(f'[data-test="{action}"]').bounding_box()
        assert box and box["x"] + box["width"] <= VIEWPORTS[viewport]["width"], f"{action} is off screen"
    page.screenshot(path=artifacts / f"seller-listings-{viewport}.png", full_page=True)

    page.goto(f"/seller/orders/{order.pk}/")
    page.select_option("#id_status", "shipped")
    with page.expect_navigation():
        page.locator('[data-test="update-order"]').click()
    assert "tracking number" in page.content()
    page.select_option("#id_status", "shipped")
    page.fill("#id_tracking_number", "DL123456789IN")
    with page.expect_navigation():
        page.locator('[data-test="update-order"]').click()
    assert page.locator('[data-test="order-status"]').inner_text() == "Shipped"
    assert page.locator('[data-test="tracking-number"]').inner_text() == "DL123456789IN"
    page.screenshot(path=artifacts / f"seller-order-{viewport}.png", full_page=True)
    no_sideways_scroll(page, viewport)

    page.context.clear_cookies()
    log_in(page, buyer, password, next_url=f"/cart/orders/{order.pk}/")
    assert page.locator('[data-test="tracking-number"]').inner_text() == "DL123456789IN"
    assert page.locator('[data-test="cancel-order"]').count() == 0
    assert page_errors == []
