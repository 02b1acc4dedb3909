"""Suggestions under the search box as the shopper types: categories, brands, products.

``suggestions(q=, limit=)`` is what the search box's endpoint (``/search/suggest``) calls.
Categories and brands match when every word typed starts a word of their name ("sport sh" →
Sports Shoes), a gender word picks the gender ("men sho" → Men · Casual Shoes). Products come
from the same reading: the first products of the first category row (or, without one, of the
first brand row); with neither, the products whose words every typed word starts ("black hee"),
in the search's best-match order. A half-typed word is never "corrected" into another word
("sungl" is sunglasses, not Singh); only when nothing at all starts with what was typed are the
suggestions those of the search's spelling correction ("jeen" → jeans, "hadbag" → handbags), as
the results page offers it ("did you mean").
"""

from __future__ import annotations

import hashlib
from urllib.parse import urlencode

from django.core.cache import cache
from django.urls import reverse

from core.pages import FACETS_SECONDS
from main.search_text import normalise_words
from main.selectors import products_by_ids, taxonomy_rows
from ml.catalog.brands import brand_key

from .listing import CatalogFilters, catalog_counts, ids_starting_words, search_ids
from .query import parse_query

CATEGORIES_SUGGESTED = 4  # at most, biggest first
BRANDS_SUGGESTED = 2
MIN_PRODUCTS_SUGGESTED = 3  # the products left room for, whatever else matched


def _starts_words(typed: list[str], name: str) -> bool:
    """Every typed word starts a word of ``name`` (the last one may be half typed)."""
    words = normalise_words(name)
    return bool(typed) and all(any(word.startswith(t) for word in words) for t in typed)


def suggestions(*, q: str, limit: int) -> list[dict]:
    """Up to ``limit`` suggestions for what was typed, as dicts: ``kind`` ("category",
    "brand" or "product"), ``label``, ``url``, and for products ``id`` (the dataset id, or
    None for a seller's listing) and ``image``. Cached per typed text like the facet counts."""
    typed = normalise_words(q)[:10]
    if not typed:
        return []
    key = "suggest:" + hashlib.sha1(f"{limit}:{' '.join(typed)}".encode()).hexdigest()
    found = cache.get(key)
    if found is None:
        found = _suggestions(typed=typed, q=q, limit=limit) or _corrected(typed=typed, q=q, limit=limit)
        cache.set(key, found, FACETS_SECONDS)
    return found


def _corrected(*, typed: list[str], q: str, limit: int) -> list[dict]:
    """The suggestions of the query as the search corrects its spelling; none if it is not
    corrected (or the search's reader is not trained yet)."""
    parsed = parse_query(q=q)
    corrected = parsed.corrected if parsed is not None else ""
    words = normalise_words(corrected)[:10]
    if not words or words == typed:
        return []
    return _suggestions(typed=words, q=corrected, limit=limit)


def _suggestions(*, typed: list[str], q: str, limit: int) -> list[dict]:
    catalog = reverse("search:catalog")
    counters = catalog_counts()
    rows = taxonomy_rows()
    genders = {gender_id: name for gender_id, (name,) in rows["gender_id"].items()}
    gender = next((i for i, name in genders.items() if normalise_words(name)[0] in typed), None)
    rest = [word for word in typed if gender is None or word != normalise_words(genders[gender])[0]]

    categories, names_seen = [], set()
    for param, column in (("type", "article_type_id"), ("sub", "sub_category_id")):
        for node, n in counters[param].most_common():
            name = rows[column][node][0]
            if name not in names_seen and _starts_words(rest, name):
                names_seen.add(name)
                label = f"{genders[gender]} · {name}" if gender else name
                url = f"{catalog}?{f'gender={gender}&' if gender else ''}{param}={node}"
                narrowed = {param: (node,), **({"gender": (gender,)} if gender else {})}
                categories.append((n, {"kind": "category", "label": label, "url": url}, narrowed))
    categories.sort(key=lambda found: -found[0])
    categories = categories[:CATEGORIES_SUGGESTED]

    typed_key = "".join(typed)  # as brand_key joins a brand's words: "us polo" -> U.S. Polo Assn.
    brands = [
        {"kind": "brand", "label": brand, "url": f"{catalog}?{urlencode({'brand': brand})}"}
        for brand, _ in counters["brand"].most_common()
        if brand_key(brand).startswith(typed_key) or _starts_words(typed, brand)
    ][:BRANDS_SUGGESTED]

    room = max(limit - len(categories) - len(brands), MIN_PRODUCTS_SUGGESTED)
    if categories:  # the products of the first category row: what its link lists first
        ids = search_ids(filters=CatalogFilters(**categories[0][2]))[:room]
    elif brands:
        ids = search_ids(filters=CatalogFilters(brand=(brands[0]["label"],)))[:room]
    else:
        ids = ids_starting_words(q=q, limit=room)
    products = [
        {
            "kind": "product",
            "label": product.name,
            "url": product.get_absolute_url(),
            "id": product.dataset_id,
            "image": product.image.url if product.image else "",
        }
        for product in products_by_ids(ids=ids, in_stock_only=False)
    ]
    return ([item for _n, item, _narrowed in categories] + brands + products)[:limit]
