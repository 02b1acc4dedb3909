"""What the recommendations draw on other apps' pages, loaded by their templates
(``{% load recommendations %}``): the catalog's product page and home page show them without
importing this app."""

from django import template
from django.utils.functional import SimpleLazyObject

from core.pages import CAROUSELS_SECONDS
from main.catalog_table import catalog_version

from ..selectors import (
    carousel_sections,
    carousel_strategy,
    carousels_for,
    feed_for_request,
    only_trending,
    recommendations_version,
)
from ..services import feed_impression_count

register = template.Library()

FEED_LENGTH = 12


@register.inclusion_tag("recommendations/_carousels.html")
def product_carousels(product, strategy: str = "") -> dict:
    """A product page's carousels, cached per product, per loaded index (a new index draws
    them afresh), per version of the catalog (their tiles' names and prices; they offer only
    what is in stock when drawn, so a sale elsewhere does not draw them again) and per
    strategy (an experiment's variant: see ``CAROUSEL_ORDERS``): computed
    only when the cached fragment is rendered afresh."""
    strategy = carousel_strategy(strategy)
    carousels = SimpleLazyObject(lambda: carousels_for(product=product))
    return {
        "product": product,
        "strategy": strategy,
        "carousels": carousels,
        "sections": SimpleLazyObject(lambda: carousel_sections(carousels=carousels, strategy=strategy)),
        "carousels_version": f"{recommendations_version()}.{catalog_version()}",
        "carousels_seconds": CAROUSELS_SECONDS,
    }


@register.inclusion_tag("recommendations/_feed.html", takes_context=True)
def home_feed(context, strategy: str = "") -> dict:
    """The home page's feed: "Picked for you", or "Trending now" for a shopper without history
    (or in the "trending" strategy of an experiment)."""
    feed = feed_for_request(request=context["request"], k=FEED_LENGTH, strategy=strategy)
    if feed:
        feed_impression_count()  # the feed's click-through denominator (monitoring)
    return {"feed": feed, "trending": only_trending(feed)}
