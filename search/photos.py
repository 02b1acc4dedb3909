"""Search by photo: an upload -> the products that look most like it, as a catalog listing.

The photo model and the photo index are served by :mod:`serving.registry`; an upload is
checked by :func:`main.categorize.clean_photo` first. Without a trained photo model the page
and the API answer that search by photo is not available yet (503).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

import numpy as np
from django.core.cache import cache
from django.urls import reverse

from main.categorize import photo_refusals
from main.ml_fields import photo_catalog_frame
from main.selectors import SPARE, ProductSuggestion, suggested_products
from ml.catalog.schema import ID
from ml.photo.index import ARTIFACT_NAME as PHOTO_INDEX
from ml.photo.index import load_photo_index
from ml.photo.model import ARTIFACT_NAME as PHOTO_MODEL
from ml.recommend.ranking import Recommendation
from ml.store import ArtifactMissing
from serving.registry import loaded, require, store, version

# A photo search keeps this many nearest products: five catalog pages of 24, enough for its
# facets to narrow them, few enough that they all still look like the photo and that the
# catalog filters them by id in one query.
PHOTO_SEARCH_RESULTS = 120
# How long a photo search's results stay under their key (its catalog URL works that long).
PHOTO_SEARCH_SECONDS = 60 * 60
# A photo search's key: this many hex digits of the clean photo's hash (also a catalog filter).
PHOTO_KEY_LENGTH = 16
PHOTO_SEARCH_CACHE_PREFIX = "photo-search:"
PHOTO_PARAMETER = "photo"  # the catalog's query-string filter naming a photo search


def embed(images: list[bytes]):
    """(n, D) L2-normalised vectors of accepted photos; a photo the photo index already holds
    (by content hash) is not embedded again."""
    from ml.photo.images import content_hash

    model = require(loaded(PHOTO_MODEL), "photo model")
    index = loaded(PHOTO_INDEX)
    known = [index.vector_of_hash(content_hash(image)) if index is not None else None for image in images]
    missing = [i for i, vector in enumerate(known) if vector is None]
    if missing:
        with photo_refusals():
            fresh = model.embed([images[i] for i in missing])
        for i, vector in zip(missing, fresh, strict=True):
            known[i] = vector
    return np.vstack(known)


def analyse(image: bytes):
    """An accepted photo's vector (1, D) and what it is read as ({level: (names, (1, c))}),
    from one decode: the levels re-rank its neighbours (``PhotoIndex.nearest``)."""
    model = require(loaded(PHOTO_MODEL), "photo model")
    with photo_refusals():
        return model.analyse([image])


@dataclass(frozen=True)
class PhotoSearch:
    key: str
    ids: list[int]  # primary keys, closest first
    scores: list[float]


def photo_search(*, image: bytes, k: int = PHOTO_SEARCH_RESULTS) -> PhotoSearch:
    """The products closest to a clean photo, kept under a key for the catalog to filter by.

    The key is the photo's own hash: the same photo searched twice is one cache entry.
    """
    index = require(loaded(PHOTO_INDEX), "photo index")
    key = hashlib.sha256(image).hexdigest()[:PHOTO_KEY_LENGTH]
    cached = cache.get(PHOTO_SEARCH_CACHE_PREFIX + key)
    if cached is not None and cached[2] == version(PHOTO_INDEX):
        ids, scores, _ = cached
        return PhotoSearch(key, ids[:k], scores[:k])
    vectors, levels = analyse(image)
    found = index.nearest(vectors, k=k, exclude=set(), levels=levels)[0]
    ids, scores = [r.product_id for r in found], [round(float(r.score), 4) for r in found]
    cache.set(PHOTO_SEARCH_CACHE_PREFIX + key, (ids, scores, version(PHOTO_INDEX)), PHOTO_SEARCH_SECONDS)
    return PhotoSearch(key, ids, scores)


PHOTO_SEARCH_REASON = "Looks like your photo"


def search_suggestions(*, search: PhotoSearch, k: int) -> list[ProductSuggestion]:
    """The first ``k`` products of a photo search still for sale, closest first (one query)."""
    recommendations = [Recommendation(i, s, PHOTO_SEARCH_REASON)
                       for i, s in zip(search.ids, search.scores, strict=True)]
    return suggested_products(recommendations=recommendations[: k + SPARE])[:k]


def catalog_url(*, search: PhotoSearch) -> str:
    """The catalog page of a photo search (its facets narrow the photo's neighbours)."""
    return f"{reverse('search:catalog')}?{PHOTO_PARAMETER}={search.key}"


def photo_search_ids(*, key: str) -> list[int] | None:
    """The products of an earlier photo search, closest first; None when it has expired."""
    if not (len(key) == PHOTO_KEY_LENGTH and all(c in "0123456789abcdef" for c in key)):
        return None
    cached = cache.get(PHOTO_SEARCH_CACHE_PREFIX + key)
    return None if cached is None else list(cached[0])


def photo_index_add(*, product_ids: list[int]) -> dict:
    """Put these products' photos (a bulk upload's, just published) into the photo index, so
    that search by photo and "looks like this" find them before the next retrain.

    Only photos the index has not seen are embedded (by content hash); a no-op when every
    listed one is in already, so running it twice does no harm. Products not live (a draft, an
    unverified seller's) wait for the next full build, as the index holds live products only.
    The processes serving the index load the new version as the model registry says.
    """
    from ml.photo.train import rebuild_photo_index

    artifacts = store()
    try:
        current = load_photo_index(store=artifacts)
    except ArtifactMissing:
        return {"added": 0, "skipped": "no photo index yet: train_models --only photo builds it"}
    catalog = photo_catalog_frame()
    wanted = set(catalog.loc[catalog["photo"] != "", ID]) & set(product_ids)
    missing = sorted(int(i) for i in wanted if i not in current)
    if not missing:
        return {"added": 0, "photo_index": current.version}
    summary = rebuild_photo_index(catalog=catalog, store=artifacts)
    return {"added": len(missing), **summary}
