"""The brand of a product, read from its name: at import, when a listing is saved, in the form."""

from __future__ import annotations

import pytest
from django.db.models import Count

from main.catalog_import import import_catalog
from main.models import ArticleType, Gender, Product
from main.services import product_create, product_update
from ml.catalog.brands import brand_lexicon, known_brand, leading_brand, read_brands
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


def test_brands_are_learned_from_two_names_and_written_as_most_write_them():
    names = ["ADIDAS Men Shoes", "ADIDAS Women Top", "Adidas Men Cap", "Lonely Men Shirt", "Adidas Black Bag",
             "Adidas"]
    assert brand_lexicon(names) == {"adidas": "ADIDAS"}
    # A name without a gender word takes a known brand it starts with; a one-off is no brand.
    assert read_brands(names) == ["ADIDAS", "ADIDAS", "ADIDAS", "", "ADIDAS", ""]
    assert known_brand("reid&taylor slim trousers", {"reid taylor": "Reid & Taylor"}) == "Reid & Taylor"


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
    products = Product.objects.filter(dataset_id__isnull=False)
    with_brand = products.exclude(brand="")
    # 98% of the full catalog; a 300-name sample sees fewer brands twice.
    assert with_brand.count() >= 0.7 * products.count()
    leading = [leading_brand(p.name) for p in products]
    repeated = {b.lower() for b in leading if b and sum(x.lower() == b.lower() for x in leading) > 1}
    for product, brand in zip(products, leading, strict=True):
        if brand.lower() in repeated:
            assert product.brand.lower() == brand.lower(), product.name
    for product in with_brand:
        assert product.name.lower().replace(" ", "").startswith(product.brand.lower().replace(" ", ""))


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
