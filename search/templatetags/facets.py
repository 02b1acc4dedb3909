"""A facet's values as list items, drawn in Python: a search's panel has a few hundred of
them, and the template engine (or ``format_html``) spends several times longer on each."""

from html import escape

from django import template
from django.utils.safestring import SafeString, mark_safe

register = template.Library()


@register.simple_tag
def facet_items(values) -> SafeString:
    """``<li>`` links of facet values (``search.listing.FacetValue``): each toggles its value."""
    items = []
    for v in values:
        checked = 'true" class="active' if v.selected else "false"
        items.append(f'<li><a href="{escape(v.url)}" rel="nofollow" role="checkbox" aria-checked="{checked}">'
                     f'{escape(str(v.label))}</a> <span class="text-muted">({int(v.count)})</span></li>\n')
    return mark_safe("".join(items))  # every value escaped above
