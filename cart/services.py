"""Writes for carts and checkout.

Checkout is one database transaction: stock is taken with a conditional UPDATE
(``stock >= quantity``), so concurrent buyers can never drive it below zero, and the
orders, their lines, the stock changes and the emptied cart commit together or not at all.
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.db.models import F

from accounts.models import User
from main.models import Product

from .models import Cart, CartItem, Order, OrderItem

MAX_QUANTITY = 10


class CheckoutError(Exception):
    """The checkout cannot go through (empty cart, not enough stock...); nothing was written."""


@dataclass(frozen=True)
class ShippingAddress:
    full_name: str
    address: str
    city: str
    postal_code: str
    country: str = "India"


def cart_add_product(*, cart: Cart, product: Product, quantity: int = 1) -> CartItem:
    if not product.is_active:
        raise CheckoutError("This product is no longer listed.")
    item, _ = CartItem.objects.get_or_create(cart=cart, product=product, defaults={"quantity": 0})
    item.quantity = min(item.quantity + quantity, MAX_QUANTITY, max(product.stock, 1))
    item.save(update_fields=["quantity"])
    return item


def cart_set_quantity(*, cart: Cart, product_id: int, quantity: int) -> None:
    """Set a line's quantity; zero removes the line."""
    if quantity <= 0:
        CartItem.objects.filter(cart=cart, product_id=product_id).delete()
    else:
        CartItem.objects.filter(cart=cart, product_id=product_id).update(quantity=min(quantity, MAX_QUANTITY))


@transaction.atomic
def cart_merge_into_user(*, cart_id: int, user: User) -> None:
    """Move an anonymous cart's lines into the user's cart (quantities add up)."""
    anonymous = Cart.objects.filter(pk=cart_id, user=None).first()
    if anonymous is None:
        return
    cart, _ = Cart.objects.get_or_create(user=user)
    for item in anonymous.items.select_related("product"):
        if item.product.is_active:  # a line unlisted meanwhile is dropped, not a failed login
            cart_add_product(cart=cart, product=item.product, quantity=item.quantity)
    anonymous.delete()


def checkout(*, cart: Cart, buyer: User, address: ShippingAddress, token: uuid.UUID) -> list[Order]:
    """Turn the cart into one order per seller. The same token twice returns the first orders."""
    existing = list(Order.objects.filter(checkout_token=token, buyer=buyer))
    if existing:
        return existing
    try:
        return _place_orders(cart=cart, buyer=buyer, address=address, token=token)
    except IntegrityError:
        # A concurrent submit of the same form won the race; its orders are the answer.
        existing = list(Order.objects.filter(checkout_token=token, buyer=buyer))
        if existing:
            return existing
        raise


@transaction.atomic
def _place_orders(*, cart: Cart, buyer: User, address: ShippingAddress, token: uuid.UUID) -> list[Order]:
    # One checkout of a cart at a time: a second submit of the same form waits here for the
    # first to commit, then finds its orders instead of an emptied cart.
    Cart.objects.select_for_update().filter(pk=cart.pk).first()
    placed = list(Order.objects.filter(checkout_token=token, buyer=buyer))
    if placed:
        return placed
    items = list(cart.items.select_related("product").order_by("product_id"))
    if not items:
        raise CheckoutError("Your cart is empty.")
    by_seller: dict[int, list[CartItem]] = defaultdict(list)
    for item in items:
        if not item.product.is_active:
            raise CheckoutError(f"{item.product.name} is no longer listed.")
        taken = Product.objects.filter(pk=item.product_id, stock__gte=item.quantity).update(
            stock=F("stock") - item.quantity
        )
        if not taken:
            raise CheckoutError(f"Not enough stock left of {item.product.name}.")
        by_seller[item.product.seller_id].append(item)
    orders = []
    for seller_id, seller_items in by_seller.items():
        order = Order.objects.create(
            buyer=buyer,
            seller_id=seller_id,
            checkout_token=token,
            total=sum(i.product.price * i.quantity for i in seller_items),
            full_name=address.full_name,
            address=address.address,
            city=address.city,
            postal_code=address.postal_code,
            country=address.country,
        )
        OrderItem.objects.bulk_create(
            OrderItem(
                order=order,
                product=i.product,
                product_name=i.product.name,
                unit_price=i.product.price,
                quantity=i.quantity,
            )
            for i in seller_items
        )
        orders.append(order)
    cart.items.all().delete()
    return orders


@transaction.atomic
def order_update_status(
    *, order: Order, status: str | None = None, payment_status: str | None = None
) -> Order:
    """A seller moves an order along (shipping and payment); cancelling puts the stock back."""
    if status is not None:
        if status not in Order.Status.values:
            raise ValueError(f"Unknown order status {status!r}")
        if order.status == Order.Status.CANCELLED and status != Order.Status.CANCELLED:
            # Its stock went back on sale when it was cancelled: reopening would oversell.
            raise ValueError("A cancelled order cannot be reopened.")
        if status == Order.Status.CANCELLED and order.status != Order.Status.CANCELLED:
            # Only the request that really cancels it puts the stock back (never twice).
            cancelled = Order.objects.filter(pk=order.pk).exclude(status=status).update(status=status)
            for item in order.items.all() if cancelled else []:
                Product.objects.filter(pk=item.product_id).update(stock=F("stock") + item.quantity)
        order.status = status
    if payment_status is not None:
        if payment_status not in Order.PaymentStatus.values:
            raise ValueError(f"Unknown payment status {payment_status!r}")
        order.payment_status = payment_status
    order.save(update_fields=["status", "payment_status", "updated_at"])
    return order
