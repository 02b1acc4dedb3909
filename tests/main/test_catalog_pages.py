"""Product pages and the home page, and their query budgets (the listing: tests/search)."""

from __future__ import annotations

from main.departments import NOT_DEPARTMENTS
from main.models import Product
from main.money import rupees
from tests.conftest import sell_out
from tests.html import unlabelled_fields


def active():
    return Product.objects.filter(is_active=True)


# --- query budgets ------------------------------------------------------------------------


def test_product_page_runs_a_bounded_number_of_queries(client, catalog, buyer, django_assert_max_num_queries):
    product = active().first()
    # Each budget has one query more since sizes: the product's sizes (the size picker).
    # + the four taxonomy tables, once per process, and the experiments' plans, once per 10 s
    with django_assert_max_num_queries(8):
        assert client.get(f"/products/{product.dataset_id}/").status_code == 200
    # product with seller, sizes; the view is queued (written in batches); no session for a visitor
    with django_assert_max_num_queries(2):
        client.get(f"/products/{product.dataset_id}/")
    client.force_login(buyer)
    # + the wishlist's products for the heart and the session keeping them: once per session
    # + whether the shopper received the product (reviews: may they write one)
    with django_assert_max_num_queries(9):
        client.get(f"/products/{product.dataset_id}/")


# --- product pages ------------------------------------------------------------------------


def test_product_page_by_dataset_id(client, catalog):
    product = active().exclude(image="").filter(stock__gt=0).select_related("seller").first()
    response = client.get(f"/products/{product.dataset_id}/")
    assert response.status_code == 200
    html = response.content.decode()
    assert product.name in html
    assert product.image.url in html
    assert rupees(product.price) in html
    assert str(product.seller) in html
    assert 'data-test="add-to-cart"' in html
    assert product.get_absolute_url() == f"/products/{product.dataset_id}/"


def test_listing_url_redirects_imported_products(client, catalog):
    product = active().first()
    response = client.get(f"/listings/{product.pk}/")
    assert response.status_code == 301
    assert response["Location"] == f"/products/{product.dataset_id}/"


def test_seller_listing_is_served_at_its_listing_url(client, catalog, make_product, seller):
    listing = make_product(seller=seller, name="Handmade linen shirt")
    assert listing.get_absolute_url() == f"/listings/{listing.pk}/"
    response = client.get(listing.get_absolute_url())
    assert response.status_code == 200
    assert "Handmade linen shirt" in response.content.decode()


def test_unknown_ids_are_404(client, catalog):
    missing = (Product.objects.order_by("-dataset_id").first().dataset_id or 0) + 1000
    response = client.get(f"/products/{missing}/")
    assert response.status_code == 404
    assert "We could not find that page" in response.content.decode()
    assert client.get("/listings/99999999/").status_code == 404
    assert client.get("/products/abc/").status_code == 404


def test_unlisted_products_are_hidden_from_shoppers(client, catalog, make_product, seller):
    imported = active().first()
    imported.is_active = False
    imported.save()
    listing = make_product(seller=seller, name="Withdrawn jacket", is_active=False)
    assert client.get(f"/products/{imported.dataset_id}/").status_code == 404
    assert client.get(f"/listings/{imported.pk}/").status_code == 404
    assert client.get(f"/listings/{listing.pk}/").status_code == 404
    response = client.get("/catalog/", {"q": "withdrawn jacket"})
    assert response.context["facets"].total == 0
    assert client.get("/catalog/").context["facets"].total == active().count()


def test_a_seller_previews_their_own_unlisted_product(client, catalog, make_product, seller, other_seller):
    from recommendations.models import ProductEvent
    from recommendations.services import views_flush

    listing = make_product(seller=seller, name="Withdrawn jacket", is_active=False)
    client.force_login(seller)
    response = client.get(f"/listings/{listing.pk}/")
    assert response.status_code == 200
    html = response.content.decode()
    assert 'data-test="unlisted-preview"' in html and 'data-test="add-to-cart"' not in html
    views_flush()
    assert not ProductEvent.objects.filter(product=listing).exists()  # not a shopper's view
    client.force_login(other_seller)
    assert client.get(f"/listings/{listing.pk}/").status_code == 404


def test_out_of_stock_product_has_no_add_to_cart(client, catalog):
    product = active().first()
    sell_out(product)
    html = client.get(f"/products/{product.dataset_id}/").content.decode()
    assert "Out of stock" in html
    assert 'data-test="add-to-cart"' not in html


def test_catalog_fields_are_labelled(client, catalog):
    html = client.get("/catalog/").content.decode()
    assert 'name="min_price"' in html and 'name="max_price"' in html
    assert unlabelled_fields(html) == []


def test_pages_name_their_favicon(client, catalog):
    """Without a ``<link rel="icon">`` browsers ask for /favicon.ico, a 404 on every page."""
    from django.contrib.staticfiles import finders
    from django.templatetags.static import static

    html = client.get("/catalog/").content.decode()
    assert f'<link rel="icon" href="{static("favicon.svg")}" type="image/svg+xml">' in html
    assert finders.find("favicon.svg")


def test_home_page_lists_departments(client, catalog):
    response = client.get("/")
    assert response.status_code == 200
    html = response.content.decode()
    departments = list(response.context["departments"])
    # Free gifts and vouchers are no department (main.departments).
    listed = Product.objects.filter(is_active=True).exclude(master_category__name__in=NOT_DEPARTMENTS)
    assert {d.master.pk for d in departments} == set(listed.values_list("master_category_id", flat=True))
    sizes = [d.listed for d in departments]
    assert sizes == sorted(sizes, reverse=True) and sum(sizes) == listed.count()
    for department in departments:
        assert f"?master={department.master.id}" in html
        per_sub = [listed.filter(sub_category_id__in=sub.ids).count() for sub in department.subs]
        assert per_sub == sorted(per_sub, reverse=True) and min(per_sub) > 0  # biggest first
        for sub in department.subs[:6]:
            subs = "&".join(f"sub={i}" for i in sub.ids)
            assert f"?master={department.master.id}&{subs}" in html
        if len(department.subs) > 6:
            assert f"{len(department.subs) - 6} more in {department.master.name}" in html
    assert any(len(d.subs) > 6 for d in departments), "the fixture catalog has a big department"
