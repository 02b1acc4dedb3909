"""Reads for the catalog: the taxonomy, brands, product lookups, the home page's departments."""

from __future__ import annotations

import time
from collections import Counter
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from django.db.models import Count, Q, QuerySet

from core.pages import ATTRIBUTE_CHOICES_SECONDS, TAXONOMY_SECONDS
from ml.catalog.brands import brand_key
from ml.recommend.ranking import Recommendation
from serving.registry import loaded_versions

from .catalog_table import catalog_version, shown_version
from .departments import is_department, section_name
from .models import ArticleType, Gender, MasterCategory, Product, SubCategory
from .tile_rows import tile_products

BRANDS_CACHE_KEY = "brands_known"


def brands_known() -> dict[str, str]:
    """The brands of the shop's listings, by key (``ml.catalog.brands.brand_key``): what a
    seller's name is read against. Cached: a listing saved is no reason to read them all."""
    known = cache.get(BRANDS_CACHE_KEY)
    if known is None:
        spellings = Product.objects.exclude(brand="").order_by().values_list("brand").annotate(n=Count("id"))
        known = {}
        for brand, _ in sorted(spellings, key=lambda row: -row[1]):
            known.setdefault(brand_key(brand), brand)
        cache.set(BRANDS_CACHE_KEY, known, ATTRIBUTE_CHOICES_SECONDS)
    return known


# The four taxonomy tables by the product column pointing at them: model, fields kept besides the id.
TAXONOMY_TABLES = {
    "gender_id": (Gender, ("name",)),
    "master_category_id": (MasterCategory, ("name",)),
    "sub_category_id": (SubCategory, ("name", "master_category_id")),
    "article_type_id": (ArticleType, ("name", "sub_category_id")),
}


_taxonomy: dict[str, object] = {}  # "rows", "read": this process's taxonomy and when it was read


def taxonomy_rows(*, needed: dict[str, list[int]] | None = None) -> dict[str, dict[int, tuple]]:
    """The taxonomy's few hundred rows, ``{product column: {id: (name, parent id)}}`` (genders:
    ``(name,)``): held in the process for :data:`TAXONOMY_SECONDS` (read on every product and
    catalog page, as the catalog table is: not a cache a page clears, four queries and ~1 ms of
    CPU to read again), and read again at once when a node in ``needed`` is new."""
    needed = needed or {}
    rows = _taxonomy.get("rows")
    fresh = rows is not None and time.monotonic() - _taxonomy["read"] < TAXONOMY_SECONDS
    if not fresh or any(i not in rows[c] for c, ids in needed.items() for i in ids):
        rows = {
            column: {row[0]: row[1:] for row in model.objects.values_list("id", *fields)}
            for column, (model, fields) in TAXONOMY_TABLES.items()
        }
        _taxonomy.update(rows=rows, read=time.monotonic())
    return rows


def taxonomy_forget() -> None:
    """Read the taxonomy afresh at its next use (a renamed node; tests)."""
    _taxonomy.clear()


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
    ids = {column: getattr(product, column) for column in TAXONOMY_TABLES}
    rows = taxonomy_rows(needed={column: [i] for column, i in ids.items()})
    for column, (model, fields) in TAXONOMY_TABLES.items():
        node = model(id=ids[column], **dict(zip(fields, rows[column][ids[column]], strict=True)))
        setattr(product, column.removesuffix("_id"), node)
    return product


def products_by_ids(*, ids: list[int], in_stock_only: bool = True) -> list[Product]:
    """Listed products in the order of ``ids``, with what a product tile shows and what a
    carousel compares (:mod:`main.tile_rows`: a query only for rows this process lacks).
    Carousels and feeds take only those in stock: they should not suggest what cannot be bought."""
    by_id = tile_products(ids, in_stock_only=in_stock_only)
    return [by_id[i] for i in ids if i in by_id]


# Suggestions ask their model for this many more than they show: some may have been unlisted or
# sold out since its index was built.
SPARE = 5


@dataclass(frozen=True)
class ProductSuggestion:
    """A product a model put forward (a carousel's, a feed's, a photo search's), with its score
    and the reason shown under its tile."""

    product: Product
    score: float
    reason: str


def suggested_products(
    *, recommendations: list[Recommendation], products: dict[int, Product] | None = None
) -> list[ProductSuggestion]:
    """Recommendations (of any model) as products still for sale, in order; unlisted and
    sold-out ones dropped. One query, unless ``products`` (by id) are given."""
    if products is None:
        products = {p.pk: p for p in products_by_ids(ids=[r.product_id for r in recommendations])}
    return [
        ProductSuggestion(products[r.product_id], r.score, r.reason)
        for r in recommendations
        if r.product_id in products
    ]


@dataclass(frozen=True)
class DepartmentSection:
    """A department's section: one subcategory, or several shown as one (main.departments)."""

    name: str
    ids: tuple[int, ...]  # the subcategories it browses (the catalog's sub facet: any of them)
    listed: int


@dataclass
class Department:
    """A master category for the home page, its sections biggest first."""

    master: MasterCategory
    subs: list[DepartmentSection]
    listed: int

    @property
    def shown(self) -> list[SubCategory]:
        return self.subs[:DEPARTMENT_SUBS_SHOWN]

    @property
    def more(self) -> int:
        return len(self.subs) - len(self.shown)


DEPARTMENT_SUBS_SHOWN = 6


def departments() -> list[Department]:
    """Every master category with listed products that is a department (main.departments),
    biggest first; each one's sections ordered by listed products too, so that the first few
    shown are where the products are."""
    counts = Counter(dict(
        ((row["master_category_id"], row["sub_category_id"]), row["n"])
        for row in Product.objects.filter(is_active=True).order_by()
        .values("master_category_id", "sub_category_id").annotate(n=Count("id"))
    ))
    result = []
    for master in MasterCategory.objects.prefetch_related("sub_categories"):
        if not is_department(master=master.name):
            continue
        sections: dict[str, list[SubCategory]] = {}
        for sub in master.sub_categories.all():
            if counts[(master.id, sub.id)]:
                sections.setdefault(section_name(master=master.name, sub=sub.name), []).append(sub)
        subs = [DepartmentSection(name=name, ids=tuple(sub.id for sub in members),
                                  listed=sum(counts[(master.id, sub.id)] for sub in members))
                for name, members in sections.items()]
        subs.sort(key=lambda section: (-section.listed, section.name))
        listed = sum(section.listed for section in subs)
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


def page_version(*, sold_out: bool = True) -> str:
    """What every page cached for all shoppers shows besides its own rows: the catalog (names,
    prices and, with ``sold_out``, which tiles say "Out of stock":
    :func:`main.catalog_table.shown_version`) and the served models' versions (a hot swap draws
    pages afresh). Part of every such page's key."""
    models = ",".join(f"{name}={version}" for name, version in sorted(loaded_versions().items()))
    return f"{shown_version() if sold_out else catalog_version()}|{models}"


def product_page_key(*, product: Product, sizes: list) -> str:
    """A product page's cache key: everything on it a shopper buys by, read with the page's
    own queries (its price, its stock and each size's, its rating), so that a sale, a price
    change, a restock or a review is a new key at once, whatever the other versions say.
    Another product selling out is not (its carousels offer only what was in stock when drawn,
    as they always did): checkouts would otherwise draw every product page again."""
    stock = ",".join(f"{size.pk}:{size.stock}" for size in sizes)
    rating = f"{product.rating_average}:{product.rating_count}"  # a review written or hidden
    shown = f"{product.price}:{product.stock}:{product.is_active}:{stock}:{rating}"
    return f"product:{product.pk}:{shown}|{page_version(sold_out=False)}"
