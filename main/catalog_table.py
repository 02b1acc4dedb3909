"""The listed catalog's filter columns in memory: what listings filter, count and order by.

A catalog page or a search narrows ~40k products by up to nine facets, counts every facet's
values (one count per picked facet, for the multi-select rule) and orders the result. In SQL
that is a grouped query per facet over the matched rows (PostgreSQL: 10-40 ms of its CPU a
page); over numpy columns it is well under a millisecond. The database still finds a query's
words (its full-text index, :mod:`search.fulltext`) and fetches the products a page shows.

The table is read once per process (one query) and read again when the catalog changed: a
saved or deleted ``Product`` and a catalog import call :func:`catalog_changed`, which bumps a
token in the shared cache that every process compares with its own. A write that bypasses
both (a queryset ``update`` of a listing column) shows within :data:`TABLE_SECONDS`: so do
the ratings reviews keep on products (``main.services.product_rating_set``), on purpose. Stock
is not a column here: a page's products are fetched from the database with their stock.
"""

from __future__ import annotations

import threading
import time
import uuid
from collections import Counter
from dataclasses import dataclass, field
from functools import cached_property

import numpy as np
import pandas as pd
from django.core.cache import cache
from django.db import transaction

from core.pages import FACETS_SECONDS
from ml.catalog.brands import brand_key

from .sizes import APPAREL, FOOTWEAR, KIDS_APPAREL, KIDS_FOOTWEAR, ONE_SIZE

# The multi-valued filters: query parameter -> the Product column it filters and facets count.
# Several values of one facet mean any of them; different facets must all hold.
FACET_COLUMNS = {
    "gender": "gender_id",
    "master": "master_category_id",
    "sub": "sub_category_id",
    "type": "article_type_id",
    "brand": "brand",
    "colour": "base_colour",
    "season": "season",
    "usage": "usage",
    "price": "price_range",  # computed from the price: see PRICE_RANGES
    "size": "sizes_in_stock",  # a product's sizes with stock (ProductSize rows): see SIZE_ORDER
    "rating": "rating_average",  # "4★ and up": see RATING_FLOORS
}
# The size facet's values, in the order size charts read (smallest first, adults' then
# kids'); a product has several, so the table holds a (size x row) mask rather than a code.
# "One size" narrows nothing and is not offered.
SIZE_ORDER = (*APPAREL, *KIDS_APPAREL, *FOOTWEAR, *KIDS_FOOTWEAR)
# The price ranges a shopper picks from (the price facet), in rupees: key -> (from, below).
PRICE_RANGES = {
    "0-500": (None, 500),
    "500-1000": (500, 1000),
    "1000-1500": (1000, 1500),
    "1500-2000": (1500, 2000),
    "2000-": (2000, None),
}
# The rating facet's values: key -> the lowest average rating (of the visible reviews,
# ``Product.rating_average``) it keeps. A product is in every floor it reaches, so picking two
# means the lower one; products without a review are in none.
RATING_FLOORS = {"4": 4.0, "3": 3.0}
# Attribute values that mean "not known" in the dataset (styles.csv writes "NA"): stored as
# imported, but never offered as a filter.
MISSING_VALUES = frozenset({None, "", "NA"})
# The orders a listing offers, as the database would sort (ties broken by id). A search's
# "relevance" is its points first, then "newest" (see search.query).
SORTS = {
    "relevance": ("-relevance", "-created_at", "-id"),
    "newest": ("-created_at", "-id"),
    "price_asc": ("price", "id"),
    "price_desc": ("-price", "id"),
    "name": ("name", "id"),
    "rating": ("-rating_average", "-rating_count", "id"),  # unrated products last
}
TABLE_SECONDS = FACETS_SECONDS  # the longest a process trusts its table without a token change
VERSION_KEY = "catalog-table-version"
SHOWN_KEY = "catalog-stock-shown-version"  # bumped when a product sells out or comes back
MISSING = -1  # the code of a missing value
BITS_PER_WORD = 64  # a multi-valued facet's mask is counted as packed 64-bit words
# From this many rows the packed count is the faster (sizes, 30 values: 22 µs gathered, 28 µs
# packed at 400 rows; 40 and 28 µs at 800; ratings, 2 values, cross at ~400).
PACKED_FROM_ROWS = 500

_COMPUTED = ("price", "size", "rating")  # price ranges from the price, sizes from ProductSize
_STORED = [param for param in FACET_COLUMNS if param not in _COMPUTED]  # read as stored


@dataclass(frozen=True)
class CatalogTable:
    """One row per listed product, rows in id order.

    ``codes[param]`` is each row's value of a facet as an index into ``values[param]``
    (:data:`MISSING` where the value means "not known"); ``order[sort]`` lists the rows in that
    sort's order, and ``newest_rank`` is each row's place in the "newest" order (a search's
    tie-break)."""

    ids: np.ndarray
    price: np.ndarray
    codes: dict[str, np.ndarray]
    values: dict[str, list]
    order: dict[str, np.ndarray]
    newest_rank: np.ndarray
    brand_codes: dict[str, list[int]]  # brand_key -> the codes of its spellings
    version: str
    # Multi-valued facets: param -> a (value x row) mask, values as in ``values[param]``.
    masks: dict[str, np.ndarray] = field(default_factory=dict)

    def __len__(self) -> int:
        return len(self.ids)

    def rows_of(self, ids) -> np.ndarray:
        """The rows of the listed products among ``ids``, in the order given."""
        ids = np.asarray(ids, dtype=np.int64)
        if not len(ids) or not len(self.ids):
            return np.zeros(0, dtype=np.int64)
        rows = np.searchsorted(self.ids, ids).clip(0, len(self.ids) - 1)
        return rows[self.ids[rows] == ids]

    def has_ids(self, ids) -> np.ndarray:
        """A row mask: True for the rows of ``ids``."""
        mask = np.zeros(len(self.ids), dtype=bool)
        mask[self.rows_of(ids)] = True
        return mask

    @cached_property
    def _positions(self) -> dict[str, dict]:
        """Each facet's value -> its code, built once per table (a search asks ~8 times a page)."""
        return {param: {value: code for code, value in enumerate(values)}
                for param, values in self.values.items()}

    def any_of(self, param: str, chosen) -> np.ndarray:
        """A row mask: the rows whose ``param`` is any of the ``chosen`` values."""
        position = self._positions[param]
        wanted = [position[value] for value in chosen if value in position]
        if param in self.masks:
            return self.masks[param][wanted].any(axis=0)
        return self._of_codes(param, wanted)

    def _of_codes(self, param: str, wanted: list[int]) -> np.ndarray:
        """A row mask of the rows whose ``param`` code is one of ``wanted``: one comparison, or
        one gather from a per-code lookup (its last entry is MISSING's, False). ``np.isin``
        compared the column once per code: 380 µs for 3 codes of the 40k rows, this 35 µs."""
        if not wanted:
            return np.zeros(len(self.ids), dtype=bool)
        if len(wanted) == 1:
            return self.codes[param] == wanted[0]
        lookup = np.zeros(len(self.values[param]) + 1, dtype=bool)
        lookup[np.asarray(wanted, dtype=np.intp)] = True
        return np.take(lookup, self.codes[param])

    def counts(self, param: str, rows: np.ndarray) -> Counter:
        """How many of ``rows`` have each value of ``param`` (values present only; missing left out)."""
        if param in self.masks:
            tally = self._mask_counts(param, rows)
            return Counter({value: int(n) for value, n in zip(self.values[param], tally, strict=True) if n})
        # Every row (a listing of the whole catalog), in any order: no need to gather them.
        codes = self.codes[param] if len(rows) == len(self.ids) else self.codes[param][rows]
        # Shifted by one, MISSING (-1) is the first bin: dropped, rather than filtered out first.
        tally = np.bincount(codes + 1, minlength=len(self.values[param]) + 1)[1:]
        return Counter({self.values[param][code]: int(tally[code]) for code in np.flatnonzero(tally)})

    @cached_property
    def _packed_masks(self) -> dict[str, np.ndarray]:
        """The multi-valued facets' masks as bits, 64 rows a word (rows padded with False)."""
        padded = len(self.ids) + (-len(self.ids)) % BITS_PER_WORD
        return {
            param: np.packbits(np.pad(mask, ((0, 0), (0, padded - mask.shape[1]))), axis=1).view(np.uint64)
            for param, mask in self.masks.items()
        }

    def _mask_counts(self, param: str, rows: np.ndarray) -> np.ndarray:
        """How many of ``rows`` each value's mask holds: the rows as bits, ANDed with each packed
        mask and the bits counted. Gathering the (size x rows) block and summing it cost a
        catalog page 1.3-2.2 ms for the sizes (20-40k rows), this ~0.08 ms; a few rows are
        still gathered."""
        if len(rows) < PACKED_FROM_ROWS:
            return self.masks[param][:, rows].sum(axis=1)
        packed = self._packed_masks[param]
        chosen = np.zeros(packed.shape[1] * BITS_PER_WORD, dtype=bool)
        chosen[rows] = True
        if np.count_nonzero(chosen) != len(rows):  # a row given twice counts twice
            return self.masks[param][:, rows].sum(axis=1)
        return np.bitwise_count(packed & np.packbits(chosen).view(np.uint64)).sum(axis=1)

    def of_brand(self, brand: str, spellings: tuple[str, ...] = ()) -> np.ndarray:
        """A row mask: the rows of ``brand``, however its names spell it, and of its lines (a
        stored brand that is one of ``spellings`` and more words: "Jockey ELANCE" for Jockey)."""
        codes = list(self.brand_codes.get(brand_key(brand), []))
        starts = tuple(spelling.casefold() + " " for spelling in spellings)
        if starts:
            stored = enumerate(self.values["brand"])
            codes += [code for code, spelling in stored if spelling.casefold().startswith(starts)]
        return self._of_codes("brand", codes)


def catalog_changed() -> None:
    """Every process reads the table again before its next listing (a product was saved,
    deleted, imported), and every cached page is drawn afresh.

    Bumped now (so that this process sees its own write), and once more when the transaction
    commits: a page drawn meanwhile by another process, from the rows as they were before the
    commit, is then cached under a version nobody asks for again."""
    _bump(VERSION_KEY)


def stock_shown_changed() -> None:
    """A product sold out or came back (a tile's "Out of stock"): cached pages are drawn afresh,
    but the table, which holds no stock, is kept (a checkout's take is not a catalog change).
    Bumped now and at commit, as :func:`catalog_changed`."""
    _bump(SHOWN_KEY)


def _bump(key: str) -> None:
    cache.set(key, uuid.uuid4().hex, None)
    transaction.on_commit(lambda: cache.set(key, uuid.uuid4().hex, None))
    versions_forget()  # this request sees its own write
    transaction.on_commit(versions_forget)


def catalog_version() -> str:
    """The catalog's version alone (names, prices, listings; not who sold out): the key part of
    what shows only products in stock when it is drawn (carousels) or reads its own stock."""
    return _versions()[VERSION_KEY]


def shown_version() -> str:
    """The version of what catalog pages show: the catalog's and its sold-out products' (one
    read of the shared cache). Part of the keys of cached pages and carousels."""
    versions = _versions()
    return f"{versions[VERSION_KEY]}.{versions[SHOWN_KEY]}"


# The versions as a request read them first: a page asked for them three to six times (its
# key, the table, the tiles), each a round trip to the shared cache. Kept only between
# request_started and request_finished (see versions_in_request): a job or a command, which
# has no end of request, reads them afresh each time.
_request = threading.local()


def _versions() -> dict[str, str]:
    held = getattr(_request, "versions", None)
    if held is not None:
        return held
    versions = cache.get_many([VERSION_KEY, SHOWN_KEY])
    versions = {key: versions.get(key) or _version_made(key) for key in (VERSION_KEY, SHOWN_KEY)}
    if getattr(_request, "open", False):
        _request.versions = versions
    return versions


def versions_in_request(*, started: bool) -> None:
    """A request started (its first read of the versions is kept for it) or finished."""
    _request.open = started
    _request.versions = None


def versions_forget() -> None:
    """Read the versions afresh at their next use (this process changed one)."""
    _request.versions = None


def _version_made(key: str) -> str:
    """A version for ``key`` when the shared cache has none (started or cleared): a new one, so
    that nothing a process kept from before is taken for current; the first process to add it
    decides."""
    made = uuid.uuid4().hex
    cache.add(key, made, None)
    return cache.get(key) or made


_held: dict[str, object] = {}  # "table", "built": this process's table and when it was read
_building = threading.Lock()


def catalog_table() -> CatalogTable:
    """This process's table, read again if the catalog changed (or it is older than
    :data:`TABLE_SECONDS`)."""
    version = catalog_version()
    if not _trusted(version):
        with _building:
            if not _trusted(version):  # another thread may have read it meanwhile
                _held.update(table=build_table(version=version), built=time.monotonic())
    return _held["table"]


def _trusted(version: str) -> bool:
    table = _held.get("table")
    if table is None or table.version != version:
        return False
    return time.monotonic() - _held["built"] < TABLE_SECONDS


def clear_caches_but_the_table(aliases=("default", "local")) -> None:
    """Clear the caches a page fills (for a benchmark of first visits): the catalog table is
    kept, as it is between requests until the catalog changes."""
    from django.core.cache import caches

    version = cache.get(VERSION_KEY)
    for alias in aliases:
        caches[alias].clear()
    if version is not None:
        cache.set(VERSION_KEY, version, None)


def build_table(*, version: str) -> CatalogTable:
    """The listed products' columns, in one query ordered by name (the database's collation
    decides the "name" sort), and their ids newest first in another: the database orders by
    creation time, so that no timestamp is read (40k of them were half of a build's CPU)."""
    from .models import Product

    listed = Product.objects.filter(is_active=True)
    rows = listed.order_by("name", "id").values_list(
        "id", "price", "rating_average", "rating_count", *(FACET_COLUMNS[param] for param in _STORED))
    newest = listed.order_by("-created_at", "-id").values_list("id", flat=True)
    newest_ids = np.fromiter(newest, dtype=np.int64)
    columns = ["id", "price", "rating_average", "rating_count", *_STORED]
    frame = pd.DataFrame.from_records(list(rows), columns=columns)
    frame["by_name"] = np.arange(len(frame))
    frame = frame.sort_values("id", kind="stable").reset_index(drop=True)
    ids = frame["id"].to_numpy(dtype=np.int64)
    price = frame["price"].astype(float).to_numpy()
    rating = frame["rating_average"].astype(float).fillna(0.0).to_numpy()  # 0: no review
    rating_count = frame["rating_count"].to_numpy(dtype=np.int64)
    frame["price"] = pd.Series(_price_keys(price), dtype=object)
    codes, values = {}, {}
    for param in (*_STORED, "price"):
        column = frame[param].astype(object)
        present = column.where(~column.isin(list(MISSING_VALUES - {None})) & column.notna())
        code, uniques = pd.factorize(present, sort=param != "price")
        kept = list(uniques)
        if param == "price":  # in the ranges' order, not alphabetical
            kept = [key for key in PRICE_RANGES if key in set(kept)]
            position = {key: i for i, key in enumerate(kept)}
            remap = np.array([position[key] for key in uniques] + [MISSING])
            code = remap[code]  # factorize writes -1 for missing: the last entry
        codes[param] = code.astype(np.int32)
        values[param] = [v.item() if isinstance(v, np.generic) else v for v in kept]
    n = len(ids)
    name_order = np.empty(n, dtype=np.int64)
    name_order[frame["by_name"].to_numpy()] = np.arange(n)
    order = {
        "newest": _rows_in_order(ids, newest_ids),
        "price_asc": np.lexsort((ids, price)),
        "price_desc": np.lexsort((ids, -price)),
        "name": name_order,
        "rating": np.lexsort((ids, -rating_count, -rating)),
    }
    newest_rank = np.empty(n, dtype=np.int64)
    newest_rank[order["newest"]] = np.arange(n)
    brand_codes: dict[str, list[int]] = {}
    for code, brand in enumerate(values["brand"]):
        brand_codes.setdefault(brand_key(brand), []).append(code)
    values["size"], size_mask = _sizes_in_stock(ids)
    values["rating"] = list(RATING_FLOORS)
    rating_mask = np.array([rating >= floor for floor in RATING_FLOORS.values()], dtype=bool).reshape(
        len(RATING_FLOORS), n)
    return CatalogTable(ids=ids, price=price, codes=codes, values=values, order=order,
                        newest_rank=newest_rank, brand_codes=brand_codes, version=version,
                        masks={"size": size_mask, "rating": rating_mask})


def _rows_in_order(ids: np.ndarray, ordered_ids: np.ndarray) -> np.ndarray:
    """The rows of ``ids`` (sorted) in the order of ``ordered_ids``, read by another query: a
    product listed or unlisted between the two reads is left out of it, or put last."""
    rows = np.searchsorted(ids, ordered_ids).clip(0, max(len(ids) - 1, 0))
    rows = rows[ids[rows] == ordered_ids] if len(ids) else rows[:0]
    seen = np.zeros(len(ids), dtype=bool)
    seen[rows] = True
    return np.concatenate([rows, np.flatnonzero(~seen)]).astype(np.int64)


def _sizes_in_stock(ids: np.ndarray) -> tuple[list[str], np.ndarray]:
    """The sizes some listed product has in stock (in :data:`SIZE_ORDER`, others after) and the
    (size x row) mask of who has which. Stock changes by checkout are seen when the table is
    next read (within :data:`TABLE_SECONDS`), as the cached facet counts are."""
    from .models import ProductSize

    pairs = ProductSize.objects.filter(stock__gt=0, product__is_active=True).exclude(label=ONE_SIZE)
    pairs = list(pairs.values_list("product_id", "label"))
    rank = {label: i for i, label in enumerate(SIZE_ORDER)}
    labels = sorted({label for _, label in pairs}, key=lambda label: (rank.get(label, len(rank)), label))
    mask = np.zeros((len(labels), len(ids)), dtype=bool)
    if pairs and len(ids):
        product_ids = np.array([product_id for product_id, _ in pairs], dtype=np.int64)
        position = {label: i for i, label in enumerate(labels)}
        label_rows = np.array([position[label] for _, label in pairs], dtype=np.int64)
        rows = np.searchsorted(ids, product_ids).clip(0, len(ids) - 1)
        listed = ids[rows] == product_ids
        mask[label_rows[listed], rows[listed]] = True
    return labels, mask


def _price_keys(price: np.ndarray) -> np.ndarray:
    """Each price's PRICE_RANGES key (the ranges are contiguous, each from included, below excluded)."""
    keys = list(PRICE_RANGES)
    bounds = [below for _low, below in PRICE_RANGES.values() if below is not None]
    return np.array(keys, dtype=object)[np.digitize(price, bounds)]
