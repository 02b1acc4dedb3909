"""Reads for the seller dashboard. Every query is scoped to one seller."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, Q, QuerySet, Sum
from django.shortcuts import get_object_or_404

from accounts.models import User
from main.models import Product
from orders.lifecycle import OPEN_STATUSES
from orders.models import Order

from .models import ListingCategorization


@dataclass(frozen=True)
class DashboardCounts:
    active_listings: int
    unlisted: int
    out_of_stock: int
    open_orders: int
    revenue: Decimal


def dashboard_counts(*, seller: User) -> DashboardCounts:
    listings = Product.objects.filter(seller=seller).aggregate(
        active=Count("id", filter=Q(is_active=True)),
        unlisted=Count("id", filter=Q(is_active=False)),
        out_of_stock=Count("id", filter=Q(is_active=True, stock=0)),
    )
    orders = Order.objects.filter(seller=seller).aggregate(
        open=Count("id", filter=Q(status__in=OPEN_STATUSES)),
        revenue=Sum("total", filter=Q(payment_status=Order.PaymentStatus.PAID)),
    )
    return DashboardCounts(
        active_listings=listings["active"],
        unlisted=listings["unlisted"],
        out_of_stock=listings["out_of_stock"],
        open_orders=orders["open"],
        revenue=orders["revenue"] or Decimal("0"),
    )


# What a seller can narrow their listings to: the ones to act on are unlisted or sold out.
LISTING_STATUSES = {
    "listed": {"is_active": True},
    "sold_out": {"is_active": True, "stock": 0},
    "unlisted": {"is_active": False},
}


def seller_products(*, seller: User, q: str = "", status: str = "") -> QuerySet[Product]:
    """This seller's products, listed ones first, the latest changed first; ``status`` (a key
    of ``LISTING_STATUSES``) narrows them, an unknown one does not."""
    products = Product.objects.filter(seller=seller).select_related("gender", "article_type")
    products = products.prefetch_related("sizes")
    if q:
        products = products.filter(name__icontains=q)
    products = products.filter(**LISTING_STATUSES.get(status, {}))
    return products.order_by("-is_active", "-updated_at")


def seller_product(*, seller: User, pk: int) -> Product:
    """One of this seller's products; another seller's is a 404, as if it did not exist."""
    return get_object_or_404(Product, pk=pk, seller=seller)


# The seller's order list can be narrowed to any status an order can have.
ORDER_STATUS_FILTERS = Order.Status.choices


def seller_order(*, seller: User, pk: int) -> Order:
    return get_object_or_404(
        Order.objects.select_related("buyer").prefetch_related("items"), pk=pk, seller=seller
    )


def correction_rates(*, records: QuerySet | None = None) -> dict[str, float | None]:
    """Per recorded level, the share of listings where the seller changed the model's value,
    out of those where both were filled in (``ListingCategorization.judged``); None when no
    listing tells."""
    records = ListingCategorization.objects.all() if records is None else records
    counts = records.aggregate(
        **{f"{level}_judged": Count("id", filter=ListingCategorization.judged(level))
           for level in ListingCategorization.LEVELS},
        **{f"{level}_corrected": Count("id", filter=ListingCategorization.judged(level)
                                       & Q(**{f"{level}_corrected": True}))
           for level in ListingCategorization.LEVELS},
    )
    return {
        level: counts[f"{level}_corrected"] / counts[f"{level}_judged"] if counts[f"{level}_judged"] else None
        for level in ListingCategorization.LEVELS
    }
