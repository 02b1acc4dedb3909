"""The listing form keeps the chosen photo when it is sent back with errors (a browser cannot
refill a file input), and says at once when a chosen file is not a photo."""

from __future__ import annotations

import re

import pytest

from main.images import MAX_UPLOAD_BYTES, normalise_product_photo
from main.models import Product
from tests.seller_accounts.test_seller import listing_data, photo_upload

pytestmark = pytest.mark.usefixtures("catalog")
NEW = "/seller/products/new/"


def kept_photo(page: str) -> str:
    match = re.search(r'name="kept_photo" value="([^"]*)"', page)
    return match.group(1) if match else ""


def test_a_form_sent_back_with_errors_keeps_the_photo_for_the_next_save(seller_client, seller):
    response = seller_client.post(NEW, {**listing_data(price="not a price"), "photo": photo_upload(3)})
    assert response.status_code == 200 and response.context["form"].errors.keys() == {"price"}
    page = response.content.decode()
    kept = kept_photo(page)
    assert kept and 'data-test="kept-photo"' in page  # shown, with a way to replace it
    # The seller fixes the price and saves, without choosing the photo again.
    response = seller_client.post(NEW, {**listing_data(), "kept_photo": kept})
    assert response.status_code == 302
    product = Product.objects.get(seller=seller)
    assert product.image and product.is_active


def test_a_new_photo_replaces_the_kept_one(seller_client, seller):
    kept = kept_photo(seller_client.post(
        NEW, {**listing_data(price=""), "photo": photo_upload(3)}).content.decode())
    seller_client.post(NEW, {**listing_data(), "kept_photo": kept, "photo": photo_upload(5)})
    product = Product.objects.get(seller=seller)
    with product.image.open("rb") as handle:
        saved = handle.read()
    assert saved == normalise_product_photo(photo_upload(5)).read()


def test_another_sellers_kept_photo_is_ignored(client, seller, other_seller):
    client.force_login(other_seller)
    response = client.post(NEW, {**listing_data(price=""), "photo": photo_upload(3)})
    theirs = kept_photo(response.content.decode())
    assert theirs
    client.force_login(seller)
    client.post(NEW, {**listing_data(), "kept_photo": theirs})
    product = Product.objects.get(seller=seller)
    assert not product.image and not product.is_active


def test_the_photo_field_tells_the_page_what_it_accepts(seller_client):
    page = seller_client.get(NEW).content.decode()
    assert f'data-max-bytes="{MAX_UPLOAD_BYTES}"' in page
    assert 'accept="image/jpeg,image/png,image/webp"' in page
