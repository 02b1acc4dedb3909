"""Sellers set stock per size (form, bulk CSV, listings table); a listing without a photo
stays an unlisted draft; the listings table works on a phone and Unlist asks first."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from main.models import ArticleType, Gender, Product
from seller_accounts import bulk, services
from tests.conftest import dataset_image


def photo_upload(index: int = 0) -> SimpleUploadedFile:
    path = dataset_image(index)
    return SimpleUploadedFile(path.name, path.read_bytes(), content_type="image/jpeg")


def listing(**changes) -> dict:
    article = ArticleType.objects.get(name="Tshirts", sub_category__name="Topwear")
    return {
        "name": "Northwind Men Cotton Tshirt",
        "description": "",
        "gender": Gender.objects.get(name="Men").pk,
        "article_type": article.pk,
        "price": "599.00",
        "stock": "S:3;M:5;XL:1",
        **changes,
    }


def stock_of(product) -> dict[str, int]:
    return dict(product.sizes.values_list("label", "stock"))


def test_a_listing_gets_its_stock_per_size(seller_client, seller, catalog):
    response = seller_client.post("/seller/products/new/", {**listing(), "photo": photo_upload(1)})
    assert response.status_code == 302
    product = Product.objects.get(name="Northwind Men Cotton Tshirt")
    assert stock_of(product) == {"XS": 0, "S": 3, "M": 5, "L": 0, "XL": 1, "XXL": 0}
    assert product.stock == 9 and product.is_active
    edit = seller_client.get(f"/seller/products/{product.pk}/edit/")
    assert edit.context["form"].initial["stock"] == "XS:0;S:3;M:5;L:0;XL:1;XXL:0"
    seller_client.post(f"/seller/products/{product.pk}/edit/", listing(stock="XS:2;M:0"))
    product.refresh_from_db()
    assert stock_of(product) == {"XS": 2, "S": 0, "M": 0, "L": 0, "XL": 0, "XXL": 0} and product.stock == 2
    table = seller_client.get("/seller/products/").content.decode()
    assert "XS 2" in table and 'data-test="stock-by-size"' in table


def test_a_size_the_type_does_not_come_in_is_refused(seller_client, catalog):
    response = seller_client.post("/seller/products/new/", listing(stock="UK 9:3"))
    assert response.status_code == 200
    assert "not one of XS, S, M, L, XL, XXL" in " ".join(response.context["form"].errors["stock"])
    assert not Product.objects.filter(name="Northwind Men Cotton Tshirt").exists()


def test_changing_the_type_moves_the_listing_to_its_new_scale(seller_client, seller, catalog):
    seller_client.post("/seller/products/new/", {**listing(), "photo": photo_upload(1)})
    product = Product.objects.get(name="Northwind Men Cotton Tshirt")
    shoes = ArticleType.objects.get(name="Casual Shoes")
    seller_client.post(
        f"/seller/products/{product.pk}/edit/", listing(article_type=shoes.pk, stock="UK 8:4;UK 9:2")
    )
    product.refresh_from_db()
    assert list(product.sizes.values_list("label", flat=True)) == [f"UK {n}" for n in range(5, 13)]
    assert product.stock == 6


def test_a_listing_without_a_photo_is_an_unlisted_draft_until_it_has_one(
    seller_client, seller, shopper, catalog
):
    response = seller_client.post("/seller/products/new/", listing(name="Draft tee"), follow=True)
    assert "unlisted draft" in response.content.decode()
    product = Product.objects.get(name="Draft tee")
    assert not product.is_active
    assert shopper.get(product.get_absolute_url()).status_code == 404
    assert "Draft: no photo" in seller_client.get("/seller/products/").content.decode()
    # Relisting a draft is refused; adding the photo lists it.
    seller_client.post(f"/seller/products/{product.pk}/unlist/")
    product.refresh_from_db()
    assert not product.is_active
    seller_client.post(
        f"/seller/products/{product.pk}/edit/", {**listing(name="Draft tee"), "photo": photo_upload(2)}
    )
    product.refresh_from_db()
    assert product.image and not product.is_active  # saved with its photo, listed by the seller
    seller_client.post(f"/seller/products/{product.pk}/unlist/")
    product.refresh_from_db()
    assert product.is_active and shopper.get(product.get_absolute_url()).status_code == 200


def test_unlist_is_a_link_to_a_confirmation_and_the_table_stacks_on_a_phone(
    seller_client, seller, make_product
):
    product = make_product(seller=seller, name="Parka", image="catalog/parka.jpg")
    html = seller_client.get("/seller/products/").content.decode()
    assert f'href="/seller/products/{product.pk}/unlist/" data-test="unlist"' in html
    assert "listing-table" in html and "listing-actions" in html
    assert "onchange=" not in html and "onclick=" not in html  # scripts live in static/js (CSP)
    confirm = seller_client.get(f"/seller/products/{product.pk}/unlist/").content.decode()
    assert "Unlist “Parka”?" in confirm
    product.refresh_from_db()
    assert product.is_active


def test_bulk_csv_takes_stock_by_size(seller, catalog):
    upload = SimpleUploadedFile(
        "listings.csv",
        b"name,description,price,stock,stock_by_size\nBlue tee,,499,0,S:3;M:5\nRed cap,,299,4,\n",
    )
    rows = bulk.parse_bulk_csv(upload=upload)
    assert [row.stock_by_size for row in rows] == ["S:3;M:5", ""]
    tee = ArticleType.objects.get(name="Tshirts", sub_category__name="Topwear")
    watch = ArticleType.objects.filter(sub_category__master_category__name="Accessories").first()
    reviewed = [
        {
            "name": "Blue tee",
            "price": "499",
            "stock": 0,
            "stock_by_size": "S:3;M:5",
            "gender": "Men",
            "article_type": tee.pk,
        },
        {
            "name": "Red cap",
            "price": "299",
            "stock": 4,
            "stock_by_size": "",
            "gender": "Men",
            "article_type": watch.pk,
        },
    ]
    blue, red = services.bulk_publish(seller=seller, rows=reviewed)
    assert stock_of(blue) == {"XS": 0, "S": 3, "M": 5, "L": 0, "XL": 0, "XXL": 0} and blue.stock == 8
    assert stock_of(red) == {"One size": 4}
    assert not blue.is_active  # the CSV carries no photos: drafts until they get one


def test_bulk_publish_refuses_sizes_of_another_scale_and_publishes_nothing(seller, catalog):
    tee = ArticleType.objects.get(name="Tshirts", sub_category__name="Topwear")
    rows = [
        {
            "name": "Tee",
            "price": "1",
            "stock": 0,
            "stock_by_size": "UK 9:1",
            "gender": "Men",
            "article_type": tee.pk,
        }
    ]
    with pytest.raises(services.BulkStockError, match="row 1"):
        services.bulk_publish(seller=seller, rows=rows)
    assert not Product.objects.filter(name="Tee").exists()


def test_categorization_corrections_are_marked_by_the_service():
    from seller_accounts.models import ListingCategorization

    record = ListingCategorization(
        predicted_gender="Men", chosen_gender="Women", predicted_usage="Casual", chosen_usage="Casual"
    )
    services.categorization_mark_corrections(record=record)
    assert record.gender_corrected and not record.usage_corrected


def test_the_listings_table_sets_stock_per_size(seller_client, seller, other_seller, make_product):
    tee = ArticleType.objects.filter(sub_category__master_category__name="Apparel", name="Tshirts").first()
    product = make_product(
        seller=seller,
        sizes={"S": 1, "M": 2},
        article_type=tee,
        gender=Gender.objects.get_or_create(name="Men")[0],
    )
    sizes = {s.label: s for s in product.sizes.all()}
    assert (
        f'href="/seller/products/{product.pk}/stock/"'
        in seller_client.get("/seller/products/").content.decode()
    )
    page = seller_client.get(f"/seller/products/{product.pk}/stock/")
    assert page.status_code == 200 and 'data-test="stock-form"' in page.content.decode()
    refused = seller_client.post(f"/seller/products/{product.pk}/stock/", {f"size_{sizes['S'].pk}": "-1"})
    assert refused.status_code == 200
    seller_client.post(
        f"/seller/products/{product.pk}/stock/", {f"size_{sizes['S'].pk}": "7", f"size_{sizes['M'].pk}": "0"}
    )
    product.refresh_from_db()
    assert stock_of(product) == {"S": 7, "M": 0} and product.stock == 7
    theirs = make_product(seller=other_seller)
    assert seller_client.get(f"/seller/products/{theirs.pk}/stock/").status_code == 404
