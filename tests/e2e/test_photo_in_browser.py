"""End to end in headless Chromium, on desktop and phone sizes: a seller's photo fills in the
listing form before a word is typed, and a shopper searches the shop by photo (dropped on the
page on a desktop, picked with the file/camera picker on a phone) and narrows the result."""

from __future__ import annotations

import base64

import pytest

from main.models import Product
from tests.conftest import fashion_data
from tests.e2e.conftest import DESKTOP, PHONE
from tests.e2e.test_ml_in_browser import log_in
from tests.e2e.test_shop_in_browser import assert_images_loaded

pytestmark = pytest.mark.browser

VIEWPORTS = {"desktop": DESKTOP, "phone": PHONE}


def catalog_photo(product: Product):
    return fashion_data() / "images" / f"{product.dataset_id}.jpg"


def a_catalog_product(**filters) -> Product:
    products = Product.objects.filter(is_active=True, dataset_id__isnull=False, **filters)
    products = products.order_by("dataset_id")
    return next(p for p in products if catalog_photo(p).exists())


@pytest.mark.parametrize("viewport", VIEWPORTS)
def test_a_photo_fills_in_the_listing_form_before_a_word_is_typed(
    page, page_errors, e2e_catalog, trained_photo_models, seller, password, artifacts, viewport
):
    page.set_viewport_size(VIEWPORTS[viewport])
    log_in(page, seller, password)
    page.goto("/seller/products/new/")
    product = a_catalog_product()
    def posted(response) -> bool:
        return "category-prediction" in response.url and response.request.method == "POST"

    with page.expect_response(posted) as answer:
        page.set_input_files("#id_photo", str(catalog_photo(product)))
    assert answer.value.status == 200, answer.value.text()
    suggestions = page.locator('[data-test="suggestions"]')
    suggestions.wait_for(state="visible")
    assert suggestions.get_attribute("data-source") == "photo"
    assert "from the photo" in suggestions.inner_text()
    assert page.input_value("#id_name") == ""
    # Each category field is filled in (the model is sure) or offered with its top 3 (unsure).
    prediction = answer.value.json()
    for level, select in (("gender", "#id_gender"), ("articleType", "#id_article_type")):
        hint = page.locator(f'[data-test="hint-{level}"]')
        if prediction[level]["confidence"] >= float(page.get_attribute("#product-form", "data-threshold")):
            assert page.input_value(select) != "", level
        else:
            assert page.input_value(select) == "" and hint.locator('[data-test="alternative"]').count() >= 1
    page.screenshot(path=str(artifacts / f"listing-form-photo-{viewport}.png"), full_page=True)

    # The seller's choice stays theirs; typing a name refines the rest with the photo.
    page.select_option("#id_gender", label="Women")
    with page.expect_response(posted):
        page.locator("#id_name").press_sequentially(product.name, delay=5)
    page.wait_for_function(
        "() => document.querySelector('[data-test=suggestions]').textContent.includes('name and photo')"
    )
    assert page.eval_on_selector("#id_gender", "s => s.options[s.selectedIndex].text") == "Women"
    assert not page_errors, page_errors


def test_a_photo_the_shop_cannot_read_is_said_under_the_photo(
    page, page_errors, e2e_catalog, trained_photo_models, seller, password, tmp_path
):
    fake = tmp_path / "fake.jpg"
    fake.write_bytes(b"this is no photo")
    log_in(page, seller, password)
    page.goto("/seller/products/new/")
    page.set_input_files("#id_photo", str(fake))
    page.locator('[data-test="photo-hint"]').filter(has_text="photo").wait_for()
    assert "not a photo" in page.locator('[data-test="photo-hint"]').inner_text()
    page_errors[:] = [e for e in page_errors if "category-prediction" not in e]  # the 400 is the answer
    assert not page_errors, page_errors


def drop_file(page, selector: str, path, mime: str = "image/jpeg") -> None:
    """Drop a file on an element, as a desktop shopper dragging a photo from their folder."""
    data = base64.b64encode(path.read_bytes()).decode()
    page.evaluate(
        """([selector, data, name, mime]) => {
            const bytes = Uint8Array.from(atob(data), (c) => c.charCodeAt(0));
            const transfer = new DataTransfer();
            transfer.items.add(new File([bytes], name, { type: mime }));
            const target = document.querySelector(selector);
            for (const type of ["dragenter", "dragover", "drop"]) {
              const init = { bubbles: true, cancelable: true, dataTransfer: transfer };
              target.dispatchEvent(new DragEvent(type, init));
            }
        }""",
        [selector, data, path.name, mime],
    )


@pytest.mark.parametrize("viewport", VIEWPORTS)
def test_search_by_photo_lists_the_look_alikes_with_facets(
    page, page_errors, e2e_catalog, trained_photo_models, artifacts, viewport
):
    page.set_viewport_size(VIEWPORTS[viewport])
    product = a_catalog_product()
    page.goto("/")
    page.locator('[data-test="photo-search-link"]:visible').click()
    page.wait_for_url("**/search/photo/")
    with page.expect_navigation(url="**/catalog/?photo=*"):
        if viewport == "desktop":
            drop_file(page, '[data-test="photo-drop"]', catalog_photo(product))
        else:
            page.set_input_files('[data-test="photo-input"]', str(catalog_photo(product)))
    assert "like your photo" in page.locator('[data-test="result-count"]').inner_text()
    tiles = page.locator(".product-card")
    assert tiles.count() >= 2
    assert_images_loaded(page, ".product-card img", at_least=2)
    # Its own photo: the product itself is the closest match, first in best-match order.
    assert f"/products/{product.dataset_id}/" in tiles.first.locator("a").first.get_attribute("href")
    page.screenshot(path=str(artifacts / f"search-by-photo-{viewport}.png"), full_page=True)

    # The facets narrow the photo's neighbours, and the photo stays in the query.
    total = int(page.locator('[data-test="result-count"]').inner_text().split()[0])
    if viewport == "phone":
        page.click("text=Filters")
    page.locator("#facets a").first.click()
    page.wait_for_url("**photo=*")
    narrowed = int(page.locator('[data-test="result-count"]').inner_text().split()[0])
    assert 0 < narrowed <= total
    assert "like your photo" in page.locator('[data-test="result-count"]').inner_text()
    assert not page_errors, page_errors
