import uuid

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from main.models import Product, ProductEvent
from main.services import event_log

from . import selectors, services
from .badge import badge_refresh
from .forms import AddToCartForm, CartLineForm, CheckoutForm


@require_http_methods(["GET", "HEAD", "POST"])
def add(request, product_id: int):
    product = get_object_or_404(Product, pk=product_id, is_active=True)
    if request.method != "POST":
        # Opened as a link (a bookmark, a reload after the session expired): show the product
        # instead of a blank 405 page. Only the POST, with its CSRF token, adds to the cart.
        return redirect(product.get_absolute_url())
    form = AddToCartForm(request.POST)
    quantity = form.cleaned_data["quantity"] if form.is_valid() else 1
    if product.stock <= 0:
        messages.error(request, f"{product.name} is out of stock.")
        return redirect(product.get_absolute_url())
    cart = selectors.cart_for_request(request=request, create=True)
    addition = services.cart_add_product(cart=cart, product=product, quantity=quantity)
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
            cart=cart, product_id=form.cleaned_data["product_id"], quantity=form.cleaned_data["quantity"]
        )
        badge_refresh(request=request)
    return redirect("cart:detail")


def detail(request):
    items = selectors.cart_items(cart=selectors.cart_for_request(request=request))
    badge_refresh(request=request, quantity=sum(item.quantity for item in items))
    return render(request, "cart/detail.html", {"items": items, "total": selectors.cart_total(items=items)})


@login_required
def checkout(request):
    cart = selectors.cart_for_request(request=request)
    items = selectors.cart_items(cart=cart)
    if request.method == "POST":
        form = CheckoutForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            address = services.ShippingAddress(
                full_name=data["full_name"],
                address=data["address"],
                city=data["city"],
                postal_code=data["postal_code"],
                country=data["country"],
            )
            repeated = selectors.checkout_placed(buyer=request.user, token=data["checkout_token"])
            try:
                if cart is None:
                    raise services.CheckoutError("Your cart is empty.")
                orders = services.checkout(
                    cart=cart, buyer=request.user, address=address, token=data["checkout_token"]
                )
            except services.CheckoutError as error:
                messages.error(request, str(error))
                return redirect("cart:detail")
            badge_refresh(request=request)
            if not repeated:  # a resubmitted form bought nothing new
                for item in items:
                    event_log(request=request, product_id=item.product_id, kind=ProductEvent.Kind.PURCHASE)
            messages.success(request, services.orders_placed_message(orders=orders))
            return redirect("cart:orders")
    else:
        if not items:
            messages.info(request, "Your cart is empty.")
            return redirect("cart:detail")
        last = request.user.orders.order_by("-created_at").first()
        initial = {"checkout_token": uuid.uuid4(), "full_name": request.user.get_full_name()}
        if last:
            initial.update(
                full_name=last.full_name,
                address=last.address,
                city=last.city,
                postal_code=last.postal_code,
                country=last.country,
            )
        form = CheckoutForm(initial=initial)
    return render(
        request,
        "cart/checkout.html",
        {"form": form, "items": items, "total": selectors.cart_total(items=items)},
    )


@login_required
def orders(request):
    return render(request, "cart/orders.html", {"orders": selectors.orders_for_buyer(buyer=request.user)})
