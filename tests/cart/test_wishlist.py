"""The wishlist: the heart on tiles, move from the cart, survives log-in, feeds the recommender."""

from __future__ import annotations

from cart.models import CartItem, WishlistItem
from recommendations.models import ProductEvent
from tests.conftest import size_id


def wished(user=None, *, client=None) -> set[int]:
    if user is not None:
        items = WishlistItem.objects.filter(wishlist__user=user)
    else:
        items = WishlistItem.objects.filter(
            wishlist_id=client.session.get("wishlist_id"), wishlist__user=None
        )
    return set(items.values_list("product_id", flat=True))


def test_the_heart_saves_and_unsaves(buyer_client, buyer, seller, make_product):
    product = make_product(seller=seller, name="Suede loafers")
    response = buyer_client.post(f"/cart/wishlist/{product.pk}/", {"next": "/catalog/"})
    assert response.status_code == 302 and response["Location"] == "/catalog/"
    assert wished(buyer) == {product.pk}
    page = buyer_client.get("/cart/wishlist/").content.decode()
    assert "Suede loafers" in page and 'data-test="wish-remove"' in page
    assert ProductEvent.objects.filter(user=buyer, product=product, kind="wishlist").count() == 1
    buyer_client.post(f"/cart/wishlist/{product.pk}/", {"action": "remove"})
    assert wished(buyer) == set()
    assert buyer_client.get(f"/cart/wishlist/{product.pk}/").status_code == 405


def test_the_heart_never_redirects_off_site(buyer_client, seller, make_product):
    product = make_product(seller=seller)
    response = buyer_client.post(f"/cart/wishlist/{product.pk}/", {"next": "https://evil.example/"})
    assert response["Location"] == "/cart/wishlist/"


def test_catalog_tiles_show_the_heart_filled_for_saved_products(client, buyer, seller, make_product):
    product = make_product(seller=seller, name="Denim jacket", image="catalog/x.jpg")
    client.force_login(buyer)
    assert 'data-test="wish-add"' in client.get("/catalog/").content.decode()
    client.post(f"/cart/wishlist/{product.pk}/")
    assert 'data-test="wish-remove"' in client.get("/catalog/").content.decode()


def test_move_from_cart_to_wishlist_and_remove(buyer_client, buyer, seller, make_product):
    keep, drop = make_product(seller=seller, name="Keep"), make_product(seller=seller, name="Drop")
    for product in (keep, drop):
        buyer_client.post(f"/cart/add/{product.pk}/", {"size": size_id(product)})
    html = buyer_client.get("/cart/").content.decode()
    assert html.count('data-test="remove"') == 2 and html.count('data-test="move-to-wishlist"') == 2
    buyer_client.post("/cart/move-to-wishlist/", {"size_id": size_id(keep)})
    buyer_client.post("/cart/remove/", {"size_id": size_id(drop)})
    assert not CartItem.objects.filter(cart__user=buyer).exists()
    assert wished(buyer) == {keep.pk}
    assert ProductEvent.objects.filter(user=buyer, product=keep, kind="wishlist").exists()


def test_a_visitors_wishlist_survives_login(client, buyer, password, seller, make_product):
    first, second = make_product(seller=seller), make_product(seller=seller)
    client.post(f"/cart/wishlist/{first.pk}/")
    assert wished(client=client) == {first.pk}
    from cart.models import Wishlist

    WishlistItem.objects.create(wishlist=Wishlist.objects.create(user=buyer), product=second)
    client.post("/accounts/login/", {"username": buyer.username, "password": password})
    assert wished(buyer) == {first.pk, second.pk}
    assert not Wishlist.objects.filter(user=None).exists()
    assert 'data-test="wish"' in client.get("/cart/wishlist/").content.decode()


def test_wishlist_events_weigh_between_a_view_and_a_cart_in_the_feed():
    from ml.recommend.events import EVENT_WEIGHTS

    assert EVENT_WEIGHTS["view"] < EVENT_WEIGHTS[ProductEvent.Kind.WISHLIST] < EVENT_WEIGHTS["cart"]
