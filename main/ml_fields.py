"""The catalog's fields in ``ml``'s schema: the one mapping between Product and ml's frames.

``ml`` knows products only as rows in its one frame layout (:mod:`ml.catalog.schema`); this
module is the only place that maps the shop's fields onto it, and every list of levels the
shop keeps (a form's fields, what a listing's categorization records) derives from it.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
from django.conf import settings
from django.db.models import QuerySet

from ml.catalog.schema import (
    ARTICLE,
    COLOUR,
    DESCRIPTION,
    GENDER,
    ID,
    LEVELS,
    MASTER,
    NAME,
    PRICE,
    SEASON,
    SUB,
    USAGE,
)

from .models import Product

# The Product field that holds each level (the taxonomy levels are foreign keys).
FIELD_OF_LEVEL = {
    GENDER: "gender",
    MASTER: "master_category",
    SUB: "sub_category",
    ARTICLE: "article_type",
    COLOUR: "base_colour",
    USAGE: "usage",
}
TAXONOMY_FIELDS = frozenset({FIELD_OF_LEVEL[level] for level in (GENDER, MASTER, SUB, ARTICLE)})
# The levels a seller's listing form and bulk table ask the categorizer for, by form field
# (the article type's path gives the master and the subcategory).
LEVEL_OF_FORM_FIELD = {FIELD_OF_LEVEL[level]: level for level in (GENDER, ARTICLE, COLOUR, USAGE)}
# The levels whose suggestion and final choice are recorded per listing (ListingCategorization):
# every level but the master category, which the subcategory gives.
RECORDED_LEVELS = tuple(level for level in LEVELS if level != MASTER)
RECORDED_FIELDS = tuple(FIELD_OF_LEVEL[level] for level in RECORDED_LEVELS)


def _value_path(field: str) -> str:
    return f"{field}__name" if field in TAXONOMY_FIELDS else field


# ml column -> database field path, in ml's frame layout.
CATALOG_COLUMNS = {
    ID: "id",
    NAME: "name",
    DESCRIPTION: "description",
    **{level: _value_path(field) for level, field in FIELD_OF_LEVEL.items()},
    SEASON: "season",
    PRICE: "price",
}


def level_values(product: Product) -> dict[str, str]:
    """The product's value of each level, by ml's level name (taxonomy nodes by their name)."""
    values = {}
    for level, field in FIELD_OF_LEVEL.items():
        value = getattr(product, field)
        values[level] = value.name if field in TAXONOMY_FIELDS else value
    return values


def product_frame(product: Product) -> pd.DataFrame:
    """One product as a one-row frame in ml's layout (for a product not in the index)."""
    row = {ID: product.pk, NAME: product.name, DESCRIPTION: product.description,
           SEASON: product.season, PRICE: float(product.price), **level_values(product)}
    return pd.DataFrame([row])


def catalog_frame(*, products: QuerySet[Product] | None = None) -> pd.DataFrame:
    """Products as the attribute rows the ML package expects (``id`` is the primary key)."""
    products = Product.objects.filter(is_active=True) if products is None else products
    rows = products.order_by("id").values_list(*CATALOG_COLUMNS.values())
    frame = pd.DataFrame.from_records(list(rows), columns=list(CATALOG_COLUMNS))
    frame[PRICE] = frame[PRICE].astype(float)
    return frame


def photo_catalog_frame(*, products: QuerySet[Product] | None = None) -> pd.DataFrame:
    """:func:`catalog_frame` plus each product's photo file (``photo``: an absolute path, or ""
    if it has none) and its ``dataset_id`` (the photo model's holdout is drawn on it)."""
    products = Product.objects.filter(is_active=True) if products is None else products
    frame = catalog_frame(products=products)
    files = dict(products.values_list("id", "image"))
    dataset_ids = dict(products.values_list("id", "dataset_id"))
    media = Path(settings.MEDIA_ROOT)
    frame["photo"] = [str(media / files[i]) if files.get(i) else "" for i in frame[ID]]
    frame["dataset_id"] = [dataset_ids.get(i) for i in frame[ID]]
    return frame


def confirmed_categories_frame() -> pd.DataFrame:
    """Listings that went through the categorizer and their sellers' final categories (as
    saved), as training rows for the next categorizer (``train_models``)."""
    frame = catalog_frame(products=Product.objects.filter(categorization__isnull=False))
    return frame[[NAME, *LEVELS]]


def corrected_categories_frame() -> pd.DataFrame:
    """Products whose label an operator fixed from the catalog audit, with their labels as
    they are now; ``id`` is the dataset id (the catalog row the fix replaces when training),
    empty for sellers' own listings (then they are extra training rows)."""
    products = Product.objects.filter(audit_suspects__status="accepted").distinct()
    frame = catalog_frame(products=products)
    dataset_ids = dict(products.values_list("id", "dataset_id"))
    frame[ID] = [dataset_ids.get(pk) for pk in frame[ID]]
    return frame[[ID, NAME, *LEVELS]]
