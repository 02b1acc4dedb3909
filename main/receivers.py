"""How the catalog follows its own rows and the accounts: a saved or deleted product changes what
listings show (every process reads its catalog table again, :mod:`main.catalog_table`); a
verified seller's held listings go live; a deleted account's listings are taken down."""

from django.core.signals import request_finished, request_started
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from accounts.signals import account_deleting, seller_verified

from .catalog_table import catalog_changed, stock_shown_changed, versions_in_request
from .models import Product
from .services import listings_publish_held, listings_take_down

# A save of only these columns leaves every listing as it was (stock is fetched per page).
NOT_LISTED = frozenset({"stock", "updated_at", "description", "image"})


@receiver(post_save, sender=Product)
def _product_saved(sender, update_fields=None, **kwargs):
    if update_fields is None or not set(update_fields) <= NOT_LISTED:
        catalog_changed()
    else:  # the table is kept, but cached pages show a photo, a description, a stock
        stock_shown_changed()


@receiver(post_delete, sender=Product)
def _product_deleted(sender, **kwargs):
    catalog_changed()


@receiver(request_started, dispatch_uid="main.versions_kept")
def _request_started(sender, **kwargs):
    versions_in_request(started=True)


@receiver(request_finished, dispatch_uid="main.versions_dropped")
def _request_finished(sender, **kwargs):
    versions_in_request(started=False)


@receiver(seller_verified)
def _seller_verified(sender, seller, **kwargs):
    listings_publish_held(seller=seller)


@receiver(account_deleting)
def _account_deleting(sender, user, **kwargs):
    listings_take_down(seller=user)
