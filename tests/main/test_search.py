"""Free-text search over the real catalog: case, plurals, punctuation, whole-word prefixes."""

from __future__ import annotations

import pytest

from main.models import Product
from main.search import normalise_words, singular
from main.selectors import CatalogFilters, product_search


def search(q: str) -> set[int]:
    return set(product_search(filters=CatalogFilters(q=q)).values_list("pk", flat=True))


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
