"""The cart badge in the header, kept in the session so that pages need no query for it.

Every page shows it, and most requests are not about the cart: counting the cart's items on
each of them was one query per page. Instead the count is stored in the session whenever
this session changes the cart (:func:`badge_refresh`) and read from there. A cart changed
from another device shows up here at the next cart change or visit of the cart page.
"""

from __future__ import annotations

from .selectors import ANONYMOUS_CART_KEY, cart_quantity, wishlist_product_ids

BADGE_KEY = "cart_badge"


def badge_quantity(*, request) -> int:
    """What the header shows: the stored count, counted (once) if this session has none."""
    if not request.user.is_authenticated and not request.session.get(ANONYMOUS_CART_KEY):
        return 0  # a visitor without a cart: no query, and no session is opened
    stored = request.session.get(BADGE_KEY)
    return badge_refresh(request=request) if stored is None else stored


def badge_refresh(*, request, quantity: int | None = None) -> int:
    """Store the cart's item count after a change (``quantity`` if the caller knows it)."""
    if quantity is None:
        user = request.user if request.user.is_authenticated else None
        quantity = cart_quantity(user=user, cart_id=request.session.get(ANONYMOUS_CART_KEY))
    if request.session.get(BADGE_KEY) != quantity:  # an unchanged session is not saved again
        request.session[BADGE_KEY] = quantity
    return quantity


def badge_count(request) -> str:
    """The badge's number (``{% shopper_part "cart-badge" %}``, filled per request)."""
    return str(badge_quantity(request=request))


def badge_items(request) -> str:
    """The cart link's label: "1 item", "3 items" (``{% shopper_part "cart-items" %}``)."""
    quantity = badge_quantity(request=request)
    return f"{quantity} item{'' if quantity == 1 else 's'}"


def shares_pages(request) -> bool:
    """A shopper whose wishlist is empty sees the hearts every anonymous shopper sees."""
    return not wishlist_product_ids(request=request)
