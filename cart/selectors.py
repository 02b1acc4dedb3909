"""Reads for carts and orders."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.db.models import QuerySet, Sum
from django.shortcuts import get_object_or_404

from accounts.models import User
from main.models import Product, ProductSize

from .models import Cart, CartItem, Order, Payment, Wishlist, WishlistItem

ANONYMOUS_CART_KEY = "cart_id"
ANONYMOUS_WISHLIST_KEY = "wishlist_id"


def _owned_by_request(model, *, request, session_key: str, create: bool):
    """The logged-in user's row of ``model`` (a cart, a wishlist), or the anonymous visitor's,
    whose id is in the session under ``session_key``; created on demand."""
    if request.user.is_authenticated:
        if create:
            return model.objects.get_or_create(user=request.user)[0]
        return model.objects.filter(user=request.user).first()
    found = model.objects.filter(pk=request.session.get(session_key), user=None).first()
    if found is None and create:
        found = model.objects.create()
        request.session[session_key] = found.pk
    return found


def cart_for_request(*, request, create: bool = False) -> Cart | None:
    """The logged-in user's cart, or the anonymous visitor's (its id is in the session)."""
    return _owned_by_request(Cart, request=request, session_key=ANONYMOUS_CART_KEY, create=create)


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


def checkout_placed(*, buyer: User, token) -> bool:
    """Whether this checkout form was already submitted (its orders exist)."""
    return Order.objects.filter(buyer=buyer, checkout_token=token).exists()


def orders_for_buyer(*, buyer: User) -> QuerySet[Order]:
    return Order.objects.filter(buyer=buyer).select_related("seller").prefetch_related("items")


def order_for_buyer(*, buyer: User, pk: int) -> Order:
    """One of the buyer's own orders; anyone else's is a 404, as if it did not exist."""
    return get_object_or_404(orders_for_buyer(buyer=buyer), pk=pk)


def product_size(*, product: Product, size_id: int | None) -> ProductSize | None:
    """The size a shopper picked: one of this product's, or its only size if none was sent."""
    sizes = product.sizes.all()
    if size_id is not None:
        return sizes.filter(pk=size_id).first()
    only = list(sizes[:2])
    return only[0] if len(only) == 1 else None


def payment_for_buyer(*, buyer: User, reference: str) -> Payment:
    return get_object_or_404(Payment, buyer=buyer, reference=reference)


def wishlist_for_request(*, request, create: bool = False) -> Wishlist | None:
    """The logged-in user's wishlist, or the anonymous visitor's (its id is in the session)."""
    return _owned_by_request(Wishlist, request=request, session_key=ANONYMOUS_WISHLIST_KEY, create=create)


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


def orders_for_seller(*, seller: User) -> QuerySet[Order]:
    return Order.objects.filter(seller=seller).select_related("buyer").prefetch_related("items")
