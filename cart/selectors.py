"""Reads for carts and orders."""

from __future__ import annotations

from decimal import Decimal

from django.db.models import QuerySet, Sum

from accounts.models import User

from .models import Cart, CartItem, Order

ANONYMOUS_CART_KEY = "cart_id"


def cart_for_request(*, request, create: bool = False) -> Cart | None:
    """The logged-in user's cart, or the anonymous visitor's (its id is in the session)."""
    if request.user.is_authenticated:
        if create:
            return Cart.objects.get_or_create(user=request.user)[0]
        return Cart.objects.filter(user=request.user).first()
    cart = Cart.objects.filter(pk=request.session.get(ANONYMOUS_CART_KEY), user=None).first()
    if cart is None and create:
        cart = Cart.objects.create()
        request.session[ANONYMOUS_CART_KEY] = cart.pk
    return cart


def cart_items(*, cart: Cart | None) -> list[CartItem]:
    if cart is None:
        return []
    return list(cart.items.select_related("product__seller", "product__gender").order_by("product__name"))


def cart_total(*, items: list[CartItem]) -> Decimal:
    return sum((item.line_total for item in items), Decimal("0"))


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


def orders_for_seller(*, seller: User) -> QuerySet[Order]:
    return Order.objects.filter(seller=seller).select_related("buyer").prefetch_related("items")
