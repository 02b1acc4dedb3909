"""Writes for card payments: start one at the provider, refund one, apply the provider's
webhook. Who gets paid (orders) learns the outcome through :mod:`payments.signals`."""

from __future__ import annotations

import uuid
from decimal import Decimal

from django.conf import settings
from django.db import IntegrityError, transaction

from accounts.models import User

from . import webhooks
from .models import Payment, WebhookEvent
from .providers import local_test, provider, provider_named
from .signals import payment_failed, payment_succeeded


def payment_start(*, buyer: User, checkout_token: uuid.UUID, amount: Decimal, description: str) -> Payment:
    """A payment at the configured provider; ``payment.redirect_url`` is where the buyer pays."""
    current = provider()
    started = current.start(amount=amount, description=description)
    payment = Payment.objects.create(
        buyer=buyer,
        checkout_token=checkout_token,
        provider=current.name,
        reference=started.reference,
        amount=amount,
    )
    payment.redirect_url = started.redirect_url
    return payment


def payment_refund(*, payment: Payment, amount: Decimal | None = None) -> bool:
    """Give back ``amount`` of a payment (all of it if None, which marks it refunded) through
    the provider it was made with; whether the provider accepted."""
    whole = amount is None
    accepted = provider_named(name=payment.provider).refund(
        reference=payment.reference, amount=payment.amount if whole else amount
    )
    if accepted and whole:
        payment.status = Payment.Status.REFUNDED
        payment.save(update_fields=["status", "updated_at"])
    return accepted


def payment_webhook_receive(*, body: bytes, signature: str) -> str:
    """Verify and apply one provider event; raise ``webhooks.SignatureError`` if not genuine.

    Idempotent: the event id is recorded in the same transaction as its effect, so a replay
    (or a concurrent duplicate delivery) changes nothing and is answered as handled.
    """
    event = webhooks.verify(body=body, header=signature, secret=settings.PAYMENT_WEBHOOK_SECRET)
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
    succeeded = event["type"] == webhooks.PAYMENT_SUCCEEDED
    payment.status = Payment.Status.SUCCEEDED if succeeded else Payment.Status.FAILED
    payment.save(update_fields=["status", "updated_at"])
    signal = payment_succeeded if succeeded else payment_failed
    answers = [answer for _, answer in signal.send(sender=Payment, payment=payment) if answer]
    return answers[0] if answers else payment.status


def local_test_card_pay(*, reference: str, card_number: str) -> str:
    """The local provider's card page was submitted: it decides and sends its webhook."""
    kind = local_test.LocalTestProvider.card_outcome(card_number=card_number)
    body = webhooks.event_body(kind=kind, reference=reference)
    payment_webhook_receive(
        body=body, signature=webhooks.sign(body=body, secret=settings.PAYMENT_WEBHOOK_SECRET)
    )
    return kind
