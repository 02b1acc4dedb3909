"""The seller area: dashboard counts, listings with photos, orders; all scoped to the seller."""

from __future__ import annotations

import io
import re
import uuid
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from cart.models import Cart
from main.models import ArticleType, Gender, Product
from orders.models import Order
from orders.services import ShippingAddress, checkout
from seller_accounts.selectors import dashboard_counts
from tests.conftest import cart_line, dataset_image
from tests.html import unlabelled_fields

ADDRESS = ShippingAddress(full_name="Alice Buyer", line1="1 Park St", city="Kolkata", pin_code="700016")


def buy(buyer, quantities: dict[Product, int]) -> list[Order]:
    cart, _ = Cart.objects.get_or_create(user=buyer)
    for product, quantity in quantities.items():
        cart_line(cart, product, quantity)
    return checkout(cart=cart, buyer=buyer, address=ADDRESS, token=uuid.uuid4())


def photo_upload(index: int = 0) -> SimpleUploadedFile:
    path = dataset_image(index)
    return SimpleUploadedFile(path.name, path.read_bytes(), content_type="image/jpeg")


def listing_data(**changes) -> dict:
    article = ArticleType.objects.select_related("sub_category__master_category").get(
        name="Tshirts", sub_category__name="Topwear"
    )
    product = Product.objects.filter(is_active=True).exclude(base_colour="").exclude(usage="").first()
    return {
        "name": "Northwind Organic Cotton Men Tshirt",
        "description": "Soft organic cotton, regular fit.",
        "gender": Gender.objects.get(name="Men").pk,
        "article_type": article.pk,
        "base_colour": product.base_colour,
        "usage": product.usage,
        "season": product.season,
        "price": "899.00",
        "stock": "12",
        **changes,
    }


# --- dashboard ----------------------------------------------------------------------------


def test_dashboard_counts(seller_client, seller, other_seller, buyer, make_product):
    shirt = make_product(seller=seller, price="1000.00", stock=10)
    jeans = make_product(seller=seller, price="500.00", stock=10)
    make_product(seller=seller, stock=0)
    make_product(seller=seller, is_active=False)
    theirs = make_product(seller=other_seller, price="700.00", stock=10)

    placed = buy(buyer, {shirt: 1})[0]
    shipped = buy(buyer, {jeans: 2})[0]
    delivered = buy(buyer, {shirt: 3})[0]
    cancelled = buy(buyer, {jeans: 1})[0]
    other = buy(buyer, {theirs: 1})[0]
    Order.objects.filter(pk=shipped.pk).update(status="shipped", payment_status="paid")
    Order.objects.filter(pk=delivered.pk).update(status="delivered", payment_status="paid")
    Order.objects.filter(pk=cancelled.pk).update(status="cancelled", payment_status="refunded")
    Order.objects.filter(pk=other.pk).update(payment_status="paid")
    assert placed.payment_status == "pending"

    counts = dashboard_counts(seller=seller)
    assert counts.active_listings == 3
    assert counts.unlisted == 1
    assert counts.out_of_stock == 1
    assert counts.open_orders == 2  # placed + shipped
    assert counts.revenue == Decimal("1000.00") + Decimal("3000.00")  # paid orders only, own only

    response = seller_client.get("/seller/")
    assert response.status_code == 200
    html = response.content.decode()
    assert 'data-test="active-listings">3<' in html
    assert 'data-test="open-orders">2<' in html
    assert "₹4,000" in html
    for order in (placed, shipped, delivered, cancelled):
        assert f"/seller/orders/{order.pk}/" in html
    assert f"/seller/orders/{other.pk}/" not in html


def test_dashboard_of_a_new_seller_is_empty(seller_client):
    html = seller_client.get("/seller/").content.decode()
    assert 'data-test="active-listings">0<' in html and "No orders yet" in html


# --- listings -----------------------------------------------------------------------------


def test_create_listing_with_a_real_photo(seller_client, seller, catalog, shopper, media_root):
    source = dataset_image(3)
    response = seller_client.post("/seller/products/new/", {**listing_data(), "photo": photo_upload(3)})
    assert response.status_code == 302 and response["Location"] == "/seller/products/"

    product = Product.objects.get(name="Northwind Organic Cotton Men Tshirt")
    assert product.seller == seller and product.is_active and product.dataset_id is None
    assert product.price == Decimal("899.00") and product.stock == 12
    assert product.master_category.name == "Apparel" and product.sub_category.name == "Topwear"
    # The photo was re-encoded under a random name, never stored as sent.
    stored = Path(media_root) / product.image.name
    assert re.fullmatch(r"products/[0-9a-f]{32}(_\w+)?\.jpg", product.image.name), product.image.name
    with Image.open(stored) as image:
        assert image.format == "JPEG"
        with Image.open(source) as original:
            assert image.size == original.size  # dataset photos are small: not upscaled

    # Shoppers find it: in the catalog, by search, and on its page with the photo.
    found = shopper.get("/catalog/", {"q": "organic cotton tshirt"})
    assert [p.pk for p in found.context["page"].object_list] == [product.pk]
    page = shopper.get(product.get_absolute_url())
    assert page.status_code == 200
    html = page.content.decode()
    assert product.image.url in html and "Northwind Outfitters" in html

    listings = seller_client.get("/seller/products/").content.decode()
    assert "Northwind Organic Cotton Men Tshirt" in listings and product.image.url in listings


def test_create_listing_without_photo(seller_client, seller, catalog):
    response = seller_client.post("/seller/products/new/", listing_data(name="Plain tee"))
    assert response.status_code == 302
    assert Product.objects.get(name="Plain tee").image.name == ""


@pytest.mark.parametrize(
    ("upload", "message"),
    [
        (SimpleUploadedFile("notes.jpg", b"not really a photo", content_type="image/jpeg"), "image"),
        (
            SimpleUploadedFile("evil.svg", b"<svg onload=alert(1)></svg>", content_type="image/svg+xml"),
            "image",
        ),
    ],
)
def test_create_listing_refuses_what_is_not_a_photo(seller_client, catalog, upload, message):
    response = seller_client.post(
        "/seller/products/new/", {**listing_data(name="Bad photo"), "photo": upload}
    )
    assert response.status_code == 200
    assert message in " ".join(response.context["form"].errors["photo"]).lower()
    assert not Product.objects.filter(name="Bad photo").exists()


def test_create_listing_png_is_converted(seller_client, catalog, media_root):
    buffer = io.BytesIO()
    Image.new("RGBA", (1600, 2000), (200, 30, 30, 128)).save(buffer, format="PNG")
    upload = SimpleUploadedFile("big.png", buffer.getvalue(), content_type="image/png")
    response = seller_client.post("/seller/products/new/", {**listing_data(name="Red tee"), "photo": upload})
    assert response.status_code == 302
    product = Product.objects.get(name="Red tee")
    with Image.open(Path(media_root) / product.image.name) as image:
        assert image.format == "JPEG" and image.width <= 800 and image.height <= 1066


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"price": "-1"}, "price"),
        ({"stock": "-2"}, "stock"),
        ({"name": ""}, "name"),
        ({"article_type": "0"}, "article_type"),
    ],
)
def test_create_listing_validation(seller_client, catalog, changes, field):
    response = seller_client.post("/seller/products/new/", listing_data(**changes))
    assert response.status_code == 200
    assert field in response.context["form"].errors
    assert not Product.objects.filter(seller__username="northwind").exists()


def test_edit_listing(seller_client, seller, catalog, make_product, shopper):
    product = make_product(seller=seller, name="Old name", price="100.00", stock=1)
    form = seller_client.get(f"/seller/products/{product.pk}/edit/")
    assert form.status_code == 200 and "Old name" in form.content.decode()
    data = listing_data(name="Renamed linen kurta", price="1250.50", stock="7")
    response = seller_client.post(f"/seller/products/{product.pk}/edit/", {**data, "photo": photo_upload(5)})
    assert response.status_code == 302
    product.refresh_from_db()
    assert (product.name, product.price, product.stock) == ("Renamed linen kurta", Decimal("1250.50"), 7)
    assert product.image.name.startswith("products/")
    assert product.article_type_id == data["article_type"] and product.sub_category.name == "Topwear"
    # The search text follows the edit.
    assert shopper.get("/catalog/", {"q": "linen kurta"}).context["facets"].total == 1
    assert shopper.get("/catalog/", {"q": "old name"}).context["facets"].total == 0


def test_unlist_and_relist(seller_client, seller, make_product, shopper):
    # A listing with a photo: one without is a draft, and drafts are not listed again.
    product = make_product(seller=seller, name="Seasonal parka", stock=3, image="catalog/parka.jpg")
    assert shopper.get(product.get_absolute_url()).status_code == 200
    response = seller_client.post(f"/seller/products/{product.pk}/unlist/")
    assert response.status_code == 302
    product.refresh_from_db()
    assert not product.is_active
    assert shopper.get(product.get_absolute_url()).status_code == 404
    assert shopper.get("/catalog/", {"q": "seasonal parka"}).context["facets"].total == 0
    assert "Unlisted" in seller_client.get("/seller/products/").content.decode()

    seller_client.post(f"/seller/products/{product.pk}/unlist/")
    product.refresh_from_db()
    assert product.is_active
    assert shopper.get(product.get_absolute_url()).status_code == 200
    # Opened as a page, it asks first (the list's Unlist links here) and changes nothing.
    confirm = seller_client.get(f"/seller/products/{product.pk}/unlist/")
    assert confirm.status_code == 200 and 'data-test="confirm-unlist"' in confirm.content.decode()
    product.refresh_from_db()
    assert product.is_active
    assert seller_client.put(f"/seller/products/{product.pk}/unlist/").status_code == 405


@pytest.mark.parametrize(
    ("status", "shown"),
    [("", {"Parka", "Tote", "Scarf"}), ("listed", {"Parka", "Tote"}), ("sold_out", {"Tote"}),
     ("unlisted", {"Scarf"}), ("bogus", {"Parka", "Tote", "Scarf"})],
)
def test_listings_narrow_to_what_needs_attention(seller_client, seller, other_seller, make_product,
                                                 status, shown):
    make_product(seller=seller, name="Parka", stock=3)
    make_product(seller=seller, name="Tote", stock=0)
    make_product(seller=seller, name="Scarf", is_active=False)
    make_product(seller=other_seller, name="Belt", is_active=False)
    page = seller_client.get("/seller/products/", {"status": status}).context["page"]
    assert {product.name for product in page.object_list} == shown


# --- scoping: a seller sees and changes only their own ------------------------------------


def test_seller_sees_only_own_listings(seller_client, seller, other_seller, make_product):
    mine = make_product(seller=seller, name="Mine: canvas tote")
    theirs = make_product(seller=other_seller, name="Theirs: leather belt")
    html = seller_client.get("/seller/products/").content.decode()
    assert mine.name in html and theirs.name not in html
    html = seller_client.get("/seller/products/", {"q": "belt"}).content.decode()
    assert theirs.name not in html and "No listings yet" in html


def test_another_sellers_listing_is_404(seller_client, other_seller, make_product, catalog):
    theirs = make_product(seller=other_seller, name="Theirs", price="300.00")
    assert seller_client.get(f"/seller/products/{theirs.pk}/edit/").status_code == 404
    response = seller_client.post(f"/seller/products/{theirs.pk}/edit/", listing_data(name="Hijacked"))
    assert response.status_code == 404
    assert seller_client.post(f"/seller/products/{theirs.pk}/unlist/").status_code == 404
    theirs.refresh_from_db()
    assert theirs.name == "Theirs" and theirs.is_active and theirs.price == Decimal("300.00")


def test_another_sellers_orders_are_404(seller_client, seller, other_seller, buyer, make_product):
    mine = buy(buyer, {make_product(seller=seller, stock=5): 1})[0]
    theirs = buy(buyer, {make_product(seller=other_seller, stock=5): 1})[0]
    listing = seller_client.get("/seller/orders/").content.decode()
    assert f"/seller/orders/{mine.pk}/" in listing and f"/seller/orders/{theirs.pk}/" not in listing
    assert seller_client.get(f"/seller/orders/{mine.pk}/").status_code == 200
    assert seller_client.get(f"/seller/orders/{theirs.pk}/").status_code == 404
    response = seller_client.post(
        f"/seller/orders/{theirs.pk}/", {"status": "cancelled", "payment_status": "refunded"}
    )
    assert response.status_code == 404
    theirs.refresh_from_db()
    assert (theirs.status, theirs.payment_status) == ("placed", "pending")


def test_order_list_filters_by_status(seller_client, seller, buyer, make_product):
    product = make_product(seller=seller, stock=10)
    first, second = buy(buyer, {product: 1})[0], buy(buyer, {product: 1})[0]
    Order.objects.filter(pk=second.pk).update(status="shipped")
    html = seller_client.get("/seller/orders/", {"status": "shipped"}).content.decode()
    assert f"/seller/orders/{second.pk}/" in html and f"/seller/orders/{first.pk}/" not in html


# --- orders -------------------------------------------------------------------------------


def test_update_order_and_payment_status(seller_client, seller, buyer, make_product):
    """Since card payments: the seller no longer sets the payment, except cash received for
    cash on delivery; shipping needs a tracking number."""
    order = buy(buyer, {make_product(seller=seller, price="250.00", stock=5): 2})[0]
    page = seller_client.get(f"/seller/orders/{order.pk}/").content.decode()
    assert "Alice Buyer" in page and "Kolkata" in page and "₹500" in page
    assert 'name="payment_status"' not in page and 'name="cash_received"' in page
    refused = seller_client.post(f"/seller/orders/{order.pk}/", {"status": "shipped"})
    assert "tracking number" in " ".join(refused.context["form"].errors["status"])
    response = seller_client.post(
        f"/seller/orders/{order.pk}/", {"status": "shipped", "tracking_number": "DL123456789IN",
                                        "payment_status": "paid"}
    )
    assert response.status_code == 302
    order.refresh_from_db()
    assert (order.status, order.payment_status) == ("shipped", "pending")
    assert order.tracking_number == "DL123456789IN"
    assert order.shipped_at is not None and order.packed_at is not None
    assert dashboard_counts(seller=seller).revenue == Decimal("0")
    seller_client.post(f"/seller/orders/{order.pk}/", {"status": "delivered", "cash_received": "on"})
    order.refresh_from_db()
    assert (order.status, order.payment_status) == ("delivered", "paid") and order.delivered_at
    assert dashboard_counts(seller=seller).revenue == Decimal("500.00")
    # The buyer sees the new status in their history.
    seller_client.force_login(buyer)
    history = seller_client.get("/cart/orders/").content.decode()
    assert 'data-test="order-status">Delivered<' in history and "Payment: Paid" in history


def test_unknown_status_is_refused(seller_client, seller, buyer, make_product):
    order = buy(buyer, {make_product(seller=seller, stock=5): 1})[0]
    response = seller_client.post(f"/seller/orders/{order.pk}/", {"status": "lost", "payment_status": "paid"})
    assert response.status_code == 200 and "status" in response.context["form"].errors
    order.refresh_from_db()
    assert (order.status, order.payment_status) == ("placed", "pending")


def test_cancelling_restores_stock_once(seller_client, seller, buyer, make_product):
    shirt = make_product(seller=seller, stock=5)
    socks = make_product(seller=seller, stock=9)
    order = buy(buyer, {shirt: 2, socks: 4})[0]
    assert [Product.objects.get(pk=p.pk).stock for p in (shirt, socks)] == [3, 5]
    cancel = {"status": "cancelled", "payment_status": "refunded"}
    seller_client.post(f"/seller/orders/{order.pk}/", cancel)
    assert [Product.objects.get(pk=p.pk).stock for p in (shirt, socks)] == [5, 9]
    seller_client.post(f"/seller/orders/{order.pk}/", cancel)  # saving the cancelled order again
    assert [Product.objects.get(pk=p.pk).stock for p in (shirt, socks)] == [5, 9]
    order.refresh_from_db()
    assert order.status == "cancelled" and dashboard_counts(seller=seller).open_orders == 0


def test_cancelled_order_cannot_be_reopened(seller_client, seller, buyer, make_product):
    """Regression: reopening a cancelled order kept its stock back on sale, so it could be sold twice."""
    shirt = make_product(seller=seller, stock=2)
    order = buy(buyer, {shirt: 2})[0]
    seller_client.post(f"/seller/orders/{order.pk}/", {"status": "cancelled", "payment_status": "pending"})
    assert Product.objects.get(pk=shirt.pk).stock == 2
    response = seller_client.post(
        f"/seller/orders/{order.pk}/", {"status": "placed", "payment_status": "paid"}
    )
    assert response.status_code == 200
    assert "cannot be reopened" in " ".join(response.context["form"].errors["status"])
    order.refresh_from_db()
    assert (order.status, order.payment_status) == ("cancelled", "pending")
    assert Product.objects.get(pk=shirt.pk).stock == 2
    # Saving the cancelled order again changes nothing (a cash order never paid has no refund).
    seller_client.post(f"/seller/orders/{order.pk}/", {"status": "cancelled", "payment_status": "refunded"})
    order.refresh_from_db()
    assert order.payment_status == "pending" and Product.objects.get(pk=shirt.pk).stock == 2


def test_cancelling_from_a_stale_copy_restores_stock_once(seller, buyer, make_product):
    """Two requests cancelling the same order (a double click): the stock comes back once."""
    from orders.services import order_update_status

    shirt = make_product(seller=seller, stock=4)
    order = buy(buyer, {shirt: 3})[0]
    first, second = Order.objects.get(pk=order.pk), Order.objects.get(pk=order.pk)
    order_update_status(order=first, status="cancelled")
    order_update_status(order=second, status="cancelled")
    assert Product.objects.get(pk=shirt.pk).stock == 4


def test_orders_only_move_forward(seller_client, seller, buyer, make_product):
    """Regression: a delivered order could be set back to placed (or shipped) on its page."""
    order = buy(buyer, {make_product(seller=seller, stock=5): 1})[0]
    url = f"/seller/orders/{order.pk}/"

    def mark(status, **extra):
        """(status code, the refusal shown on the status field)."""
        response = seller_client.post(url, {"status": status, "tracking_number": "TRK1", **extra})
        order.refresh_from_db()
        if response.status_code != 200:
            return response.status_code, ""
        return 200, " ".join(response.context["form"].errors["status"])

    assert mark("packed") == (302, "")
    assert mark("placed") == (200, "A packed order can only be marked shipped or cancelled.")
    assert mark("shipped") == (302, "")
    # Since the order lifecycle: a shipped order is no longer cancelled (it is returned).
    assert mark("placed") == (200, "A shipped order can only be marked delivered.")
    assert mark("cancelled") == (200, "A shipped order can only be marked delivered.")
    assert mark("delivered") == (302, "")
    for status in ("placed", "shipped", "cancelled"):
        assert mark(status) == (200, "A delivered order is complete: its status cannot change.")
        assert order.status == "delivered"
    assert mark("delivered", cash_received="on") == (302, "")  # the cash of a delivered order comes in
    assert (order.status, order.payment_status) == ("delivered", "paid")


def test_a_stale_copy_cannot_move_an_order_back(seller, buyer, make_product):
    """The rule is checked against the stored status, not the caller's copy (another tab)."""
    from orders.services import order_update_status

    order = buy(buyer, {make_product(seller=seller, stock=5): 1})[0]
    stale = Order.objects.get(pk=order.pk)
    # Since the timeline, an order is shipped (with its tracking number) before it is delivered.
    order_update_status(order=order, status="shipped", tracking_number="TRK1")
    order_update_status(order=order, status="delivered")
    with pytest.raises(ValueError, match="delivered order is complete"):
        order_update_status(order=stale, status="shipped")
    assert Order.objects.get(pk=order.pk).status == "delivered"


@pytest.mark.parametrize(("full_name", "shown"), [(("Alice", "Smith"), "Alice Smith"), (("", ""), "alice")])
def test_order_page_names_the_buyer_once(seller_client, seller, buyer, make_product, full_name, shown):
    """Regression: the demo buyer (username "buyer") was shown as "· buyer buyer"."""
    buyer.first_name, buyer.last_name = full_name
    buyer.save()
    order = buy(buyer, {make_product(seller=seller, stock=5): 1})[0]
    html = seller_client.get(f"/seller/orders/{order.pk}/").content.decode()
    assert re.findall(r'data-test="order-buyer">([^<]*)<', html) == [shown]
    assert "buyer alice" not in html
    assert f"<td>{shown}</td>" in seller_client.get("/seller/orders/").content.decode()


@pytest.mark.parametrize(
    ("path", "heading"), [("/seller/products/", "Your listings"), ("/seller/orders/", "Orders")]
)
def test_seller_lists_have_a_heading_and_labelled_fields(seller_client, seller, make_product, path, heading):
    make_product(seller=seller)
    html = seller_client.get(path).content.decode()
    assert re.findall(r"<h1[^>]*>([^<]*)</h1>", html) == [heading]
    assert unlabelled_fields(html) == []
