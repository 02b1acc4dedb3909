"""Reads for the catalog: filtering, search, facet counts, product lookups."""

from __future__ import annotations

import hashlib
from collections import Counter
from dataclasses import dataclass, field, replace
from decimal import Decimal

from django.conf import settings
from django.core.cache import cache, caches
from django.core.paginator import Page, Paginator
from django.db.models import Case, Count, IntegerField, Q, QuerySet, Value, When

from marketplace.pages import FACETS_SECONDS, TAXONOMY_SECONDS

from .models import ArticleType, Gender, MasterCategory, Product, SubCategory
from .search import normalise_words, query_intent

SORTS = {
    "relevance": ("-relevance", "-created_at", "-id"),  # searches only: see _by_relevance
    "newest": ("-created_at", "-id"),
    "price_asc": ("price", "id"),
    "price_desc": ("-price", "id"),
    "name": ("name", "id"),
}
TAXONOMY_CACHE_KEY = "taxonomy_rows"
TILE_FIELDS = ("id", "dataset_id", "name", "price", "image", "stock")  # what a product tile shows
FACET_FIELDS = (
    "gender_id",
    "master_category_id",
    "sub_category_id",
    "article_type_id",
    "base_colour",
    "season",
    "usage",
)
# Attribute values that mean "not known" in the dataset (styles.csv writes "NA"): stored as
# imported, but never offered as a filter.
MISSING_VALUES = frozenset({None, "", "NA"})


@dataclass
class CatalogFilters:
    """What a shopper asked for (read from the query string by ``main.forms.CatalogFilterForm``)."""

    q: str = ""
    gender: int | None = None
    master: int | None = None
    sub: int | None = None
    type: int | None = None
    colour: str = ""
    season: str = ""
    usage: str = ""
    min_price: Decimal | None = None
    max_price: Decimal | None = None
    sort: str = "newest"


def catalog_page(*, filters: CatalogFilters, number, size: int) -> tuple[Page, Facets]:
    """One page of a catalog listing and the facet counts of the whole result.

    Counting needs no order, so the facets are counted on the unranked query; a best-match
    page is cut from the cached ranking (:func:`best_match_ids`) and its products fetched
    apart. ``number`` is the page asked for, as the query string gives it.
    """
    unranked = replace(filters, sort="newest") if filters.sort == "relevance" else filters
    products = product_search(filters=unranked)
    facets = catalog_facets(products=products, filters=filters)
    if filters.sort == "relevance":
        page = Paginator(best_match_ids(filters=filters), size).get_page(number)
        page.object_list = products_by_ids(ids=list(page.object_list), in_stock_only=False)
        return page, facets
    paginator = Paginator(products.only(*TILE_FIELDS, "created_at"), size)
    paginator.count = facets.total  # the facet query already counted the result
    return paginator.get_page(number), facets


def product_search(*, filters: CatalogFilters) -> QuerySet[Product]:
    """Active products matching every filter, in the requested order."""
    products = Product.objects.filter(is_active=True)
    for word in normalise_words(filters.q)[:10]:
        products = products.filter(search_text__contains=f" {word}")
    exact = {
        "gender_id": filters.gender,
        "master_category_id": filters.master,
        "sub_category_id": filters.sub,
        "article_type_id": filters.type,
        "base_colour": filters.colour,
        "season": filters.season,
        "usage": filters.usage,
    }
    products = products.filter(**{k: v for k, v in exact.items() if v})
    if filters.min_price is not None:
        products = products.filter(price__gte=filters.min_price)
    if filters.max_price is not None:
        products = products.filter(price__lte=filters.max_price)
    if filters.sort == "relevance":
        products = _by_relevance(products=products, q=filters.q)
    return products.order_by(*SORTS[filters.sort])


# Points a search result earns for matching what the query asks for (see _by_relevance).
RELEVANCE_POINTS = {"article_type_id": 4, "sub_category_id": 2, "gender_id": 1}


def best_match_ids(*, filters: CatalogFilters) -> list[int]:
    """A search's results in best-match order, as ids. Ranking the whole match set costs
    PostgreSQL 5-15 ms a search, so the order is cached per filter set like the facet counts
    (a product listed meanwhile shows up within ``FACETS_SECONDS``)."""
    key = "best-match:" + _result_key(filters)
    ids = cache.get(key)
    if ids is None:
        ids = list(product_search(filters=filters).values_list("id", flat=True))
        cache.set(key, ids, FACETS_SECONDS)
    return ids


def _result_key(filters: CatalogFilters) -> str:
    """The same for every order of the same result: the filters but the sort."""
    return hashlib.sha1(repr(replace(filters, sort="")).encode()).hexdigest()


def _by_relevance(*, products: QuerySet[Product], q: str) -> QuerySet[Product]:
    """Annotate ``relevance``: the points of :data:`RELEVANCE_POINTS` for the article type,
    subcategory and gender the query asks for (see :func:`main.search.query_intent`), so that
    "blue jeans men" lists jeans before a "Blue Jeans" deodorant. Ties keep the newest first."""
    intent = query_intent(q=q)
    rows = _taxonomy_rows(needed={})
    sub = _taxonomy_id(rows["sub_category_id"], intent.sub_category)
    wanted = {
        "article_type_id": _taxonomy_id(rows["article_type_id"], intent.article_type, parent=sub),
        "sub_category_id": sub,
        "gender_id": _taxonomy_id(rows["gender_id"], intent.gender),
    }
    score = Value(0)
    for field_name, points in RELEVANCE_POINTS.items():
        if wanted[field_name] is not None:
            score = score + Case(When(**{field_name: wanted[field_name]}, then=Value(points)),
                                 default=Value(0), output_field=IntegerField())
    return products.annotate(relevance=score)


def _taxonomy_id(rows: dict[int, tuple], name: str, parent: int | None = None) -> int | None:
    """The id of the taxonomy node called ``name`` (under ``parent``, if given) among the
    cached ``rows`` of its table; None for an empty name or one not there."""
    if not name:
        return None
    return next((i for i, row in rows.items() if row[0] == name and (parent is None or row[1] == parent)),
                None)


@dataclass
class FacetValue:
    value: str | int
    label: str
    count: int
    selected: bool = False


@dataclass
class Facets:
    genders: list[FacetValue] = field(default_factory=list)
    masters: list[FacetValue] = field(default_factory=list)
    subs: list[FacetValue] = field(default_factory=list)
    types: list[FacetValue] = field(default_factory=list)
    colours: list[FacetValue] = field(default_factory=list)
    seasons: list[FacetValue] = field(default_factory=list)
    usages: list[FacetValue] = field(default_factory=list)
    total: int = 0


def catalog_facets(*, products: QuerySet[Product], filters: CatalogFilters) -> Facets:
    """Counts for every facet of the current result, from ONE grouped query.

    The taxonomy drills down: subcategories are offered once a master category is chosen,
    article types once a subcategory is.
    """
    counters, total = _facet_counts(products=products, filters=filters)
    names = _taxonomy_names(counters)

    def facet(name, selected, labels=None):
        values = sorted(counters[name].items(), key=lambda kv: -kv[1])
        return [
            FacetValue(value, labels.get(value, str(value)) if labels else str(value), n, value == selected)
            for value, n in values
        ]

    return Facets(
        genders=facet("gender_id", filters.gender, names["gender_id"]),
        masters=facet("master_category_id", filters.master, names["master_category_id"]),
        subs=facet("sub_category_id", filters.sub, names["sub_category_id"]) if filters.master else [],
        types=facet("article_type_id", filters.type, names["article_type_id"]) if filters.sub else [],
        colours=facet("base_colour", filters.colour)[:20],
        seasons=facet("season", filters.season),
        usages=facet("usage", filters.usage),
        total=total,
    )


def _facet_counts(*, products: QuerySet[Product], filters: CatalogFilters) -> tuple[dict[str, Counter], int]:
    """Counts per facet value. Cached for ``FACETS_SECONDS`` per filter set: grouping the
    whole catalog takes tens of milliseconds, and counts a minute or two old are fine to browse by."""
    key = "facets:" + _result_key(filters)
    cached = cache.get(key)
    if cached is not None:
        return cached
    counters = {name: Counter() for name in FACET_FIELDS}
    total = 0
    for row in products.order_by().values(*FACET_FIELDS).annotate(n=Count("id")):
        total += row["n"]
        for name in FACET_FIELDS:
            if row[name] not in MISSING_VALUES:
                counters[name][row[name]] += row["n"]
    cache.set(key, (counters, total), FACETS_SECONDS)
    return counters, total


# The four taxonomy tables by the product column pointing at them: model, fields kept besides the id.
_TAXONOMY_TABLES = {
    "gender_id": (Gender, ("name",)),
    "master_category_id": (MasterCategory, ("name",)),
    "sub_category_id": (SubCategory, ("name", "master_category_id")),
    "article_type_id": (ArticleType, ("name", "sub_category_id")),
}


def _taxonomy_rows(*, needed: dict[str, list[int]]) -> dict[str, dict[int, tuple]]:
    """The taxonomy's few hundred rows, ``{column: {id: (name, parent id)}}``: cached, and
    rebuilt when a node in ``needed`` is new."""
    local = caches["local"]  # read on every product page: kept in the process, not fetched
    rows = local.get(TAXONOMY_CACHE_KEY)
    if rows is None or any(i not in rows[c] for c, ids in needed.items() for i in ids):
        rows = {
            column: {row[0]: row[1:] for row in model.objects.values_list("id", *fields)}
            for column, (model, fields) in _TAXONOMY_TABLES.items()
        }
        local.set(TAXONOMY_CACHE_KEY, rows, TAXONOMY_SECONDS)
    return rows


def _taxonomy_names(counters) -> dict[str, dict[int, str]]:
    """Names for the taxonomy ids in the facet counts."""
    rows = _taxonomy_rows(needed={column: list(counters[column]) for column in _TAXONOMY_TABLES})
    return {column: {i: row[0] for i, row in by_id.items()} for column, by_id in rows.items()}


def product_for_page(
    *, dataset_id: int | None = None, pk: int | None = None, seller_id: int | None = None
) -> Product:
    """The product a shopper opens, with its seller and category path: one query.

    Unlisted products are found only for their own seller (``seller_id``), as a preview.
    The path's four nodes come from the cached taxonomy rows rather than from four more
    joins, which cost PostgreSQL more to plan (~0.7 ms) than the whole lookup takes to run.
    """
    visible = Q(is_active=True) | Q(seller_id=seller_id) if seller_id is not None else Q(is_active=True)
    products = Product.objects.filter(visible).select_related("seller")
    product = products.get(dataset_id=dataset_id) if dataset_id is not None else products.get(pk=pk)
    ids = {column: getattr(product, column) for column in _TAXONOMY_TABLES}
    rows = _taxonomy_rows(needed={column: [i] for column, i in ids.items()})
    for column, (model, fields) in _TAXONOMY_TABLES.items():
        node = model(id=ids[column], **dict(zip(fields, rows[column][ids[column]], strict=True)))
        setattr(product, column.removesuffix("_id"), node)
    return product


def products_by_ids(*, ids: list[int], in_stock_only: bool = True) -> list[Product]:
    """Listed products in the order of ``ids``, with what a product tile shows: one query.
    Carousels and feeds take only those in stock: they should not suggest what cannot be bought."""
    found = Product.objects.filter(pk__in=ids, is_active=True)
    if in_stock_only:
        found = found.filter(stock__gt=0)
    found = found.only(*TILE_FIELDS)
    by_id = {p.pk: p for p in found}
    return [by_id[i] for i in ids if i in by_id]


@dataclass
class Department:
    """A master category for the home page, its subcategories biggest first."""

    master: MasterCategory
    subs: list[SubCategory]
    listed: int

    @property
    def shown(self) -> list[SubCategory]:
        return self.subs[:DEPARTMENT_SUBS_SHOWN]

    @property
    def more(self) -> int:
        return len(self.subs) - len(self.shown)


DEPARTMENT_SUBS_SHOWN = 6


def departments() -> list[Department]:
    """Every master category with listed products, biggest first; each one's subcategories
    ordered by listed products too, so that the first few shown are where the products are."""
    counts = Counter(dict(
        ((row["master_category_id"], row["sub_category_id"]), row["n"])
        for row in Product.objects.filter(is_active=True).order_by()
        .values("master_category_id", "sub_category_id").annotate(n=Count("id"))
    ))
    result = []
    for master in MasterCategory.objects.prefetch_related("sub_categories"):
        subs = [sub for sub in master.sub_categories.all() if counts[(master.id, sub.id)]]
        subs.sort(key=lambda sub: (-counts[(master.id, sub.id)], sub.name))
        listed = sum(counts[(master.id, sub.id)] for sub in subs)
        if listed:
            result.append(Department(master=master, subs=subs, listed=listed))
    return sorted(result, key=lambda department: -department.listed)


SUPPORTED_TYPES_CACHE_KEY = "supported_article_types"


def supported_article_types(*, keep: int | None = None) -> QuerySet[ArticleType]:
    """The article types (with their path) a seller may choose: those with at least
    ``settings.MIN_PRODUCTS_PER_PATH`` products, plus ``keep`` (a listing's current type, so that
    editing it never fails on a type it already has). A taxonomy where no path has that
    support yet (a new shop) offers every path."""
    minimum = settings.MIN_PRODUCTS_PER_PATH
    key = f"{SUPPORTED_TYPES_CACHE_KEY}:{minimum}"
    supported = cache.get(key)
    if supported is None:
        counts = ArticleType.objects.annotate(n=Count("products")).values_list("pk", "n")
        supported = [pk for pk, n in counts if n >= minimum]
        cache.set(key, supported, TAXONOMY_SECONDS)
    types = ArticleType.objects.select_related("sub_category__master_category").order_by(
        "sub_category__master_category__name", "sub_category__name", "name"
    )
    if not supported:
        return types
    return types.filter(Q(pk__in=supported) | Q(pk=keep))
