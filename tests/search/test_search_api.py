"""GET /api/v1/search: the catalog page's results for headless clients, and its 400s."""

from __future__ import annotations

import pytest
from django.core.cache import caches
from django.db.models import Count

from main.models import Product

SEARCH = "/api/v1/search"

pytestmark = pytest.mark.usefixtures("catalog")


@pytest.fixture(autouse=True)
def _fresh_rate_limits():
    caches["throttle"].clear()
    yield
    caches["throttle"].clear()


def page_ids(client, params) -> list[int]:
    return [p.dataset_id for p in client.get("/catalog/", params).context["page"].object_list]


def two_colours() -> list[str]:
    rows = Product.objects.exclude(base_colour="").values_list("base_colour").annotate(n=Count("id"))
    return [colour for colour, _ in rows.order_by("-n")[:2]]


@pytest.mark.parametrize(
    "params",
    [
        {"q": "men tshirt"},
        {"q": "men", "sort": "price_asc", "page": "2"},
        {"colour": two_colours, "sort": "name"},
        {},
    ],
)
def test_results_are_the_catalog_pages_in_the_same_order(client, params):
    params = {k: (v() if callable(v) else v) for k, v in params.items()}
    answer = client.get(SEARCH, params).json()
    assert [r["id"] for r in answer["results"]] == page_ids(client, params)
    assert answer["count"] == client.get("/catalog/", params).context["facets"].total
    first = answer["results"][0]
    product = Product.objects.get(dataset_id=first["id"])
    assert first["name"] == product.name and first["url"] == f"/products/{product.dataset_id}/"
    assert first["brand"] == product.brand and first["price"] == f"{product.price:.2f}"


def test_facets_and_multi_values(client):
    first, second = two_colours()
    answer = client.get(SEARCH, {"colour": [first, second], "page_size": "5"}).json()
    assert answer["count"] == Product.objects.filter(is_active=True, base_colour__in=[first, second]).count()
    assert len(answer["results"]) == 5
    colours = {v["value"]: v for v in answer["facets"]["colour"]}
    assert colours[first]["selected"] and colours[second]["selected"]
    assert {"gender", "master", "brand", "colour", "price"} <= set(answer["facets"])
    assert answer["understood"] == {} and answer["exact"] is True


def test_a_search_says_what_it_was_read_as(client, trained_models):
    answer = client.get(SEARCH, {"q": "men tshirt"}).json()
    assert answer["understood"].get("gender") == "Men"


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"gender": "x"}, "gender"),
        ({"master": "0"}, "master"),
        ({"price": "1-2"}, "price"),
        ({"min_price": "NaN"}, "min_price"),
        ({"max_price": "-3"}, "max_price"),
        ({"sort": "DROP TABLE"}, "sort"),
        ({"sort": "relevance"}, "sort"),  # best match needs a query
        ({"page": "0"}, "page"),
        ({"page": "99999"}, "page"),  # past the last page
        ({"page_size": "101"}, "page_size"),
        ({"q": "x" * 201}, "q"),
        ({"colors": "Blue"}, "detail"),  # a misspelt parameter is not silently ignored
        ({"size": "XXXL"}, "size"),  # not a size of any chart
        ({"size": "x" * 21}, "size"),
    ],
)
def test_bad_parameters_are_a_400_with_the_reason(client, params, field):
    response = client.get(SEARCH, params)
    assert response.status_code == 400
    assert field in response.json(), response.json()


def test_an_empty_result_is_a_page_of_nothing(client):
    answer = client.get(SEARCH, {"q": "zzzqqxx"}).json()
    assert answer["count"] == 0 and answer["results"] == [] and answer["page"] == 1


def test_the_search_is_in_the_schema(client):
    schema = client.get("/api/schema/", HTTP_ACCEPT="application/json").content.decode()
    assert "/api/v1/search" in schema and "page_size" in schema


def test_size_narrows_the_results_to_products_with_it_in_stock(client):
    from main.models import ProductSize

    answer = client.get(SEARCH, {"size": "M", "page_size": 100}).json()
    with_m = ProductSize.objects.filter(label="M", stock__gt=0, product__is_active=True)
    assert answer["count"] == with_m.values("product").distinct().count() > 0
    assert {r["listing_id"] for r in answer["results"]} <= set(with_m.values_list("product_id", flat=True))
    assert [v["value"] for v in answer["facets"]["size"] if v["selected"]] == ["M"]
    both = client.get(SEARCH, {"size": ["M", "UK 8"]}).json()
    assert both["count"] > answer["count"]


def test_a_size_reason_names_the_sizes(client):
    reason = client.get(SEARCH, {"size": "XXXL"}).json()["size"]
    assert "XXXL" in str(reason) and "XS" in str(reason)


def test_the_search_api_reads_the_query_as_the_page_does(client, trained_models):
    answer = client.get(SEARCH, {"q": "xyzqwerty"}).json()
    assert answer["count"] == 0 and answer["message"] == "No results for “xyzqwerty”"
    kids = client.get(SEARCH, {"q": "kids tshirt"}).json()
    assert kids["understood"].get("gender") == "Kids"
