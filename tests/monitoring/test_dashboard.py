"""The monitoring dashboard: staff only, its charts drawn from stored rows, its banner and log
line when a threshold is crossed."""

import datetime as dt
import logging

import pytest
from django.utils import timezone

from main.models import Product
from monitoring import selectors
from monitoring.dashboard import sections
from recommendations.models import ProductEvent
from seller_accounts.models import ListingCategorization
from seller_accounts.services import categorization_mark_corrections

pytestmark = pytest.mark.usefixtures("catalog")

URL = "/admin/monitoring/"


def record(product, *, days_ago: int = 0, version: str = "categorizer-v1", confidence: float = 0.95,
           predicted: str = "Tshirts", chosen: str = "Tshirts", colour=("Black", "Black"), save=True):
    row = ListingCategorization(
        product=product, model_version=version, text=product.name, confidence=confidence,
        predicted_gender="Men", chosen_gender="Men", predicted_sub_category="Topwear",
        chosen_sub_category="Topwear", predicted_article_type=predicted, chosen_article_type=chosen,
        predicted_base_colour=colour[0], chosen_base_colour=colour[1],
    )
    categorization_mark_corrections(record=row)
    if not save:
        return row
    row.save()
    if days_ago:  # created_at is auto_now_add: moved back afterwards
        ListingCategorization.objects.filter(pk=row.pk).update(
            created_at=timezone.now() - dt.timedelta(days=days_ago)
        )
    return row


@pytest.fixture
def staff_client(client, staff):
    client.force_login(staff)
    return client


def test_only_staff_open_the_dashboard(client, buyer, staff):
    assert client.get(URL).status_code == 302  # to the admin login
    client.force_login(buyer)
    response = client.get(URL)
    assert response.status_code == 302 and "/admin/login/" in response["Location"]


def test_the_correction_chart_is_drawn_from_the_stored_rows(staff_client):
    products = list(Product.objects.all()[:6])
    # Two days ago: 1 of 2 article types changed; today: 1 of 4 (colour left empty twice: not counted).
    record(products[0], days_ago=2, chosen="Shirts")
    record(products[1], days_ago=2)
    record(products[2], chosen="Shirts", colour=("Black", ""))
    record(products[3], colour=("Black", ""))
    record(products[4], colour=("Black", "Navy Blue"))
    record(products[5], version="categorizer-v2", confidence=0.35)
    html = staff_client.get(URL).content.decode()
    two_days_ago = (timezone.localdate() - dt.timedelta(days=2)).isoformat()
    today = timezone.localdate().isoformat()
    chart = html.split('data-test="chart-corrections-article_type"')[1].split("</figure>")[0]
    assert f'data-series="categorizer-v1" data-x="{two_days_ago}" data-value="0.5000"' in chart
    assert f'data-series="categorizer-v1" data-x="{today}" data-value="0.3333"' in chart
    assert f'data-series="categorizer-v2" data-x="{today}" data-value="0.0000"' in chart
    colour = html.split('data-test="chart-corrections-base_colour"')[1].split("</figure>")[0]
    # Today's v1 colours: one kept empty twice (not judged), one changed: 1 of 1.
    assert f'data-series="categorizer-v1" data-x="{today}" data-value="1.0000"' in colour
    unsure = html.split('data-test="chart-unsure"')[1].split("</figure>")[0]
    assert f'data-series="categorizer-v2" data-x="{today}" data-value="1.0000"' in unsure
    histogram = html.split('data-test="chart-confidence"')[1].split("</figure>")[0]
    assert 'data-x="0.9–1.0" data-value="5"' in histogram
    assert 'data-x="0.3–0.4" data-value="1"' in histogram


def test_carousel_click_through_counts_views_through_a_carousel_link(client, staff):
    product = Product.objects.filter(is_active=True, dataset_id__isnull=False).first()
    other = Product.objects.filter(is_active=True, dataset_id__isnull=False).exclude(pk=product.pk).first()
    client.get(product.get_absolute_url())
    client.get(other.get_absolute_url() + "?from=similar")
    client.get(other.get_absolute_url() + "?from=nonsense")  # unknown: a plain view
    assert not ProductEvent.objects.exists()  # queued in this worker
    client.force_login(staff)
    html = client.get(URL).content.decode()  # the dashboard writes this worker's queued views first
    assert list(ProductEvent.objects.order_by("id").values_list("source", flat=True)) == ["", "similar", ""]
    chart = html.split('data-test="chart-click-through"')[1].split("</figure>")[0]
    today = timezone.localdate().isoformat()
    assert f'data-series="Similar items" data-x="{today}" data-value="0.3333"' in chart


def test_drift_past_the_alert_threshold_shows_a_banner_and_logs_once(staff_client, caplog):
    products = list(Product.objects.filter(dataset_id__isnull=False)[: selectors.DRIFT_MIN_LISTINGS])
    # Every new listing predicted "Watches": the catalog (the training mix here) is mostly not.
    ListingCategorization.objects.bulk_create(
        [record(p, predicted="Watches", chosen="Watches", save=False) for p in products]
    )
    with caplog.at_level(logging.WARNING, logger="monitoring.selectors"):
        first = staff_client.get("/admin/").content.decode()
        staff_client.get("/admin/")
        staff_client.get(URL)
    assert 'data-test="monitoring-banner"' in first
    assert "article type mix has drifted" in first
    assert [r.message for r in caplog.records].count(caplog.records[0].message) == 1
    assert "Monitoring alert" in caplog.records[0].message


def test_a_small_week_is_drawn_but_raises_no_banner(staff_client):
    products = list(Product.objects.filter(dataset_id__isnull=False)[:10])
    ListingCategorization.objects.bulk_create(
        [record(p, predicted="Watches", chosen="Watches", save=False) for p in products]
    )
    html = staff_client.get(URL).content.decode()
    assert 'data-test="monitoring-banner"' not in html
    drift = html.split('data-test="chart-drift-article_type"')[1].split("</figure>")[0]
    assert "<circle" in drift and 'data-threshold="0.25"' in drift


def test_shop_pages_count_nothing_for_the_banner(client, buyer):
    client.force_login(buyer)
    client.get("/")  # warm up: the session and the user
    selectors.cache.delete(selectors.ALERTS_CACHE_KEY)
    response = client.get("/")
    assert response.status_code == 200
    assert selectors.cache.get(selectors.ALERTS_CACHE_KEY) is None


def test_the_unsure_bins_are_those_below_sure_enough(staff_client):
    html = staff_client.get(URL).content.decode()  # no rows: the bins are still named
    assert "No stored events" in html
    ListingCategorization.objects.bulk_create(
        [record(p, confidence=0.55, save=False) for p in Product.objects.all()[:3]]
    )
    (confidence,) = [c for s in sections() for c in s.charts if 'data-test="chart-confidence"' in c]
    assert 'fill="#D55E00" data-x="0.5–0.6" data-value="3"' in confidence  # drawn as unsure
