"""Writes for reviews: a verified buyer's review, staff hiding one, "helpful" votes.

Every refusal is a :class:`ReviewRefused` whose message says what to change; after every
change of what counts (a review written, hidden or shown again) the product's average and
count are written to the catalog (``main.services.product_rating_set``: the listing's "4★ and
up" facet and "Customer rating" sort) and the rating is an event the feed learns from.
"""

from __future__ import annotations

import re

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from accounts.models import User
from main.models import Product
from main.services import product_rating_set
from orders.selectors import has_received
from recommendations.services import rating_forget, rating_log

from .models import (
    BODY_MAX_LENGTH,
    HIDE_REASON_MAX_LENGTH,
    HIGHEST_RATING,
    LOWEST_RATING,
    TITLE_MAX_LENGTH,
    HelpfulVote,
    Review,
)
from .selectors import product_summary

# Markup in a review: what a browser would read as a tag (``<b>``, ``</p>``, ``<!--``, an
# unclosed ``<script``) or an entity (``&lt;``, ``&#60;``). Reviews are plain text; "<3" or
# "size < M" stay allowed.
MARKUP = re.compile(r"<[a-zA-Z!?/]|&(#\d+|#x[0-9a-fA-F]+|[a-zA-Z]+);")
MIN_BODY_CHARACTERS = 1  # after stripping spaces: an empty review is refused


class ReviewRefused(ValueError):
    """A review, vote or hide that cannot be done; the message tells the person why."""


def review_create(
    *, author: User, product: Product, rating: int, body: str, title: str = "", fit: str = ""
) -> Review:
    """A verified buyer's review of ``product`` (a delivered order of it): 1 to 5 stars, plain
    text, one per buyer and product."""
    title, body = _plain_text(title=title, body=body)
    if not isinstance(rating, int) or not LOWEST_RATING <= rating <= HIGHEST_RATING:
        raise ReviewRefused(f"Pick a rating from {LOWEST_RATING} to {HIGHEST_RATING} stars.")
    if fit not in ("", *Review.Fit.values):
        raise ReviewRefused("Pick how it fits: runs small, true to size or runs large.")
    if not product.is_active:
        raise ReviewRefused("This product is no longer listed, so it cannot be reviewed.")
    if Review.objects.filter(product=product, author=author).exists():
        raise ReviewRefused("You have already reviewed this product: one review per product.")
    if not has_received(buyer=author, product_id=product.pk):
        raise ReviewRefused(
            "Only verified buyers can review a product: you can review it once an order of it "
            "has been delivered to you."
        )
    try:
        with transaction.atomic():
            review = Review.objects.create(
                product=product, author=author, rating=rating, fit=fit, title=title, body=body
            )
    except IntegrityError:  # the same form sent twice at once: the other one got in first
        raise ReviewRefused("You have already reviewed this product: one review per product.") from None
    rating_refresh(product_id=product.pk)
    rating_log(user=author, product_id=product.pk, stars=rating)
    return review


def _plain_text(*, title: str, body: str) -> tuple[str, str]:
    title, body = (title or "").strip(), (body or "").strip()
    if MARKUP.search(title) or MARKUP.search(body):
        raise ReviewRefused(
            "Reviews are plain text: remove the HTML (tags such as <b> or entities such as &amp;)."
        )
    if len(body) < MIN_BODY_CHARACTERS:
        raise ReviewRefused("Write a few words about the product: an empty review cannot be posted.")
    if len(body) > BODY_MAX_LENGTH:
        raise ReviewRefused(f"A review is at most {BODY_MAX_LENGTH} characters (this one has {len(body)}).")
    if len(title) > TITLE_MAX_LENGTH:
        raise ReviewRefused(f"A title is at most {TITLE_MAX_LENGTH} characters.")
    return title, body


def review_hide(*, review: Review, by: User, reason: str) -> Review:
    """Staff take a review off the product page (and out of its average), saying why."""
    if not by.is_staff:
        raise ReviewRefused("Only staff can hide a review.")
    reason = (reason or "").strip()
    if not reason:
        raise ReviewRefused("Say why the review is hidden (the reason is kept with it).")
    if len(reason) > HIDE_REASON_MAX_LENGTH:
        raise ReviewRefused(f"A reason is at most {HIDE_REASON_MAX_LENGTH} characters.")
    if review.hidden:
        raise ReviewRefused("This review is already hidden.")
    review.hidden, review.hidden_by, review.hidden_at, review.hidden_reason = True, by, timezone.now(), reason
    review.save(update_fields=["hidden", "hidden_by", "hidden_at", "hidden_reason"])
    rating_refresh(product_id=review.product_id)
    rating_forget(user=review.author, product_id=review.product_id)
    return review


def review_unhide(*, review: Review, by: User) -> Review:
    """Staff put a hidden review back; who hid it and why are cleared."""
    if not by.is_staff:
        raise ReviewRefused("Only staff can show a hidden review again.")
    if not review.hidden:
        raise ReviewRefused("This review is not hidden.")
    review.hidden, review.hidden_by, review.hidden_at, review.hidden_reason = False, None, None, ""
    review.save(update_fields=["hidden", "hidden_by", "hidden_at", "hidden_reason"])
    rating_refresh(product_id=review.product_id)
    rating_log(user=review.author, product_id=review.product_id, stars=review.rating)
    return review


def review_vote_helpful(*, review: Review, voter: User) -> bool:
    """``voter`` found ``review`` helpful; False if they had already said so."""
    if review.hidden:
        raise ReviewRefused("This review is hidden.")
    if review.author_id == voter.pk:
        raise ReviewRefused("You cannot vote for your own review.")
    with transaction.atomic():
        _, created = HelpfulVote.objects.get_or_create(review=review, voter=voter)
        if created:
            Review.objects.filter(pk=review.pk).update(helpful_count=F("helpful_count") + 1)
    return created


def rating_refresh(*, product_id: int) -> None:
    """Write the product's average and count of visible reviews to the catalog."""
    summary = product_summary(product_id=product_id)
    product_rating_set(product_id=product_id, average=summary.average, count=summary.count)


def reviews_erase(*, user: User) -> None:
    """An account is deleted: its reviews and votes go, and the products' averages follow."""
    product_ids = set(Review.objects.filter(author=user).values_list("product_id", flat=True))
    voted = list(HelpfulVote.objects.filter(voter=user).values_list("review_id", flat=True))
    HelpfulVote.objects.filter(voter=user).delete()
    Review.objects.filter(pk__in=voted).update(helpful_count=F("helpful_count") - 1)
    Review.objects.filter(author=user).delete()
    for product_id in product_ids:
        rating_refresh(product_id=product_id)
