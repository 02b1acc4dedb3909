"""Ratings and reviews: a verified buyer's stars, fit and words about a product they received,
and other shoppers' "helpful" votes on them. Staff may hide a review (who, when and why are
kept); a hidden review leaves the product's page and its average."""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models

from main.models import Product

LOWEST_RATING = 1
HIGHEST_RATING = 5
TITLE_MAX_LENGTH = 120
BODY_MAX_LENGTH = 4000
HIDE_REASON_MAX_LENGTH = 200


class Review(models.Model):
    class Fit(models.TextChoices):
        SMALL = "small", "Runs small"
        TRUE = "true", "True to size"
        LARGE = "large", "Runs large"

    product = models.ForeignKey(Product, on_delete=models.CASCADE, related_name="+")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="reviews")
    rating = models.PositiveSmallIntegerField(
        validators=[MinValueValidator(LOWEST_RATING), MaxValueValidator(HIGHEST_RATING)]
    )
    fit = models.CharField(max_length=5, choices=Fit.choices, blank=True, help_text="Empty: not said.")
    title = models.CharField(max_length=TITLE_MAX_LENGTH, blank=True)
    body = models.TextField(max_length=BODY_MAX_LENGTH)
    created_at = models.DateTimeField(auto_now_add=True)
    # Denormalised from HelpfulVote (reviews.services.review_vote_helpful): "most helpful" sorts by it.
    helpful_count = models.PositiveIntegerField(default=0, editable=False)
    hidden = models.BooleanField(default=False)
    hidden_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    hidden_at = models.DateTimeField(null=True, blank=True)
    hidden_reason = models.CharField(max_length=HIDE_REASON_MAX_LENGTH, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["product", "author"], name="one_review_per_buyer_per_product"),
            models.CheckConstraint(
                condition=models.Q(rating__gte=LOWEST_RATING, rating__lte=HIGHEST_RATING),
                name="rating_one_to_five",
            ),
        ]
        indexes = [
            models.Index(fields=["product", "hidden", "-created_at"], name="review_newest_idx"),
            models.Index(fields=["product", "hidden", "-helpful_count"], name="review_helpful_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.rating}★ of {self.product_id} by {self.author_id}"


class HelpfulVote(models.Model):
    """One shopper found one review helpful (once: a second vote changes nothing)."""

    review = models.ForeignKey(Review, on_delete=models.CASCADE, related_name="votes")
    voter = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["review", "voter"], name="one_helpful_vote_per_voter")]

    def __str__(self) -> str:
        return f"{self.voter_id} found review {self.review_id} helpful"
