"""The result set means the query: what the query was read as (article types, gender, colour,
brand, a stated price) filters the results in every order; what has to be given up for anything
to match is said; a query read as nothing lists nothing (popular products shown, labelled)."""

from __future__ import annotations

from collections import Counter

import pytest

from core.pages import PAGE_SIZE
from main.models import ArticleType, Product, SubCategory
from search.forms import CatalogFilterForm
from search.listing import catalog_page, search_ids
from search.query import query_summary, search_rows
from serving.registry import loaded

pytestmark = pytest.mark.usefixtures("catalog", "trained_models")


def listed(q: str, sort: str = "relevance", *, similar: bool = False) -> list[Product]:
    """The products the search lists for ``q``: its match, and with ``similar`` the similar
    products that follow a match thinner than a page (this sample catalog is small)."""
    ids = search_ids(filters=CatalogFilterForm({"q": q, "sort": sort}).filters())
    if not similar:
        ids = ids[:search_rows(q=q).matched]
    by_id = Product.objects.select_related("article_type", "gender", "master_category").in_bulk(ids)
    return [by_id[i] for i in ids]


def biggest_type() -> str:
    return Counter(Product.objects.values_list("article_type__name", flat=True)).most_common(1)[0][0]


@pytest.mark.parametrize("sort", ["relevance", "price_asc", "price_desc", "newest"])
def test_the_type_a_query_names_filters_the_results_in_every_order(sort):
    article = biggest_type()
    found = listed(article.lower(), sort)
    assert {p.article_type.name for p in found} == {article}
    assert len(found) == Product.objects.filter(article_type__name=article, is_active=True).count()


def test_a_colour_filters_rather_than_ranks():
    article = biggest_type()
    of_type = Product.objects.filter(article_type__name=article)
    colours = Counter(of_type.values_list("base_colour", flat=True))
    colour = next(c for c, _ in colours.most_common() if c.lower() in loaded("search").colour_words_)
    found = listed(f"{colour.lower()} {article.lower()}", "price_asc")
    assert found and {p.base_colour for p in found} <= set(loaded("search").colour_words_[colour.lower()])
    assert {p.article_type.name for p in found} == {article}


def test_a_colour_nothing_has_is_given_up_and_said():
    reader = loaded("search")
    article = biggest_type()
    present = set(Product.objects.filter(article_type__name=article).values_list("base_colour", flat=True))
    word = next(w for w, shades in sorted(reader.colour_words_.items())
                if " " not in w and not set(shades) & present)
    q = f"{word} {article.lower()}"
    result = search_rows(q=q)
    assert result.dropped == ("colour",) and len(result.rows)
    summary = query_summary(q=q)
    assert summary.message == f"No {word} {article.lower()} — showing {article.lower()} in all colours"
    assert not summary.exact and summary.found


def test_a_query_read_as_nothing_lists_nothing_and_says_so(client):
    assert len(search_rows(q="xyzqwerty").rows) == 0
    summary = query_summary(q="xyzqwerty")
    assert not summary.found and summary.message == "No results for “xyzqwerty”"
    response = client.get("/catalog/", {"q": "xyzqwerty"})
    assert response.context["facets"].total == 0
    html = response.content.decode()
    assert "No results for “xyzqwerty”" in html and 'data-test="popular"' in html
    assert response.context["popular"]


def test_kids_reads_as_boys_and_girls_and_boys_narrower():
    kids = listed("kids tshirt")
    assert query_summary(q="kids tshirt").understood["gender"] == "Kids"
    assert kids and {p.gender.name for p in kids} <= {"Boys", "Girls"}
    boys = listed("boys tshirt")
    if Product.objects.filter(gender__name="Boys", article_type__name="Tshirts").exists():
        assert {p.gender.name for p in boys} == {"Boys"}


def test_a_stated_price_filters():
    article = biggest_type()
    prices = sorted(Product.objects.filter(article_type__name=article).values_list("price", flat=True))
    limit = int(prices[len(prices) // 2])
    found = listed(f"{article.lower()} under {limit}")
    assert found and all(p.price <= limit and p.article_type.name == article for p in found)


def test_an_article_type_under_two_subcategories_is_one_facet_value():
    product = Product.objects.select_related("article_type__sub_category").filter(
        article_type__name="Tshirts").first()
    other_sub = SubCategory.objects.exclude(pk=product.article_type.sub_category_id).first()
    twin = ArticleType.objects.create(name="Tshirts", sub_category=other_sub)
    Product.objects.filter(pk=product.pk).update(article_type=twin)
    from main.catalog_table import catalog_changed

    catalog_changed()
    _page, facets = catalog_page(filters=CatalogFilterForm({"q": "tshirts"}).filters(), number=1, size=24)
    values = [v for v in facets.types if v.label == "Tshirts"]
    total = Product.objects.filter(article_type__name="Tshirts", is_active=True).count()
    assert len(values) == 1 and values[0].count == total
    picked = CatalogFilterForm({"type": [values[0].value]}).filters()
    assert len(search_ids(filters=picked)) == total


def test_a_gender_word_reads_as_that_gender():
    assert query_summary(q="tshirts for women").understood["gender"] == "Women"
    assert query_summary(q="tshirts for men").understood["gender"] == "Men"


def test_clothes_of_no_named_type_are_apparel():
    found = listed("gym wear")
    assert found and {p.master_category.name for p in found} == {"Apparel"}
    assert query_summary(q="party wear").understood["articleType"] == "Clothing"
    # a vocabulary phrase for a kind of clothes names the types it means
    assert "Track Pants" in query_summary(q="gym wear").understood["articleType"]


def test_a_named_type_worn_by_apparel_words_is_not_narrowed_to_clothes():
    """"party wear shoes": the shoes say what, "wear" only when."""
    shoes = {p.article_type.name for p in listed("party wear shoes")}
    assert shoes and all("Shoes" in name for name in shoes), shoes


def test_a_shelf_word_alone_asks_for_every_type_on_the_shelf():
    """"shoes" is the catalog's Shoes subcategory (heels and flats too); "sports shoes" keeps
    to the type its words name."""
    shelf = set(ArticleType.objects.filter(sub_category__name="Shoes").values_list("name", flat=True))
    present = set(Product.objects.filter(is_active=True, article_type__name__in=shelf)
                  .values_list("article_type__name", flat=True))
    assert {"Heels", "Casual Shoes"} <= present, "the sample has heels and casual shoes"
    assert {p.article_type.name for p in listed("shoes")} == present
    assert {p.article_type.name for p in listed("sports shoes")} == {"Sports Shoes"}


def test_a_type_the_catalog_lacks_for_a_gender_shows_that_gender_s_nearest_types():
    """"womens formal shoes" (none in the catalog): heels and flats for women, said so,
    rather than men's formal shoes; the gender is given up only when nothing else serves."""
    genders = {"women": "Women", "men": "Men"}
    pairs = Product.objects.filter(is_active=True).values_list("article_type__name", "gender__name")
    present = set(pairs)
    shown_instead = 0
    for article in sorted({a for a, _ in present}):
        for word, gender in genders.items():
            if (article, gender) in present or (article, "Unisex") in present:
                continue
            q = f"{word} {article.lower()}"
            result = search_rows(q=q)
            if not result.instead:
                continue
            shown_instead += 1
            found = listed(q)
            assert found and {p.gender.name for p in found} <= {gender, "Unisex"}, q
            assert {p.article_type.name for p in found} <= set(result.instead), q
            assert " instead" in query_summary(q=q).message, q
    assert shown_instead, "no query for a type a gender lacks was answered with that gender's types"


@pytest.mark.parametrize("sort", ["relevance", "price_asc", "newest"])
def test_a_thin_match_comes_first_and_similar_products_follow_it(sort):
    """A type with fewer products than a page: its products first in every order, then
    similar ones (the categorizer's reading of the query), and the page says so."""
    counts = Counter(Product.objects.filter(is_active=True).values_list("article_type__name", flat=True))
    thin = sorted(name for name, n in counts.items() if 1 <= n < PAGE_SIZE)
    topped_up = []
    for article in thin:
        q = article.lower()
        result = search_rows(q=q)
        if result.dropped or result.relaxed or not result.understood:
            continue
        found = listed(q, sort, similar=True)
        head = found[:result.matched]
        assert sum(p.article_type.name == article for p in head) == counts[article], q
        if len(found) > result.matched:
            assert article not in {p.article_type.name for p in found[result.matched:]}, q
            assert query_summary(q=q).message.endswith("similar products follow"), q
            topped_up.append(article)
        else:
            assert not query_summary(q=q).message, q
    assert topped_up, f"no thin type of {thin} was followed by similar products"


def test_the_page_and_the_api_count_a_thin_match_apart_from_what_follows(client):
    counts = Counter(Product.objects.filter(is_active=True).values_list("article_type__name", flat=True))
    for article in sorted(name for name, n in counts.items() if 1 <= n < PAGE_SIZE):
        q = article.lower()
        result = search_rows(q=q)
        if result.dropped or result.relaxed or result.matched == len(result.rows):
            continue
        data = client.get("/api/v1/search", {"q": q}).json()
        assert data["matched"] == result.matched < data["count"], q
        html = client.get("/catalog/", {"q": q}).content.decode()
        similar = data["count"] - data["matched"]
        assert f"then {similar} similar" in html, q
        return
    pytest.fail("no thin match in the sample was followed by similar products")


def test_the_summary_names_the_asked_types_the_match_has_most_first():
    """"ethnic wear" names sarees, lehengas and kurtas alike; for men, the page says what it
    lists (it named "Sarees, Salwar and Dupatta, Nehru Jackets, …")."""
    found = Counter(p.article_type.name for p in listed("ethnic wear for men"))
    label = query_summary(q="ethnic wear for men").understood["articleType"]
    named = label.removesuffix(", …").split(", ")
    assert found and named[0] == found.most_common(1)[0][0]
    assert set(named) <= set(found)
