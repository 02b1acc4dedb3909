"""End to end in headless Chromium: a shopper buys, a seller lists a product with a photo.

Screenshots of the product page and the cart (desktop, and phone width) go to test-artifacts/.
"""

from __future__ import annotations

import re

import pytest

from main.models import Product
from orders.models import Order
from tests.conftest import dataset_image
from tests.e2e.conftest import DESKTOP, PHONE

pytestmark = pytest.mark.browser


def result_count(page) -> int:
    text = page.locator('[data-test="result-count"]').inner_text()
    return int(re.match(r"(\d+) product", text).group(1))


def pick_facet(page, param: str) -> str:
    """Click the most common value of a facet; return its label."""
    link = page.locator(f'[data-test="facet-{param}"] li a').first
    label = link.inner_text().strip()
    with page.expect_navigation():
        link.click()
    assert re.search(rf"[?&]{param}=\d+", page.url), page.url
    assert page.locator(f'[data-test="facet-{param}"] a.active').inner_text().strip() == label
    return label


def assert_images_loaded(page, selector: str, at_least: int = 1) -> None:
    images = page.locator(selector)
    assert images.count() >= at_least, selector
    for i in range(min(images.count(), 8)):
        image = images.nth(i)
        image.scroll_into_view_if_needed()
        page.wait_for_function("img => img.complete", arg=image.element_handle())
        width = image.evaluate("img => img.naturalWidth")
        assert width > 0, f"{selector} #{i} did not load: {image.get_attribute('src')}"


def test_shopper_narrows_buys_and_sees_the_order(page, page_errors, e2e_catalog, buyer, password, artifacts):
    page.goto("/catalog/")
    total = result_count(page)
    assert total == Product.objects.filter(is_active=True).count()
    assert_images_loaded(page, '[data-test="product-card"] img', at_least=12)
    assert page.locator('[data-test="facet-sub"]').count() == 0  # subcategories come after a category

    gender = pick_facet(page, "gender")
    after_gender = result_count(page)
    master = pick_facet(page, "master")
    after_master = result_count(page)
    sub = pick_facet(page, "sub")
    after_sub = result_count(page)
    assert total > after_gender >= after_master >= after_sub > 0
    expected = Product.objects.filter(
        is_active=True, gender__name=gender, master_category__name=master, sub_category__name=sub
    ).count()
    assert after_sub == expected
    page.screenshot(path=artifacts / "catalog-desktop.png", full_page=True)

    card = page.locator('[data-test="product-card"]').filter(has_not_text="Out of stock").first
    name = card.locator(".card-title").inner_text().strip()
    with page.expect_navigation():
        card.locator("a").click()
    assert re.search(r"/products/\d+/$", page.url)
    assert page.locator('[data-test="product-name"]').inner_text().strip() == name
    product = Product.objects.get(dataset_id=int(page.url.rstrip("/").rsplit("/", 1)[1]))
    assert product.gender.name == gender and product.sub_category.name == sub
    stock_before = product.stock
    assert_images_loaded(page, "img.product-photo")
    page.screenshot(path=artifacts / "product-desktop.png", full_page=True)

    # Since sizes: a sized product is bought in a size the shopper picks (one in stock).
    sizes = page.locator('[data-test="sizes"] input:not([disabled]) + label')
    if sizes.count():
        sizes.first.click()
    with page.expect_navigation():
        page.locator('[data-test="add-to-cart"]').click()
    assert page.url.endswith("/cart/")
    assert name in page.locator('[data-test="cart-table"]').inner_text()
    assert page.locator('[data-test="cart-link"] .badge').inner_text().strip() == "1"

    # Log in from the header: back to the cart, which kept its line.
    with page.expect_navigation():
        page.get_by_role("link", name="Log in").click()
    page.fill("#id_username", buyer.username)
    page.fill("#id_password", password)
    with page.expect_navigation():
        page.locator('[data-test="login"]').click()
    assert page.url.endswith("/cart/")
    assert name in page.locator('[data-test="cart-table"]').inner_text()
    assert f"Log out ({buyer.username})" in page.content()
    assert_images_loaded(page, '[data-test="cart-table"] img')
    page.screenshot(path=artifacts / "cart-desktop.png", full_page=True)

    page.set_viewport_size(PHONE)
    page.reload()
    page.screenshot(path=artifacts / "cart-phone.png", full_page=True)
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"] + 1, "cart overflows"
    # On a phone, search and the cart stay in sight, outside the collapsed menu.
    assert page.locator('form[role="search"]:visible').count() == 1
    assert page.get_by_role("link", name=re.compile(r"^Cart, 1 item$")).is_visible()
    total = page.locator('[data-test="cart-total"]').bounding_box()
    assert total["x"] + total["width"] <= PHONE["width"], "the cart total is off-screen on a phone"
    page.goto(product.get_absolute_url())
    assert_images_loaded(page, "img.product-photo")
    page.screenshot(path=artifacts / "product-phone.png", full_page=True)
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"] + 1, "product overflows"
    page.set_viewport_size(DESKTOP)

    page.goto("/cart/")
    with page.expect_navigation():
        page.locator('[data-test="checkout"]').click()
    page.fill("#id_full_name", "Alice Buyer")
    page.fill("#id_line1", "12 MG Road")
    page.fill("#id_city", "Bengaluru")
    page.fill("#id_pin_code", "560001")
    page.fill("#id_phone", "9876543210")
    with page.expect_navigation():
        page.locator('[data-test="place-order"]').click()
    assert page.url.endswith("/cart/orders/")
    order_card = page.locator('[data-test="order"]')
    assert order_card.count() == 1
    assert name in order_card.inner_text() and "Placed" in order_card.inner_text()
    assert f"Your order #{Order.objects.get().pk} is placed" in page.content()

    order = Order.objects.get(buyer=buyer)
    assert order.seller_id == product.seller_id and order.total == product.price
    product.refresh_from_db()
    assert product.stock == stock_before - 1
    assert page.locator('[data-test="cart-link"] .badge').inner_text().strip() == "0"
    assert page_errors == []


def test_seller_lists_a_product_with_a_photo(page, page_errors, e2e_catalog, seller, password, artifacts):
    page.goto("/accounts/login/?next=/seller/")
    page.fill("#id_username", seller.username)
    page.fill("#id_password", password)
    with page.expect_navigation():
        page.locator('[data-test="login"]').click()
    assert page.url.endswith("/seller/")
    assert page.locator('[data-test="active-listings"]').inner_text().strip() == "0"

    with page.expect_navigation():
        page.locator('[data-test="new-listing"]').click()
    name = "Northwind Organic Cotton Men Graphic Tshirt"
    # The form asks for category suggestions as the name is typed: let that answer arrive
    # (a suggestion, or "no model yet") before choosing by hand.
    with page.expect_response(lambda r: "category-prediction" in r.url):
        page.fill("#id_name", name)
    with page.expect_response(lambda r: "category-prediction" in r.url):
        page.fill("#id_description", "Soft organic cotton, regular fit, printed front.")
    page.select_option("#id_gender", label="Men")
    page.select_option("#id_article_type", label="Apparel / Topwear / Tshirts")
    colours = page.locator("#id_base_colour option").evaluate_all("options => options.map(o => o.value)")
    colour = "Black" if "Black" in colours else colours[1]
    page.select_option("#id_base_colour", value=colour)
    page.fill("#id_price", "899")
    page.fill("#id_stock", "12")
    photo = dataset_image(7)
    page.set_input_files("#id_photo", str(photo))
    assert page.locator("#id_article_type option:checked").inner_text() == "Apparel / Topwear / Tshirts"
    with page.expect_navigation():
        page.locator('[data-test="save-product"]').click()

    assert page.url.endswith("/seller/products/"), page.content()[:2000]
    listings = page.locator('[data-test="listings"]')
    row = listings.locator("tr", has_text=name)
    assert row.count() == 1 and "Listed" in row.inner_text()
    assert_images_loaded(page, '[data-test="listings"] img')

    product = Product.objects.get(name=name)
    assert product.seller == seller and product.image.name.startswith("products/")
    assert (product.gender.name, product.article_type.name, product.sub_category.name) == (
        "Men",
        "Tshirts",
        "Topwear",
    )
    assert (product.price, product.stock, product.base_colour) == (899, 12, colour)
    with page.expect_navigation():
        row.get_by_role("link", name=name).click()
    assert page.url.endswith(f"/listings/{product.pk}/")
    assert page.locator('[data-test="product-name"]').inner_text().strip() == name
    assert "Sold by Northwind Outfitters" in page.content()
    assert_images_loaded(page, "img.product-photo")
    page.screenshot(path=artifacts / "seller-listing-desktop.png", full_page=True)

    # Shoppers find it too.
    page.goto("/catalog/?q=organic+graphic+tshirts")
    assert result_count(page) == 1
    assert page.locator('[data-test="product-card"]').inner_text().count(name) == 1
    assert page_errors == []
