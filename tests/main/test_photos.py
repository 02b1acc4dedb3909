"""The photo in the shop, with a (small, session-trained) photo model: categorize from a photo,
search by photo (API and catalog page with facets), the "Looks like this" carousel, and the
batch commands. Real dataset photos throughout."""

from __future__ import annotations

import csv
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command

from main.models import ArticleType, Product
from tests.conftest import fashion_data

pytestmark = pytest.mark.usefixtures("catalog", "trained_photo_models")


def photo_path(product: Product):
    return fashion_data() / "images" / f"{product.dataset_id}.jpg"


def upload(product: Product) -> SimpleUploadedFile:
    return SimpleUploadedFile("photo.jpg", photo_path(product).read_bytes(), content_type="image/jpeg")


def catalog_products(n: int) -> list[Product]:
    products = Product.objects.filter(is_active=True, dataset_id__isnull=False).order_by("dataset_id")
    return [p for p in products if photo_path(p).exists()][:n]


def assert_valid_path(prediction: dict) -> None:
    assert ArticleType.objects.filter(
        name=prediction["articleType"]["label"],
        sub_category__name=prediction["subCategory"]["label"],
        sub_category__master_category__name=prediction["masterCategory"]["label"],
    ).exists(), prediction
    for level in ("gender", "articleType", "baseColour", "usage"):
        assert 0 < prediction[level]["confidence"] <= 1
        assert 1 <= len(prediction[level]["top3"]) <= 3
    assert 0 < prediction["confidence"] <= prediction["articleType"]["confidence"] + 1e-6


def test_a_photo_alone_is_categorized_into_a_valid_path_by_both_models(client):
    (product,) = catalog_products(1)
    response = client.post("/api/v1/category-prediction", {"image": upload(product)})
    assert response.status_code == 200, response.content
    prediction = response.json()
    assert_valid_path(prediction)
    assert "+photo" in prediction["model_version"]  # the cascade and the photo model together


def test_name_and_photo_together_answer_with_both_and_the_name_counts(client):
    (product,) = catalog_products(1)
    by_photo = client.post("/api/v1/category-prediction", {"image": upload(product)}).json()
    both = client.post("/api/v1/category-prediction",
                       {"image": upload(product), "name": "black leather belt for men"}).json()
    assert_valid_path(both)
    assert both["articleType"]["top3"] != by_photo["articleType"]["top3"]  # the name is evidence too
    # A JSON request is still the name cascade alone, as before.
    by_name = client.post("/api/v1/category-prediction", {"name": "black leather belt for men"},
                          content_type="application/json").json()
    assert "+photo" not in by_name["model_version"]


def test_search_by_photo_finds_the_product_itself_first(client):
    product, *_ = catalog_products(3)
    response = client.post("/api/v1/search/photo", {"image": upload(product), "k": 5})
    assert response.status_code == 200, response.content
    body = response.json()
    results = body["results"]
    assert len(results) == 5
    assert results[0]["id"] == product.dataset_id and results[0]["score"] > 0.99
    scores = [r["score"] for r in results]
    assert scores == sorted(scores, reverse=True)
    assert re.fullmatch(r"/catalog/\?photo=[0-9a-f]{16}", body["catalog_url"])


def test_the_catalog_page_of_a_photo_search_ranks_and_narrows_by_facets(client):
    product, *_ = catalog_products(1)
    url = client.post("/api/v1/search/photo", {"image": upload(product)}).json()["catalog_url"]
    page = client.get(url)
    assert page.status_code == 200
    tiles = list(page.context["page"].object_list)
    assert tiles[0].pk == product.pk  # best match: the closest photo first
    assert "like your photo" in page.content.decode()
    total = page.context["facets"].total
    assert 1 < total <= Product.objects.filter(is_active=True).count()
    gender = page.context["facets"].genders[0]
    narrowed = client.get(f"{url}&gender={gender.value}")
    assert narrowed.context["facets"].total == gender.count <= total
    assert all(p.gender_id == gender.value for p in narrowed.context["page"].object_list)


def test_the_search_page_sends_a_photo_to_its_catalog_page(client):
    product, *_ = catalog_products(1)
    response = client.post("/search/photo/", {"photo": upload(product)})
    assert response.status_code == 302
    assert re.fullmatch(r"/catalog/\?photo=[0-9a-f]{16}", response["Location"])


def test_product_page_shows_looks_like_this_beside_similar_items(client):
    product, *_ = catalog_products(1)
    response = client.get(f"/products/{product.dataset_id}/")
    carousels = response.context["carousels"]
    alike = [s.product.pk for s in carousels.looks_like]
    similar = [s.product.pk for s in carousels.similar]
    assert alike, "no visual carousel"
    assert product.pk not in alike
    assert not set(alike) & set(similar)  # new products, not the same tiles twice
    page = response.content.decode()
    assert 'data-test="looks-like"' in page and "Looks like this" in page


def test_predict_categories_reads_photos_by_id_and_can_use_the_photo_alone(tmp_path):
    first, second = catalog_products(2)
    source = tmp_path / "in.csv"
    source.write_text(
        f"id,productDisplayName\n{first.dataset_id},\n{second.dataset_id},{second.name}\n999999999,\n",
        encoding="utf-8",
    )
    out = tmp_path / "out.csv"
    images = str(fashion_data() / "images")
    call_command("predict_categories", str(source), "-o", str(out), "--images", images)
    rows = list(csv.DictReader(out.open(encoding="utf-8")))
    assert [r["id"] for r in rows] == [str(first.dataset_id), str(second.dataset_id), "999999999"]
    assert rows[0]["articleType"] and rows[1]["articleType"]  # a photo alone is enough
    assert rows[2]["articleType"] == ""  # neither a name nor a photo
    call_command("predict_categories", str(source), "-o", str(out), "--images", images, "--text-column", "")
    photo_only = list(csv.DictReader(out.open(encoding="utf-8")))
    assert list(photo_only[0]) == list(rows[0]) and photo_only[0] == rows[0]


def test_similar_products_by_photo_for_catalog_ids_and_new_photos(tmp_path):
    first, second = catalog_products(2)
    (tmp_path / "ids.txt").write_text(f"{first.dataset_id}\n{second.dataset_id}\n")
    out = tmp_path / "out.csv"
    call_command("similar_products", "--by", "photo", "--ids-file", str(tmp_path / "ids.txt"), "-k", "4",
                 "-o", str(out))
    rows = list(csv.DictReader(out.open(encoding="utf-8")))
    expected = [(str(first.dataset_id), str(rank)) for rank in (1, 2, 3, 4)]
    assert [(r["product_id"], r["rank"]) for r in rows[:4]] == expected
    assert str(first.dataset_id) not in {r["similar_id"] for r in rows[:4]}

    # A product not in the catalog: only its id and its photo (the name column is ignored).
    images = tmp_path / "new"
    images.mkdir()
    (images / "777.jpg").write_bytes(photo_path(first).read_bytes())
    (tmp_path / "new.csv").write_text("id,productDisplayName\n777,totally misleading name\n778,no photo\n")
    call_command("similar_products", "--by", "photo", "--input-csv", str(tmp_path / "new.csv"),
                 "--images", str(images), "-k", "3", "-o", str(out))
    rows = list(csv.DictReader(out.open(encoding="utf-8")))
    assert [r["product_id"] for r in rows] == ["777"] * 3
    assert rows[0]["similar_id"] == str(first.dataset_id)  # its own photo is the closest
