"""The shop's side of the ML package: Django fields <-> ``ml``'s schema, and the loaded models.

``ml`` knows products only as rows in its one frame layout (:mod:`ml.catalog.schema`); this
module is the only place that maps the shop's fields onto it. It also loads each trained
model once per process (gunicorn loads them in its master before forking, see
``marketplace/wsgi.py``), asks them, and turns their answers back into products in one
query. A model that is not trained yet answers ``None`` (logged once): pages then show no
suggestions, and the API says 503 with the fix.
"""

from __future__ import annotations

import functools
import logging
from dataclasses import dataclass
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
from ml.categorize.train import ARTIFACT_NAME as CATEGORIZER
from ml.categorize.train import load_categorizer
from ml.photo.index import ARTIFACT_NAME as PHOTO_INDEX
from ml.photo.index import load_photo_index
from ml.photo.model import ARTIFACT_NAME as PHOTO_MODEL
from ml.photo.model import load_photo_model
from ml.recommend.complete_the_look import CompleteTheLook, load_complete_the_look
from ml.recommend.hybrid import REASONS
from ml.recommend.ranking import Recommendation
from ml.recommend.similar import NEIGHBOURS_KEPT, load_similarity_index
from ml.recommend.train import HYBRID, SIMILARITY, load_hybrid
from ml.recommend.train import MODEL_NAMES as RECOMMENDER_MODELS
from ml.search.train import ARTIFACT_NAME as SEARCH
from ml.search.train import load_search_understanding
from ml.store import ArtifactMissing, ArtifactStore

from .models import Product, ProductEvent, ProductNeighbours
from .selectors import products_by_ids
from .visitors import visitor_key

logger = logging.getLogger(__name__)

# How sure the categorizer must be for the shop to act on an answer without asking: below it,
# a listing's field is offered as a choice rather than filled in, and a search ranks nothing by it.
SURE_ENOUGH = 0.6
# Every model the shop serves: readiness waits for all of them.
SERVED_MODELS = (CATEGORIZER, *RECOMMENDER_MODELS, SEARCH)

# ---------------------------------------------------------------------- fields <-> schema

# The Product field that holds each level (the taxonomy levels are foreign keys).
FIELD_OF_LEVEL = {
    GENDER: "gender",
    MASTER: "master_category",
    SUB: "sub_category",
    ARTICLE: "article_type",
    COLOUR: "base_colour",
    USAGE: "usage",
}
TAXONOMY_FIELDS = frozenset({"gender", "master_category", "sub_category", "article_type"})
# The levels a seller's listing form and bulk table ask the categorizer for, by form field
# (the article type's path gives the master and the subcategory).
LEVEL_OF_FORM_FIELD = {FIELD_OF_LEVEL[level]: level for level in (GENDER, ARTICLE, COLOUR, USAGE)}
# The levels whose suggestion and final choice are recorded per listing (ListingCategorization).
RECORDED_FIELDS = tuple(FIELD_OF_LEVEL[level] for level in (GENDER, SUB, ARTICLE, COLOUR, USAGE))


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


def product_frame(product: Product) -> pd.DataFrame:
    """One product as a one-row frame in ml's layout (for a product not in the index)."""
    row = {ID: product.pk, NAME: product.name, DESCRIPTION: product.description,
           SEASON: product.season, PRICE: float(product.price)}
    for level, field in FIELD_OF_LEVEL.items():
        value = getattr(product, field)
        row[level] = value.name if field in TAXONOMY_FIELDS else value
    return pd.DataFrame([row])


# ---------------------------------------------------------------------- the loaded models


class ModelUnavailable(Exception):
    """A model the request needs is not trained yet."""


def store() -> ArtifactStore:
    return ArtifactStore(settings.MODELS_DIR)


def _load(loader, what: str):
    try:
        return loader(store=store())
    except ArtifactMissing as error:
        logger.warning("%s unavailable: %s", what, error)
        return None


@functools.cache
def categorizer():
    return _load(load_categorizer, "Categorizer")


@functools.cache
def similarity_index():
    return _load(load_similarity_index, "Similarity index")


@functools.cache
def complete_the_look() -> CompleteTheLook | None:
    """Over the loaded similarity index, with its precomputed table if the store has one."""
    index = similarity_index()
    return load_complete_the_look(store=store(), index=index) if index is not None else None


@functools.cache
def hybrid_recommender():
    return _load(load_hybrid, "Hybrid recommender")


@functools.cache
def search_understanding():
    """The query reader of the shop's search (:mod:`ml.search.understand`)."""
    return _load(load_search_understanding, "Search reader")


@functools.cache
def photo_model():
    return _load(load_photo_model, "Photo model")


@functools.cache
def photo_index():
    return _load(load_photo_index, "Photo index")


LOADERS = {
    CATEGORIZER: categorizer, SIMILARITY: similarity_index, HYBRID: hybrid_recommender,
    SEARCH: search_understanding, PHOTO_MODEL: photo_model, PHOTO_INDEX: photo_index,
}


def require(model, what: str):
    if model is None:
        raise ModelUnavailable(f"The {what} is not trained yet: run `python manage.py train_models`.")
    return model


def reload_all() -> None:
    """Forget loaded models (after ``train_models`` in the same process, and in tests)."""
    loaders = (categorizer, similarity_index, complete_the_look, hybrid_recommender,
               search_understanding, photo_model, photo_index)
    for loader in loaders:
        loader.cache_clear()
    from .search import forget_parses

    forget_parses()


def warm_up() -> None:
    """Load every model now, at process start, instead of on the first request."""
    categorizer()
    complete_the_look()
    hybrid_recommender()
    search_understanding()
    photo_model()
    photo_index()


# ---------------------------------------------------------------------- frames and answers

HISTORY_LENGTH = 100  # a shopper's latest events the feed reads


@dataclass(frozen=True)
class ProductSuggestion:
    product: Product
    score: float
    reason: str


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


def events_frame() -> pd.DataFrame:
    """Logged shopper events, keyed ``u:<user id>`` or ``s:<session key>``."""
    rows = ProductEvent.objects.order_by("id").values_list(
        "user_id", "session_key", "product_id", "kind", "created_at"
    )
    records = [
        (f"u:{user}" if user else f"s:{session}", product, kind, created)
        for user, session, product, kind, created in rows
    ]
    return pd.DataFrame.from_records(records, columns=["user", "item", "event", "timestamp"])


def recommendations_version() -> str:
    """Changes whenever a new index is loaded: cached carousels are then rendered afresh."""
    from .photos import photo_index_version

    index = similarity_index()
    text = getattr(index, "version", "") if index is not None else "none"
    return f"{text}-{photo_index_version()}"


def _suggestions(recommendations, *, products: dict[int, Product] | None = None) -> list[ProductSuggestion]:
    """Recommendations as products, in order; unlisted and sold-out ones dropped. One query
    unless given."""
    if products is None:
        products = {p.pk: p for p in products_by_ids(ids=[r.product_id for r in recommendations])}
    return [
        ProductSuggestion(products[r.product_id], r.score, r.reason)
        for r in recommendations
        if r.product_id in products
    ]


def _similar(product: Product, k: int) -> list[Recommendation]:
    """Neighbours from the index, or from what was stored when the product was listed."""
    index = similarity_index()
    if index is None:
        return []
    if product.pk in index:
        return index.similar(product.pk, k=k)
    stored = ProductNeighbours.objects.filter(product=product).first()
    if stored is None:
        stored = neighbours_refresh(product=product)
    if stored is None:
        return []
    triples = zip(stored.neighbour_ids, stored.scores, stored.reasons, strict=True)
    return [Recommendation(i, s, r) for i, s, r in triples][:k]


def _complete_the_look(product: Product, k: int) -> list[Recommendation]:
    index = similarity_index()
    if index is None:
        return []
    look = complete_the_look()
    return look.recommend(product.pk if product.pk in index else product_frame(product), k=k)


# Ask for a few more than shown: some may have been unlisted or sold out since the index was built.
_SPARE = SPARE = 5


def suggestions_for(*, recommendations: list[Recommendation]) -> list[ProductSuggestion]:
    """Recommendations (of any model) as products still for sale, in order, in one query."""
    return _suggestions(recommendations)


def similar_for(*, product: Product, k: int = 10) -> list[ProductSuggestion]:
    """Products like this one."""
    return _suggestions(_similar(product, k + _SPARE))[:k]


@dataclass(frozen=True)
class ProductCarousels:
    similar: list[ProductSuggestion]
    complete_the_look: list[ProductSuggestion]
    looks_like: list[ProductSuggestion] = ()


def carousels_for(
    *, product: Product, similar: int = 10, complete_the_look: int = 8, looks_like: int = 10
) -> ProductCarousels:
    """The carousels of a product page, their products fetched in one query.

    "Looks like this" (photo neighbours, :mod:`main.photos`) is its own carousel beside the
    attribute-based "Similar items", which it never changes; it leaves out what "Similar items"
    already shows, so that a shopper sees new products in it, not the same tiles twice.
    """
    from .photos import looks_like as photo_neighbours

    like, look = _similar(product, similar + _SPARE), _complete_the_look(product, complete_the_look + _SPARE)
    seen = {r.product_id for r in like}  # any of them may be shown (some before may be sold out)
    alike = photo_neighbours(product_id=product.pk, k=looks_like + _SPARE, exclude=seen)
    products = {p.pk: p for p in products_by_ids(ids=[r.product_id for r in like + look + alike])}
    return ProductCarousels(
        similar=_suggestions(like, products=products)[:similar],
        complete_the_look=_suggestions(look, products=products)[:complete_the_look],
        looks_like=_suggestions(alike, products=products)[:looks_like],
    )


def neighbours_refresh(*, product: Product, k: int = NEIGHBOURS_KEPT) -> ProductNeighbours | None:
    """Find and store the neighbours of a product the index has not seen (one index query)."""
    index = similarity_index()
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


def feed_for_request(*, request, k: int = 12) -> list[ProductSuggestion]:
    """The personal feed: blended from this shopper's recent events (none: what is trending)."""
    model = hybrid_recommender()
    if model is None:
        return []
    events = _recent_events(request)
    history = [(product_id, kind) for product_id, kind in events]
    bought = {product_id for product_id, kind in events if kind == ProductEvent.Kind.PURCHASE}
    return _suggestions(model.recommend(history, k=k + _SPARE, exclude=bought))[:k]


def only_trending(feed: list[ProductSuggestion]) -> bool:
    """Whether a feed has nothing personal yet (a new visitor's): the page then titles it
    "Trending now" rather than saying so on every card."""
    return all(item.reason == REASONS["popularity"] for item in feed)


def _recent_events(request) -> list[tuple[int, str]]:
    """The shopper's last ``HISTORY_LENGTH`` events, oldest first (as the recommender reads them)."""
    if request.user.is_authenticated:
        events = ProductEvent.objects.filter(user=request.user)
    elif visitor := visitor_key(request=request):
        events = ProductEvent.objects.filter(session_key=visitor, user=None)
    else:
        return []
    newest_first = events.order_by("-created_at", "-id").values_list("product_id", "kind")[:HISTORY_LENGTH]
    return list(newest_first)[::-1]
