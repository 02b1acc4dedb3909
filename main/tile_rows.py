"""The rows product tiles show, kept in each process: a listing's or a carousel's tiles without
a query.

A product page drawn afresh shows ~30 tiles in its carousels, a listing 24. Fetching them was
one query and ~50 model instances a page: 1.3 ms of the ~7 ms of CPU a product page costs on a
miss, the most of anything on it. A product's tile is in many carousels and listings, so each
process keeps the rows it fetched (as tuples: a few hundred bytes each) and fetches only those
it has not seen.

The rows are kept for one shown version of the catalog (:func:`main.catalog_table.shown_version`:
a product saved, deleted or imported, a price or a seller's stock changed, a product sold out
or back), so that a tile never shows an old price or offers what sold out. What changes without
a version (a rating kept by a queryset update) shows within :data:`ROWS_SECONDS`, as in the
catalog table and the cached pages.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterable

from .catalog_table import TABLE_SECONDS, shown_version
from .models import Product

# What a product tile shows.
TILE_FIELDS = (
    "id", "dataset_id", "name", "brand", "price", "image", "stock", "rating_average", "rating_count"
)
# What a carousel compares with the product on the page to say what they share.
ATTRIBUTE_FIELDS = ("article_type_id", "sub_category_id", "base_colour", "usage")
# Both, in the model's order of fields: the order ``Model.from_db`` reads a row's values in.
FIELDS = tuple(
    f.attname for f in Product._meta.concrete_fields if f.attname in {*TILE_FIELDS, *ATTRIBUTE_FIELDS})
_ID, _STOCK = FIELDS.index("id"), FIELDS.index("stock")

ROWS_SECONDS = TABLE_SECONDS  # the longest a row is trusted without a version change
# Rows kept per process at most (~0.4 KB each): the whole catalog of 40k products fits; a
# bigger one keeps its most recently fetched rows.
MAX_ROWS = 50_000
_ABSENT = None  # an id that is not a listed product (unlisted or deleted since a model's build)
_UNSEEN = object()  # an id this process has not fetched yet

_rows: dict[int, tuple | None] = {}
_held: dict[str, object] = {"version": None, "since": 0.0}
_lock = threading.Lock()


def tile_products(ids: Iterable[int], *, in_stock_only: bool) -> dict[int, Product]:
    """The listed products among ``ids`` (those in stock only, if asked), by id, with the
    tile's and the carousel's fields; a query only for ids this process has not fetched since
    the catalog's shown version last changed."""
    rows = _current_rows()
    # Read into this call's own dict: another thread may empty the process's meanwhile.
    known = {i: rows.get(i, _UNSEEN) for i in dict.fromkeys(ids)}
    missing = [i for i, values in known.items() if values is _UNSEEN]
    if missing:
        listed = Product.objects.filter(pk__in=missing, is_active=True).values_list(*FIELDS)
        fetched = {values[_ID]: values for values in listed}
        known.update((i, fetched.get(i, _ABSENT)) for i in missing)
        with _lock:
            if len(rows) + len(missing) > MAX_ROWS:
                for old in list(rows)[: len(missing)]:
                    rows.pop(old, None)
            rows.update((i, known[i]) for i in missing)
    return {
        i: Product.from_db(Product.objects.db, FIELDS, values)
        for i, values in known.items()
        if values is not _ABSENT and (values[_STOCK] > 0 or not in_stock_only)
    }


def _current_rows() -> dict[int, tuple | None]:
    """This process's rows, emptied first if the catalog's shown version changed or they are
    older than :data:`ROWS_SECONDS`."""
    version = shown_version()
    if _held["version"] != version or time.monotonic() - _held["since"] > ROWS_SECONDS:
        with _lock:
            _rows.clear()
            _held.update(version=version, since=time.monotonic())
    return _rows


def forget() -> None:
    """Fetch every row afresh at its next use (tests)."""
    with _lock:
        _rows.clear()
        _held.update(version=None, since=0.0)
