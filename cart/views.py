import uuid

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse, HttpResponseBadRequest
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST

from accounts import selectors as account_selectors
from accounts import services as account_services
from main.models import Product, ProductEvent
from main.services import event_log

from . import payments, selectors, services
from .badge import badge_refresh
from .forms import (
    AddToCartForm,
    CartLineActionForm,
    CartLineForm,
    CheckoutForm,
    OrderCancelForm,
    TestCardForm,
)
from .models import Order


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
    if product.stock <= 0:
        messages.error(request, f"{product.name} is out of stock.")
        return redirect(product.get_absolute_url())
    if size is None:
        messages.error(request, "Pick a size first.")
        return redirect(product.get_absolute_url())
    if size.stock <= 0:
        messages.error(request, f"{product.name} is out of stock in size {size.label}.")
        return redirect(product.get_absolute_url())
    cart = selectors.cart_for_request(request=request, create=True)
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
        wishlist = selectors.wishlist_for_request(request=request, create=True)
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


@login_required
def checkout(request):
    cart = selectors.cart_for_request(request=request)
    items = selectors.cart_items(cart=cart)
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
        "cart/checkout.html",
        {"form": form, "items": items, "total": selectors.cart_total(items=items),
         "by_seller": selectors.items_by_seller(items=items)},
    )


def _checkout_initial(user, addresses) -> dict:
    """The saved default address, else the last order's, else just the account's name."""
    initial = {"checkout_token": uuid.uuid4(), "full_name": user.get_full_name()}
    if addresses:
        return {**initial, "saved_address": str(addresses[0].pk)}
    last = user.orders.order_by("-created_at").first()
    if last:
        initial.update(
            full_name=last.full_name,
            address=last.address,
            city=last.city,
            phone=last.phone,
            postal_code=last.postal_code,
            country=last.country,
        )
    return initial


def _place(request, *, cart, items, data):
    address = services.ShippingAddress(
        full_name=data["full_name"],
        address=data["address"],
        city=data["city"],
        postal_code=data["postal_code"],
        country=data["country"],
        phone=data["phone"],
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
        if data.get("save_address"):
            account_services.address_create(
                owner=request.user,
                full_name=address.full_name,
                phone=address.phone,
                line1=address.address,
                city=address.city,
                state=data["state"],
                pin_code=address.postal_code,
            )
        for item in items:
            event_log(request=request, product_id=item.product_id, kind=ProductEvent.Kind.PURCHASE)
    messages.success(request, services.orders_placed_message(orders=orders))
    if orders[0].awaits_card_payment:
        return redirect("cart:pay", token=token)
    return redirect("cart:orders")


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def pay(request, token: uuid.UUID):
    """Start (or retry) the card payment of a checkout's orders at the provider."""
    try:
        payment = services.payment_start(buyer=request.user, token=token)
    except services.OrderChangeError as error:
        messages.info(request, str(error))
        return redirect("cart:orders")
    return redirect(payment.redirect_url)


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def test_card(request, reference: str):
    """The local test provider's card page (a real provider hosts its own)."""
    payment = selectors.payment_for_buyer(buyer=request.user, reference=reference)
    form = TestCardForm(request.POST or None)
    if request.method == "POST" and form.is_valid() and payment.status == payment.Status.PENDING:
        outcome = services.local_test_card_pay(
            reference=reference, card_number=form.cleaned_data["card_number"]
        )
        if outcome == payments.PAYMENT_SUCCEEDED:
            messages.success(request, "Payment received: thank you!")
        else:
            messages.error(request, "Your card was declined. Try another card, or cancel the order.")
        return redirect("cart:orders")
    return render(
        request,
        "cart/test_card.html",
        {
            "form": form,
            "payment": payment,
            "cards": (payments.TEST_CARD_SUCCEEDS, payments.TEST_CARD_DECLINES),
        },
    )


@csrf_exempt  # called by the payment provider, authenticated by its HMAC signature instead
@require_POST
def webhook(request):
    try:
        outcome = services.payment_webhook_receive(
            body=request.body, signature=request.headers.get(payments.SIGNATURE_HEADER, "")
        )
    except payments.SignatureError as error:
        return HttpResponseBadRequest(str(error), content_type="text/plain")
    return HttpResponse(services.webhook_response_body(outcome=outcome), content_type="application/json")


@login_required
def orders(request):
    return render(request, "cart/orders.html", {"orders": selectors.orders_for_buyer(buyer=request.user)})


@login_required
def order_detail(request, pk: int):
    order = selectors.order_for_buyer(buyer=request.user, pk=pk)
    return render(request, "cart/order_detail.html", {"order": order})


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
        return redirect("cart:order", pk=order.pk)
    return render(request, "cart/order_cancel.html", {"order": order})


def wishlist(request):
    items = selectors.wishlist_items(wishlist=selectors.wishlist_for_request(request=request))
    return render(request, "cart/wishlist.html", {"items": items})


@require_POST
def wishlist_toggle(request, product_id: int):
    """The heart of a product: saves it to the wishlist, or takes it off."""
    product = get_object_or_404(Product, pk=product_id, is_active=True)
    wishlist = selectors.wishlist_for_request(request=request, create=True)
    if request.POST.get("action") == "remove":
        services.wishlist_remove(wishlist=wishlist, product_id=product.pk)
        messages.success(request, f"Removed {product.name} from your wishlist.")
    elif services.wishlist_add(wishlist=wishlist, product=product):
        event_log(request=request, product_id=product.pk, kind=ProductEvent.Kind.WISHLIST)
        messages.success(request, f"Saved {product.name} to your wishlist.")
    selectors.wishlist_ids_refresh(request=request)
    return redirect(_safe_next(request) or "cart:wishlist")


def _safe_next(request) -> str:
    from django.utils.http import url_has_allowed_host_and_scheme

    target = request.POST.get("next", "")
    allowed = url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    )
    return target if allowed else ""
