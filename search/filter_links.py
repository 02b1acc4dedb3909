"""Links of a catalog listing's filters: each facet value toggled, the chips of what is
picked, "clear all". Built from the filters as the form read them, so a value that did not
parse is not carried into the links."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from urllib.parse import quote_plus, urlencode

from main.catalog_table import FACET_COLUMNS
from main.money import rupees

from .listing import CatalogFilters, Facets

# Parameters a link keeps besides the facets: the search (by words or by photo), the price
# typed in, the order.
KEPT = ("q", "photo", "min_price", "max_price", "sort")
PRICE_TYPED = ("min_price", "max_price")


@dataclass
class Chip:
    """A picked filter, shown above the results with a link that removes it."""

    title: str
    label: str
    url: str


def filter_pairs(filters: CatalogFilters, *, without: Collection[str] = ()) -> list[tuple[str, str]]:
    """The query string's parameters for ``filters``, less those named in ``without``."""
    default_sort = "relevance" if filters.q or filters.photo else "newest"
    pairs = []
    for name in (*KEPT, *FACET_COLUMNS):
        if name in without or (name == "sort" and filters.sort == default_sort):
            continue
        value = getattr(filters, name)
        if isinstance(value, tuple):
            pairs += [(name, str(v)) for v in value]
        elif value not in (None, ""):
            pairs.append((name, str(value)))
    return pairs


def listing_query(filters: CatalogFilters) -> str:
    """The listing's query string without its page number (what the page links add it to)."""
    return urlencode(filter_pairs(filters))


def _url(pairs: list[tuple[str, str]]) -> str:
    return "?" + urlencode(pairs)


def facet_links(*, facets: Facets, filters: CatalogFilters) -> tuple[list[Chip], str]:
    """Set every facet value's ``url`` (the listing with it added or removed) and return the
    chips of the picked values and the "clear all" link (which keeps the search and the order)."""
    chips = []
    for facet in facets.groups:
        # A search's panel has hundreds of values: the other parameters are encoded once per
        # facet and each value once, and a value's link joins them as urlencode would
        # (urlencode per value was a sixth of a catalog page's CPU).
        base = urlencode(filter_pairs(filters, without=(facet.param,)))
        name = quote_plus(facet.param)
        picked = {str(v): f"{name}={quote_plus(str(v))}" for v in getattr(filters, facet.param)}
        for value in facet.values:
            own = str(value.value)
            if value.selected:
                toggled = [part for v, part in picked.items() if v != own]
            else:
                toggled = [*picked.values(), f"{name}={quote_plus(own)}"]
            value.url = "?" + "&".join(part for part in (base, *toggled) if part)
            if value.selected:
                chips.append(Chip(facet.title, value.label, value.url))
    if filters.min_price is not None or filters.max_price is not None:
        low = rupees(filters.min_price) if filters.min_price is not None else "…"
        high = rupees(filters.max_price) if filters.max_price is not None else "…"
        chips.append(Chip("Price", f"{low} – {high}", _url(filter_pairs(filters, without=PRICE_TYPED))))
    kept = [(name, value) for name, value in filter_pairs(filters) if name in ("q", "photo", "sort")]
    return chips, _url(kept)
