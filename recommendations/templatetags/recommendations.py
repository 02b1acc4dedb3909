"""What the recommendations draw on other apps' pages, loaded by their templates
(``{% load recommendations %}``): the catalog's product page and home page show them without
importing this app."""

from django import template
from django.utils.functional import SimpleLazyObject

from core.pages import CAROUSELS_SECONDS

from ..selectors import carousels_for, feed_for_request, only_trending, recommendations_version

register = template.Library()

FEED_LENGTH = 12


@register.inclusion_tag("recommendations/_carousels.html")
def product_carousels(product) -> dict:
    """A product page's carousels, cached per product and per loaded index (a new index draws
    them afresh): computed only when the cached fragment is rendered afresh."""
    return {
        "product": product,
        "carousels": SimpleLazyObject(lambda: carousels_for(product=product)),
        "carousels_version": recommendations_version(),
        "carousels_seconds": CAROUSELS_SECONDS,
    }


@register.inclusion_tag("recommendations/_feed.html", takes_context=True)
def home_feed(context) -> dict:
    """The home page's feed: "Picked for you", or "Trending now" for a shopper without history."""
    feed = feed_for_request(request=context["request"], k=FEED_LENGTH)
    return {"feed": feed, "trending": only_trending(feed)}
