"""Orders: what a buyer bought from one seller, with its lifecycle and payment state.

A checkout creates one order per seller (each shop ships and gets paid for its own items);
the orders of one checkout share its ``checkout_token``, which makes a double-submitted
checkout form create them only once. The tables keep the names they had in ``cart``.
"""

from django.conf import settings
from django.db import models

from accounts.models import PostalAddress
from main.models import Product, ProductSize

from . import lifecycle
from .lifecycle import CANCELLABLE_STATUSES, OPEN_STATUSES


class Order(PostalAddress):
    """An order of one seller's items, with the address it ships to (``PostalAddress``: a copy,
    which a later change of the buyer's saved address leaves as it was)."""

    # Defined with the moves between them, in ``lifecycle``.
    Status = lifecycle.Status
    PaymentStatus = lifecycle.PaymentStatus
    PaymentMethod = lifecycle.PaymentMethod

    buyer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="orders")
    seller = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="sales")
    checkout_token = models.UUIDField(db_index=True)
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.PLACED)
    payment_status = models.CharField(
        max_length=12, choices=PaymentStatus.choices, default=PaymentStatus.PENDING
    )
    payment_method = models.CharField(max_length=8, choices=PaymentMethod.choices, default=PaymentMethod.COD)
    total = models.DecimalField(max_digits=12, decimal_places=2)
    tracking_number = models.CharField(max_length=40, blank=True)
    country = models.CharField(max_length=60, default="India")
    created_at = models.DateTimeField(auto_now_add=True)
    # When the order reached each step of its timeline (placed is created_at).
    packed_at = models.DateTimeField(null=True, blank=True)
    shipped_at = models.DateTimeField(null=True, blank=True)
    delivered_at = models.DateTimeField(null=True, blank=True)
    cancelled_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        db_table = "cart_order"  # the table it had in ``cart``: moved without copying a row
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["checkout_token", "seller"], name="one_order_per_seller_per_checkout"
            )
        ]
        indexes = [models.Index(fields=["seller", "status"])]

    def __str__(self) -> str:
        return f"Order #{self.pk}"

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    @property
    def can_be_cancelled(self) -> bool:
        """Only before it ships: a parcel on its way is returned, not cancelled."""
        return self.status in CANCELLABLE_STATUSES

    @property
    def awaits_card_payment(self) -> bool:
        return (self.payment_method == self.PaymentMethod.CARD and self.can_be_cancelled
                and self.payment_status in (self.PaymentStatus.PENDING, self.PaymentStatus.FAILED))

    @property
    def next_statuses(self) -> list[str]:
        """The statuses this order can move to (``lifecycle.next_statuses``)."""
        return lifecycle.next_statuses(
            status=self.status, payment_method=self.payment_method, payment_status=self.payment_status
        )

    @property
    def timeline(self) -> list[tuple[str, object]]:
        """The steps placed → packed → shipped → delivered with when each was reached (None:
        not yet); a cancelled order ends at its cancellation."""
        steps = [("Placed", self.created_at), ("Packed", self.packed_at), ("Shipped", self.shipped_at),
                 ("Delivered", self.delivered_at)]
        if self.status == self.Status.CANCELLED:
            steps = [step for step in steps if step[1]] + [("Cancelled", self.cancelled_at)]
        return steps


class OrderItem(models.Model):
    """A line of an order, with the name and price the buyer saw when paying."""

    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="items")
    product = models.ForeignKey(Product, on_delete=models.PROTECT, related_name="+")
    size = models.ForeignKey(ProductSize, on_delete=models.PROTECT, related_name="+")
    size_label = models.CharField(max_length=20, default="")
    product_name = models.CharField(max_length=200)
    unit_price = models.DecimalField(max_digits=10, decimal_places=2)
    quantity = models.PositiveIntegerField()

    class Meta:
        db_table = "cart_orderitem"

    def __str__(self) -> str:
        return f"{self.quantity} × {self.product_name}"

    @property
    def line_total(self):
        return self.unit_price * self.quantity
