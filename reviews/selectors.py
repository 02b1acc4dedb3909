"""Reads for reviews: a product's summary (average, distribution, fit), its reviews newest or
most helpful first, a seller's reviews, and whether someone may write one."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Count, Q, QuerySet

from accounts.models import User
from main.models import Product
from orders.selectors import has_received, has_received_any

from .models import HIGHEST_RATING, LOWEST_RATING, HelpfulVote, Review

AVERAGE_PLACES = Decimal("0.01")  # as Product.rating_average keeps it
REVIEW_ORDERS = {
    "newest": ("-created_at", "-id"),
    "helpful": ("-helpful_count", "-created_at", "-id"),
}
REVIEW_ORDER_LABELS = {"newest": "Newest", "helpful": "Most helpful"}
FIT_POSITIONS = {Review.Fit.SMALL: 0, Review.Fit.TRUE: 50, Review.Fit.LARGE: 100}  # % along the fit bar


@dataclass(frozen=True)
class StarsShare:
    stars: int
    count: int
    percent: int  # of the reviews, rounded


@dataclass(frozen=True)
class FitShare:
    fit: str
    label: str
    count: int
    percent: int  # of the reviews that said how it fits


@dataclass(frozen=True)
class ReviewSummary:
    count: int
    average: Decimal | None  # of the visible reviews, 2 places; None without one
    distribution: list[StarsShare]  # 5 stars first
    fits: list[FitShare]  # small, true, large
    fit_count: int  # reviews that said how it fits

    @property
    def fit_verdict(self) -> FitShare | None:
        """What most reviewers say of the fit (None if nobody said); a tie with "true to size"
        is true to size."""
        if not self.fit_count:
            return None
        return max(self.fits, key=lambda share: (share.count, share.fit == Review.Fit.TRUE))

    @property
    def fit_position(self) -> int:
        """Where the average fit lies on a small (0) … large (100) bar."""
        if not self.fit_count:
            return FIT_POSITIONS[Review.Fit.TRUE]
        total = sum(FIT_POSITIONS[share.fit] * share.count for share in self.fits)
        return round(total / self.fit_count)


def visible_reviews(*, product_id: int) -> QuerySet[Review]:
    return Review.objects.filter(product_id=product_id, hidden=False)


def product_summary(*, product_id: int) -> ReviewSummary:
    """The average, the 1–5 distribution and the fit summary of a product's visible reviews (one query)."""
    stars = range(HIGHEST_RATING, LOWEST_RATING - 1, -1)
    counts = visible_reviews(product_id=product_id).aggregate(
        **{f"stars_{n}": Count("id", filter=Q(rating=n)) for n in stars},
        **{f"fit_{fit}": Count("id", filter=Q(fit=fit)) for fit in Review.Fit.values},
    )
    by_stars = {n: counts[f"stars_{n}"] for n in stars}
    total = sum(by_stars.values())
    average = None
    if total:
        exact = Decimal(sum(n * c for n, c in by_stars.items())) / total
        average = exact.quantize(AVERAGE_PLACES, rounding=ROUND_HALF_UP)
    fit_count = sum(counts[f"fit_{fit}"] for fit in Review.Fit.values)
    return ReviewSummary(
        count=total,
        average=average,
        distribution=[StarsShare(n, by_stars[n], _percent(by_stars[n], total)) for n in stars],
        fits=[FitShare(fit, label, counts[f"fit_{fit}"], _percent(counts[f"fit_{fit}"], fit_count))
              for fit, label in Review.Fit.choices],
        fit_count=fit_count,
    )


def _percent(part: int, whole: int) -> int:
    return round(100 * part / whole) if whole else 0


def product_reviews(*, product_id: int, order: str = "newest") -> QuerySet[Review]:
    """A product's visible reviews, newest or most helpful first (an unknown order: newest)."""
    fields = REVIEW_ORDERS.get(order, REVIEW_ORDERS["newest"])
    return visible_reviews(product_id=product_id).select_related("author").order_by(*fields)


def seller_reviews(*, seller: User, rating: int | None = None) -> QuerySet[Review]:
    """Reviews of ``seller``'s products, newest first, hidden ones included (marked), of one
    star rating if ``rating`` is given."""
    reviews = Review.objects.filter(product__seller=seller).select_related("product", "author")
    if rating is not None:
        reviews = reviews.filter(rating=rating)
    return reviews.order_by("-created_at", "-id")


def voted_reviews(*, voter: User, review_ids: list[int]) -> set[int]:
    """Which of ``review_ids`` ``voter`` has found helpful."""
    if not voter.is_authenticated or not review_ids:
        return set()
    return set(Review.objects.filter(pk__in=review_ids, votes__voter=voter).values_list("pk", flat=True))


@dataclass(frozen=True)
class Eligibility:
    """Whether a visitor may review a product, and if not, why (shown in place of the form)."""

    allowed: bool
    reason: str = ""
    own_review: Review | None = None


def review_eligibility(*, user: User, product: Product) -> Eligibility:
    """One query for most shoppers (they did not receive it), two for a verified buyer."""
    if not user.is_authenticated:
        return Eligibility(False, "Log in to review a product you bought.")
    if user.is_seller:
        return Eligibility(False, "Sellers cannot review products.")
    if not product.is_active:
        return Eligibility(False, "This product is no longer listed.")
    if not has_received(buyer=user, product_id=product.pk):  # nobody reviews what they did not receive
        return Eligibility(False, "Only verified buyers can review: you can review this product once "
                                  "an order of it has been delivered to you.")
    own = Review.objects.filter(product=product, author=user).first()
    if own is not None:
        return Eligibility(False, "You have reviewed this product.", own)
    return Eligibility(True)


def empty_summary() -> ReviewSummary:
    """The summary of a product without a visible review (no query)."""
    return ReviewSummary(
        count=0, average=None,
        distribution=[StarsShare(n, 0, 0) for n in range(HIGHEST_RATING, LOWEST_RATING - 1, -1)],
        fits=[FitShare(fit, label, 0, 0) for fit, label in Review.Fit.choices], fit_count=0,
    )


def review_for_staff(*, pk: int) -> Review:
    return Review.objects.select_related("product").get(pk=pk)


def shares_pages(request) -> bool:
    """Whether the review section this shopper sees is everyone's (a page cached for every
    shopper may be theirs): anonymous, or a buyer who received nothing and voted on nothing,
    so that no "write a review" link, own review or vote is another shopper's."""
    user = request.user
    if not user.is_authenticated:
        return True
    return not has_received_any(buyer=user) and not HelpfulVote.objects.filter(voter=user).exists()


def page_audience(request) -> str:
    """What a shared page's review section varies by: what it tells the shopper who may not
    write a review ("log in" or "only verified buyers")."""
    return "signed-in" if request.user.is_authenticated else "anonymous"
