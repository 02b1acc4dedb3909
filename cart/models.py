"""Carts and orders.

A checkout creates one order per seller (each shop ships and gets paid for its own items);
the orders of one checkout share its ``checkout_token``, which makes a double-submitted
checkout form create them only once.
"""

from django.conf import settings
from django.db import models

from main.models import Product


class Cart(models.Model):
    """A user's cart, or an anonymous visitor's (its id kept in the session) until they log in."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.CASCADE, related_name="cart"
    )
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"Cart of {self.user or 'a visitor'}"


class CartItem(models.Model):
    cart = models.ForeignKey(Cart, on_delete=models.CASCADE, related_name="items")
    product = models.ForeignKey(Product, on_delete=models.CASCADE, related_name="+")
    quantity = models.PositiveIntegerField(default=1)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["cart", "product"], name="one_line_per_product")]

    def __str__(self) -> str:
        return f"{self.quantity} × {self.product_id}"

    @property
    def line_total(self):
        return self.product.price * self.quantity

    @property
    def problem(self) -> str:
        """Why this line would stop a checkout as things stand ("" if it would not)."""
        if not self.product.is_active:
            return "No longer listed: remove it to check out"
        if self.product.stock == 0:
            return "Sold out: remove it to check out"
        if self.product.stock < self.quantity:
            return f"Only {self.product.stock} left"
        return ""


class Order(models.Model):
    class Status(models.TextChoices):
        PLACED = "placed", "Placed"
        SHIPPED = "shipped", "Shipped"
        DELIVERED = "delivered", "Delivered"
        CANCELLED = "cancelled", "Cancelled"

    class PaymentStatus(models.TextChoices):
        PENDING = "pending", "Pending"
        PAID = "paid", "Paid"
        REFUNDED = "refunded", "Refunded"

    buyer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="orders")
    seller = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="sales")
    checkout_token = models.UUIDField(db_index=True)
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.PLACED)
    payment_status = models.CharField(
        max_length=12, choices=PaymentStatus.choices, default=PaymentStatus.PENDING
    )
    total = models.DecimalField(max_digits=12, decimal_places=2)
    full_name = models.CharField(max_length=120)
    address = models.CharField(max_length=250)
    city = models.CharField(max_length=80)
    postal_code = models.CharField(max_length=20)
    country = models.CharField(max_length=60, default="India")
    created_at = models.DateTimeField(auto_now_add=True)
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
        return self.status in (self.Status.PLACED, self.Status.SHIPPED)


class OrderItem(models.Model):
    """A line of an order, with the name and price the buyer saw when paying."""

    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="items")
    product = models.ForeignKey(Product, on_delete=models.PROTECT, related_name="+")
    product_name = models.CharField(max_length=200)
    unit_price = models.DecimalField(max_digits=10, decimal_places=2)
    quantity = models.PositiveIntegerField()

    def __str__(self) -> str:
        return f"{self.quantity} × {self.product_name}"

    @property
    def line_total(self):
        return self.unit_price * self.quantity
