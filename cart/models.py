"""Carts and wishlists: what a shopper means to buy, and what they keep for later.

A checkout (``orders``) turns a cart into orders; the cart itself holds no money.
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
