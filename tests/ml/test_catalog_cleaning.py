"""Rows that are not products, recognised the same way by the importer and by training."""

from __future__ import annotations

from ml.catalog.cleaning import not_product_like
from ml.catalog.dataset import load_styles
from tests.conftest import fashion_data


def test_column_names_and_letterless_names_are_not_products():
    assert "column name" in not_product_like("productDisplayName")
    assert "column name" in not_product_like(" PRODUCTDISPLAYNAME ")
    assert "column name" in not_product_like("Nike Men Tshirt", ["Apparel", "articleType"])
    assert "column name" in not_product_like("Price", columns=["id", "price"])
    assert "no letters" in not_product_like("12345")
    assert not_product_like("Nike Men Blue Display Tshirt", ["Men", "Apparel", "Topwear", "Tshirts"]) == ""
    assert not_product_like("Ведомости 2012") == ""  # letters of any script


def test_training_rows_leave_out_the_catalogs_productDisplayName_row():
    styles = load_styles(fashion_data())
    assert "productDisplayName" not in set(styles["name"])
    assert 24078 not in set(styles["id"])  # styles.csv line 19693
