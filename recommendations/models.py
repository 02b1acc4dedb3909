"""What the recommenders learn from and keep: shoppers' events, and the neighbours of products
listed since the last index build.

Both tables were made by ``main`` (``main_productevent``, ``main_productneighbours``) and kept
when the models moved here (migration ``0001``: no row copied).
"""

from django.conf import settings
from django.db import models
from django.utils import timezone

from main.models import Product


class ProductEvent(models.Model):
    """What shoppers do (view, add to cart, purchase): the feed learns from it."""

    class Kind(models.TextChoices):
        VIEW = "view", "View"
        CART = "cart", "Add to cart"
        PURCHASE = "purchase", "Purchase"
        WISHLIST = "wishlist", "Add to wishlist"

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    session_key = models.CharField(
        max_length=40, blank=True, help_text='Anonymous visitor id (the signed "visitor" cookie).'
    )
    product = models.ForeignKey(Product, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    # A default, not auto_now_add: seed_demo_events logs simulated events at their own times.
    created_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        db_table = "main_productevent"  # made by main before this app had the model: rows kept
        indexes = [
            models.Index(fields=["user", "-created_at"], name="main_produc_user_id_094582_idx"),
            models.Index(fields=["session_key", "-created_at"], name="main_produc_session_fb078b_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} of {self.product_id}"


class ProductNeighbours(models.Model):
    """Similar items of a product listed after the last index build, found when it was saved.

    Catalog products find theirs in the precomputed index (``models/``); this table only
    holds the few listed since, until the next ``train_models``.
    """

    product = models.OneToOneField(Product, on_delete=models.CASCADE, related_name="neighbours")
    neighbour_ids = models.JSONField(default=list)
    scores = models.JSONField(default=list)
    reasons = models.JSONField(default=list)
    index_version = models.CharField(max_length=100)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        db_table = "main_productneighbours"  # made by main before this app had the model: rows kept

    def __str__(self) -> str:
        return f"Neighbours of {self.product_id}"
