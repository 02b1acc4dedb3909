"""Writes for the catalog: products listed by sellers."""

from __future__ import annotations

from decimal import Decimal

from django.core.files.base import File
from django.db import transaction

from accounts.models import User
from ml.catalog.brands import BrandLexicon, known_brand

from . import inventory
from .catalog_table import catalog_changed
from .models import BRAND_MAX_LENGTH, ArticleType, Gender, Product
from .search_text import search_text_for
from .selectors import brands_known
from .signals import product_listed
from .sizes import split_stock


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
    stock: int = 0,
    brand: str = "",
    stock_by_size: dict[str, int] | None = None,
    photo: File | None = None,
    is_active: bool = True,
) -> Product:
    """List a product; ``photo`` is already re-encoded (``main.images.normalise_product_photo``).

    ``stock_by_size`` gives each size's stock; without it ``stock`` is spread over the sizes."""
    product = Product(
        seller=seller,
        name=name,
        brand=brand,
        description=description,
        gender=gender,
        article_type=article_type,
        base_colour=base_colour,
        usage=usage,
        season=season,
        price=price,
        stock=0,
        is_active=is_active,
    )
    if photo is not None:
        product.image = photo
    with transaction.atomic():
        product_save(product=product)
        if stock_by_size is None:
            stock_by_size = split_stock(total=stock, sizes=product.size_scale)
        inventory.stock_set(product=product, stock_by_size=stock_by_size)
    product_listed.send(sender=Product, product=product)
    return product


def product_save(*, product: Product, update_fields: list[str] | None = None) -> Product:
    """Save a listing with what derives from its fields: the subcategory and master category
    of its article type (denormalised, so that facets count without joins), its search text,
    and, left empty, its brand (read from the name: a brand the shop already knows)."""
    product.brand = product.brand.strip()[:BRAND_MAX_LENGTH] or known_brand(product.name, brands_known())
    product.sub_category_id = product.article_type.sub_category_id
    product.master_category_id = product.article_type.sub_category.master_category_id
    product.search_text = search_text_for(product)
    product.save(update_fields=update_fields)
    return product


PRODUCT_FIELDS = (
    "name",
    "brand",
    "description",
    "gender",
    "article_type",
    "base_colour",
    "usage",
    "season",
    "price",
    "is_active",
)


def product_update(
    *, product: Product, photo: File | None = None, stock_by_size: dict[str, int] | None = None, **changes
) -> Product:
    """Change a listing's fields (any of ``PRODUCT_FIELDS``), its sizes' stock, its photo."""
    unknown = set(changes) - set(PRODUCT_FIELDS)
    if unknown:
        raise TypeError(f"Not editable: {', '.join(sorted(unknown))}")
    for name, value in changes.items():
        setattr(product, name, value)
    if photo is not None:
        product.image = photo
    with transaction.atomic():
        # The total is the sizes' (inventory.stock_set): a stale copy must not write it back.
        product_save(product=product, update_fields=[f.attname for f in Product._meta.concrete_fields
                                                     if not f.primary_key and f.name != "stock"])
        if stock_by_size is not None:
            inventory.stock_set(product=product, stock_by_size=stock_by_size)
    product_listed.send(sender=Product, product=product)
    return product


def product_rating_set(*, product_id: int, average: Decimal | None, count: int) -> None:
    """Keep a product's rating (the average of its visible reviews, and how many) on the
    product, for listings to filter and sort by.

    Pages and tiles read it from the database at once; the catalog table's rating facet and
    sort follow when each process next reads its table (within ``TABLE_SECONDS``), as the size
    facet follows stock: a review is not worth every worker reading the whole catalog again
    (1.5 s on the 40k products), as a change of price is. A queryset update: no post_save."""
    Product.objects.filter(pk=product_id).update(rating_average=average, rating_count=count)


def product_unlist(*, product: Product) -> Product:
    """Hide a listing from shoppers; its orders keep pointing at it."""
    product.is_active = False
    product.save(update_fields=["is_active", "updated_at"])
    return product


def brands_fill(*, batch_size: int = 2000) -> int:
    """Give every product without a brand the one its name starts with, as the catalog's one
    brand lexicon (``ml.catalog.brands.BrandLexicon``, learned from the catalog's names) reads
    it; the import calls it once its rows are in."""
    fields = ("pk", "name", "brand")
    catalog = list(Product.objects.filter(dataset_id__isnull=False).order_by("pk").only(*fields))
    lexicon = BrandLexicon().fit(p.name for p in catalog)
    listed = list(Product.objects.filter(brand="", dataset_id__isnull=True).only(*fields))
    changed = []
    for product in [*catalog, *listed]:
        brand = lexicon.read(product.name)
        if not product.brand and brand:
            product.brand = brand[:BRAND_MAX_LENGTH]
            changed.append(product)
    Product.objects.bulk_update(changed, ["brand"], batch_size=batch_size)
    catalog_changed()  # bulk writes send no signals
    return len(changed)


def listings_publish_held(*, seller: User) -> int:
    """Put live the listings an unverified seller saved: until verified, a seller cannot list
    or unlist, so every listing of theirs that is not live was held for verification."""
    # A listing without a photo stays a draft (issue 14: seller_accounts.services).
    held = list(Product.objects.filter(seller=seller, is_active=False).exclude(image=""))
    for product in held:
        product_update(product=product, is_active=True)
    return len(held)


def listings_take_down(*, seller: User) -> None:
    """An account is deleted: its listings are taken down (its orders keep pointing at them)."""
    for product in Product.objects.filter(seller=seller, is_active=True):
        product.is_active = False
        product.save(update_fields=["is_active", "updated_at"])
