"""Reads for carts and wishlists. Never writes: a cart or wishlist is created by
``services.cart_get_or_create_for_request`` (and its wishlist twin)."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Sum

from accounts.models import User
from main.models import Product, ProductSize

from .models import Cart, CartItem, Wishlist, WishlistItem

ANONYMOUS_CART_KEY = "cart_id"
ANONYMOUS_WISHLIST_KEY = "wishlist_id"


def owned_by_request(model, *, request, session_key: str):
    """The logged-in user's row of ``model`` (a cart, a wishlist), or the anonymous visitor's,
    whose id is in the session under ``session_key``; None if there is none yet."""
    if request.user.is_authenticated:
        return model.objects.filter(user=request.user).first()
    return model.objects.filter(pk=request.session.get(session_key), user=None).first()


def cart_for_request(*, request) -> Cart | None:
    """The logged-in user's cart, or the anonymous visitor's (its id is in the session)."""
    return owned_by_request(Cart, request=request, session_key=ANONYMOUS_CART_KEY)


def cart_items(*, cart: Cart | None) -> list[CartItem]:
    if cart is None:
        return []
    return list(
        cart.items.select_related("product__seller", "product__gender", "size").order_by(
            "product__name", "size__position"
        )
    )


def cart_total(*, items: list[CartItem]) -> Decimal:
    return sum((item.line_total for item in items), Decimal("0"))


@dataclass(frozen=True)
class SellerLines:
    """The cart lines of one seller: one order at checkout."""

    seller: User
    items: list[CartItem]
    subtotal: Decimal


def items_by_seller(*, items: list[CartItem]) -> list[SellerLines]:
    """The cart's lines as checkout splits them, one order per seller (by shop name), so that
    the checkout page says so before the order is placed."""
    grouped: dict[int, list[CartItem]] = {}
    for item in items:
        grouped.setdefault(item.product.seller_id, []).append(item)
    groups = [SellerLines(seller=lines[0].product.seller, items=lines, subtotal=cart_total(items=lines))
              for lines in grouped.values()]
    return sorted(groups, key=lambda group: str(group.seller).casefold())


def cart_quantity(*, user: User | None = None, cart_id: int | None = None) -> int:
    """Items in a user's cart, or in an anonymous cart: one aggregate query."""
    if user is not None:
        lookup = {"cart__user": user}
    elif cart_id:
        lookup = {"cart_id": cart_id, "cart__user": None}
    else:
        return 0
    return CartItem.objects.filter(**lookup).aggregate(n=Sum("quantity"))["n"] or 0


def product_size(*, product: Product, size_id: int | None) -> ProductSize | None:
    """The size a shopper picked: one of this product's, or its only size if none was sent."""
    sizes = product.sizes.all()
    if size_id is not None:
        return sizes.filter(pk=size_id).first()
    only = list(sizes[:2])
    return only[0] if len(only) == 1 else None


def wishlist_for_request(*, request) -> Wishlist | None:
    """The logged-in user's wishlist, or the anonymous visitor's (its id is in the session)."""
    return owned_by_request(Wishlist, request=request, session_key=ANONYMOUS_WISHLIST_KEY)


def wishlist_items(*, wishlist: Wishlist | None) -> list[WishlistItem]:
    if wishlist is None:
        return []
    return list(wishlist.items.select_related("product").filter(product__is_active=True))


WISHLIST_IDS_KEY = "wishlist_ids"


def wishlist_product_ids(*, request) -> frozenset[int]:
    """The products on this shopper's wishlist (the hearts of product tiles).

    Kept in the session like the cart badge (``cart.badge``): counted once per session, then
    refreshed by this session's wishlist changes, so a page of hearts costs no query; a visitor
    who never saved one costs nothing at all.
    """
    if not request.user.is_authenticated and not request.session.get(ANONYMOUS_WISHLIST_KEY):
        return frozenset()
    stored = request.session.get(WISHLIST_IDS_KEY)
    return frozenset(stored) if stored is not None else wishlist_ids_refresh(request=request)


def wishlist_ids_refresh(*, request) -> frozenset[int]:
    """Store the wishlist's product ids in the session after a change."""
    lookup = (
        {"wishlist__user": request.user}
        if request.user.is_authenticated
        else {"wishlist_id": request.session.get(ANONYMOUS_WISHLIST_KEY), "wishlist__user": None}
    )
    ids = sorted(WishlistItem.objects.filter(**lookup).values_list("product_id", flat=True))
    if request.session.get(WISHLIST_IDS_KEY) != ids:
        request.session[WISHLIST_IDS_KEY] = ids
    return frozenset(ids)


def sold_out_reason(*, product: Product, size: ProductSize | None) -> str:
    """Why this product (in this size) cannot go into a cart now ("" if it can)."""
    if product.stock <= 0:
        return f"{product.name} is out of stock."
    if size is None:
        return "Pick a size first."
    if size.stock <= 0:
        return f"{product.name} is out of stock in size {size.label}."
    return ""
