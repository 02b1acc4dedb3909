from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver

from accounts.signals import account_deleting

from .badge import badge_refresh
from .selectors import ANONYMOUS_CART_KEY, ANONYMOUS_WISHLIST_KEY, WISHLIST_IDS_KEY, cart_quantity
from .services import cart_erase, cart_merge_into_user, wishlist_merge_into_user


@receiver(user_logged_in)
def merge_anonymous_cart(sender, request, user, **kwargs) -> None:
    """The cart and wishlist a visitor filled before logging in become (part of) their own."""
    if request is not None and hasattr(request, "session"):
        cart_id = request.session.pop(ANONYMOUS_CART_KEY, None)
        if cart_id:
            cart_merge_into_user(cart_id=cart_id, user=user)
        wishlist_id = request.session.pop(ANONYMOUS_WISHLIST_KEY, None)
        if wishlist_id:
            wishlist_merge_into_user(wishlist_id=wishlist_id, user=user)
        request.session.pop(WISHLIST_IDS_KEY, None)  # the account's wishlist now: counted afresh
        badge_refresh(request=request, quantity=cart_quantity(user=user))  # the account's cart now


@receiver(account_deleting)
def erase_cart(sender, user, **kwargs) -> None:
    """An account being deleted loses its cart (``accounts.services.user_delete_account``)."""
    cart_erase(user=user)
