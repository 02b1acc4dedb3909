"""A provider without a network: its card page is served by this shop
(``payments:test_card``), refunds are immediate, and its webhook is delivered in-process,
signed, through the same code as a real provider's (``payments.services.payment_webhook_receive``).
"""

from __future__ import annotations

import secrets
from decimal import Decimal

from django.urls import reverse

from ..webhooks import PAYMENT_FAILED, PAYMENT_SUCCEEDED
from .base import StartedPayment, register

# The local provider's test cards (as real providers document theirs).
TEST_CARD_SUCCEEDS = "4242424242424242"
TEST_CARD_DECLINES = "4000000000000002"


@register
class LocalTestProvider:
    """A provider on this machine: test card page, immediate refunds, in-process webhooks."""

    name = "local-test"

    def start(self, *, amount: Decimal, description: str) -> StartedPayment:
        reference = f"pay_{secrets.token_hex(12)}"
        redirect_url = reverse("payments:test_card", args=[reference])
        return StartedPayment(reference=reference, redirect_url=redirect_url)

    def refund(self, *, reference: str, amount: Decimal) -> bool:
        return True

    @staticmethod
    def card_outcome(*, card_number: str) -> str:
        """The event a card leads to: the decline card and any unknown card fail."""
        digits = "".join(ch for ch in card_number if ch.isdigit())
        return PAYMENT_SUCCEEDED if digits == TEST_CARD_SUCCEEDS else PAYMENT_FAILED
