"""Stock: taken by a checkout, returned by a cancellation, set by the seller. The one place
that writes ``Product.stock`` and ``ProductSize.stock``.

A product's stock is the sum of its sizes'. Every write locks (or updates) the product row
first, then the size row, so that a checkout and a seller's recount never deadlock. Taking is
a conditional UPDATE (``stock >= quantity``): concurrent buyers can never drive it below zero.
"""

from __future__ import annotations

from django.db import transaction
from django.db.models import F, ProtectedError, Sum

from .catalog_table import catalog_changed, stock_shown_changed
from .models import Product, ProductSize


def stock_take(*, product_id: int, size_id: int, quantity: int) -> bool:
    """Take ``quantity`` of one size if that much is left; whether it was. Nothing is taken
    when it was not (the product's total, decremented first, is rolled back with the size)."""
    with transaction.atomic():
        taken = bool(
            Product.objects.filter(pk=product_id, stock__gte=quantity).update(stock=F("stock") - quantity)
            and ProductSize.objects.filter(pk=size_id, product_id=product_id, stock__gte=quantity).update(
                stock=F("stock") - quantity
            )
        )
        if not taken:
            transaction.set_rollback(True)
        elif not Product.objects.filter(pk=product_id, stock__gt=0).exists():
            stock_shown_changed()  # sold out: its tiles say so from now on
    return taken


def stock_return(*, product_id: int, size_id: int, quantity: int) -> None:
    """Put ``quantity`` of one size back on sale (a cancelled order's line)."""
    with transaction.atomic():
        Product.objects.filter(pk=product_id).update(stock=F("stock") + quantity)
        ProductSize.objects.filter(pk=size_id).update(stock=F("stock") + quantity)
        if Product.objects.filter(pk=product_id, stock=quantity).exists():
            stock_shown_changed()  # back from sold out


@transaction.atomic
def stock_set(*, product: Product, stock_by_size: dict[str, int]) -> list[ProductSize]:
    """Set each named size's stock (creating the size), then the product's total.

    Sizes must belong to the product's scale; a size of an earlier scale (the article type
    changed) is removed, or kept at 0 if orders refer to it.
    """
    scale = product.size_scale
    unknown = [label for label in stock_by_size if label not in scale]
    if unknown:
        raise ValueError(f"Not a size of this product: {', '.join(unknown)} (sizes: {', '.join(scale)})")
    Product.objects.select_for_update().filter(pk=product.pk).first()
    for position, label in enumerate(scale):
        if label in stock_by_size:
            ProductSize.objects.update_or_create(
                product=product, label=label, defaults={"position": position, "stock": stock_by_size[label]}
            )
    for stale in ProductSize.objects.filter(product=product).exclude(label__in=scale):
        try:
            stale.delete()
        except ProtectedError:
            ProductSize.objects.filter(pk=stale.pk).update(stock=0)
    product.stock = ProductSize.objects.filter(product=product).aggregate(n=Sum("stock"))["n"] or 0
    Product.objects.filter(pk=product.pk).update(stock=product.stock)
    catalog_changed()  # the size facet counts the sizes in stock
    return list(product.sizes.all())

