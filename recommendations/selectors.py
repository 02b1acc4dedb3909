"""Reads for the recommendations: a product page's carousels, the personal feed, similar items.

The models are served by :mod:`serving.registry`; their answers (product ids) become products
still for sale in one query (:func:`main.selectors.suggested_products`). A model that is not
trained yet answers nothing: pages then show no carousels, and the API says 503 with the fix.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import pandas as pd

from main.ml_fields import product_frame
from main.models import Product
from main.selectors import SPARE, ProductSuggestion, products_by_ids, suggested_products
from ml.catalog.brands import brand_key
from ml.photo.index import ARTIFACT_NAME as PHOTO_INDEX
from ml.recommend.complete_the_look import ARTIFACT_NAME as COMPLETE_THE_LOOK
from ml.recommend.hybrid import REASONS
from ml.recommend.ranking import Recommendation
from ml.recommend.train import HYBRID, SIMILARITY
from serving.registry import loaded, version

from .models import ProductEvent, ProductNeighbours
from .services import views_queued
from .visitors import visitor_key

HISTORY_LENGTH = 100  # a shopper's latest events the feed reads
SHARED_SHOWN = 3  # attributes a "Similar items" tile names at most: its reason stays one short line
LOOKS_ALIKE = "looks alike"  # the reason of a "Looks like this" tile: its photo is the evidence

# The strategies an experiment may compare (``experiments`` hands one to the template tags; an
# unknown or empty one is the first, the shop's own default).
# A product page's carousels, in the order each strategy shows them; each one's title, test id
# and the source its tiles' links carry (``?from=``: a click on it, see ProductEvent.Source).
CAROUSEL_ORDERS = {
    "similar-first": ("similar", "looks_like", "complete_the_look"),
    "look-first": ("complete_the_look", "similar", "looks_like"),
}
CAROUSEL_TITLES = {
    "similar": ("Similar items", "similar", ProductEvent.Source.SIMILAR),
    "looks_like": ("Looks like this", "looks-like", ProductEvent.Source.LOOKS),
    "complete_the_look": ("Complete the look", "complete-the-look", ProductEvent.Source.COMPLETE),
}
# The home feed: from the shopper's history, or what is trending for everyone.
FEED_STRATEGIES = ("personal", "trending")


def carousel_strategy(strategy: str) -> str:
    """``strategy`` if it is one of :data:`CAROUSEL_ORDERS`, else the default."""
    return strategy if strategy in CAROUSEL_ORDERS else next(iter(CAROUSEL_ORDERS))


def carousel_sections(*, carousels: ProductCarousels,
                      strategy: str) -> list[tuple[str, list, str, str]]:
    """(title, items, test id, click source) of each carousel, in the strategy's order."""
    sections = []
    for name in CAROUSEL_ORDERS[carousel_strategy(strategy)]:
        title, test_id, source = CAROUSEL_TITLES[name]
        sections.append((title, getattr(carousels, name), test_id, str(source)))
    return sections


def events_frame() -> pd.DataFrame:
    """Logged shopper events, keyed ``u:<user id>`` or ``s:<session key>`` (the table's: a
    caller in a web worker writes its queued views first, ``services.views_flush``)."""
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
    return f"{version(SIMILARITY)}-{version(PHOTO_INDEX)}"


def _similar(product: Product, k: int) -> list[Recommendation]:
    """Neighbours from the index, or from what was stored when the product was listed
    (``recommendations.services.neighbours_refresh``); found afresh, not stored, if neither has
    them (a selector never writes)."""
    index = loaded(SIMILARITY)
    if index is None:
        return []
    if product.pk in index:
        return index.similar(product.pk, k=k)
    stored = ProductNeighbours.objects.filter(product=product).first()
    if stored is None:
        return index.similar_to_new(product_frame(product), k=k)[0]
    triples = zip(stored.neighbour_ids, stored.scores, stored.reasons, strict=True)
    return [Recommendation(i, s, r) for i, s, r in triples][:k]


def _complete_the_look(product: Product, k: int) -> list[Recommendation]:
    index = loaded(SIMILARITY)
    if index is None:
        return []
    look = loaded(COMPLETE_THE_LOOK)
    return look.recommend(product.pk if product.pk in index else product_frame(product), k=k)


def _looks_like(*, product_id: int, k: int, exclude: set[int] | frozenset = frozenset()) -> list:
    """Products whose photo looks like this product's (index lookups only: no embedding)."""
    index = loaded(PHOTO_INDEX)
    if index is None or product_id not in index:
        return []
    return index.similar(product_id, k=k, exclude=set(exclude))


def similar_for(*, product: Product, k: int = 10) -> list[ProductSuggestion]:
    """Products like this one."""
    return suggested_products(recommendations=_similar(product, k + SPARE))[:k]


def shared_attributes(*, product: Product, other: Product) -> str:
    """What two products have in common, read from their rows, in one short line ("same type,
    same colour, same brand"); "" when nothing is shared. Type before colour before brand
    before usage: the order in which they make items alike."""
    parts = []
    if other.article_type_id == product.article_type_id:
        parts.append("same type")
    elif other.sub_category_id == product.sub_category_id:
        parts.append("same category")
    if product.base_colour and other.base_colour == product.base_colour:
        parts.append("same colour")
    if product.brand and brand_key(other.brand) == brand_key(product.brand):
        parts.append("same brand")
    if product.usage and other.usage == product.usage:
        parts.append(f"both {product.usage.lower()}")
    return ", ".join(parts[:SHARED_SHOWN])


@dataclass(frozen=True)
class ProductCarousels:
    similar: list[ProductSuggestion]
    complete_the_look: list[ProductSuggestion]
    looks_like: list[ProductSuggestion] = ()


def carousels_for(
    *, product: Product, similar: int = 10, complete_the_look: int = 8, looks_like: int = 10
) -> ProductCarousels:
    """The carousels of a product page, their products fetched in one query.

    "Looks like this" (photo neighbours) is its own carousel beside the attribute-based
    "Similar items", which it never changes; it leaves out what "Similar items" already shows,
    so that a shopper sees new products in it, not the same tiles twice.
    Each "Similar items" tile says what it shares with the product (:func:`shared_attributes`,
    the model's own reason when nothing is), each "Looks like this" tile that it looks alike:
    computed here, once per render of the cached fragment.
    """
    like, look = _similar(product, similar + SPARE), _complete_the_look(product, complete_the_look + SPARE)
    seen = {r.product_id for r in like}  # any of them may be shown (some before may be sold out)
    alike = _looks_like(product_id=product.pk, k=looks_like + SPARE, exclude=seen)
    ids = [r.product_id for r in like + look + alike]
    products = {p.pk: p for p in products_by_ids(ids=ids)}
    return ProductCarousels(
        similar=[replace(s, reason=shared_attributes(product=product, other=s.product) or s.reason)
                 for s in suggested_products(recommendations=like, products=products)[:similar]],
        complete_the_look=suggested_products(recommendations=look, products=products)[:complete_the_look],
        looks_like=[replace(s, reason=LOOKS_ALIKE)
                    for s in suggested_products(recommendations=alike, products=products)[:looks_like]],
    )


def feed_for_request(*, request, k: int = 12, strategy: str = "") -> list[ProductSuggestion]:
    """The personal feed: blended from this shopper's recent events (none: what is trending).
    The "trending" strategy (:data:`FEED_STRATEGIES`) leaves the history out."""
    model = loaded(HYBRID)
    if model is None:
        return []
    events = [] if strategy == "trending" else _recent_events(request)
    history = [(product_id, kind) for product_id, kind in events]
    bought = {product_id for product_id, kind in events if kind == ProductEvent.Kind.PURCHASE}
    return suggested_products(recommendations=model.recommend(history, k=k + SPARE, exclude=bought))[:k]


def only_trending(feed: list[ProductSuggestion]) -> bool:
    """Whether a feed has nothing personal yet (a new visitor's): the page then titles it
    "Trending now" rather than saying so on every card."""
    return all(item.reason == REASONS["popularity"] for item in feed)


def _recent_events(request) -> list[tuple[int, str]]:
    """The shopper's last ``HISTORY_LENGTH`` events, oldest first (as the recommender reads them),
    with this worker's views not yet written: a shopper back home sees the product they just
    viewed when the request lands on the same worker (on another, within
    :data:`~recommendations.services.VIEWS_FLUSH_SECONDS`). The queue is read before the table:
    a view written in between is then read twice (weighed twice once), never missed."""
    if request.user.is_authenticated:
        queued = views_queued(user_id=request.user.pk)
        events = ProductEvent.objects.filter(user=request.user)
    elif visitor := visitor_key(request=request):
        queued = views_queued(visitor=visitor)
        events = ProductEvent.objects.filter(session_key=visitor, user=None)
    else:
        return []
    newest_first = events.order_by("-created_at", "-id").values_list("product_id", "kind")[:HISTORY_LENGTH]
    history = list(newest_first)[::-1] + [(event.product_id, event.kind) for event in queued]
    return history[-HISTORY_LENGTH:]
