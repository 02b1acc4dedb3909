"""``{% shopper_part "name" %}``: a part of a page that is each shopper's own (the cart badge),
filled per request even in a page cached for every shopper (:mod:`core.page_cache`)."""

from django import template
from django.utils.safestring import SafeString, mark_safe

from ..page_cache import shopper_part as part

register = template.Library()


@register.simple_tag(takes_context=True)
def shopper_part(context, name: str) -> SafeString:
    return mark_safe(part(context.get("request"), name))  # noqa: S308 - the registered part escapes
