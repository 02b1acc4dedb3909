"""Writes for the recommendations: shoppers' events, and the neighbours of newly listed products."""

from __future__ import annotations

import datetime as dt

from django.contrib.auth.models import AbstractBaseUser
from django.db import connection, transaction
from django.db.models import F
from django.utils import timezone

from main.ml_fields import product_frame
from main.models import Product
from ml.recommend.events import STARS, rating_event
from ml.recommend.similar import NEIGHBOURS_KEPT
from ml.recommend.train import SIMILARITY
from serving.registry import loaded

from .models import FeedImpressions, ProductEvent, ProductNeighbours
from .visitors import visitor_key


def event_log(*, request, product_id: int, kind: str, source: str = "") -> None:
    """Record a shopper event, keyed by user or by anonymous visitor.

    Events are behaviour signals, not money: on PostgreSQL their commit does not wait for the
    write-ahead log to reach the disk (``synchronous_commit`` off for this transaction only),
    so a page view never waits on an fsync. A database crash can lose the last fraction of a
    second of views; orders and everything else keep the server's durable default.
    ``source``: the carousel or feed the shopper clicked (``ProductEvent.Source``), if any.
    """
    if request.user.is_authenticated:
        owner = {"user": request.user}
    else:
        owner = {"session_key": visitor_key(request=request, create=True)}
    # Inside someone else's transaction (an order), the setting would apply to theirs too.
    relaxed = connection.vendor == "postgresql" and not connection.in_atomic_block
    with transaction.atomic(savepoint=False):
        if relaxed:
            with connection.cursor() as cursor:
                cursor.execute("SET LOCAL synchronous_commit TO OFF")
        ProductEvent.objects.create(product_id=product_id, kind=kind, source=source, **owner)


def rating_log(*, user: AbstractBaseUser, product_id: int, stars: int) -> ProductEvent:
    """A verified buyer rated a product (``reviews``): an event the feed learns from as explicit
    feedback (``ml.recommend.events.RATING_WEIGHTS``)."""
    return ProductEvent.objects.create(user=user, product_id=product_id, kind=rating_event(stars))


def rating_forget(*, user: AbstractBaseUser, product_id: int) -> int:
    """A rating no longer counts (its review was hidden by staff): its event goes."""
    kinds = [rating_event(stars) for stars in STARS]
    deleted, _ = ProductEvent.objects.filter(user=user, product_id=product_id, kind__in=kinds).delete()
    return deleted


def feed_impression_count(*, day: dt.date | None = None) -> None:
    """The home feed was shown once more today (one UPDATE; the day's row is made once)."""
    day = day or timezone.localdate()
    if not FeedImpressions.objects.filter(day=day).update(count=F("count") + 1):
        _, created = FeedImpressions.objects.get_or_create(day=day, defaults={"count": 1})
        if not created:  # another request made the row between the two queries
            FeedImpressions.objects.filter(day=day).update(count=F("count") + 1)


def events_claim(*, visitor: str, user: AbstractBaseUser) -> int:
    """What a visitor did before logging in becomes the user's history."""
    if not visitor:
        return 0
    return ProductEvent.objects.filter(session_key=visitor, user=None).update(user=user)


def events_erase(*, user: AbstractBaseUser) -> None:
    """An account is deleted: its browsing history goes with it."""
    ProductEvent.objects.filter(user=user).delete()




def neighbours_refresh(*, product: Product, k: int = NEIGHBOURS_KEPT) -> ProductNeighbours | None:
    """Find and store the neighbours of a product the index has not seen (one index query), so
    that its page reads them rather than asking the index again."""
    index = loaded(SIMILARITY)
    if index is None or product.pk in index:
        return None
    found = index.similar_to_new(product_frame(product), k=k)[0]
    stored, _ = ProductNeighbours.objects.update_or_create(
        product=product,
        defaults={
            "neighbour_ids": [r.product_id for r in found],
            "scores": [round(float(r.score), 4) for r in found],
            "reasons": [r.reason for r in found],
            "index_version": getattr(index, "version", ""),
        },
    )
    return stored


def neighbours_forget() -> int:
    """Drop every stored neighbour list: a new index was built, and it holds those products."""
    deleted, _ = ProductNeighbours.objects.all().delete()
    return deleted
