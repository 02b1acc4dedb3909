"""What a listing keeps between requests to spend less CPU per page (value positions and packed
masks per catalog table, taxonomy ids per taxonomy read, the filter form's fields), and that
each is read afresh when what it was built from changes."""

from __future__ import annotations

from collections import Counter

import numpy as np
import pytest

from main.catalog_table import PACKED_FROM_ROWS, CatalogTable, catalog_table
from main.models import ArticleType, Product, SubCategory
from main.selectors import taxonomy_forget
from ml.catalog.schema import ARTICLE
from search import query
from search.forms import CatalogFilterForm


def test_value_positions_are_kept_per_table_and_a_new_brand_is_found(catalog, seller, make_product):
    table = catalog_table()
    assert table._positions is table._positions  # built once per table
    assert "Zyxwv Brand" not in table._positions["brand"]
    product = make_product(seller=seller, name="Zyxwv Men Teal Kurta", brand="Zyxwv Brand")
    fresh = catalog_table()
    assert fresh is not table and "Zyxwv Brand" in fresh._positions["brand"]
    rows = np.flatnonzero(fresh.any_of("brand", ["Zyxwv Brand"]))
    assert list(fresh.ids[rows]) == [product.pk]


def _synthetic_table(n: int, values: int) -> CatalogTable:
    rng = np.random.default_rng(7)
    codes = rng.integers(-1, 5, n).astype(np.int32)  # -1: missing
    return CatalogTable(
        ids=np.arange(1, n + 1, dtype=np.int64), price=np.zeros(n), codes={"colour": codes},
        values={"colour": list("abcde"), "size": [f"s{i}" for i in range(values)]},
        order={}, newest_rank=np.arange(n), brand_codes={}, version="v",
        masks={"size": rng.random((values, n)) < 0.3},
    )


@pytest.mark.parametrize("n_rows", [0, 7, PACKED_FROM_ROWS, 3000])
def test_counts_are_the_gathered_counts(n_rows):
    """Packed (from PACKED_FROM_ROWS rows) or gathered, the same numbers; rows given twice
    count twice; a missing code is counted nowhere."""
    table = _synthetic_table(n=4099, values=11)  # not a multiple of 64: the last word is padded
    rows = np.sort(np.random.default_rng(n_rows).choice(len(table), n_rows, replace=False))
    for chosen in (rows, np.concatenate([rows, rows[:3]])):
        tally = table.masks["size"][:, chosen].sum(axis=1)
        expected = Counter({v: int(n) for v, n in zip(table.values["size"], tally, strict=True) if n})
        assert table.counts("size", chosen) == expected
        codes = table.codes["colour"][chosen]
        assert table.counts("colour", chosen) == Counter(
            {table.values["colour"][c]: int((codes == c).sum()) for c in set(codes.tolist()) if c >= 0})
    assert table._packed_masks is table._packed_masks  # packed once per table


def test_any_of_is_the_rows_of_those_values():
    table = _synthetic_table(n=1000, values=3)
    codes = table.codes["colour"]
    for chosen in ([], ["b"], ["a", "e"], ["a", "zz"], ["a", "b", "c", "d", "e"]):
        wanted = [table.values["colour"].index(v) for v in chosen if v in table.values["colour"]]
        assert (table.any_of("colour", chosen) == np.isin(codes, wanted)).all(), chosen


def test_taxonomy_ids_are_kept_until_the_taxonomy_is_read_again(catalog):
    ids = query._taxonomy_ids()
    assert query._taxonomy_ids() is ids  # kept between searches
    sub = SubCategory.objects.first()
    new = ArticleType.objects.create(sub_category=sub, name="Zyxwv Capes")
    assert "Zyxwv Capes" not in query._taxonomy_ids()[ARTICLE]
    taxonomy_forget()  # the taxonomy is read again (a new node, its five minutes up)
    assert query._taxonomy_ids()[ARTICLE]["Zyxwv Capes"] == (new.pk,)
    assert query._type_names()[new.pk] == "Zyxwv Capes"


def test_the_filter_form_shares_its_fields_and_each_reads_its_own_query():
    one, two = CatalogFilterForm({"q": "shirt", "colour": ["Blue"]}), CatalogFilterForm({"sort": "bogus"})
    assert one.fields is two.fields is CatalogFilterForm.base_fields
    assert one.filters().colour == ("Blue",) and one.filters().sort == "relevance"
    assert two.filters().colour == () and two.filters().sort == "newest" and not two.filters().q


def test_a_search_page_lists_its_products_once_each(client, catalog):
    name = Product.objects.filter(is_active=True).values_list("name", flat=True).first()
    html = client.get("/catalog/", {"q": name.split()[-1]}).content.decode()
    assert html.count('class="col tile-with-heart"') == html.count('data-test="product-card"') > 0
