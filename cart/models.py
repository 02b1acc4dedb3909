"""Carts and orders.

A checkout creates one order per seller (each shop ships and gets paid for its own items);
the orders of one checkout share its ``checkout_token``, which makes a double-submitted
checkout form create them only once.
"""

from django.conf import settings
from django.db import models

from main.models import Product, ProductSize

# The most of one size a shopper can have in their cart (and buy in one order).
MAX_QUANTITY = 10


class Cart(models.Model):
    """A user's cart, or an anonymous visitor's (its id kept in the session) until they log in."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.CASCADE, related_name="cart"
    )
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"Cart of {self.user or 'a visitor'}"


class CartItem(models.Model):
    """A line of a cart: one size of a product (``product`` is the size's, kept for lookups)."""

    cart = models.ForeignKey(Cart, on_delete=models.CASCADE, related_name="items")
    product = models.ForeignKey(Product, on_delete=models.CASCADE, related_name="+")
    size = models.ForeignKey(ProductSize, on_delete=models.CASCADE, related_name="+")
    quantity = models.PositiveIntegerField(default=1)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["cart", "size"], name="one_line_per_size")]

    def __str__(self) -> str:
        return f"{self.quantity} × {self.product_id} ({self.size_id})"

    @property
    def line_total(self):
        return self.product.price * self.quantity

    @property
    def problem(self) -> str:
        """Why this line would stop a checkout as things stand ("" if it would not)."""
        if not self.product.is_active:
            return "No longer listed: remove it to check out"
        if self.size.stock == 0:
            return "Sold out: remove it to check out"
        if self.size.stock < self.quantity:
            return f"Only {self.size.stock} left"
        return ""


class Order(models.Model):
    class Status(models.TextChoices):
        PLACED = "placed", "Placed"
        PACKED = "packed", "Packed"
        SHIPPED = "shipped", "Shipped"
        DELIVERED = "delivered", "Delivered"
        CANCELLED = "cancelled", "Cancelled"

    class PaymentStatus(models.TextChoices):
        PENDING = "pending", "Pending"
        PAID = "paid", "Paid"
        FAILED = "failed", "Failed"
        REFUNDED = "refunded", "Refunded"

    class PaymentMethod(models.TextChoices):
        COD = "cod", "Cash on delivery"
        CARD = "card", "Card"

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
    full_name = models.CharField(max_length=120)
    address = models.CharField(max_length=250)
    city = models.CharField(max_length=80)
    postal_code = models.CharField(max_length=20)
    country = models.CharField(max_length=60, default="India")
    phone = models.CharField(max_length=10, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    # When the order reached each step of its timeline (placed is created_at).
    packed_at = models.DateTimeField(null=True, blank=True)
    shipped_at = models.DateTimeField(null=True, blank=True)
    delivered_at = models.DateTimeField(null=True, blank=True)
    cancelled_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
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
    def timeline(self) -> list[tuple[str, object]]:
        """The steps placed → packed → shipped → delivered with when each was reached (None:
        not yet); a cancelled order ends at its cancellation."""
        steps = [("Placed", self.created_at), ("Packed", self.packed_at), ("Shipped", self.shipped_at),
                 ("Delivered", self.delivered_at)]
        if self.status == self.Status.CANCELLED:
            steps = [step for step in steps if step[1]] + [("Cancelled", self.cancelled_at)]
        return steps


OPEN_STATUSES = (Order.Status.PLACED, Order.Status.PACKED, Order.Status.SHIPPED)
CANCELLABLE_STATUSES = (Order.Status.PLACED, Order.Status.PACKED)


class OrderItem(models.Model):
    """A line of an order, with the name and price the buyer saw when paying."""

    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="items")
    product = models.ForeignKey(Product, on_delete=models.PROTECT, related_name="+")
    size = models.ForeignKey(ProductSize, on_delete=models.PROTECT, related_name="+")
    size_label = models.CharField(max_length=20, default="")
    product_name = models.CharField(max_length=200)
    unit_price = models.DecimalField(max_digits=10, decimal_places=2)
    quantity = models.PositiveIntegerField()

    def __str__(self) -> str:
        return f"{self.quantity} × {self.product_name}"

    @property
    def line_total(self):
        return self.unit_price * self.quantity


class Payment(models.Model):
    """A card payment of one checkout (all its orders) at a payment provider.

    ``reference`` is the provider's id of the payment; the provider reports the outcome
    through the signed webhook (``cart.payments``), never through the buyer's browser.
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
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"Payment {self.reference} ({self.status})"


class WebhookEvent(models.Model):
    """Each provider event handled once: a replayed delivery finds its id here and is a no-op."""

    event_id = models.CharField(max_length=64, unique=True)
    kind = models.CharField(max_length=40)
    received_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return self.event_id


class Wishlist(models.Model):
    """A user's wishlist, or an anonymous visitor's (its id in the session) until they log in."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.CASCADE, related_name="wishlist"
    )
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"Wishlist of {self.user or 'a visitor'}"


class WishlistItem(models.Model):
    wishlist = models.ForeignKey(Wishlist, on_delete=models.CASCADE, related_name="items")
    product = models.ForeignKey(Product, on_delete=models.CASCADE, related_name="+")
    added_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-added_at"]
        constraints = [models.UniqueConstraint(fields=["wishlist", "product"], name="one_wish_per_product")]

    def __str__(self) -> str:
        return f"Wish {self.product_id}"
