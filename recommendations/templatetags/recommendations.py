"""What the recommendations draw on other apps' pages, loaded by their templates
(``{% load recommendations %}``): the catalog's product page and home page show them without
importing this app."""

from django import template
from django.core.cache import cache
from django.core.cache.utils import make_template_fragment_key
from django.utils.safestring import SafeString, mark_safe

from core.pages import CAROUSELS_SECONDS
from main.templatetags.product_cards import carousel

from ..selectors import carousels_for, feed_for_request, only_trending, recommendations_version

register = template.Library()

CAROUSELS_FRAGMENT = "product_carousels"  # the cache key's name, as ``{% cache %}`` made it
FEED_LENGTH = 12


@register.simple_tag
def product_carousels(product) -> SafeString:
    """A product page's carousels, cached per product and per loaded index (a new index draws
    them afresh): computed only when the cached fragment is missing."""
    key = make_template_fragment_key(CAROUSELS_FRAGMENT, [product.pk, recommendations_version()])
    html = cache.get(key)
    if html is None:
        carousels = carousels_for(product=product)
        html = "\n".join([
            carousel("Similar items", carousels.similar, "similar"),
            carousel("Looks like this", carousels.looks_like, "looks-like"),
            carousel("Complete the look", carousels.complete_the_look, "complete-the-look"),
        ])
        cache.set(key, html, CAROUSELS_SECONDS)
    return mark_safe(html)  # noqa: S308 - drawn by ``carousel``, which escapes every value


@register.inclusion_tag("recommendations/_feed.html", takes_context=True)
def home_feed(context) -> dict:
    """The home page's feed: "Picked for you", or "Trending now" for a shopper without history."""
    feed = feed_for_request(request=context["request"], k=FEED_LENGTH)
    return {"feed": feed, "trending": only_trending(feed)}
