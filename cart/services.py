"""Writes for carts and wishlists (checkout, which turns a cart into orders, is ``orders``)."""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction

from accounts.models import User
from main.models import Product, ProductSize
from main.sizes import ONE_SIZE

from .models import MAX_QUANTITY, Cart, CartItem, Wishlist, WishlistItem
from .selectors import ANONYMOUS_CART_KEY, ANONYMOUS_WISHLIST_KEY, owned_by_request


class CartError(Exception):
    """The product cannot go into the cart (no longer listed); nothing was written."""


@dataclass(frozen=True)
class CartAddition:
    """What adding to the cart did: fewer than asked are added when the size's stock or
    ``MAX_QUANTITY`` runs out, and the shopper must be told so."""

    item: CartItem
    requested: int
    added: int

    @property
    def capped(self) -> bool:
        return self.added < self.requested

    @property
    def message(self) -> str:
        label = self.item.size.label
        name = self.item.product.name if label == ONE_SIZE else f"{self.item.product.name} (size {label})"
        if not self.capped:
            return f"Added {name} to your cart."
        stock = self.item.size.stock
        limit = f"Only {stock} left" if stock < MAX_QUANTITY else f"At most {MAX_QUANTITY} per order"
        if self.added == self.item.quantity:
            return f"{limit}: added {self.added} of {name} to your cart."
        return f"{limit}: your cart now has {self.item.quantity} of {name}."


def cart_add_product(*, cart: Cart, size: ProductSize, quantity: int = 1) -> CartAddition:
    """Add to the cart's line of this size, capped by the size's stock and ``MAX_QUANTITY``."""
    product = size.product
    if not product.is_active:
        raise CartError("This product is no longer listed.")
    item, _ = CartItem.objects.get_or_create(
        cart=cart, size=size, defaults={"quantity": 0, "product": product}
    )
    item.size, item.product = size, product
    before = item.quantity
    item.quantity = min(item.quantity + quantity, MAX_QUANTITY, max(size.stock, 1))
    item.save(update_fields=["quantity"])
    return CartAddition(item=item, requested=quantity, added=max(item.quantity - before, 0))


def cart_set_quantity(*, cart: Cart, product_id: int, quantity: int, size_id: int | None = None) -> None:
    """Set a line's quantity (the line of ``size_id``, or every line of the product); zero removes it."""
    lines = CartItem.objects.filter(cart=cart, product_id=product_id)
    if size_id is not None:
        lines = lines.filter(size_id=size_id)
    if quantity <= 0:
        lines.delete()
    else:
        lines.update(quantity=min(quantity, MAX_QUANTITY))


def cart_remove(*, cart: Cart, size_id: int) -> None:
    CartItem.objects.filter(cart=cart, size_id=size_id).delete()


@transaction.atomic
def cart_move_to_wishlist(*, cart: Cart, wishlist: Wishlist, size_id: int) -> Product | None:
    """Take a line out of the cart and keep its product on the wishlist (for later)."""
    item = CartItem.objects.filter(cart=cart, size_id=size_id).select_related("product").first()
    if item is None:
        return None
    wishlist_add(wishlist=wishlist, product=item.product)
    item.delete()
    return item.product


@transaction.atomic
def cart_merge_into_user(*, cart_id: int, user: User) -> None:
    """Move an anonymous cart's lines into the user's cart (quantities add up)."""
    anonymous = Cart.objects.filter(pk=cart_id, user=None).first()
    if anonymous is None:
        return
    cart, _ = Cart.objects.get_or_create(user=user)
    for item in anonymous.items.select_related("size__product"):
        if item.size.product.is_active:  # a line unlisted meanwhile is dropped, not a failed login
            cart_add_product(cart=cart, size=item.size, quantity=item.quantity)
    anonymous.delete()


def wishlist_add(*, wishlist: Wishlist, product: Product) -> bool:
    """Keep a product on the wishlist; whether it was new there."""
    return WishlistItem.objects.get_or_create(wishlist=wishlist, product=product)[1]


def wishlist_remove(*, wishlist: Wishlist, product_id: int) -> None:
    WishlistItem.objects.filter(wishlist=wishlist, product_id=product_id).delete()


@transaction.atomic
def wishlist_merge_into_user(*, wishlist_id: int, user: User) -> None:
    """An anonymous wishlist joins the user's on log-in, as the cart does."""
    anonymous = Wishlist.objects.filter(pk=wishlist_id, user=None).first()
    if anonymous is None:
        return
    wishlist, _ = Wishlist.objects.get_or_create(user=user)
    for item in anonymous.items.all():
        WishlistItem.objects.get_or_create(wishlist=wishlist, product_id=item.product_id)
    anonymous.delete()


def _get_or_create_for_request(model, *, request, session_key: str):
    """The request's row of ``model`` (a cart, a wishlist), created if it has none yet: the
    user's, or the anonymous visitor's, whose id is then kept in the session."""
    if request.user.is_authenticated:
        return model.objects.get_or_create(user=request.user)[0]
    found = owned_by_request(model, request=request, session_key=session_key)
    if found is None:
        found = model.objects.create()
        request.session[session_key] = found.pk
    return found


def cart_get_or_create_for_request(*, request) -> Cart:
    return _get_or_create_for_request(Cart, request=request, session_key=ANONYMOUS_CART_KEY)


def wishlist_get_or_create_for_request(*, request) -> Wishlist:
    return _get_or_create_for_request(Wishlist, request=request, session_key=ANONYMOUS_WISHLIST_KEY)


def cart_erase(*, user: User) -> None:
    """The user's account is being deleted: their cart goes."""
    Cart.objects.filter(user=user).delete()
