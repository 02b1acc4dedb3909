"""``{% link 'app:route' [id] %}`` and ``{% asset 'path' %}``: ``{% url %}`` (for routes
without arguments or with one integer id) and ``{% static %}``, with the route and the
manifest looked up once per process (see ``main.links``)."""

from django import template

from main import links

register = template.Library()


@register.simple_tag
def link(name: str, object_id: int | None = None) -> str:
    return links.url_of(name) if object_id is None else links.url_with_id(name, object_id)


register.simple_tag(links.asset, name="asset")
