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
