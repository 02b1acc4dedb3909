"""A saved or deleted product changes what listings show: every process reads its catalog
table again (:mod:`main.catalog_table`)."""

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from .catalog_table import catalog_changed
from .models import Product

# A save of only these columns leaves every listing as it was (stock is fetched per page).
NOT_LISTED = frozenset({"stock", "updated_at", "description", "image"})


@receiver(post_save, sender=Product)
def _product_saved(sender, update_fields=None, **kwargs):
    if update_fields is None or not set(update_fields) <= NOT_LISTED:
        catalog_changed()


@receiver(post_delete, sender=Product)
def _product_deleted(sender, **kwargs):
    catalog_changed()
