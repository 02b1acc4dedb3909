from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from core.redirects import safe_next
from main.models import Product
from recommendations.models import ProductEvent
from recommendations.services import event_log

from . import selectors, services
from .badge import badge_refresh
from .forms import AddToCartForm, CartLineActionForm, CartLineForm


@require_http_methods(["GET", "HEAD", "POST"])
def add(request, product_id: int):
    product = get_object_or_404(Product, pk=product_id, is_active=True)
    if request.method != "POST":
        # Opened as a link (a bookmark, a reload after the session expired): show the product
        # instead of a blank 405 page. Only the POST, with its CSRF token, adds to the cart.
        return redirect(product.get_absolute_url())
    form = AddToCartForm(request.POST)
    form.is_valid()  # an invalid quantity adds one; the size is read on its own
    quantity = form.cleaned_data.get("quantity") or 1
    size = selectors.product_size(product=product, size_id=form.cleaned_data.get("size"))
    sold_out = selectors.sold_out_reason(product=product, size=size)
    if sold_out:
        messages.error(request, sold_out)
        return redirect(product.get_absolute_url())
    cart = services.cart_get_or_create_for_request(request=request)
    addition = services.cart_add_product(cart=cart, size=size, quantity=quantity)
    badge_refresh(request=request)
    event_log(request=request, product_id=product.pk, kind=ProductEvent.Kind.CART)
    messages.add_message(request, messages.WARNING if addition.capped else messages.SUCCESS, addition.message)
    return redirect("cart:detail")


@require_POST
def update(request):
    form = CartLineForm(request.POST)
    cart = selectors.cart_for_request(request=request)
    if form.is_valid() and cart is not None:
        services.cart_set_quantity(
            cart=cart,
            product_id=form.cleaned_data["product_id"],
            size_id=form.cleaned_data["size_id"],
            quantity=form.cleaned_data["quantity"],
        )
        badge_refresh(request=request)
    return redirect("cart:detail")


@require_POST
def remove(request):
    form = CartLineActionForm(request.POST)
    cart = selectors.cart_for_request(request=request)
    if form.is_valid() and cart is not None:
        services.cart_remove(cart=cart, size_id=form.cleaned_data["size_id"])
        badge_refresh(request=request)
        messages.success(request, "Removed from your cart.")
    return redirect("cart:detail")


@require_POST
def move_to_wishlist(request):
    form = CartLineActionForm(request.POST)
    cart = selectors.cart_for_request(request=request)
    if form.is_valid() and cart is not None:
        wishlist = services.wishlist_get_or_create_for_request(request=request)
        product = services.cart_move_to_wishlist(
            cart=cart, wishlist=wishlist, size_id=form.cleaned_data["size_id"]
        )
        badge_refresh(request=request)
        selectors.wishlist_ids_refresh(request=request)
        if product is not None:
            event_log(request=request, product_id=product.pk, kind=ProductEvent.Kind.WISHLIST)
            messages.success(request, f"Moved {product.name} to your wishlist.")
    return redirect("cart:detail")


def detail(request):
    items = selectors.cart_items(cart=selectors.cart_for_request(request=request))
    badge_refresh(request=request, quantity=sum(item.quantity for item in items))
    return render(
        request,
        "cart/detail.html",
        {"items": items, "total": selectors.cart_total(items=items)},
    )


def wishlist(request):
    items = selectors.wishlist_items(wishlist=selectors.wishlist_for_request(request=request))
    return render(request, "cart/wishlist.html", {"items": items})


@require_POST
def wishlist_toggle(request, product_id: int):
    """The heart of a product: saves it to the wishlist, or takes it off."""
    product = get_object_or_404(Product, pk=product_id, is_active=True)
    wishlist = services.wishlist_get_or_create_for_request(request=request)
    if request.POST.get("action") == "remove":
        services.wishlist_remove(wishlist=wishlist, product_id=product.pk)
        messages.success(request, f"Removed {product.name} from your wishlist.")
    elif services.wishlist_add(wishlist=wishlist, product=product):
        event_log(request=request, product_id=product.pk, kind=ProductEvent.Kind.WISHLIST)
        messages.success(request, f"Saved {product.name} to your wishlist.")
    selectors.wishlist_ids_refresh(request=request)
    return redirect(safe_next(request=request, target=request.POST.get("next")) or "cart:wishlist")

