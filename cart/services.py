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


@dataclass(frozen=True)
class CartAddition:
    """What adding to the cart did: fewer than asked are added when the stock or
    ``MAX_QUANTITY`` runs out, and the shopper must be told so."""

    item: CartItem
    requested: int
    added: int

    @property
    def capped(self) -> bool:
        return self.added < self.requested

    @property
    def message(self) -> str:
        name = self.item.product.name
        if not self.capped:
            return f"Added {name} to your cart."
        stock = self.item.product.stock
        limit = f"Only {stock} left" if stock < MAX_QUANTITY else f"At most {MAX_QUANTITY} per order"
        if self.added == self.item.quantity:
            return f"{limit}: added {self.added} of {name} to your cart."
        return f"{limit}: your cart now has {self.item.quantity} of {name}."


def cart_add_product(*, cart: Cart, product: Product, quantity: int = 1) -> CartAddition:
    """Add to the cart's line, capped by the stock and ``MAX_QUANTITY``."""
    if not product.is_active:
        raise CheckoutError("This product is no longer listed.")
    item, _ = CartItem.objects.get_or_create(cart=cart, product=product, defaults={"quantity": 0})
    before = item.quantity
    item.quantity = min(item.quantity + quantity, MAX_QUANTITY, max(product.stock, 1))
    item.save(update_fields=["quantity"])
    return CartAddition(item=item, requested=quantity, added=max(item.quantity - before, 0))


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


def orders_placed_message(*, orders: list[Order]) -> str:
    """What the buyer reads after checkout: the order numbers, and why there are several."""
    numbers = ", ".join(f"#{order.pk}" for order in orders)
    if len(orders) == 1:
        return f"Thank you! Your order {numbers} is placed."
    return (f"Thank you! Your cart became {len(orders)} orders, {numbers}: one per seller, "
            "each shipped and tracked on its own.")


# Where a seller may move an order from each status (keeping it is always allowed, to change
# the payment only). Orders only move forward: a delivered order is with its buyer, and a
# cancelled one had its stock put back on sale, so reopening it would oversell.
STATUS_TRANSITIONS: dict[str, frozenset[str]] = {
    Order.Status.PLACED: frozenset({Order.Status.SHIPPED, Order.Status.DELIVERED, Order.Status.CANCELLED}),
    Order.Status.SHIPPED: frozenset({Order.Status.DELIVERED, Order.Status.CANCELLED}),
    Order.Status.DELIVERED: frozenset(),
    Order.Status.CANCELLED: frozenset(),
}


def _refused_status_change(*, current: str, status: str) -> str:
    """Why ``current`` cannot become ``status`` ("" if it can)."""
    if status == current or status in STATUS_TRANSITIONS[current]:
        return ""
    if current == Order.Status.CANCELLED:
        return "A cancelled order cannot be reopened."
    label = Order.Status(current).label.lower()
    allowed = [Order.Status(s).label.lower() for s in Order.Status.values if s in STATUS_TRANSITIONS[current]]
    if not allowed:
        return f"A {label} order is complete: its status cannot change."
    return f"A {label} order can only be marked {' or '.join(allowed)}."


@transaction.atomic
def order_update_status(
    *, order: Order, status: str | None = None, payment_status: str | None = None
) -> Order:
    """A seller moves an order along (shipping and payment); cancelling puts the stock back."""
    if status is not None:
        if status not in Order.Status.values:
            raise ValueError(f"Unknown order status {status!r}")
        # Checked against the stored status: a stale copy (another tab) must not move it back.
        order.status = Order.objects.select_for_update().values_list("status", flat=True).get(pk=order.pk)
        refusal = _refused_status_change(current=order.status, status=status)
        if refusal:
            raise ValueError(refusal)
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
