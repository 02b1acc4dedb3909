"""Writes for orders: checkout (one order per seller from a cart), card payment of a
checkout, and moves along the order lifecycle (:mod:`orders.lifecycle`).

Checkout is one database transaction: stock is taken per size (``main.inventory``), so
concurrent buyers can never drive it below zero, and the orders, their lines, the stock
changes and the emptied cart commit together or not at all.

Every move of an order locks its row (``select_for_update``), so a cancel and a ship of one
order racing each other end with exactly one of them done.
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.utils import timezone

from accounts import services as account_services
from accounts.models import ADDRESS_FIELDS, User
from cart.models import Cart, CartItem
from main import inventory
from payments import selectors as payment_selectors
from payments import services as payment_services
from payments.models import Payment
from recommendations.models import ProductEvent
from recommendations.services import event_log

from . import emails, lifecycle, tasks
from .lifecycle import CANCELLABLE_STATUSES, STEP_TIMESTAMP
from .models import Order, OrderItem


class CheckoutError(Exception):
    """The checkout cannot go through (empty cart, not enough stock...); nothing was written."""


class OrderChangeError(ValueError):
    """An order cannot make this move (shipped orders cannot be cancelled...); nothing changed."""


@dataclass(frozen=True)
class ShippingAddress:
    """Where a checkout ships: the fields of ``accounts.models.PostalAddress`` (and the country)."""

    full_name: str
    line1: str
    city: str
    pin_code: str
    line2: str = ""
    state: str = ""
    phone: str = ""
    country: str = "India"

    def fields(self) -> dict[str, str]:
        """The address as model fields (an order's, a saved address's)."""
        return {name: getattr(self, name) for name in ADDRESS_FIELDS}


def checkout(
    *,
    cart: Cart,
    buyer: User,
    address: ShippingAddress,
    token: uuid.UUID,
    payment_method: str = Order.PaymentMethod.COD,
) -> list[Order]:
    """Turn the cart into one order per seller. The same token twice returns the first orders."""
    existing = list(Order.objects.filter(checkout_token=token, buyer=buyer))
    if existing:
        return existing
    try:
        orders = _place_orders(
            cart=cart, buyer=buyer, address=address, token=token, payment_method=payment_method
        )
    except IntegrityError:
        # A concurrent submit of the same form won the race; its orders are the answer.
        existing = list(Order.objects.filter(checkout_token=token, buyer=buyer))
        if existing:
            return existing
        raise
    for order in orders:
        tasks.order_email_on_commit(order=order, kind=emails.PLACED)
    return orders


@transaction.atomic
def _place_orders(
    *, cart: Cart, buyer: User, address: ShippingAddress, token: uuid.UUID, payment_method: str
) -> list[Order]:
    if payment_method not in Order.PaymentMethod.values:
        raise CheckoutError("Choose how to pay.")
    # One checkout of a cart at a time: a second submit of the same form waits here for the
    # first to commit, then finds its orders instead of an emptied cart.
    Cart.objects.select_for_update().filter(pk=cart.pk).first()
    placed = list(Order.objects.filter(checkout_token=token, buyer=buyer))
    if placed:
        return placed
    items = list(cart.items.select_related("product", "size").order_by("product_id", "size__position"))
    if not items:
        raise CheckoutError("Your cart is empty.")
    by_seller: dict[int, list[CartItem]] = defaultdict(list)
    for item in items:
        if not item.product.is_active:
            raise CheckoutError(f"{item.product.name} is no longer listed.")
        if not inventory.stock_take(product_id=item.product_id, size_id=item.size_id, quantity=item.quantity):
            raise CheckoutError(f"Not enough stock left of {item.product.name} in size {item.size.label}.")
        by_seller[item.product.seller_id].append(item)
    orders = []
    for seller_id, seller_items in by_seller.items():
        order = Order.objects.create(
            buyer=buyer,
            seller_id=seller_id,
            checkout_token=token,
            payment_method=payment_method,
            total=sum(i.product.price * i.quantity for i in seller_items),
            country=address.country,
            **address.fields(),
        )
        OrderItem.objects.bulk_create(
            OrderItem(
                order=order,
                product=i.product,
                size=i.size,
                size_label=i.size.label,
                product_name=i.product.name,
                unit_price=i.product.price,
                quantity=i.quantity,
            )
            for i in seller_items
        )
        orders.append(order)
    cart.items.all().delete()
    return orders


def checkout_followups(
    *, request, address: ShippingAddress, product_ids: list[int], save_address: bool
) -> None:
    """What a new checkout (not a resubmitted form) does besides the orders: keep the address
    in the buyer's address book if they ticked "save", and record each purchase as a shopper
    event (recommendations learn from them)."""
    if save_address:
        account_services.address_create(owner=request.user, **address.fields())
    for product_id in product_ids:
        event_log(request=request, product_id=product_id, kind=ProductEvent.Kind.PURCHASE)


def orders_placed_message(*, orders: list[Order]) -> str:
    """What the buyer reads after checkout: the order numbers, and why there are several."""
    numbers = ", ".join(f"#{order.pk}" for order in orders)
    if len(orders) == 1:
        return f"Thank you! Your order {numbers} is placed."
    return (
        f"Thank you! Your cart became {len(orders)} orders, {numbers}: one per seller, "
        "each shipped and tracked on its own."
    )


# ---- card payment of a checkout ----------------------------------------------------------

AWAITING_PAYMENT = (Order.PaymentStatus.PENDING, Order.PaymentStatus.FAILED)


@transaction.atomic
def checkout_payment_start(*, buyer: User, token: uuid.UUID) -> Payment:
    """A card payment for the unpaid card orders of one checkout (a retry makes a new one)."""
    orders = list(
        Order.objects.select_for_update().filter(
            buyer=buyer,
            checkout_token=token,
            payment_method=Order.PaymentMethod.CARD,
            status__in=CANCELLABLE_STATUSES,
            payment_status__in=AWAITING_PAYMENT,
        )
    )
    if not orders:
        raise OrderChangeError("Nothing left to pay for this checkout.")
    return payment_services.payment_start(
        buyer=buyer,
        checkout_token=token,
        amount=sum(order.total for order in orders),
        description=", ".join(f"Order #{o.pk}" for o in orders),
    )


def payment_outcome_apply(*, payment: Payment, succeeded: bool) -> str:
    """The provider settled a checkout's payment: its card orders become paid (or failed).

    Returns what happened when it is not just the payment's status: a second payment of a
    checkout already paid (two tabs) is given back whole.
    """
    orders = list(
        Order.objects.select_for_update().filter(
            buyer=payment.buyer_id,
            checkout_token=payment.checkout_token,
            payment_method=Order.PaymentMethod.CARD,
            payment_status__in=AWAITING_PAYMENT,
        )
    )
    if succeeded and not orders:
        payment_services.payment_refund(payment=payment)
        return "duplicate payment refunded"
    for order in orders:
        if order.status == Order.Status.CANCELLED:
            if succeeded:  # paid after the buyer cancelled: the money goes straight back
                _refund(order=order, payment=payment)
            continue
        order.payment_status = Order.PaymentStatus.PAID if succeeded else Order.PaymentStatus.FAILED
        order.save(update_fields=["payment_status", "updated_at"])
    return ""


def _refund(*, order: Order, payment: Payment | None = None) -> None:
    """Give a paid card order's money back through the provider its payment was made with."""
    if payment is None:
        payment = payment_selectors.payment_succeeded_for_checkout(
            buyer_id=order.buyer_id, checkout_token=order.checkout_token
        )
    if payment is not None and payment_services.payment_refund(payment=payment, amount=order.total):
        order.payment_status = Order.PaymentStatus.REFUNDED
        order.save(update_fields=["payment_status", "updated_at"])


# ---- the order lifecycle -----------------------------------------------------------------


@transaction.atomic
def order_update_status(
    *, order: Order, status: str, tracking_number: str = "", cash_received: bool = False
) -> Order:
    """Move an order along its timeline (seller or buyer); shipping needs a tracking number.

    Cancelling puts each size's stock back and refunds a paid card order. ``cash_received``
    marks a cash-on-delivery order paid (the only payment a seller sets by hand).
    """
    if status not in Order.Status.values:
        raise OrderChangeError(f"Unknown order status {status!r}")
    # Checked against the locked, stored row: a stale copy (another tab, a racing buyer) must
    # not move it back, and of a cancel and a ship racing each other only the first counts.
    locked = Order.objects.select_for_update().get(pk=order.pk)
    refusal = lifecycle.refusal(
        status=locked.status,
        payment_method=locked.payment_method,
        payment_status=locked.payment_status,
        action=status,
    )
    if refusal:
        order.status, order.payment_status = locked.status, locked.payment_status
        raise OrderChangeError(refusal)
    tracking_number = tracking_number.strip()
    if (
        status == Order.Status.SHIPPED
        and status != locked.status
        and not (tracking_number or locked.tracking_number)
    ):
        raise OrderChangeError("Add the parcel's tracking number to mark the order shipped.")
    changed = status != locked.status
    if changed:
        locked.status = status
        setattr(locked, STEP_TIMESTAMP[status], timezone.now())
        if status == Order.Status.SHIPPED and locked.packed_at is None:
            locked.packed_at = locked.shipped_at
    if tracking_number:
        locked.tracking_number = tracking_number
    if (
        cash_received
        and locked.payment_method == Order.PaymentMethod.COD
        and status != Order.Status.CANCELLED
    ):
        locked.payment_status = Order.PaymentStatus.PAID
    locked.save()
    if changed and status == Order.Status.CANCELLED:
        for item in locked.items.order_by("product_id", "size__position"):
            inventory.stock_return(product_id=item.product_id, size_id=item.size_id, quantity=item.quantity)
        if locked.payment_status == Order.PaymentStatus.PAID:
            _refund(order=locked)
        tasks.order_email_on_commit(order=locked, kind=emails.CANCELLED)
    if changed and status == Order.Status.SHIPPED:
        tasks.order_email_on_commit(order=locked, kind=emails.SHIPPED)
    for field in ("status", "payment_status", "tracking_number", *STEP_TIMESTAMP.values(), "updated_at"):
        setattr(order, field, getattr(locked, field))
    return order


def order_cancel(*, order: Order) -> Order:
    """The buyer (or the seller) cancels an order that has not shipped."""
    if order.status not in CANCELLABLE_STATUSES:
        raise OrderChangeError("This order has shipped: it can no longer be cancelled.")
    return order_update_status(order=order, status=Order.Status.CANCELLED)


# What an order keeps of a deleted buyer: the seller's books (lines, totals, dates, status)
# stay whole, the person does not. Extend this when Order gains fields about the buyer.
ORDER_BUYER_ERASED = {
    "full_name": "Deleted customer",
    "line1": "",
    "line2": "",
    "city": "",
    "pin_code": "",
}


def orders_buyer_erase(*, buyer: User) -> int:
    """Erase the buyer's name and address from their orders (their account is being deleted)."""
    return Order.objects.filter(buyer=buyer).update(**ORDER_BUYER_ERASED)
