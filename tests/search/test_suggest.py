"""Suggestions under the search box: categories, brands and products as the shopper types."""

from __future__ import annotations

import pytest
from django.db.models import Count

from main.models import Product

pytestmark = pytest.mark.usefixtures("catalog")


def suggest(client, q: str) -> list[dict]:
    response = client.get("/search/suggest", {"q": q})
    assert response.status_code == 200 and response["Content-Type"] == "application/json"
    return response.json()["suggestions"]


def test_half_a_word_suggests_the_category_and_its_products(client):
    found = suggest(client, "tsh")
    categories = [s for s in found if s["kind"] == "category"]
    assert categories[0]["label"] == "Tshirts"
    listed = client.get(categories[0]["url"]).context["facets"].total
    assert listed == Product.objects.filter(is_active=True, article_type__name="Tshirts").count()
    products = [s for s in found if s["kind"] == "product"]
    page = client.get(categories[0]["url"]).context["page"].object_list
    assert [p["id"] for p in products] == [p.dataset_id for p in page][: len(products)]
    assert products and all(p["url"] == f"/products/{p['id']}/" and p["image"] for p in products)
    assert len(found) <= 8


def test_a_gender_word_picks_the_gender(client):
    [first, *_] = [s for s in suggest(client, "men tsh") if s["kind"] == "category"]
    assert first["label"] == "Men · Tshirts"
    products = client.get(first["url"]).context["page"].object_list
    assert {Product.objects.get(pk=p.pk).gender.name for p in products} == {"Men"}


def test_a_brand_is_suggested_from_its_first_letters(client):
    brand = (Product.objects.exclude(brand="").values_list("brand").annotate(n=Count("id"))
             .order_by("-n")[0][0])
    found = [s for s in suggest(client, brand[:3]) if s["kind"] == "brand"]
    assert brand in [s["label"] for s in found]
    url = next(s["url"] for s in found if s["label"] == brand)
    assert client.get(url).context["filters"].brand == (brand,)


@pytest.mark.parametrize("q", ["", "   ", "!!!", "x" * 500])
def test_nothing_to_suggest_is_an_empty_list(client, q):
    assert isinstance(suggest(client, q), list)
    assert suggest(client, "") == []


def test_without_a_category_row_the_products_start_with_every_typed_word(client):
    """A half-typed word is read as the start of a word, never "corrected" into another one
    (the category rows and the product rows read what was typed alike)."""
    found = suggest(client, "black sh")
    assert not [s for s in found if s["kind"] == "category"]
    products = [Product.objects.get(dataset_id=s["id"]) for s in found if s["kind"] == "product"]
    assert products
    for product in products:
        words = product.search_text.split()
        assert any(w.startswith("black") for w in words) and any(w.startswith("sh") for w in words)


def test_the_products_of_a_category_row_are_of_that_category(client):
    found = suggest(client, "sungl")
    categories = [s for s in found if s["kind"] == "category"]
    products = [s for s in found if s["kind"] == "product"]
    assert categories and categories[0]["label"] == "Sunglasses"
    assert products
    assert {Product.objects.get(dataset_id=p["id"]).article_type.name for p in products} == {"Sunglasses"}
