"""An order's lifecycle: its statuses, and which moves are allowed in which state.

An order moves placed → packed → shipped → delivered, or is cancelled before it ships. What
decides a move is one table, :data:`MOVES`: (status, payment method, payment status, action)
→ "" if allowed, else the reason it is refused; an action is the status asked for. Services
check it before a move, views and forms offer only the allowed moves (:func:`next_statuses`).

A card order is packed, shipped and delivered only once paid: a marketplace does not send
goods against a card payment that is pending or failed. A cash-on-delivery order is paid at
the door, so it moves on unpaid. Either can be cancelled until it ships.
"""

from __future__ import annotations

from itertools import product

from django.db import models


class Status(models.TextChoices):
    PLACED = "placed", "Placed"
    PACKED = "packed", "Packed"
    SHIPPED = "shipped", "Shipped"
    DELIVERED = "delivered", "Delivered"
    CANCELLED = "cancelled", "Cancelled"


class PaymentStatus(models.TextChoices):
    PENDING = "pending", "Pending"
    PAID = "paid", "Paid"
    FAILED = "failed", "Failed"
    REFUNDED = "refunded", "Refunded"


class PaymentMethod(models.TextChoices):
    COD = "cod", "Cash on delivery"
    CARD = "card", "Card"


OPEN_STATUSES = (Status.PLACED, Status.PACKED, Status.SHIPPED)
CANCELLABLE_STATUSES = (Status.PLACED, Status.PACKED)

# Where an order may move from each status. Orders only move forward: a shipped order can no
# longer be cancelled (it is returned instead), a delivered one is with its buyer, and a
# cancelled one had its stock put back on sale, so reopening it would oversell.
STATUS_TRANSITIONS: dict[str, frozenset[str]] = {
    Status.PLACED: frozenset({Status.PACKED, Status.SHIPPED, Status.CANCELLED}),
    Status.PACKED: frozenset({Status.SHIPPED, Status.CANCELLED}),
    Status.SHIPPED: frozenset({Status.DELIVERED}),
    Status.DELIVERED: frozenset(),
    Status.CANCELLED: frozenset(),
}
# The moves that send goods on their way: a card order makes them only once paid.
NEEDS_CARD_PAID = frozenset({Status.PACKED, Status.SHIPPED, Status.DELIVERED})
# The field that records when an order reached each step (placed is ``created_at``).
STEP_TIMESTAMP = {
    Status.PACKED: "packed_at",
    Status.SHIPPED: "shipped_at",
    Status.DELIVERED: "delivered_at",
    Status.CANCELLED: "cancelled_at",
}


def _reason(*, status: str, payment_method: str, payment_status: str, action: str) -> str:
    if action == status:
        return ""  # no move: the tracking number or the cash received is being recorded
    if status == Status.CANCELLED:
        return "A cancelled order cannot be reopened."
    allowed = STATUS_TRANSITIONS[status]
    if action not in allowed:
        label = Status(status).label.lower()
        names = [Status(s).label.lower() for s in Status.values if s in allowed]
        if not names:
            return f"A {label} order is complete: its status cannot change."
        return f"A {label} order can only be marked {' or '.join(names)}."
    if (
        payment_method == PaymentMethod.CARD
        and action in NEEDS_CARD_PAID
        and payment_status != PaymentStatus.PAID
    ):
        return (
            f"A card order is {Status(action).label.lower()} only once paid: "
            f"its payment is {PaymentStatus(payment_status).label.lower()}."
        )
    return ""


MOVES: dict[tuple[str, str, str, str], str] = {
    (status, method, paid, action): _reason(status=status, payment_method=method, payment_status=paid,
                                            action=action)
    for status, method, paid, action in product(
        Status.values, PaymentMethod.values, PaymentStatus.values, Status.values
    )
}


def refusal(*, status: str, payment_method: str, payment_status: str, action: str) -> str:
    """Why an order in this state cannot take ``action`` ("" if it can)."""
    if action not in Status.values:
        return f"Unknown order status {action!r}"
    return MOVES[(status, payment_method, payment_status, action)]


def next_statuses(*, status: str, payment_method: str, payment_status: str) -> list[str]:
    """The statuses an order in this state can move to, in timeline order."""
    return [
        action
        for action in Status.values
        if action != status
        and not MOVES[(status, payment_method, payment_status, action)]
    ]
