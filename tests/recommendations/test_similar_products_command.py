"""The batch command similar_products."""

import csv

import pytest
from django.core.management import call_command

from main.models import Product

pytestmark = pytest.mark.usefixtures("catalog", "trained_models")


def read(path):
    with open(path, newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def test_similar_products_for_catalog_ids(tmp_path):
    ids = list(Product.objects.values_list("dataset_id", flat=True)[:3])
    (tmp_path / "ids.txt").write_text("\n".join(map(str, ids)) + "\n")
    call_command(
        "similar_products", "--ids-file", str(tmp_path / "ids.txt"), "-k", "4", "-o", str(tmp_path / "o.csv")
    )
    rows = read(tmp_path / "o.csv")
    assert list(rows[0]) == ["product_id", "rank", "similar_id", "score"]
    assert [int(r["product_id"]) for r in rows[::4]] == ids
    assert [r["rank"] for r in rows[:4]] == ["1", "2", "3", "4"]
    dataset_ids = set(Product.objects.values_list("dataset_id", flat=True))
    assert all(int(r["similar_id"]) in dataset_ids and r["similar_id"] != r["product_id"] for r in rows)


def test_similar_products_for_products_not_in_the_catalog(tmp_path):
    (tmp_path / "new.csv").write_text(
        "id,gender,masterCategory,subCategory,articleType,baseColour,season,year,usage,productDisplayName\n"
        "900001,Men,Apparel,Topwear,Tshirts,Black,Summer,2012,Casual,Brandnew Men Black Printed Tshirt\n"
        "900002,Women,Accessories,Watches,Watches,Gold,Winter,2016,Casual,Brandnew Women Gold Watch\n",
        encoding="utf-8",
    )
    call_command(
        "similar_products", "--input-csv", str(tmp_path / "new.csv"), "-k", "3", "-o", str(tmp_path / "o.csv")
    )
    rows = read(tmp_path / "o.csv")
    assert [r["product_id"] for r in rows] == ["900001"] * 3 + ["900002"] * 3
    watch_neighbours = Product.objects.filter(dataset_id__in=[int(r["similar_id"]) for r in rows[3:]])
    assert set(watch_neighbours.values_list("article_type__name", flat=True)) == {"Watches"}
