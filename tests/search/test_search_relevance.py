"""What a search finds and in what order, with the trained query reader, on the real catalog:
typos, spacing, stop words, words the catalog never uses, "did you mean", never an empty page."""

from __future__ import annotations

import pytest
from django.db.models import Count, Q

from main.models import Product
from search.forms import CatalogFilterForm
from search.listing import search_ids
from search.query import query_summary, search_rows
from search.suggest import suggestions

TOP = 10


def best(q: str, k: int = TOP) -> list[Product]:
    ids = search_ids(filters=CatalogFilterForm({"q": q}).filters())[:k]
    by_id = Product.objects.select_related("article_type", "gender").in_bulk(ids)
    return [by_id[i] for i in ids]


def types_of(products) -> set[str]:
    return {p.article_type.name for p in products}


def test_a_misspelt_type_finds_that_type_and_offers_the_spelling(catalog, trained_models):
    assert Product.objects.filter(article_type__name="Watches").count() >= TOP
    found = best("wacthes")
    assert types_of(found) == {"Watches"}
    summary = query_summary(q="wacthes")
    assert summary.did_you_mean == "watch" and not summary.exact
    assert query_summary(q="watches").did_you_mean == ""


def test_a_misspelling_nothing_starts_with_is_suggested_as_the_search_corrects_it(catalog, trained_models):
    """The box suggests what the results page would offer ("did you mean"), not nothing."""
    found = suggestions(q="wacthes", limit=8)
    assert found and found == suggestions(q="watch", limit=8)
    assert found[0] == {"kind": "category", "label": "Watches", "url": found[0]["url"]}
    products = [Product.objects.get(dataset_id=s["id"]) for s in found if s["kind"] == "product"]
    assert products and {p.article_type.name for p in products} == {"Watches"}


def test_spacing_and_hyphens_find_the_same_products(catalog, trained_models):
    queries = ("tshirts", "t shirts", "t-shirt")
    ids = {q: search_ids(filters=CatalogFilterForm({"q": q}).filters()) for q in queries}
    assert ids["tshirts"] and ids["tshirts"] == ids["t shirts"] == ids["t-shirt"]
    assert types_of(best("t shirts")) == {"Tshirts"}


def test_stop_words_do_not_have_to_match(catalog, trained_models):
    found = best("tshirts for men")
    assert found and types_of(found) == {"Tshirts"}
    assert {p.gender.name for p in found} <= {"Men", "Unisex"}
    assert query_summary(q="tshirts for men").understood["gender"] == "Men"


def test_not_every_word_must_match(catalog, trained_models):
    """A word no product has ("comfortable") does not empty a search for shoes."""
    found = best("comfortable sports shoes")
    assert found and types_of(found) == {"Sports Shoes"}


def test_a_search_read_as_nothing_lists_nothing_and_says_so(catalog, trained_models):
    """Not the whole catalog counted as results: no results, said (the page then shows popular
    products, labelled as such: tests/search/test_query_meaning.py)."""
    assert search_ids(filters=CatalogFilterForm({"q": "zzqxv"}).filters()) == []
    assert not search_rows(q="zzqxv").understood
    assert not query_summary(q="zzqxv").exact and not query_summary(q="zzqxv").found
    assert query_summary(q="watches").exact


def test_the_brand_and_the_colour_of_a_query_come_first(catalog, trained_models):
    from collections import Counter

    names = Product.objects.filter(article_type__name="Tshirts").values_list("name", flat=True)
    brands = Counter(name.split()[0] for name in names if name.split()[1:2] in (["Men"], ["Women"]))
    brand = brands.most_common(1)[0][0]  # a one-word brand: the words before the gender
    found = best(f"{brand.lower()} tshirts", k=3)
    assert found and all(p.name.lower().startswith(brand.lower()) for p in found)
    black = best("black watches", k=3)
    assert black and all(p.base_colour == "Black" and p.article_type.name == "Watches" for p in black)


@pytest.fixture
def semantic_models(trained_models, onnx_text_encoder):
    """The reader rebuilt with the sentence encoder (its ONNX export, as train_models builds it),
    over the catalog's words and "purses"."""
    from main.ml_fields import catalog_frame
    from ml.search.understand import QueryUnderstanding
    from ml.store import ArtifactStore
    from serving import registry

    model = QueryUnderstanding(encoder=onnx_text_encoder, lexicon_words=["purses"]).fit(catalog_frame())
    store = ArtifactStore(trained_models)
    store.save("search", model, data_fingerprint="test", training_rows=1, writer=model.save)
    registry.reload_all()
    return trained_models


def test_a_word_the_catalog_never_uses_finds_what_it_means(catalog, semantic_models):
    assert not Product.objects.filter(search_text__contains=" purse").exists()
    found = best("purses", k=5)
    assert found and types_of(found) <= {"Handbags", "Wallets", "Clutches"}
    assert not query_summary(q="purses").exact


def test_suggestions_offer_categories_then_products(catalog, trained_models):
    found = suggestions(q="watc", limit=6)
    kinds = [s["kind"] for s in found]
    assert "category" in kinds and "product" in kinds and len(found) <= 6
    assert kinds.index("category") < kinds.index("product")
    category = next(s for s in found if s["kind"] == "category")
    assert category["label"] == "Watches" and category["url"].startswith("/")
    product = next(s for s in found if s["kind"] == "product")
    assert {"id", "image", "label", "url"} <= set(product)
    assert suggestions(q="", limit=6) == []


def test_a_query_stating_no_gender_ranks_grown_ups_first(catalog, trained_models):
    """Children's products follow the grown-ups' (search.query.ADULT_POINTS) unless the query
    asks for children; they still match."""
    kids = ("Boys", "Girls")
    both = (Product.objects.values("article_type__name")
            .annotate(kids=Count("pk", filter=Q(gender__name__in=kids)),
                      grown=Count("pk", filter=~Q(gender__name__in=kids)))
            .filter(kids__gt=0, grown__gt=0).order_by("-kids"))
    kind = both[0]["article_type__name"]
    ids = search_ids(filters=CatalogFilterForm({"q": kind.lower()}).filters())
    genders = dict(Product.objects.filter(pk__in=ids).values_list("pk", "gender__name"))
    is_kid = [genders[i] in kids for i in ids if i in genders]
    assert any(is_kid) and not all(is_kid)
    assert is_kid == sorted(is_kid)  # every grown-up's product before the first child's
