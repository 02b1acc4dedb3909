"""Reviews end to end in headless Chromium, on a desktop and on a phone: a verified buyer's
HTML is refused with its reason, then their review shows on the product page with the summary,
the bars and the fit; staff hide it from the product page with a reason, and it leaves the page
and the average; the seller sees it (marked hidden) on their reviews page. Screenshots go to
test-artifacts/."""

from __future__ import annotations

import pytest

from main.models import Product
from reviews.models import Review
from reviews.services import review_create
from tests.conftest import _user
from tests.e2e.conftest import _open_page
from tests.reviews.orders import order_of

pytestmark = pytest.mark.browser

VIEWPORTS = {
    "desktop": {"viewport": {"width": 1280, "height": 800}},
    "phone": {"viewport": {"width": 390, "height": 844}, "has_touch": True, "is_mobile": True},
}


@pytest.fixture(params=list(VIEWPORTS))
def viewport(request):
    return request.param


@pytest.fixture
def open_page(browser, live_server, page_errors, viewport):
    """A new browser (its own cookies) at this test's size, per person taking part."""
    contexts = []

    def open_one():
        context, page = _open_page(browser, live_server, page_errors, **VIEWPORTS[viewport])
        contexts.append(context)
        return page

    yield open_one
    for context in contexts:
        context.close()


def log_in(page, user, password, next_url: str) -> None:
    page.goto(f"/accounts/login/?next={next_url}")
    page.fill("#id_username", user.username)
    page.fill("#id_password", password)
    with page.expect_navigation():
        page.locator('[data-test="login"]').click()


def no_sideways_scroll(page, viewport: str) -> None:
    width = VIEWPORTS[viewport]["viewport"]["width"]
    assert page.evaluate("document.documentElement.scrollWidth") <= width + 1, f"{page.url} overflows"


def test_write_show_and_hide_a_review(
    open_page, page_errors, e2e_catalog, buyer, staff, password, viewport, artifacts
):
    product = Product.objects.filter(is_active=True, master_category__name="Apparel").order_by("pk").first()
    earlier = _user("earlier")
    order_of(buyer=earlier, product=product)
    review_create(author=earlier, product=product, rating=5, fit="true", body="Lovely fabric.")
    order_of(buyer=buyer, product=product)
    url = product.get_absolute_url()

    # The buyer: HTML refused with its reason, then a plain review posted.
    shopper = open_page()
    log_in(shopper, buyer, password, next_url=url)
    assert "1 verified review" in shopper.locator('[data-test="review-summary"]').inner_text()
    with shopper.expect_navigation():
        shopper.locator('[data-test="write-review-link"]').click()
    shopper.locator('[data-test="rating-4"]').click()
    shopper.select_option("#id_fit", "small")
    shopper.fill("#id_title", "Snug at the waist")
    shopper.fill("#id_body", "Nice colour but <b>order a size up</b>.")
    with shopper.expect_navigation():
        shopper.locator('[data-test="submit-review"]').click()
    assert "plain text" in shopper.locator('[data-test="review-error"]').inner_text()
    assert shopper.locator("#rating-4").is_checked()  # what was typed is kept
    shopper.screenshot(path=artifacts / f"review-refused-{viewport}.png", full_page=True)
    no_sideways_scroll(shopper, viewport)
    shopper.fill("#id_body", "Nice colour, but order a size up.")
    with shopper.expect_navigation():
        shopper.locator('[data-test="submit-review"]').click()
    reviews = shopper.locator('[data-test="reviews"]')
    assert "Thank you" in shopper.content()
    assert shopper.locator('[data-test="rating-average"]').inner_text() == "4.5"
    assert "2 verified reviews" in reviews.inner_text()
    assert shopper.locator('[data-test="stars-4"]').inner_text() == "1"
    assert "Snug at the waist" in reviews.locator('[data-test="review"]').first.inner_text()
    assert "You have reviewed this product" in reviews.inner_text()
    reviews.scroll_into_view_if_needed()
    shopper.screenshot(path=artifacts / f"review-shown-{viewport}.png", full_page=True)
    no_sideways_scroll(shopper, viewport)

    # Staff hide it from the product page, saying why.
    moderator = open_page()
    log_in(moderator, staff, password, next_url=url)
    written = Review.objects.get(author=buyer)
    hide = moderator.locator(f'[data-review="{written.pk}"] [data-test="hide-form"]')
    hide.locator('[data-test="hide-reason"]').fill("Mentions a competitor's shop")
    with moderator.expect_navigation():
        hide.locator('[data-test="hide"]').click()
    assert "The review is hidden" in moderator.content()
    assert moderator.locator('[data-test="rating-average"]').inner_text() == "5.0"
    assert "Snug at the waist" not in moderator.locator('[data-test="reviews"]').inner_text()
    moderator.screenshot(path=artifacts / f"review-hidden-{viewport}.png", full_page=True)
    written.refresh_from_db()
    assert written.hidden and written.hidden_by == staff

    # The shopper no longer sees it; the seller sees it, marked hidden.
    shopper.goto(url)
    assert "Snug at the waist" not in shopper.locator('[data-test="reviews"]').inner_text()
    shop = product.seller  # a demo shop, made without a password
    shop.set_password(password)
    shop.save(update_fields=["password"])
    seller_page = open_page()
    log_in(seller_page, shop, password, next_url="/seller/reviews/")
    listed = seller_page.locator('[data-test="seller-reviews"]').inner_text()
    assert "Hidden by staff: Mentions a competitor" in listed
    seller_page.screenshot(path=artifacts / f"seller-reviews-{viewport}.png", full_page=True)
    assert not page_errors, page_errors
