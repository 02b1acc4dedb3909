"""Product pages shared by shoppers (core/page_cache.py) and reviews: a review written or
hidden draws the page afresh, and no shopper sees another's way to review or their votes."""

from __future__ import annotations

import pytest

from reviews.services import review_create, review_hide
from tests.conftest import _user
from tests.reviews.orders import order_of


@pytest.fixture(autouse=True)
def _page_cache_on(settings):
    settings.PAGE_CACHE = True


@pytest.fixture
def product(make_product, seller):
    return make_product(seller=seller, name="Roadster Men Olive Cargo Shorts")


def test_a_review_written_or_hidden_draws_the_shared_page_afresh(client, product, staff):
    url = product.get_absolute_url()
    assert client.get(url)["X-Page-Cache"] == "miss"
    assert client.get(url)["X-Page-Cache"] == "hit"
    author = _user("verified")
    order_of(buyer=author, product=product)
    review = review_create(author=author, product=product, rating=5, body="Sturdy pockets.")
    page = client.get(url)
    assert page["X-Page-Cache"] == "miss" and "Sturdy pockets." in page.content.decode()
    review_hide(review=review, by=staff, reason="Spam test")
    assert "Sturdy pockets." not in client.get(url).content.decode()


def test_a_verified_buyers_review_link_is_never_another_shoppers(client, product, buyer):
    url = product.get_absolute_url()
    order_of(buyer=buyer, product=product)
    client.force_login(buyer)
    own = client.get(url)
    assert "X-Page-Cache" not in own  # their page is their own: never stored for others
    assert 'data-test="write-review-link"' in own.content.decode()
    other = _user("browsing")
    client.force_login(other)
    seen = client.get(url).content.decode()
    assert 'data-test="write-review-link"' not in seen and "Only verified buyers" in seen
    client.logout()
    anonymous = client.get(url).content.decode()
    assert "Log in to review" in anonymous and "Only verified buyers" not in anonymous


def test_a_verified_buyer_still_shares_the_catalog_whose_pages_show_no_review_section(client, product, buyer):
    """The review section's rule holds on product pages only: a buyer who received an order
    keeps sharing the catalog's pages with everyone else."""
    order_of(buyer=buyer, product=product)
    client.force_login(buyer)
    assert "X-Page-Cache" not in client.get(product.get_absolute_url())
    catalog = "/catalog/?q=shorts"
    assert client.get(catalog)["X-Page-Cache"] == "miss"
    assert client.get(catalog)["X-Page-Cache"] == "hit"
