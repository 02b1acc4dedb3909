"""The photo index's upkeep as a task: a bulk upload's photos embedded off the request."""

from __future__ import annotations

from celery import shared_task

from . import photos


@shared_task
def photo_index_add(product_ids: list[int]) -> dict:
    """Idempotent by nature: photos already in the index are not embedded again."""
    return photos.photo_index_add(product_ids=product_ids)
