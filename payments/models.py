"""Card payments at a provider, and the provider's webhook deliveries already handled.

The tables keep the names they had in ``cart``.
"""

from django.conf import settings
from django.db import models


class Payment(models.Model):
    """A card payment of one checkout (all its orders) at a payment provider.

    ``reference`` is the provider's id of the payment; the provider reports the outcome
    through the signed webhook (``payments.webhooks``), never through the buyer's browser.
    """

    class Status(models.TextChoices):
        PENDING = "pending", "Pending"
        SUCCEEDED = "succeeded", "Succeeded"
        FAILED = "failed", "Failed"
        REFUNDED = "refunded", "Refunded"  # a duplicate payment of a checkout already paid

    buyer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="payments")
    checkout_token = models.UUIDField(db_index=True)
    provider = models.CharField(max_length=30)
    reference = models.CharField(max_length=64, unique=True)
    amount = models.DecimalField(max_digits=12, decimal_places=2)
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.PENDING)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        db_table = "cart_payment"  # the table it had in ``cart``: moved without copying a row
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"Payment {self.reference} ({self.status})"


class WebhookEvent(models.Model):
    """Each provider event handled once: a replayed delivery finds its id here and is a no-op."""

    event_id = models.CharField(max_length=64, unique=True)
    kind = models.CharField(max_length=40)
    received_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        db_table = "cart_webhookevent"

    def __str__(self) -> str:
        return self.event_id
