"""How the recommendations follow the catalog and the shoppers, without being called by them:
a product page viewed is an event (``main.signals.product_viewed``), a product listed gets its
neighbours stored (``main.signals.product_listed``), a visitor's history becomes theirs when
they log in, and a deleted account's history goes."""

from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver

from accounts.signals import account_deleting
from main.signals import product_listed, product_viewed

from .models import ProductEvent
from .services import events_claim, events_erase, neighbours_refresh, view_log
from .visitors import visitor_key


@receiver(product_viewed, dispatch_uid="recommendations.view_logged")
def _view_logged(sender, request, product, **kwargs) -> None:
    """A view (queued, written in batches); reached through a carousel or the feed
    (``?from=``), it is also a click on it."""
    source = request.GET.get("from", "")
    if source not in ProductEvent.Source.values:
        source = ""
    view_log(request=request, product_id=product.pk, source=source)


@receiver(product_listed, dispatch_uid="recommendations.neighbours_stored")
def _neighbours_stored(sender, product, **kwargs) -> None:
    neighbours_refresh(product=product)


@receiver(user_logged_in, dispatch_uid="recommendations.history_claimed")
def _history_claimed(sender, request, user, **kwargs) -> None:
    """What the visitor did before logging in becomes the account's history."""
    if request is not None:
        events_claim(visitor=visitor_key(request=request), user=user)


@receiver(account_deleting, dispatch_uid="recommendations.history_erased")
def _history_erased(sender, user, **kwargs) -> None:
    events_erase(user=user)
