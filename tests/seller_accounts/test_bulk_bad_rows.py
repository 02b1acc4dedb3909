"""A malformed row of a bulk CSV is reported with its line and the rest imports: the review
table shows the good rows, the bad ones are listed with their reasons, and the seller fixes
and adds them there, their photos kept (no second upload)."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from main.models import Product
from tests.conftest import bulk_review_data
from tests.seller_accounts.test_bulk_photos import real_photo, zip_of

pytestmark = pytest.mark.usefixtures("catalog", "trained_models")

CSV_WITH_BAD_ROWS = (
    "name,description,price,stock,photo\n"
    "blue denim jeans for men,,1499,5,jeans.jpg\n"  # line 2
    "Titan Women Silver Watch,steel strap,3999,2,\n"  # line 3
    '"women floral summer dress","light, airy",899,10,\n'  # line 4
    "red silk kurta,,abc,1,kurta.jpg\n"  # line 5: the walkthrough's bad price
    ",,100,1,\n"  # line 6: no name
)
REVIEW = "/seller/products/bulk/review/"
FIX = "/seller/products/bulk/fix/"


def upload(seller_client):
    csv_file = SimpleUploadedFile("products.csv", CSV_WITH_BAD_ROWS.encode(), content_type="text/csv")
    photos = zip_of({"jeans.jpg": real_photo(3), "kurta.jpg": real_photo(0)})
    return seller_client.post("/seller/products/bulk/", {"file": csv_file, "photos": photos})


def test_the_good_rows_import_and_the_bad_ones_are_listed_with_their_reasons(seller_client):
    response = upload(seller_client)
    assert response.status_code == 302 and response.url == REVIEW
    page = " ".join(seller_client.get(REVIEW).content.decode().split())
    assert page.count('data-test="bulk-row"') == 3
    assert page.count('data-test="bulk-rejected"') == 2
    assert "line 5: price &#x27;abc&#x27; is not a number" in page
    assert "line 6: name is empty" in page
    assert "photo kurta.jpg kept" in page  # the bad row's photo is staged for it
    to_fix = seller_client.session["bulk_listing_rows_to_fix"]
    assert [(row["line"], bool(row["photo"])) for row in to_fix] == [(5, True), (6, False)]


def test_a_fixed_row_joins_the_table_with_its_photo_without_a_new_upload(seller_client, seller):
    upload(seller_client)
    response = seller_client.post(
        FIX, {"line": "5", "name": "red silk kurta", "description": "", "price": "899", "stock": "1",
              "stock_by_size": ""}
    )
    assert response.status_code == 302 and response.url == REVIEW
    staged = seller_client.session["bulk_listing_rows"]
    assert [row["line"] for row in staged] == [2, 3, 4, 5]
    kurta = staged[-1]
    assert kurta["name"] == "red silk kurta" and kurta["price"] == "899.00" and kurta["photo"]
    assert kurta["master_category"]  # categorized like the others
    page = seller_client.get(REVIEW).content.decode()
    assert page.count('data-test="bulk-row"') == 4
    assert page.count('data-test="bulk-rejected"') == 1


def test_a_fix_that_is_still_wrong_stays_listed_with_the_new_reason(seller_client):
    upload(seller_client)
    response = seller_client.post(FIX, {"line": "6", "name": "", "price": "100", "stock": "1"},
                                  follow=True)
    page = response.content.decode()
    assert page.count('data-test="bulk-row"') == 3
    assert page.count('data-test="bulk-rejected"') == 2
    assert "line 6: name is empty" in page


def test_publishing_publishes_the_good_rows_while_bad_ones_wait(seller_client, seller):
    upload(seller_client)
    review = seller_client.get(REVIEW)
    formset = review.context["formset"]
    assert len(formset.forms) == 3
    response = seller_client.post(REVIEW, bulk_review_data(formset), follow=True)
    assert response.redirect_chain[-1][0] == "/seller/products/"
    assert Product.objects.filter(seller=seller).count() == 3
    assert "2 rows of the file were not fixed" in response.content.decode()


def test_a_file_whose_every_row_is_bad_still_opens_the_review_to_fix_them(seller_client):
    text = "name,price,stock\nred silk kurta,abc,1\n"
    csv_file = SimpleUploadedFile("products.csv", text.encode(), content_type="text/csv")
    response = seller_client.post("/seller/products/bulk/", {"file": csv_file})
    assert response.status_code == 302 and response.url == REVIEW
    page = seller_client.get(REVIEW).content.decode()
    assert page.count('data-test="bulk-rejected"') == 1 and 'data-test="bulk-row"' not in page
    assert 'data-test="publish"' not in page  # nothing to publish until it is fixed
    seller_client.post(FIX, {"line": "2", "name": "red silk kurta", "price": "799", "stock": "1"})
    assert seller_client.get(REVIEW).content.decode().count('data-test="bulk-row"') == 1
