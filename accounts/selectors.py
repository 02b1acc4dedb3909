"""Reads for user accounts: every query is scoped to one user."""

from __future__ import annotations

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404

from .models import Address, User


def addresses_for(*, user: User) -> QuerySet[Address]:
    """A user's saved addresses, the default first, then the newest."""
    return Address.objects.filter(owner=user)


def default_address_for(*, user: User) -> Address | None:
    """The address checkout offers first (None if the user saved none)."""
    return addresses_for(user=user).filter(is_default=True).first()


def address_of(*, user: User, pk: int) -> Address:
    """One of the user's own addresses; anyone else's is a 404 (no hint that it exists)."""
    return get_object_or_404(Address, owner=user, pk=pk)


def recent_orders(*, user: User, limit: int) -> list:
    """The user's latest orders as a buyer, through the reverse relation ``orders`` (the
    ``orders`` app points at accounts, not the other way round)."""
    orders = user.orders.select_related("seller").prefetch_related("items").order_by("-created_at")
    return list(orders[:limit])
