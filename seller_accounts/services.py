"""Writes of the seller area: listings with their categorization record, and sizes' stock.

A listing without a photo is kept as an unlisted draft: shoppers never see a tile without a
picture, and it goes live once it has one.
"""

from __future__ import annotations

from django.db import transaction

from accounts.models import User
from core.jobs import enqueue_on_commit
from main import inventory
from main import services as catalog_services
from main.ml_fields import RECORDED_FIELDS, RECORDED_LEVELS, level_values
from main.models import ArticleType, Gender, Product
from main.sizes import parse_stock_by_size, size_scale
from ml.categorize.train import ARTIFACT_NAME as CATEGORIZER
from search.tasks import photo_index_add
from serving.registry import loaded

from .models import ListingCategorization


class ListingError(ValueError):
    """A listing change the shop refuses (relisting a draft without a photo...)."""


@transaction.atomic
def listing_create(
    *, seller: User, photo=None, stock_by_size: dict[str, int] | None = None, **fields
) -> Product:
    """List a product and record what the categorizer suggested against what the seller chose.

    It is saved but not live while it has no photo (a draft), or while its seller has not
    verified their email yet (it goes live with the verification, ``accounts.services.email_verify``).
    """
    product = catalog_services.product_create(
        seller=seller,
        photo=photo,
        stock_by_size=stock_by_size,
        is_active=photo is not None and seller.is_email_verified,
        **fields,
    )
    categorization_record(product=product)
    return product


@transaction.atomic
def listing_update(
    *, product: Product, photo=None, stock_by_size: dict[str, int] | None = None, **fields
) -> Product:
    """Save a seller's edit; a listing still without a photo stays an unlisted draft."""
    if photo is None and not product.image:
        fields["is_active"] = False
    return catalog_services.product_update(
        product=product, photo=photo, stock_by_size=stock_by_size, **fields
    )


def listing_stock_set(*, product: Product, stock_by_size: dict[str, int]) -> Product:
    """The seller counted their shelf: each size's stock."""
    inventory.stock_set(product=product, stock_by_size=stock_by_size)
    return product


def listing_unlist(*, product: Product) -> Product:
    return catalog_services.product_unlist(product=product)


def listing_relist(*, product: Product) -> Product:
    if not product.image:
        raise ListingError("Add a photo first: a listing without one stays an unlisted draft.")
    return catalog_services.product_update(product=product, is_active=True)


def categorization_record(*, product: Product) -> ListingCategorization | None:
    """Predict from the listing's final text and store it beside the seller's choice.

    The prediction is made again on the server (it takes about a millisecond), so the record
    reflects the model, never what a browser claims it was shown.
    """
    model = loaded(CATEGORIZER)
    if model is None or not product.name.strip():
        return None
    prediction = model.predict_one(product.name, product.description)
    chosen = level_values(product)
    recorded = list(zip(RECORDED_LEVELS, RECORDED_FIELDS, strict=True))
    record = ListingCategorization(
        product=product,
        model_version=prediction.model_version,
        text=f"{product.name}\n{product.description}".strip(),
        confidence=prediction.confidence,
        confidences={level: p.confidence for level, p in prediction.levels.items()},
        **{f"predicted_{field}": prediction.label(level) for level, field in recorded},
        **{f"chosen_{field}": chosen[level] for level, field in recorded},
    )
    categorization_mark_corrections(record=record)
    record.save()
    return record


def categorization_mark_corrections(*, record: ListingCategorization) -> None:
    """Flag each level where the seller changed the model's value (the admin's correction
    rates); a level left empty by the seller is not a correction
    (:meth:`ListingCategorization.is_correction`)."""
    for level in ListingCategorization.LEVELS:
        corrected = ListingCategorization.is_correction(
            predicted=getattr(record, f"predicted_{level}"), chosen=getattr(record, f"chosen_{level}")
        )
        setattr(record, f"{level}_corrected", corrected)


class BulkStockError(ValueError):
    """A row's ``stock_by_size`` names sizes its article type does not come in."""

    def __init__(self, problems: list[str]):
        super().__init__("; ".join(problems))
        self.problems = problems


@transaction.atomic
def bulk_publish(*, seller: User, rows: list[dict]) -> list[Product]:
    """Create every reviewed row as a listing, all in one transaction (a row without a
    ``photo``, an already re-encoded file, is a draft until it has one)."""
    genders = {g.name: g for g in Gender.objects.all()}
    article_types = ArticleType.objects.select_related("sub_category__master_category").in_bulk(
        [row["article_type"] for row in rows]
    )
    stocks, problems = [], []
    for number, row in enumerate(rows, start=1):
        article = article_types[row["article_type"]]
        sizes = size_scale(
            master_category=article.sub_category.master_category.name,
            article_type=article.name,
            gender=row["gender"],
        )
        text = row.get("stock_by_size") or str(row["stock"])
        try:
            stocks.append(parse_stock_by_size(text=text, sizes=sizes))
        except ValueError as error:
            problems.append(f"row {number} ({row['name']}): {error}")
    if problems:
        raise BulkStockError(problems)
    products = [
        listing_create(
            seller=seller,
            name=row["name"],
            description=row.get("description") or "",
            gender=genders[row["gender"]],
            article_type=article_types[row["article_type"]],
            base_colour=row.get("base_colour") or "",
            usage=row.get("usage") or "",
            season="",
            price=row["price"],
            stock_by_size=stock,
            photo=row.get("photo"),
        )
        for row, stock in zip(rows, stocks, strict=True)
    ]
    # Their photos go into the photo index on the queue, once the listings are committed.
    with_photo = [product.pk for product in products if product.image]
    if with_photo:
        enqueue_on_commit(photo_index_add, with_photo)
    return products
