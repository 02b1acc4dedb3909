"""Writes for the catalog: products listed by sellers, and shopper events."""

from __future__ import annotations

from decimal import Decimal

from django.core.files.base import File
from django.db import connection, transaction

from accounts.models import User

from .ml_bridge import neighbours_refresh
from .models import ArticleType, Gender, Product, ProductEvent
from .search import search_text_for
from .visitors import visitor_key


def event_log(*, request, product_id: int, kind: str) -> None:
    """Record a shopper event, keyed by user or by anonymous visitor.

    Events are behaviour signals, not money: on PostgreSQL their commit does not wait for the
    write-ahead log to reach the disk (``synchronous_commit`` off for this transaction only),
    so a page view never waits on an fsync. A database crash can lose the last fraction of a
    second of views; orders and everything else keep the server's durable default.
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
        ProductEvent.objects.create(product_id=product_id, kind=kind, **owner)


def events_claim(*, visitor: str, user: User) -> int:
    """What a visitor did before logging in becomes the user's history."""
    if not visitor:
        return 0
    return ProductEvent.objects.filter(session_key=visitor, user=None).update(user=user)


def product_create(
    *,
    seller: User,
    name: str,
    description: str,
    gender: Gender,
    article_type: ArticleType,
    base_colour: str,
    usage: str,
    season: str,
    price: Decimal,
    stock: int,
    photo: File | None = None,
) -> Product:
    """List a product; ``photo`` is already re-encoded (``main.images.normalise_product_photo``)."""
    product = Product(
        seller=seller,
        name=name,
        description=description,
        gender=gender,
        article_type=article_type,
        base_colour=base_colour,
        usage=usage,
        season=season,
        price=price,
        stock=stock,
    )
    return _listing_save(product=product, photo=photo)


def _listing_save(*, product: Product, photo: File | None) -> Product:
    """Save a seller's listing (with its new photo, if any) and find its similar items."""
    if photo is not None:
        product.image = photo
    product_save(product=product)
    neighbours_refresh(product=product)
    return product


def product_save(*, product: Product) -> Product:
    """Save a listing with what derives from its fields: the subcategory and master category
    of its article type (denormalised, so that facets count without joins) and its search text."""
    product.sub_category_id = product.article_type.sub_category_id
    product.master_category_id = product.article_type.sub_category.master_category_id
    product.search_text = search_text_for(product)
    product.save()
    return product


PRODUCT_FIELDS = (
    "name",
    "description",
    "gender",
    "article_type",
    "base_colour",
    "usage",
    "season",
    "price",
    "stock",
    "is_active",
)


def product_update(*, product: Product, photo: File | None = None, **changes) -> Product:
    """Change a listing's fields (any of ``PRODUCT_FIELDS``) and optionally its photo."""
    unknown = set(changes) - set(PRODUCT_FIELDS)
    if unknown:
        raise TypeError(f"Not editable: {', '.join(sorted(unknown))}")
    for name, value in changes.items():
        setattr(product, name, value)
    return _listing_save(product=product, photo=photo)


def product_unlist(*, product: Product) -> Product:
    """Hide a listing from shoppers; its orders keep pointing at it."""
    product.is_active = False
    product.save(update_fields=["is_active", "updated_at"])
    return product
