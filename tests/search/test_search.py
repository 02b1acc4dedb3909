"""Free-text search over the real catalog: case, plurals, punctuation, whole-word prefixes."""

from __future__ import annotations

import pytest

from main.models import Product
from main.search_text import normalise_words
from ml.catalog.text import singular
from search.forms import CatalogFilterForm
from search.listing import CatalogFilters, search_ids
from search.query import QueryIntent, query_intent


def search(q: str) -> set[int]:
    return set(search_ids(filters=CatalogFilters(q=q)))


def words_of(product: Product) -> set[str]:
    return set(product.search_text.split())


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("Men's T-Shirts", ["men", "tshirt"]),
        ("MEN'S TSHIRTS", ["men", "tshirt"]),
        ("Watches", ["watch"]),
        ("dresses & shoes", ["dress", "shoe"]),
        ("Jeans for WOMEN", ["jean", "for", "women"]),
        ("Caps, briefs; flip-flops", ["cap", "brief", "flipflop"]),
        ("accessories", ["accessory"]),
        ("dress glass bus", ["dress", "glass", "bus"]),
    ],
)
def test_normalise_words(text, words):
    assert normalise_words(text) == words


def test_singular_is_idempotent():
    for word in ["tshirts", "watches", "dresses", "shoes", "accessories", "bags", "jeans", "glasses"]:
        once = singular(word)
        assert singular(once) == once


def test_tshirt_spellings_find_the_same_products(catalog):
    tshirts = set(Product.objects.filter(article_type__name="Tshirts").values_list("pk", flat=True))
    assert tshirts, "the fixture catalog has T-shirts"
    found = search("tshirt")
    assert tshirts <= found
    assert search("t-shirts") == search("T-Shirt") == search("TSHIRTS") == found
    for product in Product.objects.filter(pk__in=found):
        assert any(word.startswith("tshirt") for word in words_of(product))


def test_mens_tshirts_are_found_whatever_the_case(catalog):
    mens_tshirts = set(
        Product.objects.filter(article_type__name="Tshirts", gender__name="Men").values_list("pk", flat=True)
    )
    assert mens_tshirts
    found = search("MEN'S TSHIRTS")
    assert mens_tshirts <= found
    assert found == search("men's t-shirts") == search("mens tshirt")
    for product in Product.objects.filter(pk__in=found):
        words = words_of(product)
        assert any(w.startswith("men") for w in words) and any(w.startswith("tshirt") for w in words)


def test_watches_finds_watches(catalog):
    watches = set(Product.objects.filter(article_type__name="Watches").values_list("pk", flat=True))
    assert watches
    found = search("watches")
    assert watches <= found
    assert found == search("Watch")


def test_men_does_not_match_women(catalog):
    women_only = [
        p.pk
        for p in Product.objects.filter(gender__name="Women")
        if not any(w.startswith("men") for w in words_of(p))
    ]
    assert women_only, "the fixture catalog has women's products"
    found = search("men")
    assert found
    assert not found & set(women_only)
    assert set(women_only) <= search("women")


def test_every_word_must_match(catalog):
    both = search("blue tshirt")
    assert both == search("tshirt") & search("blue")
    assert search("tshirt zzznotaword") == set()


def test_search_ignores_unlisted_products(catalog):
    product = Product.objects.filter(article_type__name="Watches").first()
    product.is_active = False
    product.save()
    assert product.pk not in search("watches")


def test_punctuation_only_query_is_no_filter(catalog):
    assert len(search("'-'")) == Product.objects.filter(is_active=True).count()


def ranked(q: str, **filters) -> list[str]:
    ids = search_ids(filters=CatalogFilterForm({"q": q, **filters}).filters())
    names = dict(Product.objects.filter(pk__in=ids).values_list("pk", "name"))
    return [names[i] for i in ids]


@pytest.fixture
def jeans_and_a_jeans_deodorant(catalog, seller, make_product):
    """Men's blue jeans listed first, then (newer) a deodorant whose name says "Blue Jeans"."""
    from main.models import ArticleType, Gender, MasterCategory, SubCategory

    men = Gender.objects.get_or_create(name="Men")[0]
    jeans = make_product(seller=seller, name="Northwind Men Blue Slim Jeans", gender=men,
                         article_type=ArticleType.objects.get(name="Jeans"))
    master = MasterCategory.objects.get_or_create(name="Personal Care")[0]
    fragrance = SubCategory.objects.get_or_create(master_category=master, name="Fragrance")[0]
    deodorant = ArticleType.objects.get_or_create(sub_category=fragrance, name="Deodorant")[0]
    deo = make_product(seller=seller, name="Lomani Men Blue Jeans Deo", gender=men, article_type=deodorant)
    return jeans, deo


def test_a_search_lists_what_the_query_asks_for_in_every_order(jeans_and_a_jeans_deodorant, trained_models):
    """A deodorant whose name says "Blue Jeans" is not a pair of jeans: the query's type
    filters the result (it used to only rank it, and a newest-first order showed the deodorant)."""
    jeans, deo = jeans_and_a_jeans_deodorant
    newest_first = ranked("blue jeans men", sort="newest")
    assert jeans.name in newest_first and deo.name not in newest_first
    best_match = ranked("blue jeans men")
    assert len(best_match) >= 2, "the fixture catalog has other blue jeans for men"
    assert all(Product.objects.get(name=name).article_type.name == "Jeans" for name in best_match)
    assert set(best_match) == set(newest_first) == set(ranked("blue jeans men", sort="price_asc"))


def test_without_a_model_a_search_is_newest_first(jeans_and_a_jeans_deodorant, settings, tmp_path):
    from serving import registry

    settings.MODELS_DIR = tmp_path  # nothing trained there
    registry.reload_all()
    try:
        assert ranked("blue jeans men") == ranked("blue jeans men", sort="newest")
    finally:
        registry.reload_all()


def test_query_intent_names_only_what_the_model_is_sure_of(trained_models):
    intent = query_intent(q="blue denim jeans for men")
    assert (intent.gender, intent.sub_category, intent.article_type) == ("Men", "Bottomwear", "Jeans")
    assert query_intent(q="jeans").gender == ""  # no gender word: no gender preferred
    assert query_intent(q="---") == QueryIntent()


@pytest.mark.parametrize(
    ("params", "sort"),
    [({"q": "jeans"}, "relevance"), ({}, "newest"), ({"sort": "relevance"}, "newest"),
     ({"q": "jeans", "sort": "price_asc"}, "price_asc"), ({"q": "jeans", "sort": "bogus"}, "newest")],
)
def test_searches_sort_by_best_match_unless_asked_otherwise(params, sort):
    assert CatalogFilterForm(params).filters().sort == sort


def test_the_catalog_pages_through_the_best_match_order(client, jeans_and_a_jeans_deodorant, trained_models):
    from core.pages import PAGE_SIZE

    order = ranked("blue jeans men")
    shown = []
    for number in range(1, len(order) // PAGE_SIZE + 2):
        page = client.get("/catalog/", {"q": "blue jeans men", "page": number}).context["page"]
        shown += [product.name for product in page.object_list]
    assert shown == order  # every result once, in best-match order, across the pages
