"""The size facet: a listing narrowed to the sizes in stock, counted like the other facets
(the photo-search page promises "narrow them down by size")."""

from __future__ import annotations

from main.models import Product, ProductSize
from main.sizes import ONE_SIZE
from search.forms import CatalogFilterForm
from search.listing import catalog_page, search_ids
from tests.conftest import set_stock


def catalog_facets(*, filters):
    return catalog_page(filters=filters, number=1, size=1)[1]


def in_stock(label: str) -> set[int]:
    """The listed products with ``label`` in stock, as the database says."""
    return set(
        ProductSize.objects.filter(label=label, stock__gt=0, product__is_active=True)
        .values_list("product_id", flat=True)
    )


def filters(**params):
    return CatalogFilterForm(params).filters()


def test_every_size_in_stock_is_counted(catalog):
    facets = catalog_facets(filters=filters())
    sizes = {v.value: v.count for v in facets.sizes}
    assert {"S", "M", "L", "UK 8"} <= set(sizes)
    assert ONE_SIZE not in sizes  # nothing to narrow down: not a filter
    for label, count in sizes.items():
        assert count == len(in_stock(label)), label
    # In the order a size chart reads, not by count.
    apparel = [v.value for v in facets.sizes if v.value in ("XS", "S", "M", "L", "XL", "XXL")]
    assert apparel == [s for s in ("XS", "S", "M", "L", "XL", "XXL") if s in sizes]


def test_picking_a_size_lists_only_the_products_with_it_in_stock(catalog):
    assert set(search_ids(filters=filters(size="M"))) == in_stock("M")
    both = set(search_ids(filters=filters(size=["M", "UK 8"])))
    assert both == in_stock("M") | in_stock("UK 8")  # several sizes: any of them
    # The picked facet keeps its own counts (the multi-select rule), the others narrow.
    picked = catalog_facets(filters=filters(size="M"))
    assert {v.value: v.count for v in picked.sizes} == {
        v.value: v.count for v in catalog_facets(filters=filters()).sizes
    }
    assert picked.total == len(in_stock("M"))
    assert [v.value for v in picked.sizes if v.selected] == ["M"]


def test_a_size_that_sold_out_is_not_offered_for_that_product(catalog):
    product = Product.objects.get(pk=min(in_stock("M")))
    set_stock(product, 0, size=product.sizes.get(label="M"))
    assert product.pk not in set(search_ids(filters=filters(size="M")))


def test_the_catalog_and_a_search_show_the_size_facet(client, catalog):
    page = client.get("/catalog/", {"q": "shirt"}).content.decode()
    assert 'data-test="facet-size"' in page
    response = client.get("/catalog/", {"size": "M"})
    assert {p.pk for p in response.context["page"].object_list} <= in_stock("M")
    assert 'aria-label="Remove Size: M"' in response.content.decode()  # its chip
