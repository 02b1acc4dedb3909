"""The shop's side of recommendations: turns the ML package's answers into products.

``ml`` knows products only as ids and attribute rows; this module builds those rows from
the database, asks the loaded models (``main.ml_models``) and fetches the products back in
one query. With no trained model, every function answers an empty list.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd
from django.db.models import QuerySet

from ml.feed import REASONS
from ml.similarity import Recommendation

from .ml_models import hybrid_recommender, similarity_index
from .models import Product, ProductEvent, ProductNeighbours
from .selectors import products_by_ids
from .visitors import visitor_key

HISTORY_LENGTH = 100
# ML column name → database field path.
CATALOG_COLUMNS = {
    "id": "id",
    "name": "name",
    "description": "description",
    "gender": "gender__name",
    "masterCategory": "master_category__name",
    "subCategory": "sub_category__name",
    "articleType": "article_type__name",
    "baseColour": "base_colour",
    "usage": "usage",
    "season": "season",
    "price": "price",
}


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
    frame["price"] = frame["price"].astype(float)
    return frame


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
    index = similarity_index()
    return getattr(index, "version", "") if index is not None else "none"


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
    return index.complete_the_look(product.pk if product.pk in index else _row(product).iloc[0], k=k)


# Ask for a few more than shown: some may have been unlisted or sold out since the index was built.
_SPARE = 5


def similar_for(*, product: Product, k: int = 10) -> list[ProductSuggestion]:
    """Products like this one."""
    return _suggestions(_similar(product, k + _SPARE))[:k]


@dataclass(frozen=True)
class ProductCarousels:
    similar: list[ProductSuggestion]
    complete_the_look: list[ProductSuggestion]


def carousels_for(*, product: Product, similar: int = 10, complete_the_look: int = 8) -> ProductCarousels:
    """Both carousels of a product page, their products fetched in one query."""
    like, look = _similar(product, similar + _SPARE), _complete_the_look(product, complete_the_look + _SPARE)
    products = {p.pk: p for p in products_by_ids(ids=[r.product_id for r in like + look])}
    return ProductCarousels(
        similar=_suggestions(like, products=products)[:similar],
        complete_the_look=_suggestions(look, products=products)[:complete_the_look],
    )


def neighbours_refresh(*, product: Product, k: int = 50) -> ProductNeighbours | None:
    """Find and store the neighbours of a product the index has not seen (one index query)."""
    index = similarity_index()
    if index is None or product.pk in index:
        return None
    found = index.similar_to_new(_row(product), k=k)[0]
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
    return _suggestions(model.recommend(history, k=k + 5, exclude=bought))[:k]


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


def _row(product: Product) -> pd.DataFrame:
    return pd.DataFrame(
        [
            {
                "id": product.pk,
                "name": product.name,
                "description": product.description,
                "gender": product.gender.name,
                "masterCategory": product.master_category.name,
                "subCategory": product.sub_category.name,
                "articleType": product.article_type.name,
                "baseColour": product.base_colour,
                "usage": product.usage,
                "season": product.season,
                "price": float(product.price),
            }
        ]
    )
