"""Publishing a bulk upload queues its photos' embedding, after the commit, for the listings
with a photo only."""

from __future__ import annotations

from django.core.files.base import ContentFile

from main.images import normalise_product_photo
from main.models import ArticleType
from search import tasks
from seller_accounts.services import bulk_publish
from tests.conftest import dataset_image


def test_publishing_queues_the_photos_of_the_new_listings(
    catalog, seller, monkeypatch, django_capture_on_commit_callbacks
):
    sent = []
    monkeypatch.setattr(tasks.photo_index_add, "delay", lambda ids: sent.append(ids))
    article_type = ArticleType.objects.first()
    row = {"gender": "Men", "article_type": article_type.pk, "price": "499", "stock": 2,
           "base_colour": "Blue", "usage": "Casual", "description": ""}
    photo = normalise_product_photo(ContentFile(dataset_image(3).read_bytes(), name="p.jpg"))
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        with_photo, without = bulk_publish(
            seller=seller, rows=[{**row, "name": "Blue shirt", "photo": photo}, {**row, "name": "Plain tee"}]
        )
    assert sent == [] and callbacks  # nothing before the commit (the catalog version too waits)
    for callback in callbacks:
        callback()
    assert sent == [[with_photo.pk]] and without.pk not in sent[0]
