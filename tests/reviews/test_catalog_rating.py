"""The catalog's "4★ and up" / "3★ and up" facet and its "Customer rating" sort, from the
rating ``reviews`` keeps on the product (``main.services.product_rating_set``)."""

from __future__ import annotations

from decimal import Decimal

from main.catalog_table import catalog_changed
from main.models import Product
from main.services import product_rating_set
from reviews.services import review_create
from search.forms import CatalogFilterForm
from search.listing import catalog_page, search_ids
from tests.reviews.orders import order_of


def filters(**params):
    return CatalogFilterForm(params).filters()


def rate(products_and_ratings) -> None:
    for product, average, count in products_and_ratings:
        product_rating_set(product_id=product.pk, average=Decimal(average), count=count)
    catalog_changed()  # as TABLE_SECONDS later: every process reads its table again


def test_the_rating_facet_counts_and_filters_and_the_sort_puts_the_best_first(catalog):
    a, b, c, d = Product.objects.filter(is_active=True).order_by("pk")[:4]
    rate([(a, "4.50", 2), (b, "4.00", 10), (c, "3.20", 5), (d, "2.00", 1)])
    facets = catalog_page(filters=filters(), number=1, size=1)[1]
    assert [(v.value, v.label, v.count) for v in facets.ratings] == [
        ("4", "4★ and up", 2), ("3", "3★ and up", 3)]
    assert "Customer rating" in [group.title for group in facets.groups]
    assert set(search_ids(filters=filters(rating="4"))) == {a.pk, b.pk}
    assert set(search_ids(filters=filters(rating=["3", "4"]))) == {a.pk, b.pk, c.pk}  # any of them
    ordered = search_ids(filters=filters(sort="rating"))
    assert ordered[:4] == [a.pk, b.pk, c.pk, d.pk]  # unrated products after every rated one
    assert len(ordered) == Product.objects.filter(is_active=True).count()


def test_a_review_moves_the_product_into_the_facet_when_the_table_is_next_read(catalog, buyer):
    product = Product.objects.filter(is_active=True).order_by("pk").first()
    assert product.pk not in search_ids(filters=filters(rating="4"))  # the table is read now
    order_of(buyer=buyer, product=product)
    review_create(author=buyer, product=product, rating=5, body="Great")
    # Not a reason for every process to read 40k rows again: it follows within TABLE_SECONDS,
    # as stock does (here: another change of the catalog).
    assert search_ids(filters=filters(rating="4")) == []
    catalog_changed()
    assert search_ids(filters=filters(rating="4")) == [product.pk]


def test_a_bad_rating_value_is_ignored_on_the_page_and_a_400_from_the_api(client, catalog):
    assert filters(rating="5").rating == ()
    assert client.get("/catalog/?rating=5&sort=rating").status_code == 200
    response = client.get("/api/v1/search?rating=5")
    assert response.status_code == 400 and "rating" in response.json()
    first = Product.objects.filter(is_active=True).order_by("pk").first()
    rate([(first, "4.20", 3)])
    found = client.get("/api/v1/search?rating=4&sort=rating").json()
    assert found["count"] == 1 and found["results"][0]["rating_count"] == 3
    assert found["results"][0]["rating_average"] == "4.20"


def test_the_catalog_page_offers_the_facet_and_the_sort(client, catalog):
    first = Product.objects.filter(is_active=True).order_by("pk").first()
    rate([(first, "4.80", 7)])
    html = client.get("/catalog/").content.decode()
    assert "Customer rating" in html and "4★ and up" in html and 'value="rating"' in html
    picked = client.get("/catalog/?rating=4").content.decode()
    assert picked.count('data-test="product-card"') == 1 and "4.8 (7)" in picked
