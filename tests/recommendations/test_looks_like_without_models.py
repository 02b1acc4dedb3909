"""The product page before any photo model is trained: no "Looks like this" carousel."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.django_db


def test_product_page_has_no_visual_carousel_without_a_photo_index(client, catalog):
    from main.models import Product

    product = Product.objects.filter(is_active=True).first()
    page = client.get(f"/products/{product.dataset_id}/").content.decode()
    assert 'data-test="looks-like"' not in page
