"""The catalog listing: a search, with or without words, narrowed by facets.

Browsing is a search without words: every listing (the catalog page, a text search, a photo
search, the search API) is read from the catalog table (:mod:`main.catalog_table`) by
:func:`catalog_page`, with the facet counts of its whole result.
"""

from __future__ import annotations

import hashlib
from collections import Counter, OrderedDict
from dataclasses import dataclass, field, replace
from decimal import Decimal

import numpy as np
from django.core.cache import cache
from django.core.paginator import Page, Paginator

from core.pages import FACETS_SECONDS
from main.catalog_table import FACET_COLUMNS, PRICE_RANGES, RATING_FLOORS, CatalogTable, catalog_table
from main.departments import is_department
from main.money import rupees
from main.selectors import TAXONOMY_TABLES, products_by_ids, taxonomy_rows

from .photos import photo_search_ids
from .query import QuerySummary, query_summary, rows_starting_words, search_rows

FACET_TITLES = {
    "gender": "Gender", "master": "Category", "sub": "Subcategory", "type": "Article type",
    "brand": "Brand", "colour": "Colour", "season": "Season", "usage": "Usage", "price": "Price",
    "size": "Size", "rating": "Customer rating",
}
FACET_SHOWN = 8  # values listed before "more"
COUNTS_KEPT = 128  # the latest filter sets' facet counts kept per process (tens of kB each)
BRANDS_LISTED = 100  # of a few hundred brands, the biggest; the others are found by typing them


@dataclass
class CatalogFilters:
    """What a shopper asked for (read from the query string by ``search.forms.CatalogFilterForm``).

    A facet's values are a sorted tuple (so that one set of values is one cache key)."""

    q: str = ""
    gender: tuple[int, ...] = ()
    master: tuple[int, ...] = ()
    sub: tuple[int, ...] = ()
    type: tuple[int, ...] = ()
    brand: tuple[str, ...] = ()
    colour: tuple[str, ...] = ()
    season: tuple[str, ...] = ()
    usage: tuple[str, ...] = ()
    price: tuple[str, ...] = ()  # keys of PRICE_RANGES
    size: tuple[str, ...] = ()  # size labels: the products with any of them in stock
    rating: tuple[str, ...] = ()  # keys of RATING_FLOORS: the products rated at least that
    min_price: Decimal | None = None
    max_price: Decimal | None = None
    sort: str = "newest"
    photo: str = ""  # a photo search's key (search.photos): only its products, closest first

    def selected(self) -> dict[str, tuple]:
        """The facets with a selection: parameter -> values."""
        return {param: getattr(self, param) for param in FACET_COLUMNS if getattr(self, param)}


def catalog_page(*, filters: CatalogFilters, number, size: int) -> tuple[Page, Facets]:
    """One page of a catalog listing and the facet counts of the whole result: both from the
    catalog table (:mod:`main.catalog_table`), and the page's products from the database.
    ``number`` is the page asked for, as the query string gives it."""
    listing = _listing(filters=filters)
    page = Paginator(listing.ids, size).get_page(number)
    page.object_list = products_by_ids(ids=[int(i) for i in page.object_list], in_stock_only=False)
    return page, _facets(filters=filters, counters=listing.counters, total=len(listing.ids),
                         matched=listing.matched)


def search_ids(*, filters: CatalogFilters) -> list[int]:
    """The ids of the products a listing shows, in its order (every page of it)."""
    return [int(i) for i in _listing(filters=filters).ids]


def ids_starting_words(*, q: str, limit: int) -> list[int]:
    """The first ``limit`` products (newest first) whose words every word of ``q`` starts:
    what is typed so far, as the suggestions read it ("sungl" -> sunglasses)."""
    table = catalog_table()
    rows = rows_starting_words(q=q, table=table)
    chosen = np.zeros(len(table), dtype=bool)
    chosen[rows] = True
    newest = table.order["newest"]
    return [int(i) for i in table.ids[newest[chosen[newest]]][:limit]]


@dataclass(frozen=True)
class _Listing:
    ids: np.ndarray  # the result, in the listing's order
    counters: dict[str, Counter]  # per facet: value -> products (the multi-select rule)
    matched: int  # how many of ids match the search itself (the rest: similar products after them)


def _listing(*, filters: CatalogFilters) -> _Listing:
    """The products matching every filter, in the requested order, and the facet counts.

    The candidates are the whole listed catalog, a search's matches (with their points) or a
    photo search's products (closest first); every facet selection is then a row mask over
    them. A facet with a selection counts its values with every other facet's selection
    applied but not its own (so Blue stays beside Navy Blue once Navy Blue is picked, with
    the number it would add)."""
    table = catalog_table()
    rows, points, tiers = _candidates(filters=filters, table=table)
    if filters.min_price is not None:
        keep = table.price[rows] >= float(filters.min_price)
        rows, points, tiers = rows[keep], points[keep], tiers[keep]
    if filters.max_price is not None:
        keep = table.price[rows] <= float(filters.max_price)
        rows, points, tiers = rows[keep], points[keep], tiers[keep]
    selected = filters.selected()
    if "type" in selected:  # an article type is every taxonomy node of its name (see _type_twins)
        twins = _type_twins()
        selected["type"] = tuple({twin for i in selected["type"] for twin in twins.get(i, (i,))})
    picked = {param: table.any_of(param, values)[rows] for param, values in selected.items()}
    every = np.ones(len(rows), dtype=bool)
    for mask in picked.values():
        every &= mask
    result = rows[every]
    key = (table.version, id(table), repr(replace(filters, sort="")))  # every order, the same counts
    counters = _counts_kept.pop(key, None)
    if counters is None:
        counters = {param: table.counts(param, result) for param in FACET_COLUMNS}
        for param in picked:
            others = np.ones(len(rows), dtype=bool)
            for other, mask in picked.items():
                if other != param:
                    others &= mask
            counters[param] = table.counts(param, rows[others])
    _counts_kept[key] = counters  # the latest last
    while len(_counts_kept) > COUNTS_KEPT:
        _counts_kept.popitem(last=False)
    if filters.sort == "relevance" and (filters.q.strip() or filters.photo):
        ordered = result[np.lexsort((table.newest_rank[result], -points[every]))]
    else:
        sort = filters.sort if filters.sort in table.order else "newest"
        chosen = np.zeros(len(table), dtype=bool)
        chosen[result] = True
        ordered = table.order[sort][chosen[table.order[sort]]]
        if tiers.any():  # a thin search's similar products follow its match in every order
            tier_of = np.zeros(len(table), dtype=np.int8)
            tier_of[rows] = tiers
            ordered = ordered[np.argsort(tier_of[ordered], kind="stable")]
    return _Listing(ids=table.ids[ordered], counters=counters, matched=int((tiers[every] == 0).sum()))


_counts_kept: OrderedDict[tuple, dict[str, Counter]] = OrderedDict()


def _candidates(*, filters: CatalogFilters, table: CatalogTable) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The rows a listing starts from, their points and tiers (``SearchResult.tiers``): a photo
    search's products (closest first; none once it has expired), a text search's matches, or
    every listed product."""
    if filters.photo:
        rows = table.rows_of(photo_search_ids(key=filters.photo) or [])
        return rows, -np.arange(len(rows), dtype=np.float32), np.zeros(len(rows), dtype=np.int8)
    if filters.q.strip():
        found = search_rows(q=filters.q, table=table)
        tiers = found.tiers if found.tiers is not None else np.zeros(len(found.rows), dtype=np.int8)
        return found.rows, found.points, tiers
    return np.arange(len(table)), np.zeros(len(table), dtype=np.float32), np.zeros(len(table), dtype=np.int8)


POPULAR_SHOWN = 8  # shown, labelled, when a search finds nothing: a row of the grid on a wide screen


def popular_products(*, limit: int = POPULAR_SHOWN) -> list:
    """What a search that finds nothing shows under its "no results" (labelled as such, never
    counted as results): the newest product of each of the catalog's biggest article types."""
    table = catalog_table()
    key = (table.version, id(table), limit)
    ids = _popular_kept.get(key)
    if ids is None:
        biggest = [value for value, _n in table.counts("type", np.arange(len(table))).most_common(limit)]
        newest = table.order["newest"]
        ids = []
        for type_id in biggest:
            rows = newest[table.any_of("type", [type_id])[newest]]
            ids += [int(table.ids[rows[0]])] if len(rows) else []
        _popular_kept.clear()
        _popular_kept[key] = ids
    return products_by_ids(ids=ids, in_stock_only=False)


_popular_kept: dict[tuple, list[int]] = {}


def search_summary(*, q: str) -> QuerySummary | None:
    """``search.query.query_summary`` of a search (None without one), cached per query like the
    facet counts: reading the query runs the categorizer, and a page is asked for again and again."""
    if not q:
        return None
    key = "query-summary:" + hashlib.sha1(q.encode()).hexdigest()
    summary = cache.get(key)
    if summary is None:
        summary = query_summary(q=q)
        cache.set(key, summary, FACETS_SECONDS)
    return summary


@dataclass
class FacetValue:
    value: str | int
    label: str
    count: int
    selected: bool = False
    url: str = ""  # the listing with this value toggled (a query string; set by the view)


@dataclass
class Facet:
    """One facet: its query parameter, its values biggest first (price ranges in order)."""

    param: str
    title: str
    values: list[FacetValue]

    @property
    def shown(self) -> list[FacetValue]:
        """The first values and every selected one: what is listed before "more"."""
        return [v for i, v in enumerate(self.values) if i < FACET_SHOWN or v.selected]

    @property
    def more(self) -> list[FacetValue]:
        return [v for i, v in enumerate(self.values) if i >= FACET_SHOWN and not v.selected]

    @property
    def selected(self) -> list[FacetValue]:
        return [v for v in self.values if v.selected]


@dataclass
class Facets:
    genders: list[FacetValue] = field(default_factory=list)
    masters: list[FacetValue] = field(default_factory=list)
    subs: list[FacetValue] = field(default_factory=list)
    types: list[FacetValue] = field(default_factory=list)
    brands: list[FacetValue] = field(default_factory=list)
    colours: list[FacetValue] = field(default_factory=list)
    seasons: list[FacetValue] = field(default_factory=list)
    usages: list[FacetValue] = field(default_factory=list)
    prices: list[FacetValue] = field(default_factory=list)
    sizes: list[FacetValue] = field(default_factory=list)
    ratings: list[FacetValue] = field(default_factory=list)
    total: int = 0
    matched: int = 0  # of total, the products matching the search (the rest are similar ones)

    @property
    def similar(self) -> int:
        """Similar products listed after a search's thin match."""
        return self.total - self.matched

    @property
    def groups(self) -> list[Facet]:
        """The facets with values to offer, in the order the page lists them."""
        lists = [self.genders, self.masters, self.subs, self.types, self.brands, self.colours,
                 self.seasons, self.usages, self.prices, self.sizes, self.ratings]
        return [Facet(param, FACET_TITLES[param], values)
                for param, values in zip(FACET_COLUMNS, lists, strict=True) if values]

    @property
    def heading(self) -> str:
        """What the listing is, in the shop's words ("Men · Footwear"): the gender and the
        narrowest taxonomy level picked, when one value of each is; "" otherwise."""
        genders = _picked(self.genders)
        parts = [genders[0].label] if len(genders) == 1 else []
        for values in (self.types, self.subs, self.masters):
            picked = _picked(values)
            if picked:
                if len(picked) == 1:
                    parts.append(picked[0].label)
                break
        return " · ".join(parts) if parts else ""


def _picked(values: list[FacetValue]) -> list[FacetValue]:
    return [v for v in values if v.selected]


def _facets(*, filters: CatalogFilters, counters: dict[str, Counter], total: int, matched: int) -> Facets:
    """The facets a page lists. The taxonomy drills down while browsing: subcategories are
    offered once a category is chosen, article types once a subcategory is; a search offers
    both at once."""
    names = _taxonomy_names(counters)
    searching = bool(filters.q)
    not_offered = _not_departments(counters)
    twins = _type_twins()
    # A type listed once, under a twin a shopper is offered (Backpacks under Bags, not Free Gifts).
    canonical = {i: min([j for j in ids if j not in not_offered["type"]] or ids) for i, ids in twins.items()}
    merged: Counter = Counter()
    for type_id, n in counters["type"].items():
        merged[canonical.get(type_id, type_id)] += n
    counters = {**counters, "type": merged}
    filters = replace(filters, type=tuple(sorted({canonical.get(i, i) for i in filters.type})))

    def facet(param, labels=None, limit=None):
        chosen, counts = getattr(filters, param), counters[param]
        label = (lambda v: labels.get(v, str(v))) if labels else str
        hidden = not_offered.get(param, set())
        values = sorted(((v, n) for v, n in counts.items() if v not in hidden or v in chosen),
                        key=lambda kv: (-kv[1], label(kv[0])))
        if limit:  # the few hundred brands: only those listed become values (~1 ms a page)
            values = values[:limit] + [(v, n) for v, n in values[limit:] if v in chosen]
        found = [FacetValue(v, label(v), n, v in chosen) for v, n in values]
        # A picked value nothing matches any more is still listed, so that it can be removed.
        return found + [FacetValue(v, label(v), 0, True) for v in chosen if v not in counts]

    prices = [
        FacetValue(key, _price_label(key), counters["price"][key], key in filters.price)
        for key in PRICE_RANGES
        if counters["price"][key] or key in filters.price
    ]
    return Facets(
        genders=facet("gender", names["gender_id"]),
        masters=facet("master", names["master_category_id"]),
        subs=facet("sub", names["sub_category_id"]) if filters.master or filters.sub or searching else [],
        types=facet("type", names["article_type_id"]) if filters.sub or filters.type or searching else [],
        brands=facet("brand", limit=BRANDS_LISTED),
        colours=facet("colour"),
        seasons=facet("season"),
        usages=facet("usage"),
        prices=prices,
        sizes=_size_values(filters=filters, counts=counters["size"]),
        ratings=[
            FacetValue(key, rating_label(key), counters["rating"][key], key in filters.rating)
            for key in RATING_FLOORS
            if counters["rating"][key] or key in filters.rating
        ],
        total=total,
        matched=matched,
    )


def _type_twins() -> dict[int, tuple[int, ...]]:
    """Article type id -> every id of the same name. The dataset files some types under two
    subcategories (Backpacks under Bags and under Free Gifts): one type to a shopper, so the
    facet lists it once (under its smallest id) and picking it picks every node of the name."""
    version = catalog_table().version  # a listing saved or imported (a new type's first product) bumps it
    if _twins_kept.get("version") != version:
        by_name: dict[str, list[int]] = {}
        for type_id, row in taxonomy_rows()["article_type_id"].items():
            by_name.setdefault(" ".join(row[0].split()).casefold(), []).append(type_id)
        twins = {i: tuple(sorted(ids)) for ids in by_name.values() for i in ids}
        _twins_kept.update(version=version, twins=twins)
    return _twins_kept["twins"]


_twins_kept: dict[str, object] = {}


def _size_values(*, filters: CatalogFilters, counts: Counter) -> list[FacetValue]:
    """The size facet in size-chart order (XS before S...), as the price ranges are in theirs."""
    table = catalog_table()
    listed = [size for size in table.values["size"] if counts[size] or size in filters.size]
    lost = [size for size in filters.size if size not in listed]  # picked, no longer in stock
    return [FacetValue(size, size, counts[size], size in filters.size) for size in [*listed, *lost]]


def rating_label(key: str) -> str:
    return f"{key}★ and up"


def _price_label(key: str) -> str:
    low, below = PRICE_RANGES[key]
    if low is None:
        return f"Under {rupees(below)}"
    if below is None:
        return f"{rupees(low)} and above"
    return f"{rupees(low)} – {rupees(below - 1)}"


def catalog_counts() -> dict[str, Counter]:
    """Every facet's counts over the whole listed catalog, keyed by query parameter."""
    table = catalog_table()
    rows = np.arange(len(table))
    return {param: table.counts(param, rows) for param in FACET_COLUMNS}


def _not_departments(counters) -> dict[str, set[int]]:
    """The taxonomy nodes under a master category that is no department ("Free Items": gifts
    and vouchers that come with an order), by query parameter: not offered as filters (a
    picked one is still listed, so that it can be removed)."""
    params_of = {column: param for param, column in FACET_COLUMNS.items()}
    rows = taxonomy_rows(needed={column: list(counters[params_of[column]]) for column in TAXONOMY_TABLES})
    masters = {i for i, row in rows["master_category_id"].items() if not is_department(master=row[0])}
    subs = {i for i, row in rows["sub_category_id"].items() if row[1] in masters}
    types = {i for i, row in rows["article_type_id"].items() if row[1] in subs}
    return {"master": masters, "sub": subs, "type": types}


def _taxonomy_names(counters) -> dict[str, dict[int, str]]:
    """Names for the taxonomy ids in the facet counts (keyed by query parameter)."""
    params_of = {column: param for param, column in FACET_COLUMNS.items()}
    rows = taxonomy_rows(needed={column: list(counters[params_of[column]]) for column in TAXONOMY_TABLES})
    return {column: {i: row[0] for i, row in by_id.items()} for column, by_id in rows.items()}
