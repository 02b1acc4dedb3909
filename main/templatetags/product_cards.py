"""``{% product_card product reason %}``: the product tile of listings, feeds and carousels.

Written in Python rather than as an included template because a page draws up to 24 of
them: an ``{% include %}`` costs about 80 µs a tile, this about 35 µs. Every value that
comes from data goes through ``escape``: the standard library's, which Django's wraps (the
same text) behind a check for lazy strings that cost a 24-tile page ~0.1 ms.
"""

from html import escape

from django import template
from django.utils.safestring import SafeString, mark_safe

from main.links import media_url, url_with_id
from main.models import Product
from main.money import rupees

register = template.Library()


# Tiles drawn, by everything they show: a product's tile is drawn once per process, then only
# put together (its click source and reason), until its name, photo, price, rating or stock
# changes and so its key. A carousel miss drew 28 tiles at ~23 µs each, a listing 24.
_TILES_KEPT = 20_000  # ~1 KB each; a full dict is emptied, not evicted one by one
_tiles: dict[tuple, tuple[str, str, str]] = {}
SOLD_OUT = '<div class="small text-danger">Out of stock</div>'


@register.simple_tag
def product_card(product: Product, reason: str = "", source: str = "") -> SafeString:
    """A tile; ``source`` (a carousel's or the feed's name) rides on its link as ``?from=``, so
    that the product page's view event records the click (the carousels' click-through)."""
    link, body, end = _tile_parts(product)
    query = escape(f"?from={source}") if source else ""
    notes = f'<div class="reason">{escape(str(reason))}</div>' if reason else ""
    return mark_safe(f"{link}{query}{body}{notes}{end}")  # noqa: S308 - the parts are escaped


def _tile_parts(product: Product) -> tuple[str, str, str]:
    """A tile's HTML up to its link's address, from there to its reason, and after it."""
    photo_name = product.image.name if product.image else ""
    key = (product.pk, product.dataset_id, product.name, photo_name, product.price, product.stock == 0,
           product.rating_count, product.rating_average)
    parts = _tiles.get(key)
    if parts is not None:
        return parts
    name = escape(product.name)
    if photo_name:
        photo = (
            f'<img src="{escape(media_url(photo_name))}" class="card-img-top" alt="{name}"'
            ' loading="lazy" width="60" height="80">'
        )
    else:
        photo = '<div class="no-photo card-img-top">No photo</div>'
    rating = ""
    if product.rating_count:
        rating = ('<div class="small text-muted" data-test="card-rating"><span class="text-warning">★</span> '
                  f'{product.rating_average:.1f} ({product.rating_count})</div>')
    parts = (
        '<div class="card h-100 product-card shadow-sm" data-test="product-card">'
        f'<a href="{escape(product.get_absolute_url())}',
        f'" class="text-reset text-decoration-none">{photo}'
        f'<div class="card-body p-2"><h3 class="card-title mb-1">{name}</h3>'
        f'<div class="fw-semibold">{rupees(product.price)}</div>{rating}',
        (SOLD_OUT if product.stock == 0 else "") + "</div></a></div>",
    )
    if len(_tiles) >= _TILES_KEPT:
        _tiles.clear()
    _tiles[key] = parts
    return parts


@register.simple_tag
def carousel(title: str, items, test_id: str, source: str = "") -> SafeString:
    """A product page's carousel: its title and a row of tiles (``items``: suggestions with a
    ``product`` and a ``reason``), nothing if it is empty. Drawn here rather than by an included
    template looping over ``{% product_card %}``: that cost about 0.2 ms a carousel of lookups."""
    if not items:
        return mark_safe("")
    cards = "".join(product_card(item.product, item.reason, source) for item in items)
    return mark_safe(  # noqa: S308 - the cards escape their values, the rest is escaped here
        f'<section class="mt-5" data-test="{escape(str(test_id))}">\n'
        f'  <h2 class="h5 mb-3">{escape(str(title))}</h2>\n'
        f'  <div class="carousel-row">\n    {cards}\n  </div>\n</section>\n'
    )


@register.simple_tag(takes_context=True)
def product_tiles(context, products) -> SafeString:
    """A listing's grid cells: each product's tile with its heart. One tag for the 24 of a page
    rather than a template loop calling ``{% product_card %}`` and ``{% wish_button %}`` per
    product: in a profile of search pages, the two tags' dispatch and argument lookups were
    ~40% of the tiles' time, on top of drawing them."""
    return mark_safe("".join(  # noqa: S308 - the tile and the heart escape their values
        f'<div class="col tile-with-heart">{product_card(product)}{wish_button(context, product)}</div>'
        for product in products
    ))


@register.simple_tag(takes_context=True)
def wish_button(context, product: Product) -> SafeString:
    """The heart over a tile: saves the product to the wishlist (a POST, with its CSRF token),
    or takes it off. Never inside a fragment cached for every shopper (carousels).

    The token is the page's own (``csrf_token`` of the context, masked once per render):
    masking a fresh one per tile cost a 24-tile page about 4 ms of CPU. It and the page's
    address are escaped once per request, and the form's route is reversed once per process:
    per tile they were ~1 ms of a 24-tile catalog page's CPU."""
    request = context["request"]
    shared = getattr(request, "_wish_button", None)
    if shared is None:
        from django.middleware.csrf import get_token

        token = context.get("csrf_token") or get_token(request)
        shared = request._wish_button = (escape(str(token)), escape(request.get_full_path()))
    token, here = shared
    wished = product.pk in context.get("wishlist_ids", ())
    if wished:
        action, label, mark = "remove", "Remove from wishlist", "♥"
    else:
        action, label, mark = "add", "Save to wishlist", "♡"
    url = escape(url_with_id("cart:wishlist_toggle", product.pk))
    return mark_safe(  # noqa: S308 - every interpolated value is escaped
        f'<form method="post" action="{url}" class="wish-form">'
        f'<input type="hidden" name="csrfmiddlewaretoken" value="{token}">'
        f'<input type="hidden" name="action" value="{action}">'
        f'<input type="hidden" name="next" value="{here}">'
        f'<button class="wish-button{" wished" if wished else ""}" aria-label="{label}" title="{label}" '
        f'data-test="wish-{action}">{mark}</button></form>'
    )
