from django.contrib import messages
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from accounts.decorators import seller_required
from cart.selectors import orders_for_seller
from cart.services import order_update_status
from main import services as catalog_services

from . import selectors
from .forms import OrderStatusForm, ProductForm

LISTING_FIELDS = (
    "name",
    "description",
    "gender",
    "article_type",
    "base_colour",
    "usage",
    "season",
    "price",
    "stock",
)


@seller_required
def dashboard(request):
    return render(
        request,
        "seller_accounts/dashboard.html",
        {
            "counts": selectors.dashboard_counts(seller=request.user),
            "recent_orders": orders_for_seller(seller=request.user)[:5],
        },
    )


@seller_required
def product_list(request):
    q = request.GET.get("q", "")[:100]
    page = Paginator(selectors.seller_products(seller=request.user, q=q), 25).get_page(
        request.GET.get("page")
    )
    return render(request, "seller_accounts/product_list.html", {"page": page, "q": q})


@seller_required
def product_create(request):
    form = ProductForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        product = catalog_services.product_create(
            seller=request.user,
            photo=form.cleaned_data["photo"],
            **{name: form.cleaned_data[name] for name in LISTING_FIELDS},
        )
        messages.success(request, f"Listed {product.name}.")
        return redirect("seller_accounts:products")
    return render(request, "seller_accounts/product_form.html", {"form": form, "creating": True})


@seller_required
def product_edit(request, pk: int):
    product = selectors.seller_product(seller=request.user, pk=pk)
    form = ProductForm(request.POST or None, request.FILES or None, instance=product)
    if request.method == "POST" and form.is_valid():
        catalog_services.product_update(
            product=product,
            photo=form.cleaned_data["photo"],
            **{name: form.cleaned_data[name] for name in LISTING_FIELDS},
        )
        messages.success(request, f"Saved {product.name}.")
        return redirect("seller_accounts:products")
    return render(request, "seller_accounts/product_form.html", {"form": form, "product": product})


@seller_required
@require_POST
def product_unlist(request, pk: int):
    product = selectors.seller_product(seller=request.user, pk=pk)
    if product.is_active:
        catalog_services.product_unlist(product=product)
        messages.success(request, f"Unlisted {product.name}.")
    else:
        catalog_services.product_update(product=product, is_active=True)
        messages.success(request, f"Listed {product.name} again.")
    return redirect("seller_accounts:products")


@seller_required
def order_list(request):
    status = request.GET.get("status", "")
    orders = orders_for_seller(seller=request.user)
    if status:
        orders = orders.filter(status=status)
    page = Paginator(orders, 25).get_page(request.GET.get("page"))
    return render(request, "seller_accounts/order_list.html", {"page": page, "status": status})


@seller_required
def order_detail(request, pk: int):
    order = selectors.seller_order(seller=request.user, pk=pk)
    form = OrderStatusForm(
        request.POST or None, initial={"status": order.status, "payment_status": order.payment_status}
    )
    if request.method == "POST" and form.is_valid():
        order_update_status(
            order=order,
            status=form.cleaned_data["status"],
            payment_status=form.cleaned_data["payment_status"],
        )
        messages.success(request, f"Order #{order.pk} updated.")
        return redirect("seller_accounts:order", pk=order.pk)
    return render(request, "seller_accounts/order_detail.html", {"order": order, "form": form})
