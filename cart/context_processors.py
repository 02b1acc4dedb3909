from django.utils.functional import SimpleLazyObject

from .badge import badge_quantity
from .models import MAX_QUANTITY
from .selectors import wishlist_product_ids


def cart_summary(request) -> dict:
    return {
        "cart_quantity": lambda: badge_quantity(request=request),
        "max_quantity": MAX_QUANTITY,  # the quantity inputs' max (product page, cart)
        # Read only by a page that draws hearts (the catalog, a product page).
        "wishlist_ids": SimpleLazyObject(lambda: wishlist_product_ids(request=request)),
    }
