"""The in-memory catalog table behind every listing: the same counts and orders as the
database, and read again as soon as the catalog changes (not when only stock does)."""

from __future__ import annotations

import pytest

from main import catalog_table as table_module
from main.catalog_table import SORTS, catalog_table
from main.models import Product
from search.forms import CatalogFilterForm
from search.listing import catalog_page, search_ids


def active():
    return Product.objects.filter(is_active=True)


@pytest.mark.parametrize("sort", [s for s in SORTS if s != "relevance"])
def test_every_order_is_the_databases(catalog, sort):
    filters = CatalogFilterForm({"sort": sort}).filters()
    expected = list(active().order_by(*SORTS[sort]).values_list("pk", flat=True))
    assert search_ids(filters=filters) == expected


def test_multi_select_counts_are_the_databases(catalog):
    """Two colours and a gender picked: the colour facet counts with the gender applied but not
    the colours, the gender facet with the colours but not the gender."""
    colours = [c for c, in active().values_list("base_colour").distinct()[:2]]
    gender = active().filter(base_colour__in=colours).values_list("gender_id", flat=True).first()
    filters = CatalogFilterForm({"colour": colours, "gender": [str(gender)]}).filters()
    facets = catalog_page(filters=filters, number=1, size=1)[1]
    assert facets.total == active().filter(base_colour__in=colours, gender_id=gender).count()
    for value in facets.colours:
        assert value.count == active().filter(base_colour=value.value, gender_id=gender).count(), value
    for value in facets.genders:
        assert value.count == active().filter(base_colour__in=colours, gender_id=value.value).count(), value
    assert {v.value for v in facets.colours if v.selected} == set(colours)


def test_a_saved_product_is_listed_at_once(catalog, seller, make_product):
    before = catalog_table()
    product = make_product(seller=seller, name="Zyxwv Men Teal Kurta", base_colour="Teal")
    ids = search_ids(filters=CatalogFilterForm({"colour": ["Teal"]}).filters())
    assert product.pk in ids and catalog_table() is not before
    product.is_active = False
    product.save(update_fields=["is_active"])
    assert product.pk not in search_ids(filters=CatalogFilterForm({"colour": ["Teal"]}).filters())


def test_a_stock_change_keeps_the_table(catalog):
    table = catalog_table()
    product = active().first()
    product.stock += 1
    product.save(update_fields=["stock"])
    Product.objects.filter(pk=product.pk).update(stock=0)
    assert catalog_table() is table


def test_an_old_table_is_read_again(catalog, monkeypatch):
    table = catalog_table()
    monkeypatch.setitem(table_module._held, "built", table_module._held["built"] - table_module.TABLE_SECONDS)
    assert catalog_table() is not table


def _counting_version_reads(monkeypatch) -> list:
    from django.core.cache import cache

    reads, get_many = [], cache.get_many

    def counted(keys, *args, **kwargs):
        if table_module.VERSION_KEY in keys:
            reads.append(keys)
        return get_many(keys, *args, **kwargs)

    monkeypatch.setattr(cache, "get_many", counted)
    return reads


def test_a_listing_reads_the_catalogs_versions_once(catalog, client, monkeypatch):
    client.get("/catalog/?sort=newest")  # the table is read; the next page draws afresh
    reads = _counting_version_reads(monkeypatch)
    assert client.get("/catalog/?q=shirt&sort=price_asc").status_code == 200
    assert len(reads) == 1


def test_outside_a_request_another_processs_change_is_seen_at_once(catalog):
    from django.core.cache import cache

    before = table_module.catalog_version()
    cache.set(table_module.VERSION_KEY, "another-process", None)
    assert table_module.catalog_version() == "another-process" != before


def test_a_request_that_changes_the_catalog_sees_its_own_change(catalog):
    table_module.versions_in_request(started=True)
    try:
        before = table_module.shown_version()
        table_module.catalog_changed()
        after = table_module.shown_version()
        assert after != before
        table_module.stock_shown_changed()
        assert table_module.shown_version() not in (before, after)
    finally:
        table_module.versions_in_request(started=False)


def test_newest_order_read_apart_still_holds_every_row_once():
    """The newest order is a second query: a product unlisted between the two reads is left out
    of it, one listed meanwhile is put last, and every row is in it once."""
    import numpy as np

    ids = np.array([10, 20, 30, 40])
    ordered = np.array([30, 99, 10, 20])  # 99 unlisted since the first read; 40 listed after
    assert table_module._rows_in_order(ids, ordered).tolist() == [2, 0, 1, 3]
    assert table_module._rows_in_order(np.array([], dtype=np.int64), ordered).tolist() == []
