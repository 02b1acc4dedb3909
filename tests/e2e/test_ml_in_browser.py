"""End to end in headless Chromium: the listing form fills itself in, and on the FULL catalog
the product page shows both carousels and the home page feed follows what the shopper viewed.
"""

from __future__ import annotations

import re

import pytest
from django.test.utils import override_settings

from main.categorize import SURE_ENOUGH
from main.models import Product
from seller_accounts.models import ListingCategorization
from tests.conftest import fashion_data
from tests.e2e.conftest import DESKTOP
from tests.e2e.test_shop_in_browser import assert_images_loaded

pytestmark = pytest.mark.browser


def log_in(page, user, password) -> None:
    page.goto("/accounts/login/")
    page.fill("#id_username", user.username)
    page.fill("#id_password", password)
    with page.expect_navigation():
        page.click('[data-test="login"]')


def selected_text(page, selector: str) -> str:
    return page.eval_on_selector(selector, "s => s.options[s.selectedIndex].text").strip()


def test_listing_form_fills_the_category_as_the_seller_types(
    page, page_errors, e2e_catalog, trained_models, seller, password, artifacts
):
    log_in(page, seller, password)
    page.goto("/seller/products/new/")
    page.locator("#id_name").press_sequentially("blue denim jeans for men", delay=20)
    suggestions = page.locator('[data-test="suggestions"]')
    suggestions.wait_for(state="visible")
    page.wait_for_function("() => document.querySelector('#id_article_type').value !== ''")
    assert selected_text(page, "#id_gender") == "Men"
    assert selected_text(page, "#id_article_type").endswith("/ Bottomwear / Jeans")
    assert "Jeans" in suggestions.inner_text()
    # Colour: filled in if the model is sure of it, else left empty with Blue offered.
    colour_hint = page.locator('[data-test="hint-baseColour"]')
    if float(colour_hint.get_attribute("data-confidence")) >= SURE_ENOUGH:
        assert page.eval_on_selector("#id_base_colour", "s => s.value") == "Blue"
    else:
        assert page.eval_on_selector("#id_base_colour", "s => s.value") == ""
        colour_hint.locator('[data-test="alternative"][data-value="Blue"]').click()
    assert page.eval_on_selector("#id_base_colour", "s => s.value") == "Blue"
    page.screenshot(path=str(artifacts / "listing-form-suggestions.png"), full_page=True)

    # A choice made by hand is never overwritten by a later suggestion.
    page.select_option("#id_gender", label="Women")
    page.locator("#id_name").press("End")
    page.locator("#id_name").press_sequentially(" slim fit", delay=20)
    page.wait_for_timeout(900)
    assert selected_text(page, "#id_gender") == "Women"

    page.fill("#id_price", "1499")
    page.fill("#id_stock", "4")
    with page.expect_navigation():
        page.click('[data-test="save-product"]')
    assert page.url.endswith("/seller/products/"), page.locator("form").inner_text()
    record = ListingCategorization.objects.get(product__name="blue denim jeans for men slim fit")
    assert record.chosen_article_type == "Jeans" and record.gender_corrected
    assert not page_errors, page_errors


def test_listing_form_leaves_what_the_model_is_unsure_of_for_the_seller(
    page, page_errors, e2e_catalog, trained_models, seller, password, artifacts
):
    log_in(page, seller, password)
    page.goto("/seller/products/new/")
    name_box = page.locator("#id_name").bounding_box()
    page.locator("#id_name").press_sequentially("women floral summer dress", delay=20)
    page.locator('[data-test="suggestions"]').wait_for(state="visible")
    page.wait_for_function("() => document.querySelector('#id_article_type').value !== ''")
    assert page.locator("#id_name").bounding_box() == name_box  # the field typed in never moves
    assert selected_text(page, "#id_article_type").endswith("/ Dresses")

    # No colour word: the model is unsure, so nothing is filled in and its top 3 are offered.
    hint = page.locator('[data-test="hint-baseColour"]')
    assert float(hint.get_attribute("data-confidence")) < SURE_ENOUGH
    assert page.eval_on_selector("#id_base_colour", "s => s.value") == ""
    assert "border-warning" in page.get_attribute("#id_base_colour", "class")
    choices = hint.locator('[data-test="alternative"]')
    assert 1 <= choices.count() <= 3
    page.screenshot(path=str(artifacts / "listing-form-unsure.png"), full_page=True)
    colour = choices.first.get_attribute("data-value")
    choices.first.click()
    assert page.eval_on_selector("#id_base_colour", "s => s.value") == colour
    assert hint.inner_text().strip() == "Your choice"

    # Erasing the name takes the suggestions away; typing it again brings them back.
    page.fill("#id_name", "")
    page.locator('[data-test="suggestions"]').wait_for(state="hidden")
    with page.expect_response(lambda r: "category-prediction" in r.url):
        page.fill("#id_name", "women floral summer dress")
    page.locator('[data-test="suggestions"]').wait_for(state="visible")
    assert page.eval_on_selector("#id_base_colour", "s => s.value") == colour  # still the seller's

    page.fill("#id_price", "899")
    page.fill("#id_stock", "3")
    with page.expect_navigation():
        page.click('[data-test="save-product"]')
    product = Product.objects.get(name="women floral summer dress")
    assert product.base_colour == colour
    assert ListingCategorization.objects.get(product=product).chosen_base_colour == colour

    # On the edit form, the saved values are the seller's: a new suggestion changes none of them.
    page.goto(f"/seller/products/{product.pk}/edit/")
    page.select_option("#id_base_colour", value=colour)
    with page.expect_response(lambda r: "category-prediction" in r.url and "jeans" in r.url):
        page.fill("#id_name", "blue denim jeans for men")
    page.wait_for_function(
        "() => document.querySelector('[data-test=hint-articleType]').textContent.includes('Jeans')"
    )
    assert selected_text(page, "#id_article_type").endswith("/ Dresses")
    assert page.eval_on_selector("#id_base_colour", "s => s.value") == colour
    assert "We would suggest" in page.locator('[data-test="hint-articleType"]').inner_text()
    assert not page_errors, page_errors


def test_bulk_listing_reviews_uploaded_rows_and_publishes_them(
    page, page_errors, e2e_catalog, trained_models, seller, password, artifacts, tmp_path
):
    csv_file = tmp_path / "listings.csv"
    csv_file.write_text(
        "name,description,price,stock\n"
        "blue denim jeans for men,,1499,5\n"
        "women floral summer dress,light cotton,899,10\n"
    )
    log_in(page, seller, password)
    page.goto("/seller/products/bulk/")
    page.set_input_files("#id_file", str(csv_file))
    with page.expect_navigation():
        page.click('[data-test="upload"]')
    assert page.url.endswith("/seller/products/bulk/review/")
    rows = page.locator('[data-test="bulk-row"]')
    assert rows.count() == 2
    dress = rows.nth(1)
    # The dress names no colour: its colour is left empty, highlighted, suggestions first.
    assert "base_colour" in dress.get_attribute("data-unsure").split()
    assert "table-warning" in dress.get_attribute("class")
    colour = dress.locator("select[name$='-base_colour']")
    assert colour.input_value() == ""
    suggested = colour.locator('optgroup[label="Suggested"] option')
    assert 1 <= suggested.count() <= 3
    page.screenshot(path=str(artifacts / "bulk-review.png"), full_page=True)
    choice = suggested.first.get_attribute("value")
    colour.select_option(value=choice)
    with page.expect_navigation():
        page.click('[data-test="publish"]')
    assert page.url.endswith("/seller/products/"), page.content()[:2000]
    listed = Product.objects.filter(seller=seller)
    assert sorted(listed.values_list("name", flat=True)) == [
        "blue denim jeans for men", "women floral summer dress"]
    assert listed.get(name="women floral summer dress").base_colour == choice
    assert not page_errors, page_errors


def test_a_form_sent_back_keeps_what_the_seller_left_empty(
    page, page_errors, e2e_catalog, trained_models, seller, password
):
    log_in(page, seller, password)
    page.goto("/seller/products/new/")
    page.locator("#id_name").press_sequentially("women floral summer dress", delay=10)
    page.wait_for_function("() => document.querySelector('#id_usage').value !== ''")
    page.select_option("#id_usage", value="")  # the seller empties a field on purpose
    page.eval_on_selector("#product-form", "form => { form.noValidate = true; }")
    page.fill("#id_price", "")
    with page.expect_navigation():
        page.click('[data-test="save-product"]')
    assert page.locator('[data-test="form-errors"]').is_visible()  # said at the top
    page.locator('[data-test="suggestions"]').wait_for(state="visible")
    assert selected_text(page, "#id_article_type").endswith("/ Dresses")  # kept
    assert page.eval_on_selector("#id_usage", "s => s.value") == ""  # not filled in again
    assert page.eval_on_selector("#id_base_colour", "s => s.value") == ""
    assert page.locator('[data-test="hint-baseColour"] [data-test="alternative"]').count() >= 1  # offered
    assert not page_errors, page_errors


def test_one_word_is_offered_not_filled_in(page, page_errors, e2e_catalog, trained_models, seller, password):
    log_in(page, seller, password)
    page.goto("/seller/products/new/")
    with page.expect_response(lambda r: "category-prediction" in r.url):
        page.locator("#id_name").press_sequentially("kurta", delay=20)
    page.locator('[data-test="suggestions"]').wait_for(state="visible")
    assert page.eval_on_selector("#id_article_type", "s => s.value") == ""  # "kurta" alone: offered
    choice = page.locator('[data-test="hint-articleType"] [data-test="alternative"]').first
    assert choice.inner_text().startswith("Kurtas")
    with page.expect_response(lambda r: "category-prediction" in r.url and "women" in r.url):
        page.locator("#id_name").press_sequentially(" for women", delay=20)
    page.wait_for_function("() => document.querySelector('#id_article_type').value !== ''")
    assert selected_text(page, "#id_article_type").endswith("/ Kurtas")
    assert selected_text(page, "#id_gender") == "Women"
    assert not page_errors, page_errors


RECOMMENDER_SAMPLE = 10_000  # products the recommenders are built on (of the ~40,000 imported)


def _mens_shirt():
    """The product whose page the test opens."""
    return Product.objects.filter(article_type__name="Shirts", gender__name="Men", image__gt="").first()


def _womens_watches():
    """The products the test's shopper views before opening the feed."""
    return list(Product.objects.filter(article_type__name="Watches", gender__name="Women")[:4])


@pytest.fixture
def full_catalog(_async_unsafe_allowed, transactional_db, live_server, categorizer_artifact_dir, tmp_path):
    """All of FASHION_DATA imported, as `make run` does, and the recommenders built on a random
    quarter of it that holds every product the test opens (the similarity index compares every
    product with every other: on all ~40,000 it took ~100 s of CPU, on 10,000 a sixteenth of
    that; the pages, the catalog and its database are the full catalog's all the same)."""
    import shutil

    from main.catalog_import import import_catalog
    from main.ml_fields import catalog_frame
    from ml.catalog.schema import ID
    from ml.recommend.train import build_recommenders
    from ml.store import ArtifactStore
    from recommendations.selectors import events_frame
    from serving import registry

    report = import_catalog(data_dir=fashion_data())
    shutil.copytree(categorizer_artifact_dir, tmp_path, dirs_exist_ok=True)
    catalog = catalog_frame()
    opened = {_mens_shirt().pk, *(watch.pk for watch in _womens_watches())}
    sampled = set(catalog[ID].sample(RECOMMENDER_SAMPLE, random_state=0))
    sample = catalog[catalog[ID].isin(sampled | opened)]
    build_recommenders(catalog=sample, events=events_frame(), store=ArtifactStore(tmp_path))
    registry.reload_all()
    with override_settings(MODELS_DIR=tmp_path):
        yield report
    registry.reload_all()


def test_carousels_and_feed_on_the_full_catalog(page, page_errors, full_catalog, artifacts):
    assert full_catalog.created > 35_000
    assert Product.objects.count() == full_catalog.created
    shirt = _mens_shirt()
    page.set_viewport_size(DESKTOP)
    page.goto(shirt.get_absolute_url())
    similar = page.locator('[data-test="similar"] [data-test="product-card"]')
    assert similar.count() == 10
    assert_images_loaded(page, '[data-test="similar"] img', at_least=10)
    reasons = page.locator('[data-test="similar"] .reason').all_inner_texts()
    assert len(reasons) == 10 and all(reasons)
    assert sum("same type" in r for r in reasons) >= 8
    look = page.locator('[data-test="complete-the-look"] [data-test="product-card"]')
    assert look.count() >= 4
    assert all(
        t.startswith("goes with")
        for t in page.locator('[data-test="complete-the-look"] .reason').all_inner_texts()
    )
    page.screenshot(path=str(artifacts / "product-carousels-desktop.png"), full_page=True)

    # The feed follows what this visitor looks at.
    for watch in _womens_watches():
        page.goto(watch.get_absolute_url())
    page.goto("/")
    cards = page.locator('[data-test="feed"] [data-test="product-card"]')
    assert cards.count() == 12
    titles = cards.locator(".card-title").all_inner_texts()
    assert sum(bool(re.search(r"watch", t, re.I)) for t in titles) >= 6, titles
    page.screenshot(path=str(artifacts / "home-feed-desktop.png"), full_page=True)
    assert not page_errors, page_errors
