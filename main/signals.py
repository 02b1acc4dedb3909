"""What the catalog tells the other apps, and its own receivers.

A saved or deleted product changes what listings show: every process reads its catalog table
again (:mod:`main.catalog_table`). Apps built on the catalog (recommendations) react to a
shopper opening a product and to a seller listing one through the signals below, so that the
catalog never imports them.
"""

from django.db.models.signals import post_delete, post_save
from django.dispatch import Signal, receiver

from .catalog_table import catalog_changed
from .models import Product

# A shopper opened a listed product's page: ``request``, ``product``.
product_viewed = Signal()
# A seller listed or changed a product (``main.services``): ``product``.
product_listed = Signal()

# A save of only these columns leaves every listing as it was (stock is fetched per page).
NOT_LISTED = frozenset({"stock", "updated_at", "description", "image"})


@receiver(post_save, sender=Product)
def _product_saved(sender, update_fields=None, **kwargs):
    if update_fields is None or not set(update_fields) <= NOT_LISTED:
        catalog_changed()


@receiver(post_delete, sender=Product)
def _product_deleted(sender, **kwargs):
    catalog_changed()
