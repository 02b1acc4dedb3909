import uuid

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from accounts import selectors as account_selectors
from accounts.models import ADDRESS_FIELDS
from cart import selectors as cart_selectors
from cart.badge import badge_refresh

from . import selectors, services
from .forms import CheckoutForm, OrderCancelForm
from .models import Order


@login_required
def checkout(request):
    cart = cart_selectors.cart_for_request(request=request)
    items = cart_selectors.cart_items(cart=cart)
    addresses = list(account_selectors.addresses_for(user=request.user))
    if request.method == "POST":
        form = CheckoutForm(request.POST, addresses=addresses)
        if form.is_valid():
            return _place(request, cart=cart, items=items, data=form.cleaned_data)
    else:
        if not items:
            messages.info(request, "Your cart is empty.")
            return redirect("cart:detail")
        form = CheckoutForm(initial=_checkout_initial(request.user, addresses), addresses=addresses)
    return render(
        request,
        "orders/checkout.html",
        {"form": form, "items": items, "total": cart_selectors.cart_total(items=items),
         "by_seller": cart_selectors.items_by_seller(items=items)},
    )


def _checkout_initial(user, addresses) -> dict:
    """The saved default address, else the last order's, else just the account's name."""
    initial = {"checkout_token": uuid.uuid4(), "full_name": user.get_full_name()}
    if addresses:
        return {**initial, "saved_address": str(addresses[0].pk)}
    last = selectors.last_order(buyer=user)
    if last:
        initial.update({name: getattr(last, name) for name in ADDRESS_FIELDS}, country=last.country)
    return initial


def _place(request, *, cart, items, data):
    address = services.ShippingAddress(
        **{name: data[name] for name in ADDRESS_FIELDS}, country=data["country"]
    )
    token = data["checkout_token"]
    repeated = selectors.checkout_placed(buyer=request.user, token=token)
    try:
        if cart is None:
            raise services.CheckoutError("Your cart is empty.")
        orders = services.checkout(
            cart=cart, buyer=request.user, address=address, token=token, payment_method=data["payment_method"]
        )
    except services.CheckoutError as error:
        messages.error(request, str(error))
        return redirect("cart:detail")
    badge_refresh(request=request)
    if not repeated:  # a resubmitted form bought nothing new
        services.checkout_followups(
            request=request,
            address=address,
            product_ids=[item.product_id for item in items],
            save_address=bool(data.get("save_address")),
        )
    messages.success(request, services.orders_placed_message(orders=orders))
    if orders[0].awaits_card_payment:
        return redirect("orders:pay", token=token)
    return redirect("orders:list")


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def pay(request, token: uuid.UUID):
    """Start (or retry) the card payment of a checkout's orders at the provider."""
    try:
        payment = services.checkout_payment_start(buyer=request.user, token=token)
    except services.OrderChangeError as error:
        messages.info(request, str(error))
        return redirect("orders:list")
    return redirect(payment.redirect_url)


@login_required
def orders(request):
    return render(request, "orders/orders.html", {"orders": selectors.orders_for_buyer(buyer=request.user)})


@login_required
def order_detail(request, pk: int):
    order = selectors.order_for_buyer(buyer=request.user, pk=pk)
    return render(request, "orders/order_detail.html", {"order": order})


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def order_cancel(request, pk: int):
    """GET asks for confirmation; the POST cancels (stock back, a paid order refunded)."""
    order = selectors.order_for_buyer(buyer=request.user, pk=pk)
    form = OrderCancelForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.order_cancel(order=order)
        except services.OrderChangeError as error:
            messages.error(request, str(error))
        else:
            refunded = order.payment_status == Order.PaymentStatus.REFUNDED
            messages.success(request, f"Order #{order.pk} is cancelled{' and refunded' if refunded else ''}.")
        return redirect("orders:detail", pk=order.pk)
    return render(request, "orders/order_cancel.html", {"order": order})
