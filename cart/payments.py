"""Card payments through a payment provider, and the provider's signed webhook.

The shop never sees a card: checkout asks the provider for a payment (``PaymentProvider``),
sends the buyer to the provider's page, and learns the outcome only from the provider's
webhook, signed with a shared secret (``PAYMENT_WEBHOOK_SECRET``). ``LocalTestProvider`` is a
provider without a network: its card page is served by this shop (``cart:test_card``) and
its webhook is delivered in-process, signed, through the same code as a real one's
(``cart.services.payment_webhook_receive``). A real provider plugs in as another
``PaymentProvider`` named by ``PAYMENT_PROVIDER``, whose webhook calls ``cart:webhook``.

Signature header: ``t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<raw body>">``.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import secrets
import time
from dataclasses import dataclass
from decimal import Decimal
from typing import Protocol

from django.conf import settings
from django.urls import reverse

SIGNATURE_HEADER = "Threadline-Signature"
# How old a signed webhook may be: a captured delivery cannot be replayed days later.
SIGNATURE_TOLERANCE_SECONDS = 300

# The local provider's test cards (as real providers document theirs).
TEST_CARD_SUCCEEDS = "4242424242424242"
TEST_CARD_DECLINES = "4000000000000002"

PAYMENT_SUCCEEDED = "payment.succeeded"
PAYMENT_FAILED = "payment.failed"
EVENT_KINDS = (PAYMENT_SUCCEEDED, PAYMENT_FAILED)


class SignatureError(Exception):
    """A webhook whose signature is missing, wrong or too old: refused, nothing changes."""


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


class LocalTestProvider:
    """A provider on this machine: test card page, immediate refunds, in-process webhooks."""

    name = "local-test"

    def start(self, *, amount: Decimal, description: str) -> StartedPayment:
        reference = f"pay_{secrets.token_hex(12)}"
        return StartedPayment(reference=reference, redirect_url=reverse("cart:test_card", args=[reference]))

    def refund(self, *, reference: str, amount: Decimal) -> bool:
        return True

    @staticmethod
    def card_outcome(*, card_number: str) -> str:
        """The event a card leads to: the decline card and any unknown card fail."""
        digits = "".join(ch for ch in card_number if ch.isdigit())
        return PAYMENT_SUCCEEDED if digits == TEST_CARD_SUCCEEDS else PAYMENT_FAILED


PROVIDERS: dict[str, type] = {LocalTestProvider.name: LocalTestProvider}


def provider() -> PaymentProvider:
    return PROVIDERS[settings.PAYMENT_PROVIDER]()


def event_body(*, kind: str, reference: str) -> bytes:
    """A webhook delivery's body, as a provider sends it (one id per event)."""
    return json.dumps({"id": f"evt_{secrets.token_hex(12)}", "type": kind, "payment": reference}).encode()


def sign(*, body: bytes, secret: str, timestamp: int | None = None) -> str:
    """The signature header value for ``body`` (what the provider sends; tests use it too)."""
    timestamp = int(time.time()) if timestamp is None else timestamp
    digest = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256).hexdigest()
    return f"t={timestamp},v1={digest}"


def verify(*, body: bytes, header: str, secret: str, now: float | None = None) -> dict:
    """The event of a correctly signed, recent delivery; :class:`SignatureError` otherwise."""
    if not secret:
        raise SignatureError("No webhook secret is configured.")
    parts = dict(part.split("=", 1) for part in header.split(",") if "=" in part)
    timestamp, given = parts.get("t", ""), parts.get("v1", "")
    if not timestamp.isdigit() or not given:
        raise SignatureError("Malformed signature header.")
    now = time.time() if now is None else now
    if abs(now - int(timestamp)) > SIGNATURE_TOLERANCE_SECONDS:
        raise SignatureError("Signature timestamp outside the tolerance.")
    expected = sign(body=body, secret=secret, timestamp=int(timestamp)).split("v1=", 1)[1]
    if not hmac.compare_digest(expected, given):
        raise SignatureError("Signature does not match.")
    try:
        event = json.loads(body)
    except ValueError:
        raise SignatureError("Body is not JSON.") from None
    if not isinstance(event, dict) or event.get("type") not in EVENT_KINDS or not event.get("id"):
        raise SignatureError("Not a payment event.")
    return event
