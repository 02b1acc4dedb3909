"""Writes for carts, wishlists, checkout, payments and the order lifecycle.

Checkout is one database transaction: stock is taken per size with a conditional UPDATE
(``stock >= quantity``), so concurrent buyers can never drive it below zero, and the orders,
their lines, the stock changes and the emptied cart commit together or not at all. Locks are
always taken product row first, then size row (as ``main.services.product_sizes_set`` does).

An order moves placed → packed → shipped → delivered, or is cancelled before it ships; every
move locks the order row (``select_for_update``), so a cancel and a ship of one order racing
each other end with exactly one of them done.
"""

from __future__ import annotations

import json
import uuid
from collections import defaultdict
from dataclasses import dataclass

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from accounts.models import User
from main.models import Product, ProductSize
from main.sizes import ONE_SIZE

from . import emails, payments
from .models import (
    CANCELLABLE_STATUSES,
    MAX_QUANTITY,
    Cart,
    CartItem,
    Order,
    OrderItem,
    Payment,
    WebhookEvent,
    Wishlist,
    WishlistItem,
)


class CheckoutError(Exception):
    """The checkout cannot go through (empty cart, not enough stock...); nothing was written."""


class OrderChangeError(ValueError):
    """An order cannot make this move (shipped orders cannot be cancelled...); nothing changed."""


@dataclass(frozen=True)
class ShippingAddress:
    full_name: str
    address: str
    city: str
    postal_code: str
    country: str = "India"
    phone: str = ""


@dataclass(frozen=True)
class CartAddition:
    """What adding to the cart did: fewer than asked are added when the size's stock or
    ``MAX_QUANTITY`` runs out, and the shopper must be told so."""

    item: CartItem
    requested: int
    added: int

    @property
    def capped(self) -> bool:
        return self.added < self.requested

    @property
    def message(self) -> str:
        label = self.item.size.label
        name = self.item.product.name if label == ONE_SIZE else f"{self.item.product.name} (size {label})"
        if not self.capped:
            return f"Added {name} to your cart."
        stock = self.item.size.stock
        limit = f"Only {stock} left" if stock < MAX_QUANTITY else f"At most {MAX_QUANTITY} per order"
        if self.added == self.item.quantity:
            return f"{limit}: added {self.added} of {name} to your cart."
        return f"{limit}: your cart now has {self.item.quantity} of {name}."


def cart_add_product(*, cart: Cart, size: ProductSize, quantity: int = 1) -> CartAddition:
    """Add to the cart's line of this size, capped by the size's stock and ``MAX_QUANTITY``."""
    product = size.product
    if not product.is_active:
        raise CheckoutError("This product is no longer listed.")
    item, _ = CartItem.objects.get_or_create(
        cart=cart, size=size, defaults={"quantity": 0, "product": product}
    )
    item.size, item.product = size, product
    before = item.quantity
    item.quantity = min(item.quantity + quantity, MAX_QUANTITY, max(size.stock, 1))
    item.save(update_fields=["quantity"])
    return CartAddition(item=item, requested=quantity, added=max(item.quantity - before, 0))


def cart_set_quantity(*, cart: Cart, product_id: int, quantity: int, size_id: int | None = None) -> None:
    """Set a line's quantity (the line of ``size_id``, or every line of the product); zero removes it."""
    lines = CartItem.objects.filter(cart=cart, product_id=product_id)
    if size_id is not None:
        lines = lines.filter(size_id=size_id)
    if quantity <= 0:
        lines.delete()
    else:
        lines.update(quantity=min(quantity, MAX_QUANTITY))


def cart_remove(*, cart: Cart, size_id: int) -> None:
    CartItem.objects.filter(cart=cart, size_id=size_id).delete()


@transaction.atomic
def cart_move_to_wishlist(*, cart: Cart, wishlist: Wishlist, size_id: int) -> Product | None:
    """Take a line out of the cart and keep its product on the wishlist (for later)."""
    item = CartItem.objects.filter(cart=cart, size_id=size_id).select_related("product").first()
    if item is None:
        return None
    wishlist_add(wishlist=wishlist, product=item.product)
    item.delete()
    return item.product


@transaction.atomic
def cart_merge_into_user(*, cart_id: int, user: User) -> None:
    """Move an anonymous cart's lines into the user's cart (quantities add up)."""
    anonymous = Cart.objects.filter(pk=cart_id, user=None).first()
    if anonymous is None:
        return
    cart, _ = Cart.objects.get_or_create(user=user)
    for item in anonymous.items.select_related("size__product"):
        if item.size.product.is_active:  # a line unlisted meanwhile is dropped, not a failed login
            cart_add_product(cart=cart, size=item.size, quantity=item.quantity)
    anonymous.delete()


def wishlist_add(*, wishlist: Wishlist, product: Product) -> bool:
    """Keep a product on the wishlist; whether it was new there."""
    return WishlistItem.objects.get_or_create(wishlist=wishlist, product=product)[1]


def wishlist_remove(*, wishlist: Wishlist, product_id: int) -> None:
    WishlistItem.objects.filter(wishlist=wishlist, product_id=product_id).delete()


@transaction.atomic
def wishlist_merge_into_user(*, wishlist_id: int, user: User) -> None:
    """An anonymous wishlist joins the user's on log-in, as the cart does."""
    anonymous = Wishlist.objects.filter(pk=wishlist_id, user=None).first()
    if anonymous is None:
        return
    wishlist, _ = Wishlist.objects.get_or_create(user=user)
    for item in anonymous.items.all():
        WishlistItem.objects.get_or_create(wishlist=wishlist, product_id=item.product_id)
    anonymous.delete()


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
        emails.order_email_on_commit(order=order, kind=emails.PLACED)
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
        taken = Product.objects.filter(pk=item.product_id, stock__gte=item.quantity).update(
            stock=F("stock") - item.quantity
        ) and ProductSize.objects.filter(
            pk=item.size_id, product_id=item.product_id, stock__gte=item.quantity
        ).update(stock=F("stock") - item.quantity)
        if not taken:
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
            full_name=address.full_name,
            address=address.address,
            city=address.city,
            postal_code=address.postal_code,
            country=address.country,
            phone=address.phone,
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


def orders_placed_message(*, orders: list[Order]) -> str:
    """What the buyer reads after checkout: the order numbers, and why there are several."""
    numbers = ", ".join(f"#{order.pk}" for order in orders)
    if len(orders) == 1:
        return f"Thank you! Your order {numbers} is placed."
    return (
        f"Thank you! Your cart became {len(orders)} orders, {numbers}: one per seller, "
        "each shipped and tracked on its own."
    )


# ---- payments ----------------------------------------------------------------------------


@transaction.atomic
def payment_start(*, buyer: User, token: uuid.UUID) -> Payment:
    """A card payment for the unpaid card orders of one checkout (a retry makes a new one)."""
    orders = list(
        Order.objects.select_for_update().filter(
            buyer=buyer,
            checkout_token=token,
            payment_method=Order.PaymentMethod.CARD,
            status__in=CANCELLABLE_STATUSES,
            payment_status__in=[Order.PaymentStatus.PENDING, Order.PaymentStatus.FAILED],
        )
    )
    if not orders:
        raise OrderChangeError("Nothing left to pay for this checkout.")
    amount = sum(order.total for order in orders)
    provider = payments.provider()
    started = provider.start(amount=amount, description=", ".join(f"Order #{o.pk}" for o in orders))
    payment = Payment.objects.create(
        buyer=buyer, checkout_token=token, provider=provider.name, reference=started.reference, amount=amount
    )
    payment.redirect_url = started.redirect_url
    return payment


def payment_webhook_receive(*, body: bytes, signature: str) -> str:
    """Verify and apply one provider event; raise ``payments.SignatureError`` if not genuine.

    Idempotent: the event id is recorded in the same transaction as its effect, so a replay
    (or a concurrent duplicate delivery) changes nothing and is answered as handled.
    """
    event = payments.verify(body=body, header=signature, secret=settings.PAYMENT_WEBHOOK_SECRET)
    try:
        with transaction.atomic():
            WebhookEvent.objects.create(event_id=str(event["id"])[:64], kind=event["type"])
            return _payment_event_apply(event=event)
    except IntegrityError:
        return "duplicate"


def _payment_event_apply(*, event: dict) -> str:
    payment = Payment.objects.select_for_update().filter(reference=str(event.get("payment", ""))).first()
    if payment is None:
        return "unknown payment"
    if payment.status != Payment.Status.PENDING:
        return "already settled"
    succeeded = event["type"] == payments.PAYMENT_SUCCEEDED
    payment.status = Payment.Status.SUCCEEDED if succeeded else Payment.Status.FAILED
    payment.save(update_fields=["status", "updated_at"])
    orders = Order.objects.select_for_update().filter(
        buyer=payment.buyer_id,
        checkout_token=payment.checkout_token,
        payment_method=Order.PaymentMethod.CARD,
        payment_status__in=[Order.PaymentStatus.PENDING, Order.PaymentStatus.FAILED],
    )
    orders = list(orders)
    if succeeded and not orders:
        # A second payment of a checkout already paid (two tabs): it is given back whole.
        if payments.provider().refund(reference=payment.reference, amount=payment.amount):
            payment.status = Payment.Status.REFUNDED
            payment.save(update_fields=["status", "updated_at"])
        return "duplicate payment refunded"
    for order in orders:
        if order.status == Order.Status.CANCELLED:
            if succeeded:  # paid after the buyer cancelled: the money goes straight back
                _refund(order=order, reference=payment.reference)
            continue
        order.payment_status = Order.PaymentStatus.PAID if succeeded else Order.PaymentStatus.FAILED
        order.save(update_fields=["payment_status", "updated_at"])
    return payment.status


def local_test_card_pay(*, reference: str, card_number: str) -> str:
    """The local provider's card page was submitted: it decides and sends its webhook."""
    kind = payments.LocalTestProvider.card_outcome(card_number=card_number)
    body = payments.event_body(kind=kind, reference=reference)
    payment_webhook_receive(
        body=body, signature=payments.sign(body=body, secret=settings.PAYMENT_WEBHOOK_SECRET)
    )
    return kind


def _refund(*, order: Order, reference: str | None = None) -> None:
    """Give a paid card order's money back through the provider it was paid with."""
    if reference is None:
        paid = Payment.objects.filter(
            buyer=order.buyer_id, checkout_token=order.checkout_token, status=Payment.Status.SUCCEEDED
        ).first()
        reference = paid.reference if paid else ""
    if reference and payments.provider().refund(reference=reference, amount=order.total):
        order.payment_status = Order.PaymentStatus.REFUNDED
        order.save(update_fields=["payment_status", "updated_at"])


# ---- the order lifecycle -----------------------------------------------------------------

# Where a seller may move an order from each status. Orders only move forward: a shipped
# order can no longer be cancelled (it is returned instead), a delivered one is with its
# buyer, and a cancelled one had its stock put back on sale, so reopening it would oversell.
STATUS_TRANSITIONS: dict[str, frozenset[str]] = {
    Order.Status.PLACED: frozenset({Order.Status.PACKED, Order.Status.SHIPPED, Order.Status.CANCELLED}),
    Order.Status.PACKED: frozenset({Order.Status.SHIPPED, Order.Status.CANCELLED}),
    Order.Status.SHIPPED: frozenset({Order.Status.DELIVERED}),
    Order.Status.DELIVERED: frozenset(),
    Order.Status.CANCELLED: frozenset(),
}
STEP_TIMESTAMP = {
    Order.Status.PACKED: "packed_at",
    Order.Status.SHIPPED: "shipped_at",
    Order.Status.DELIVERED: "delivered_at",
    Order.Status.CANCELLED: "cancelled_at",
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


def next_statuses(*, order: Order) -> list[str]:
    """The statuses a seller can move this order to, in timeline order."""
    return [s for s in Order.Status.values if s in STATUS_TRANSITIONS[order.status]]


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
    refusal = _refused_status_change(current=locked.status, status=status)
    if refusal:
        order.status = locked.status
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
            Product.objects.filter(pk=item.product_id).update(stock=F("stock") + item.quantity)
            ProductSize.objects.filter(pk=item.size_id).update(stock=F("stock") + item.quantity)
        if locked.payment_status == Order.PaymentStatus.PAID:
            _refund(order=locked)
        emails.order_email_on_commit(order=locked, kind=emails.CANCELLED)
    if changed and status == Order.Status.SHIPPED:
        emails.order_email_on_commit(order=locked, kind=emails.SHIPPED)
    for field in ("status", "payment_status", "tracking_number", *STEP_TIMESTAMP.values(), "updated_at"):
        setattr(order, field, getattr(locked, field))
    return order


def order_cancel(*, order: Order) -> Order:
    """The buyer (or the seller) cancels an order that has not shipped."""
    if order.status not in CANCELLABLE_STATUSES:
        raise OrderChangeError("This order has shipped: it can no longer be cancelled.")
    return order_update_status(order=order, status=Order.Status.CANCELLED)


def webhook_response_body(*, outcome: str) -> str:
    return json.dumps({"received": True, "outcome": outcome})
