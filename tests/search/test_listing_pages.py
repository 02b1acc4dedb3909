"""The catalog listing (facets, filters, sort, pagination) and its query budgets."""

from __future__ import annotations

import math

import pytest
from django.db.models import Count

from core.pages import PAGE_SIZE
from main.models import Product
from main.search_text import normalise_words
from ml.search.text import STOP_WORDS
from search.forms import CatalogFilterForm
from search.listing import CatalogFilters, catalog_page


def active():
    return Product.objects.filter(is_active=True)


def facets_for(**params):
    filters = CatalogFilterForm(params).filters()
    return catalog_page(filters=filters, number=1, size=1)[1]


def page_products(response) -> list[Product]:
    return list(response.context["page"].object_list)


# --- facets -------------------------------------------------------------------------------


def test_facet_counts_sum_to_the_total(catalog):
    facets = facets_for()
    total = active().count()
    assert facets.total == total
    assert sum(v.count for v in facets.genders) == total
    assert sum(v.count for v in facets.masters) == total
    assert sum(v.count for v in facets.seasons) <= total
    # Each count is the real number of products with that value.
    for value in facets.genders:
        assert active().filter(gender_id=value.value).count() == value.count
    for value in facets.colours:
        assert active().filter(base_colour=value.value).count() == value.count
    counts = [v.count for v in facets.masters]
    assert counts == sorted(counts, reverse=True)


def test_missing_values_are_not_offered_as_filters(catalog, make_product, seller):
    """Regression: the colour facet offered "NA", the dataset's word for an unknown colour."""
    unknown = make_product(seller=seller, base_colour="NA", season="", usage="NA")
    make_product(seller=seller, base_colour="Teal", season="Summer", usage="Casual")
    Product.objects.exclude(seller=seller).update(is_active=False)
    facets = catalog_page(filters=CatalogFilters(), number=1, size=1)[1]
    assert [(v.value, v.count) for v in facets.colours] == [("Teal", 1)]
    assert [v.value for v in facets.seasons] == ["Summer"]
    assert [v.value for v in facets.usages] == ["Casual"]
    assert facets.total == 2  # the product with unknown values is still listed
    Product.objects.get(pk=unknown.pk, base_colour="NA", usage="NA")  # its stored values unchanged


def test_taxonomy_drills_down(catalog):
    top = facets_for()
    assert top.masters and top.subs == [] and top.types == []
    master = top.masters[0]
    by_master = facets_for(master=str(master.value))
    assert by_master.total == master.count
    # The picked category stays beside the others (picking another adds it: any of them).
    assert [m.value for m in by_master.masters if m.selected] == [master.value]
    assert [(m.value, m.count) for m in by_master.masters] == [(m.value, m.count) for m in top.masters]
    assert by_master.subs and by_master.types == []
    assert sum(s.count for s in by_master.subs) == by_master.total
    sub_ids = {s.value for s in by_master.subs}
    assert (
        set(active().filter(master_category_id=master.value).values_list("sub_category_id", flat=True))
        == sub_ids
    )
    sub = by_master.subs[0]
    by_sub = facets_for(master=str(master.value), sub=str(sub.value))
    assert by_sub.total == sub.count
    assert by_sub.types and sum(t.count for t in by_sub.types) == sub.count
    article = by_sub.types[-1]
    by_type = facets_for(master=str(master.value), sub=str(sub.value), type=str(article.value))
    assert by_type.total == article.count == active().filter(article_type_id=article.value).count()


def test_facets_reflect_other_filters(catalog):
    top = facets_for()
    gender = top.genders[0]
    narrowed = facets_for(gender=str(gender.value))
    assert narrowed.total == gender.count
    # The gender facet is counted without its own selection: every gender, as before.
    assert [(g.value, g.count) for g in narrowed.genders] == [(g.value, g.count) for g in top.genders]
    assert [g.value for g in narrowed.genders if g.selected] == [gender.value]
    assert sum(m.count for m in narrowed.masters) == gender.count


def test_catalog_page_shows_facets_and_drill_down(client, catalog):
    response = client.get("/catalog/")
    assert response.status_code == 200
    html = response.content.decode()
    assert 'data-test="facet-gender"' in html and 'data-test="facet-master"' in html
    assert 'data-test="facet-sub"' not in html
    assert f"{active().count()} products" in html
    master = response.context["facets"].masters[0]
    html = client.get("/catalog/", {"master": master.value}).content.decode()
    assert 'data-test="facet-sub"' in html and 'data-test="facet-type"' not in html
    # Facet links keep the other filters.
    html = client.get("/catalog/", {"master": master.value, "q": "blue"}).content.decode()
    assert "q=blue" in html.split('data-test="facet-sub"', 1)[1].split("</div>", 1)[0]


# --- filters ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("param", "field"), [("colour", "base_colour"), ("season", "season"), ("usage", "usage")]
)
def test_attribute_filters(client, catalog, param, field):
    value, expected = (
        active().exclude(**{field: ""}).values_list(field).annotate(n=Count("id")).order_by("-n", field)[1]
    )
    response = client.get("/catalog/", {param: value})
    assert response.context["facets"].total == expected
    products = page_products(response)
    assert products and len(products) == min(expected, PAGE_SIZE)
    assert {getattr(Product.objects.get(pk=p.pk), field) for p in products} == {value}


def test_price_filter(client, catalog):
    prices = sorted(active().values_list("price", flat=True))
    low, high = prices[len(prices) // 4], prices[3 * len(prices) // 4]
    response = client.get("/catalog/", {"min_price": str(low), "max_price": str(high), "sort": "price_asc"})
    expected = active().filter(price__gte=low, price__lte=high).count()
    assert response.context["facets"].total == expected
    assert all(low <= p.price <= high for p in page_products(response))
    assert client.get("/catalog/", {"min_price": str(prices[-1] + 1)}).context["facets"].total == 0


@pytest.mark.parametrize(
    "params",
    [
        {"gender": "abc"},
        {"master": "99999999999999"},
        {"min_price": "NaN"},
        {"min_price": "-5"},
        {"max_price": "Infinity"},
        {"sort": "DROP TABLE"},
        {"page": "x"},
        {"q": "   "},
        {"gender": "²"},  # a digit to str.isdigit(), not to int(): used to answer 500
        {"master": "١٢"},
        {"sub": "7\x00"},
    ],
)
def test_malformed_parameters_are_ignored(client, catalog, params):
    response = client.get("/catalog/", params)
    assert response.status_code == 200
    assert response.context["facets"].total == active().count()


def test_unknown_taxonomy_id_gives_empty_result(client, catalog):
    response = client.get("/catalog/", {"master": "999999"})
    assert response.status_code == 200
    assert response.context["facets"].total == 0
    assert "No products match" in response.content.decode()


# --- sorting and pagination ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("sort", "key", "reverse"),
    [("price_asc", "price", False), ("price_desc", "price", True), ("name", "name", False)],
)
def test_sort_orders(client, catalog, sort, key, reverse):
    products = page_products(client.get("/catalog/", {"sort": sort}))
    values = [getattr(p, key) for p in products]
    assert len(values) == PAGE_SIZE
    assert values == sorted(values, reverse=reverse)
    every = sorted(active().values_list(key, flat=True), reverse=reverse)
    assert values == every[:PAGE_SIZE]


def test_newest_first_is_the_default(client, catalog, make_product, seller):
    newest = make_product(seller=seller, name="Brand new listing")
    products = page_products(client.get("/catalog/"))
    assert products[0].pk == newest.pk
    created = [p.created_at for p in products]
    assert created == sorted(created, reverse=True)


def test_pagination_covers_every_product_once(client, catalog):
    total = active().count()
    pages = math.ceil(total / PAGE_SIZE)
    seen = []
    for number in range(1, pages + 1):
        response = client.get("/catalog/", {"page": number, "sort": "price_asc"})
        page = response.context["page"]
        assert page.number == number and page.paginator.num_pages == pages
        seen += [p.pk for p in page.object_list]
    assert len(seen) == len(set(seen)) == total
    # Out of range: the last page; the links keep the filters.
    last = client.get("/catalog/", {"page": pages + 5, "sort": "price_asc"})
    assert last.context["page"].number == pages
    html = client.get("/catalog/", {"page": 2, "sort": "price_asc"}).content.decode()
    assert "?sort=price_asc&page=3" in html and "?sort=price_asc&page=1" in html


# --- query budgets ------------------------------------------------------------------------


def test_catalog_page_runs_a_bounded_number_of_queries(client, catalog, buyer, django_assert_max_num_queries):
    with django_assert_max_num_queries(8):  # 3 for the catalog table + 4 taxonomy lists (then cached) + page
        client.get("/catalog/")
    client.force_login(buyer)
    client.get("/catalog/")  # the badge is counted once per session
    with django_assert_max_num_queries(3):  # session, user; facets cached; page
        client.get("/catalog/")
    with django_assert_max_num_queries(10):  # + the colours counted without the colour picked
        client.get("/catalog/", {"q": "men tshirt", "sort": "price_desc", "colour": "Blue", "page": "2"})


def test_catalog_query_count_does_not_grow_with_the_page(client, catalog, django_assert_num_queries):
    client.get("/catalog/")  # warm the taxonomy names and the catalog table
    with django_assert_num_queries(1):  # counts and order from the catalog table: only the page
        full = client.get("/catalog/", {"sort": "name", "min_price": "0"})
    assert len(page_products(full)) == PAGE_SIZE
    one = active().order_by("pk").first()
    words = {w for w in normalise_words(one.name) if w not in STOP_WORDS}
    with django_assert_num_queries(len(words) + 1):  # a full-text lookup per word + the page
        single = client.get("/catalog/", {"q": one.name})
    assert len(page_products(single)) >= 1
    with django_assert_num_queries(0):  # the search's matches and its page's tiles kept (main.tile_rows)
        again = client.get("/catalog/", {"q": one.name})
    assert page_products(again) == page_products(single)
