"""What the shop needs from a card payment provider, and the registry of providers.

The shop never sees a card: it asks the provider for a payment (``PaymentProvider.start``),
sends the buyer to the provider's page, and learns the outcome only from the provider's
signed webhook (:mod:`payments.webhooks`). ``PAYMENT_PROVIDER`` names the provider new
payments go through; a payment is refunded through the provider it was made with
(``Payment.provider``), whatever is configured now.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Protocol

from django.conf import settings


@dataclass(frozen=True)
class StartedPayment:
    reference: str
    redirect_url: str


class PaymentProvider(Protocol):
    """What the shop needs from a card payment provider."""

    name: str

    def start(self, *, amount: Decimal, description: str) -> StartedPayment:
        """Create a payment; the buyer is sent to ``redirect_url`` to pay it."""

    def refund(self, *, reference: str, amount: Decimal) -> bool:
        """Give back ``amount`` of a succeeded payment; whether the provider accepted it."""


# Every provider by its name (filled by each provider's module as it is imported, see
# ``payments.providers``).
PROVIDERS: dict[str, type[PaymentProvider]] = {}


def register(provider_class: type[PaymentProvider]) -> type[PaymentProvider]:
    """Class decorator: the provider can be named by ``PAYMENT_PROVIDER`` and by payments."""
    PROVIDERS[provider_class.name] = provider_class
    return provider_class


def provider_named(*, name: str) -> PaymentProvider:
    """The provider a payment was made with (``Payment.provider``)."""
    return PROVIDERS[name]()


def provider() -> PaymentProvider:
    """The provider new payments go through (``PAYMENT_PROVIDER``)."""
    return provider_named(name=settings.PAYMENT_PROVIDER)
