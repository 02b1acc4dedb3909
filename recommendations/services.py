"""Writes for the recommendations: shoppers' events, and the neighbours of newly listed products."""

from __future__ import annotations

import datetime as dt

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser
from django.db import connection, transaction
from django.db.models import F
from django.utils import timezone

from core.write_behind import WriteBehind
from main.ml_fields import product_frame
from main.models import Product
from ml.recommend.events import STARS, rating_event
from ml.recommend.similar import NEIGHBOURS_KEPT
from ml.recommend.train import SIMILARITY
from serving.registry import loaded

from .models import FeedImpressions, ProductEvent, ProductNeighbours
from .visitors import visitor_key

# Views are most of the shop's writes (~40% of requests are product pages): queued in this
# worker and written in batches (:class:`core.write_behind.WriteBehind`), like exposures.
VIEWS_FLUSH_EVERY = 200  # views per INSERT: one write per this many product pages, not one each
VIEWS_FLUSH_SECONDS = 5.0  # the longest a queued view waits: how late another worker's feed sees it


def _owner(request) -> dict:
    """The event's shopper: the account, else the anonymous visitor (made now if new)."""
    if request.user.is_authenticated:
        return {"user_id": request.user.pk}
    return {"session_key": visitor_key(request=request, create=True)}


def _commit_relaxed() -> None:
    """Events are behaviour signals, not money: on PostgreSQL their own transaction's commit
    does not wait for the write-ahead log to reach the disk, so a shopper never waits on an
    fsync (a database crash can lose the last fraction of a second of events). Inside someone
    else's transaction (an order) the setting would apply to theirs too: left as it is."""
    if connection.vendor == "postgresql" and len(connection.atomic_blocks) == 1:
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL synchronous_commit TO OFF")


def _views_write(batch: list[ProductEvent]) -> None:
    """One INSERT of queued views (in the queue's transaction), less those of accounts deleted
    since they were queued (their row stays, anonymised: ``accounts.services.user_delete_account``):
    a queue, in this worker or another, must not bring back a history the erase took
    (:func:`events_erase`)."""
    users = {event.user_id for event in batch if event.user_id is not None}
    if users:
        live = get_user_model().objects.filter(pk__in=users, deleted_at=None)
        kept = set(live.values_list("pk", flat=True))
        batch = [event for event in batch if event.user_id is None or event.user_id in kept]
    _commit_relaxed()
    ProductEvent.objects.bulk_create(batch)


_views: WriteBehind[ProductEvent] = WriteBehind(
    name="product views", write=_views_write, flush_every=VIEWS_FLUSH_EVERY, flush_seconds=VIEWS_FLUSH_SECONDS
)


def view_log(*, request, product_id: int, source: str = "") -> None:
    """Queue a product page's view (no query unless it fills the batch or finds it due).
    ``source``: the carousel or feed the shopper clicked (``ProductEvent.Source``), if any."""
    view = ProductEvent(product_id=product_id, kind=ProductEvent.Kind.VIEW, source=source, **_owner(request))
    _views.add(view)


def views_flush() -> int:
    """Write this worker's queued views now: before a reader counts events or a claim or an
    erase changes them. Returns how many were queued."""
    return _views.flush()


def views_forget() -> None:
    """Drop this worker's queued views unwritten (tests)."""
    _views.forget()


def views_queued(*, user_id: int | None = None, visitor: str = "") -> list[ProductEvent]:
    """This worker's queued views of an account, or of a visitor not logged in, oldest first."""
    if user_id is not None:
        return _views.pending(lambda event: event.user_id == user_id)
    return _views.pending(lambda event: event.user_id is None and event.session_key == visitor)


def event_log(*, request, product_id: int, kind: str, source: str = "") -> None:
    """Record a shopper event now (a cart add, a purchase: rare next to views, and read at
    once by an experiment's results), keyed by user or by anonymous visitor, its commit relaxed
    (:func:`_commit_relaxed`); orders and everything else keep the server's durable default.
    ``source``: the carousel or feed the shopper clicked (``ProductEvent.Source``), if any.
    """
    with transaction.atomic(savepoint=False):
        _commit_relaxed()
        ProductEvent.objects.create(product_id=product_id, kind=kind, source=source, **_owner(request))


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
    """What a visitor did before logging in becomes the user's history: this worker's queued
    views first written, so that none stays the visitor's. (Views still queued in another
    worker, at most :data:`VIEWS_FLUSH_SECONDS` old, stay the visitor's.)"""
    if not visitor:
        return 0
    views_flush()
    return ProductEvent.objects.filter(session_key=visitor, user=None).update(user=user)


def events_erase(*, user: AbstractBaseUser) -> None:
    """An account is deleted: its browsing history goes with it, this worker's queued views
    first written so that the delete takes them (any queued later, or in another worker, are
    dropped when written: :func:`_views_write`)."""
    views_flush()
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
