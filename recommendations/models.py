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
    """What shoppers do (view, add to cart, purchase, rate): the feed learns from it."""

    class Kind(models.TextChoices):
        VIEW = "view", "View"
        CART = "cart", "Add to cart"
        PURCHASE = "purchase", "Purchase"
        WISHLIST = "wishlist", "Add to wishlist"
        # A verified buyer's rating (``reviews``): explicit feedback, named as ``ml`` reads it
        # (``ml.recommend.events.rating_event``).
        RATED_1 = "rated_1", "Rated 1 star"
        RATED_2 = "rated_2", "Rated 2 stars"
        RATED_3 = "rated_3", "Rated 3 stars"
        RATED_4 = "rated_4", "Rated 4 stars"
        RATED_5 = "rated_5", "Rated 5 stars"

    class Source(models.TextChoices):
        """Where a shopper clicked to open a product page (its link's ``?from=``): a view with a
        source is a click on that carousel or on the feed; one without came from elsewhere."""

        SIMILAR = "similar", "Similar items"
        LOOKS = "looks", "Looks like this"
        COMPLETE = "complete", "Complete the look"
        FEED = "feed", "Home feed"

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    session_key = models.CharField(
        max_length=40, blank=True, help_text='Anonymous visitor id (the signed "visitor" cookie).'
    )
    product = models.ForeignKey(Product, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    source = models.CharField(max_length=10, choices=Source.choices, blank=True, default="")
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


class FeedImpressions(models.Model):
    """How many times the home feed was shown, per day: the denominator of its click-through.

    A carousel's impressions need no table: every product page view (a ProductEvent) shows the
    carousels. The feed is on the home page, which logs no event, so it counts its renders here
    (one UPDATE per home page, no row per view).
    """

    day = models.DateField(unique=True)
    count = models.PositiveIntegerField(default=0)

    def __str__(self) -> str:
        return f"Feed shown {self.count} times on {self.day}"


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
