"""A payment provider's signed webhook: how its deliveries are signed and verified.

The provider reports a payment's outcome only here, never through the buyer's browser; each
delivery is signed with a shared secret (``PAYMENT_WEBHOOK_SECRET``).

Signature header: ``t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<raw body>">``.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import secrets
import time

SIGNATURE_HEADER = "Threadline-Signature"
# How old a signed webhook may be: a captured delivery cannot be replayed days later.
SIGNATURE_TOLERANCE_SECONDS = 300

PAYMENT_SUCCEEDED = "payment.succeeded"
PAYMENT_FAILED = "payment.failed"
EVENT_KINDS = (PAYMENT_SUCCEEDED, PAYMENT_FAILED)


class SignatureError(Exception):
    """A webhook whose signature is missing, wrong or too old: refused, nothing changes."""


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


def response_body(*, outcome: str) -> str:
    """What the webhook answers the provider."""
    return json.dumps({"received": True, "outcome": outcome})
