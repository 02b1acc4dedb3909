"""Search in headless Chromium: typing brings suggestions (keyboard on a desktop, a tap on a
phone), facets take several values, chips remove them and "clear all" clears them.

Screenshots (desktop and phone, suggestions open and facets picked) go to test-artifacts/.
"""

from __future__ import annotations

import re

import pytest

from main.models import Product
from tests.e2e.conftest import PHONE

pytestmark = pytest.mark.browser


def result_count(page) -> int:
    text = page.locator('[data-test="result-count"]').inner_text()
    return int(re.match(r"(\d+) product", text).group(1))


def type_query(page, box: str, text: str):
    field = page.locator(f'[data-test="search-{box}"] input[name="q"]')
    field.click()
    field.press_sequentially(text, delay=60)
    options = page.locator(f"#suggest-{box} [role=option]")
    options.first.wait_for()
    assert field.get_attribute("aria-expanded") == "true"
    return field, options


def pick_value(page, param: str, index: int) -> str:
    """Tick the facet's value at ``index`` (opening "more" if it is there); return its label."""
    facet = page.locator(f'[data-test="facet-{param}"]')
    link = facet.locator("a:not(.active)").nth(index)
    if not link.is_visible():
        facet.locator("summary").click()
    label = link.inner_text().strip()
    with page.expect_navigation():
        link.click()
    return label


def test_desktop_suggestions_multi_select_and_clear(page, page_errors, e2e_catalog, artifacts):
    page.goto("/")
    field, options = type_query(page, "desktop", "tsh")
    labels = options.all_inner_texts()
    assert any(label.startswith("Tshirts") for label in labels), labels
    assert any("Category" in label for label in labels) and page.locator("#suggest-desktop img").count()
    page.screenshot(path=artifacts / "suggest-desktop.png")
    # The keyboard: down to the first suggestion (the category), Enter opens it.
    field.press("ArrowDown")
    assert field.get_attribute("aria-activedescendant") == "suggest-desktop-0"
    with page.expect_navigation():
        field.press("Enter")
    assert re.search(r"/catalog/\?type=\d+$", page.url), page.url
    tshirts = Product.objects.filter(is_active=True, article_type__name="Tshirts")
    assert result_count(page) == tshirts.count()

    # Two colours: either one is listed; the chips say which, the facet ticks both.
    first = pick_value(page, "colour", 0)
    second = pick_value(page, "colour", 0)
    both = tshirts.filter(base_colour__in=[first, second]).count()
    assert result_count(page) == both > tshirts.filter(base_colour=first).count()
    ticked = page.locator('[data-test="facet-colour"] a.active').all_inner_texts()
    assert sorted(ticked) == sorted([first, second])
    chips = page.locator('[data-test="chip"]')
    assert chips.count() == 3  # the article type and the two colours
    page.screenshot(path=artifacts / "facets-desktop.png", full_page=True)

    # A chip removes its value only; "clear all" removes every filter.
    with page.expect_navigation():
        chips.filter(has_text=first).click()
    assert result_count(page) == tshirts.filter(base_colour=second).count()
    with page.expect_navigation():
        page.locator('[data-test="clear-all"]').click()
    assert result_count(page) == Product.objects.filter(is_active=True).count()
    assert page.locator('[data-test="chip"]').count() == 0
    assert not page_errors, page_errors


def test_phone_suggestion_tap_and_facets(phone_page, page_errors, e2e_catalog, artifacts):
    page = phone_page
    page.goto("/")
    _, options = type_query(page, "phone", "men tsh")
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"] + 1, "suggestions overflow"
    page.screenshot(path=artifacts / "suggest-phone.png")
    product = options.filter(has=page.locator("img")).first
    name = product.inner_text().strip()
    with page.expect_navigation():
        product.tap()
    assert re.search(r"/products/\d+/$", page.url)
    assert page.locator('[data-test="product-name"]').inner_text().strip() == name

    # A search from the phone's box, then two genders from the folded filters.
    field = page.locator('[data-test="search-phone"] input[name="q"]')
    field.fill("shirt")
    with page.expect_navigation():
        field.press("Enter")
    total = result_count(page)
    page.locator('[data-test="filters-toggle"]').tap()
    page.locator('[data-test="facet-gender"]').wait_for()
    first = pick_value(page, "gender", 0)
    page.locator('[data-test="filters-toggle"]').tap()
    page.locator('[data-test="facet-gender"]').wait_for()
    second = pick_value(page, "gender", 0)
    assert page.locator('[data-test="chip"]').count() == 2
    assert sorted(page.locator('[data-test="chip"]').all_inner_texts()) == sorted(
        [f"{first} ✕", f"{second} ✕"]
    )
    assert result_count(page) <= total
    page.screenshot(path=artifacts / "facets-phone.png", full_page=True)
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"] + 1, "catalog overflows"
    with page.expect_navigation():
        page.locator('[data-test="clear-all"]').tap()
    assert result_count(page) == total and "q=shirt" in page.url
    assert not page_errors, page_errors


def test_a_search_that_finds_nothing_says_so_and_shows_popular_products(page, page_errors, e2e_catalog,
                                                                         artifacts):
    page.goto("/")
    field = page.locator('[data-test="search-desktop"] input[name="q"]')
    field.fill("xyzqwerty")
    with page.expect_navigation():
        field.press("Enter")
    assert result_count(page) == 0  # not the whole catalog counted as results
    assert "No results for “xyzqwerty”" in page.locator('[data-test="query-summary"]').inner_text()
    popular = page.locator('[data-test="popular"]')
    assert "Popular in the shop" in popular.inner_text() and popular.locator("img").count()
    page.screenshot(path=artifacts / "search-nothing-found.png", full_page=True)
    assert not page_errors, page_errors
