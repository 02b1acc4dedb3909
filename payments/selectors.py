"""Reads for card payments."""

from __future__ import annotations

import uuid

from django.shortcuts import get_object_or_404

from accounts.models import User

from .models import Payment


def payment_for_buyer(*, buyer: User, reference: str) -> Payment:
    """One of the buyer's own payments; anyone else's is a 404."""
    return get_object_or_404(Payment, buyer=buyer, reference=reference)


def payment_succeeded_for_checkout(*, buyer_id: int, checkout_token: uuid.UUID) -> Payment | None:
    """The payment that paid this checkout, if one did."""
    return Payment.objects.filter(
        buyer=buyer_id, checkout_token=checkout_token, status=Payment.Status.SUCCEEDED
    ).first()
