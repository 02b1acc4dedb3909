"""The brand of a product, read from its name: at import, when a listing is saved, in the form."""

from __future__ import annotations

import pytest
from django.db.models import Count

from main.catalog_import import import_catalog
from main.ml_fields import catalog_frame
from main.models import ArticleType, Gender, Product
from main.services import product_create, product_update
from ml.catalog.brands import BrandLexicon, brand_key, brand_lexicon, known_brand, leading_brand, read_brands
from ml.search.understand import QueryUnderstanding
from tests.main.test_catalog_import import good_row, write_dataset


@pytest.mark.parametrize(
    ("name", "brand"),
    [
        ("Nike Men Black Polo T-shirt", "Nike"),
        ("Gini and Jony Girl's Pink Top", "Gini and Jony"),
        ("United Colors of Benetton Women Blue Jeans", "United Colors of Benetton"),
        ("Men Black Shoes", ""),  # no word before the gender word
        ("Black Leather Wallet", ""),  # no gender word at all
        ("a b c d e Men Shirt", ""),  # five words before it: not a brand
    ],
)
def test_the_words_before_the_gender_word_are_the_brand(name, brand):
    assert leading_brand(name) == brand


def test_brands_are_learned_from_three_names_and_written_as_most_write_them():
    names = ["ADIDAS Men Shoes", "ADIDAS Women Top", "Adidas Men Cap", "Lonely Men Shirt", "Lonely Women Top",
             "Adidas Black Bag", "Adidas"]
    assert brand_lexicon(names) == {"adidas": "ADIDAS"}
    # A name without a gender word takes a known brand it starts with; two names make no brand.
    assert read_brands(names) == ["ADIDAS", "ADIDAS", "ADIDAS", "", "", "ADIDAS", ""]
    reid = {brand_key("Reid & Taylor"): "Reid & Taylor"}
    assert known_brand("reid&taylor slim trousers", reid) == "Reid & Taylor"


def test_spellings_of_one_brand_are_one_brand():
    assert brand_key("Ray-Ban") == brand_key("Rayban") == brand_key("RAY BAN")
    assert brand_key("U.S. Polo Assn.") == brand_key("US Polo Assn")
    lexicon = BrandLexicon().fit(["Ray-Ban Men Aviators", "Ray-Ban Unisex Sunglasses", "Rayban Men Wayfarer"])
    assert lexicon.spellings_ == {"rayban": "Ray-Ban"} and lexicon.counts_ == {"rayban": 3}
    assert lexicon.variants_["rayban"] == ("Ray-Ban", "Rayban")
    assert lexicon.read("RAYBAN Black Sunglasses") == "Ray-Ban"


def test_a_word_names_use_more_often_as_an_ordinary_word_is_no_brand():
    """Three "Red ..." names start with it, but more names use "red" as their colour."""
    names = ["Red Men Tshirt", "Red Women Top", "Red Men Shirt",
             "Nike Men Red Shoes", "Nike Women Red Top", "Puma Men Red Cap", "Puma Men Red Tshirt",
             "Nike Men Black Shoes", "Puma Women Blue Top"]
    lexicon = BrandLexicon().fit(names)
    assert "Red" not in lexicon and "Nike" in lexicon and "Puma" in lexicon
    assert lexicon.read("Red Men Tshirt") == "" and lexicon.read("Puma Red Tshirt") == "Puma"
    # As many ordinary uses as brand uses: still a brand (at least half the uses name it).
    assert "Red" in BrandLexicon().fit(names[:6])


def test_import_reads_every_brand(db, tmp_path):
    rows = [
        good_row(1, name="Acme Men Blue Tshirt"),
        good_row(2, name="ACME Men Red Tshirt"),
        good_row(3, name="Acme Men Green Tshirt"),
        good_row(4, name="Acme Blue Tshirt"),  # no gender word: the known brand
        good_row(5, name="Solo Men Grey Tshirt"),  # a brand only one name uses: none
    ]
    import_catalog(data_dir=write_dataset(tmp_path / "data", rows))
    brands = dict(Product.objects.filter(dataset_id__lte=5).values_list("dataset_id", "brand"))
    assert brands == {1: "Acme", 2: "Acme", 3: "Acme", 4: "Acme", 5: ""}


def test_the_real_catalog_gets_its_brands(catalog):
    products = list(Product.objects.filter(dataset_id__isnull=False))
    lexicon = BrandLexicon().fit(p.name for p in products)
    with_brand = [p for p in products if p.brand]
    # 97.6% of the full catalog; a 300-name sample sees far fewer brands three times (55%).
    assert len(with_brand) >= 0.5 * len(products)
    for product in products:
        if leading_brand(product.name) in lexicon:
            assert product.brand == lexicon.spelling(leading_brand(product.name)), product.name
    for product in with_brand:
        assert brand_key(product.name).startswith(brand_key(product.brand)), product.name


def test_the_search_reads_a_brand_as_the_import_stores_it(catalog):
    """The search filters on ``Product.brand``: a query naming a brand, in any of its
    spellings, must come out spelled as the import stored it."""
    reader = QueryUnderstanding().fit(catalog_frame())
    stored = set(Product.objects.exclude(brand="").values_list("brand", flat=True))
    assert len(stored) >= 10
    for brand in stored:
        assert reader.parse(brand).brand == brand
        assert reader.parse(f"{brand.lower()} tshirt").brand == brand
        spaced = " ".join(brand.replace("-", " ").replace(".", " ").split())
        assert reader.parse(spaced).brand == brand


def _listing(seller, **fields):
    return product_create(
        seller=seller, description="", gender=Gender.objects.get(name="Men"),
        article_type=ArticleType.objects.get(name="Tshirts", sub_category__name="Topwear"),
        base_colour="Blue", usage="Casual", season="Summer", price="499", stock=3, **fields,
    )


def test_a_listing_takes_a_known_brand_from_its_name_and_keeps_one_given(catalog, seller):
    brand = (Product.objects.exclude(brand="").values_list("brand").annotate(n=Count("id"))
             .order_by("-n")[0][0])
    read = _listing(seller, name=f"{brand.lower()} cotton tshirt for men")
    assert Product.objects.get(pk=read.pk).brand == brand
    unknown = _listing(seller, name="Northwind organic cotton tshirt")
    assert Product.objects.get(pk=unknown.pk).brand == ""  # no brand guessed from a plain word
    own = _listing(seller, name="Organic cotton tshirt", brand=" Northwind ")
    assert Product.objects.get(pk=own.pk).brand == "Northwind"
    product_update(product=own, brand="Northwind Outfitters")
    assert Product.objects.get(pk=own.pk).brand == "Northwind Outfitters"


def test_the_listing_form_offers_the_brand(seller_client, catalog):
    from tests.seller_accounts.test_seller import listing_data

    html = seller_client.get("/seller/products/new/").content.decode()
    assert 'name="brand"' in html
    seller_client.post("/seller/products/new/", listing_data(brand="Northwind"))
    assert Product.objects.get(name=listing_data()["name"]).brand == "Northwind"
