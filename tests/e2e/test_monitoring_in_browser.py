"""The monitoring dashboard in headless Chromium, drawn from events stored by real requests:
a seller lists through the form (its suggestion says why), a shopper clicks a carousel tile,
then staff open the admin, see the drift banner and the dashboard's charts. Older listings
(earlier days, enough of them for drift to be judged) are stored directly: a request cannot
date a row in the past. Screenshots go to /tmp/monitoring-shots/."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from django.utils import timezone

from main.models import Product
from monitoring.selectors import DRIFT_MIN_LISTINGS
from recommendations.models import ProductEvent
from recommendations.services import views_flush
from seller_accounts.models import ListingCategorization
from seller_accounts.services import categorization_mark_corrections
from tests.e2e.conftest import DESKTOP, PHONE
from tests.e2e.test_ml_in_browser import log_in

pytestmark = pytest.mark.browser

SHOTS = Path("/tmp/monitoring-shots")
HISTORY_DAYS = 12


def shot(page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def past_listings(products: list[Product]) -> None:
    """Listings of the last days: this week's predicted all as watches (drift), earlier ones as
    what they are; every third colour changed by the seller, every fifth left empty."""
    today = timezone.localdate()
    this_week = today.weekday() + 1  # days since Monday, today included
    rows, dates = [], []
    for i, product in enumerate(products):
        recent = i < DRIFT_MIN_LISTINGS
        days_ago = i % this_week if recent else this_week + i % (HISTORY_DAYS - this_week + 1)
        article = product.article_type.name
        colour = product.base_colour or "Black"
        row = ListingCategorization(
            product=product, model_version="categorizer-e2e-v1" if i % 2 else "categorizer-e2e-v2",
            text=product.name, confidence=0.25 + (i % 8) / 10,
            predicted_gender=product.gender.name, chosen_gender=product.gender.name,
            predicted_sub_category=product.sub_category.name, chosen_sub_category=product.sub_category.name,
            predicted_article_type="Watches" if recent else article, chosen_article_type=article,
            predicted_base_colour=colour,
            chosen_base_colour="" if i % 5 == 0 else ("Olive" if i % 3 == 0 else colour),
        )
        categorization_mark_corrections(record=row)
        rows.append(row)
        dates.append(timezone.now() - dt.timedelta(days=days_ago))
    created = ListingCategorization.objects.bulk_create(rows)
    for row, date in zip(created, dates, strict=True):  # auto_now_add said "now": back to its day
        ListingCategorization.objects.filter(pk=row.pk).update(created_at=date)


def test_the_dashboard_draws_stored_events(
    page, page_errors, e2e_catalog, trained_models, seller, staff, password
):
    # A seller lists through the form: the suggestion says why under the article type.
    log_in(page, seller, password)
    page.goto("/seller/products/new/")
    page.locator("#id_name").press_sequentially("blue denim jeans for men", delay=20)
    reason = page.locator('[data-test="category-reason"]')
    reason.wait_for(state="visible", timeout=45_000)  # the first prediction loads the model
    assert reason.inner_text().startswith("Why: ")
    shot(page, "listing-form-reason")
    page.fill("#id_price", "1499")
    page.fill("#id_stock", "4")
    with page.expect_navigation():
        page.click('[data-test="save-product"]')
    assert ListingCategorization.objects.filter(product__name="blue denim jeans for men").exists()
    page.context.clear_cookies()

    # A shopper opens a product, then a "Similar items" tile: a stored click.
    shirt = Product.objects.filter(article_type__name="Tshirts", is_active=True, stock__gt=0).first()
    page.goto(shirt.get_absolute_url())
    tile = page.locator('[data-test="similar"] a').first
    assert tile.get_attribute("href").endswith("?from=similar")
    reasons = page.locator('[data-test="similar"] .reason').all_inner_texts()
    assert reasons and any(r.startswith("same type") for r in reasons)
    shot(page, "product-carousel-reasons")
    with page.expect_navigation():
        tile.click()
    views_flush()  # the live server runs in this process: its queued views are here
    assert ProductEvent.objects.filter(source=ProductEvent.Source.SIMILAR).count() == 1
    page.context.clear_cookies()

    listed = ListingCategorization.objects.values_list("product_id", flat=True)
    others = Product.objects.exclude(pk__in=listed).select_related("article_type", "sub_category", "gender")
    past_listings(list(others[: DRIFT_MIN_LISTINGS + 40]))

    # Staff: the admin shows the banner; the dashboard draws every chart from those rows.
    log_in(page, staff, password)
    page.goto("/admin/")
    banner = page.locator('[data-test="monitoring-banner"]')
    assert "article type mix has drifted" in banner.inner_text()
    shot(page, "admin-banner")
    with page.expect_navigation():
        page.locator('[data-test="monitoring-link"]').click()
    assert page.url.endswith("/admin/monitoring/")
    corrections = page.locator('[data-test="chart-corrections-base_colour"] circle')
    days = set(corrections.evaluate_all("cs => cs.map(c => c.dataset.x)"))
    assert len(days) == HISTORY_DAYS + 1  # one point per day with listings, per version
    assert timezone.localdate().isoformat() in days
    assert page.locator('[data-test="chart-confidence"] rect[data-value]').count() == 10
    assert page.locator('[data-test="chart-drift-article_type"] circle').count() >= 2
    click_through = page.locator('[data-test="chart-click-through"] circle[data-series="Similar items"]')
    assert click_through.count() == 1 and float(click_through.get_attribute("data-value")) > 0
    shot(page, "dashboard-desktop")
    page.set_viewport_size(PHONE)
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"] + 1
    shot(page, "dashboard-phone")
    page.set_viewport_size(DESKTOP)
    assert not page_errors, page_errors
