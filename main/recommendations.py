"""The shop's side of recommendations: turns ML answers into products for pages.

Filled in by the recommendations work; until its models are trained, pages show nothing.
"""

from __future__ import annotations

from .models import Product


def similar_for(*, product: Product, k: int = 10) -> list:
    return []


def complete_the_look_for(*, product: Product, k: int = 8) -> list:
    return []


def feed_for_request(*, request, k: int = 12) -> list:
    from .selectors import products_by_ids

    ids = list(
        Product.objects.filter(is_active=True, stock__gt=0).order_by("-id").values_list("id", flat=True)[:k]
    )
    return products_by_ids(ids=ids)
