"""Reads for orders."""

from __future__ import annotations

import uuid

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404

from accounts.models import User

from .models import Order


def checkout_placed(*, buyer: User, token: uuid.UUID) -> bool:
    """Whether this checkout form was already submitted (its orders exist)."""
    return Order.objects.filter(buyer=buyer, checkout_token=token).exists()


def last_order(*, buyer: User) -> Order | None:
    return Order.objects.filter(buyer=buyer).order_by("-created_at").first()


def orders_for_buyer(*, buyer: User) -> QuerySet[Order]:
    return Order.objects.filter(buyer=buyer).select_related("seller").prefetch_related("items")


def order_for_buyer(*, buyer: User, pk: int) -> Order:
    """One of the buyer's own orders; anyone else's is a 404, as if it did not exist."""
    return get_object_or_404(orders_for_buyer(buyer=buyer), pk=pk)


def orders_for_seller(*, seller: User, status: str = "") -> QuerySet[Order]:
    """A seller's orders, of one status if ``status`` is one (any other value: all)."""
    orders = Order.objects.filter(seller=seller).select_related("buyer").prefetch_related("items")
    return orders.filter(status=status) if status in Order.Status.values else orders


def has_received_any(*, buyer: User) -> bool:
    """Whether any order of ``buyer``'s was delivered (they may review something)."""
    return Order.objects.filter(buyer=buyer, status=Order.Status.DELIVERED).exists()


def has_received(*, buyer: User, product_id: int) -> bool:
    """Whether ``buyer`` has an order with ``product_id`` in it that was delivered (a verified
    buyer of the product, who may review it)."""
    return Order.objects.filter(
        buyer=buyer, status=Order.Status.DELIVERED, items__product_id=product_id
    ).exists()
