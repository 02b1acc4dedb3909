"""The recommendations API: similar items and the feed."""

import pytest
from django.core.cache import caches

from main.models import Product


@pytest.fixture(autouse=True)
def _fresh_rate_limits():
    caches["throttle"].clear()
    yield
    caches["throttle"].clear()


def test_similar_items_api(client, catalog, trained_models):
    product = Product.objects.filter(dataset_id__isnull=False).first()
    answer = client.get(f"/api/v1/products/{product.dataset_id}/similar", {"k": 5})
    assert answer.status_code == 200
    results = answer.json()["results"]
    assert 0 < len(results) <= 5
    assert product.dataset_id not in [r["id"] for r in results]  # the id is the dataset id
    assert all(r["reason"] and r["url"].startswith("/products/") for r in results)


@pytest.mark.parametrize("k", ["abc", "0", "51", "-3"])
def test_similar_items_api_rejects_bad_k(client, catalog, trained_models, k):
    product = Product.objects.filter(dataset_id__isnull=False).first()
    assert client.get(f"/api/v1/products/{product.dataset_id}/similar", {"k": k}).status_code == 400


def test_similar_items_api_unknown_product_is_404(client, trained_models):
    assert client.get("/api/v1/products/999999999/similar").status_code == 404


def test_feed_api_follows_what_the_session_viewed(client, catalog, trained_models):
    watches = Product.objects.filter(article_type__name="Watches")[:3]
    assert watches, "the test catalog has watches"
    for product in watches:
        client.get(product.get_absolute_url())
    results = client.get("/api/v1/recommendations", {"k": 10}).json()["results"]
    assert len(results) == 10
    types = Product.objects.filter(dataset_id__in=[r["id"] for r in results]).values_list(
        "article_type__name", flat=True
    )
    assert list(types).count("Watches") >= 3
