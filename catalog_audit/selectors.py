"""Reads of the catalog audit: the suspects an operator reviews."""

from __future__ import annotations

from django.db.models import QuerySet

from .models import CatalogSuspect


def suspects_for_review(*, status: str | None = CatalogSuspect.Status.PENDING) -> QuerySet[CatalogSuspect]:
    """Suspects, most suspicious first, with what their rows show (product, photo, seller)."""
    suspects = CatalogSuspect.objects.select_related("product", "product__seller")
    return suspects.filter(status=status) if status else suspects


def decided_keys() -> set[tuple[int, str, str, str]]:
    """(product, level, label, answer) of the suspects already accepted or rejected."""
    rows = CatalogSuspect.objects.exclude(status=CatalogSuspect.Status.PENDING).values_list(
        "product_id", "level", "label", "answer"
    )
    return set(rows)
