"""Photo neighbours with a (small, session-trained) photo model: the "Looks like this" carousel
and similar_products --by photo. Real dataset photos throughout."""

from __future__ import annotations

import csv

import pytest
from django.core.management import call_command

from main.models import Product
from tests.conftest import fashion_data

pytestmark = pytest.mark.usefixtures("catalog", "trained_photo_models")


def photo_path(product: Product):
    return fashion_data() / "images" / f"{product.dataset_id}.jpg"


def catalog_products(n: int) -> list[Product]:
    products = Product.objects.filter(is_active=True, dataset_id__isnull=False).order_by("dataset_id")
    return [p for p in products if photo_path(p).exists()][:n]


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
