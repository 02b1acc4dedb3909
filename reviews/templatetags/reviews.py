"""What reviews draw on the catalog's product page (``{% load reviews %}``): the rating
summary, the distribution, the fit, the newest or most helpful reviews and the way to write
one, so that ``main`` shows them without importing this app."""

from django import template

from ..models import HIGHEST_RATING
from ..selectors import (
    REVIEW_ORDER_LABELS,
    empty_summary,
    product_reviews,
    product_summary,
    review_eligibility,
    voted_reviews,
)

register = template.Library()

REVIEWS_ON_PAGE = 3  # the rest are on the product's review page


@register.inclusion_tag("reviews/_product_reviews.html", takes_context=True)
def product_reviews_block(context, product) -> dict:
    """The product page's review section; ``?reviews=helpful`` shows the most helpful first."""
    request = context["request"]
    order = request.GET.get("reviews", "newest")
    order = order if order in REVIEW_ORDER_LABELS else "newest"
    # The catalog's count of visible reviews (kept by the services): none, no query.
    summary = product_summary(product_id=product.pk) if product.rating_count else empty_summary()
    reviews = []
    if summary.count:
        reviews = list(product_reviews(product_id=product.pk, order=order)[:REVIEWS_ON_PAGE])
    return {
        "request": request,
        "user": request.user,
        "csrf_token": context.get("csrf_token"),
        "product": product,
        "summary": summary,
        "reviews": reviews,
        "order": order,
        "orders": REVIEW_ORDER_LABELS,
        "eligibility": review_eligibility(user=request.user, product=product),
        "voted": voted_reviews(voter=request.user, review_ids=[r.pk for r in reviews]),
        "more": summary.count > len(reviews),
    }


@register.filter
def stars(value) -> str:
    """A rating as five stars, filled to the nearest whole one ("★★★★☆")."""
    if value is None:
        return ""
    filled = max(0, min(HIGHEST_RATING, round(float(value))))
    return "★" * filled + "☆" * (HIGHEST_RATING - filled)
